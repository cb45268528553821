"""A URL's host read as an address without DNS, and the admin API's early refusal of it."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv6Address

import pytest

from service.host_literals import literal_address, refuse_non_public_host

pytestmark = pytest.mark.reliability


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("127.0.0.1", IPv4Address("127.0.0.1")),
        ("2130706433", IPv4Address("127.0.0.1")),
        ("0x7f.1", IPv4Address("127.0.0.1")),
        ("0177.0.0.1", IPv4Address("127.0.0.1")),
        ("::ffff:127.0.0.2", IPv6Address("::ffff:127.0.0.2")),
        ("ensias.example", None),
    ],
)
def test_every_notation_of_an_address_is_read(host: str, address: object) -> None:
    assert literal_address(host) == address


@pytest.mark.parametrize(
    ("url", "refusal"),
    [
        ("http://127.0.0.1/faq.md", "127.0.0.1 is not a public address (loopback)"),
        ("http://2130706433/", "127.0.0.1 is not a public address (loopback)"),
        ("http://[::ffff:127.0.0.2]/", "127.0.0.2 is not a public address (loopback)"),
        ("http://10.1.2.3/", "10.1.2.3 is not a public address (private)"),
        ("http://[fe80::1%25eth0]/", "fe80::1%eth0 is not a public address (link-local)"),
        ("http://localhost:8000/", "localhost is a loopback name"),
        ("http://api.localhost/", "api.localhost is a loopback name"),
    ],
)
def test_non_public_hosts_are_refused(url: str, refusal: str) -> None:
    assert refuse_non_public_host(url) == f"{refusal}: give a public address"


def test_public_addresses_and_names_pass() -> None:
    assert refuse_non_public_host("https://ensias.example/faq/") is None
    assert refuse_non_public_host("http://8.8.8.8/") is None


def test_a_host_that_ends_in_a_number_but_is_no_address_is_refused() -> None:
    assert refuse_non_public_host("http://1.2.3.4.5/") == (
        "'1.2.3.4.5' ends in a number but has more than four parts"
    )
