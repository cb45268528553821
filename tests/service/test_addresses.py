"""The address guard: public addresses pass, every internal one is refused, in every disguise."""

from __future__ import annotations

from ipaddress import ip_address, ip_network

import pytest

from service.addresses import AddressGuard, AddressRefusedError, refusal_reason


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("127.255.0.9", "loopback"),
        ("10.0.0.1", "private"),
        ("172.31.255.255", "private"),
        ("192.168.1.1", "private"),
        ("100.64.0.1", "shared address space (CGNAT)"),
        ("100.100.100.200", "shared address space (CGNAT)"),
        ("169.254.169.254", "link-local, where cloud metadata services live"),
        ("0.0.0.0", "this-network"),
        ("224.0.0.251", "multicast"),
        ("239.255.255.250", "multicast"),
        ("240.0.0.1", "reserved"),
        ("255.255.255.255", "reserved"),
        ("192.0.2.10", "documentation"),
        ("198.18.0.1", "benchmarking"),
        ("::1", "loopback"),
        ("::", "unspecified"),
        ("fe80::1", "link-local"),
        ("fd00:ec2::254", "unique local (private)"),
        ("ff02::1", "multicast"),
        ("2001:db8::1", "documentation"),
        ("::ffff:127.0.0.1", "loopback"),
        ("::ffff:169.254.169.254", "link-local, where cloud metadata services live"),
        ("::7f00:1", "IPv4-compatible form of 127.0.0.1, loopback"),
        (
            "64:ff9b::a9fe:a9fe",
            "NAT64 form of 169.254.169.254, link-local, where cloud metadata services live",
        ),
        ("2002:0a00:0001::1", "6to4 form of 10.0.0.1, private"),
        ("2001:0:4136:e378:8000:63bf:80ff:fffe", "Teredo client form of 127.0.0.1, loopback"),
        ("2001:0:0a00:0001:8000:63bf:3fff:fdd2", "Teredo server form of 10.0.0.1, private"),
    ],
)
def test_non_public_addresses_are_refused_with_their_reason(address: str, reason: str) -> None:
    assert refusal_reason(ip_address(address)) == reason
    with pytest.raises(AddressRefusedError):
        AddressGuard().check(ip_address(address))


@pytest.mark.parametrize(
    "address",
    [
        "8.8.8.8",
        "130.233.224.254",
        "2606:4700::1111",
        "2a00:1450:4007:80e::2003",
        "::ffff:8.8.8.8",
        "2002:0808:0808::1",
    ],
)
def test_public_addresses_pass(address: str) -> None:
    assert refusal_reason(ip_address(address)) is None
    assert AddressGuard().check(ip_address(address))


def test_an_ipv4_mapped_address_is_connected_to_as_ipv4() -> None:
    assert AddressGuard().check(ip_address("::ffff:8.8.8.8")) == ip_address("8.8.8.8")


def test_the_allowlist_lets_only_its_networks_through() -> None:
    guard = AddressGuard([ip_network("127.0.0.1/32")])
    assert guard.check(ip_address("127.0.0.1")) == ip_address("127.0.0.1")
    assert guard.check(ip_address("::ffff:127.0.0.1")) == ip_address("127.0.0.1")
    with pytest.raises(AddressRefusedError, match=r"127\.0\.0\.2 is not a public address"):
        guard.check(ip_address("127.0.0.2"))
    with pytest.raises(AddressRefusedError):
        guard.check(ip_address("::1"))


def test_one_bad_address_in_an_answer_refuses_the_whole_answer() -> None:
    guard = AddressGuard()
    with pytest.raises(AddressRefusedError, match=r"10\.0\.0\.5"):
        guard.check_all([ip_address("8.8.8.8"), ip_address("10.0.0.5")])
    answer = [ip_address("8.8.4.4"), ip_address("::ffff:8.8.8.8"), ip_address("8.8.8.8")]
    assert guard.check_all(answer) == (ip_address("8.8.4.4"), ip_address("8.8.8.8"))
