"""Which IP addresses the fetcher may connect to: public ones only.

The partner websites are on the public internet; anything else a URL (or a redirect, or a DNS
answer) leads to is refused: loopback, private and shared (CGNAT) ranges, link-local (where cloud
metadata services live), multicast, documentation and reserved blocks. IPv6 forms that carry an
IPv4 address (IPv4-mapped, IPv4-compatible, NAT64, 6to4, Teredo) are judged by the address they
carry as well, so ``::ffff:127.0.0.1`` is loopback.

The table below is written out rather than taken from ``ipaddress.is_global``, whose answers
have changed between Python patch releases (multicast, for one, was "global" in 3.11).
"""

from __future__ import annotations

from collections.abc import Iterable
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_network

IPAddress = IPv4Address | IPv6Address
IPNetwork = IPv4Network | IPv6Network

#: IANA special-purpose and non-unicast IPv4 blocks, with why each is refused.
_BLOCKED_V4: tuple[tuple[IPv4Network, str], ...] = tuple(
    (IPv4Network(network), reason)
    for network, reason in (
        ("0.0.0.0/8", "this-network"),
        ("10.0.0.0/8", "private"),
        ("100.64.0.0/10", "shared address space (CGNAT)"),
        ("127.0.0.0/8", "loopback"),
        ("169.254.0.0/16", "link-local, where cloud metadata services live"),
        ("172.16.0.0/12", "private"),
        ("192.0.0.0/24", "IETF protocol assignments"),
        ("192.0.2.0/24", "documentation"),
        ("192.88.99.0/24", "6to4 relay anycast"),
        ("192.168.0.0/16", "private"),
        ("198.18.0.0/15", "benchmarking"),
        ("198.51.100.0/24", "documentation"),
        ("203.0.113.0/24", "documentation"),
        ("224.0.0.0/4", "multicast"),
        ("240.0.0.0/4", "reserved"),
    )
)

#: The same for IPv6. The embedding prefixes (::ffff:0:0/96 and friends) are handled apart.
_BLOCKED_V6: tuple[tuple[IPv6Network, str], ...] = tuple(
    (IPv6Network(network), reason)
    for network, reason in (
        ("::/128", "unspecified"),
        ("::1/128", "loopback"),
        ("64:ff9b:1::/48", "local-use NAT64"),
        ("100::/64", "discard-only"),
        ("2001:2::/48", "benchmarking"),
        ("2001:db8::/32", "documentation"),
        ("2001:10::/28", "ORCHID"),
        ("3fff::/20", "documentation"),
        ("5f00::/16", "segment routing"),
        ("fc00::/7", "unique local (private)"),
        ("fe80::/10", "link-local"),
        ("fec0::/10", "site-local"),
        ("ff00::/8", "multicast"),
    )
)

_IPV4_COMPATIBLE = IPv6Network("::/96")
_NAT64 = IPv6Network("64:ff9b::/96")


class AddressRefusedError(Exception):
    """The address is not public and not in the allowlist."""

    def __init__(self, address: IPAddress, reason: str) -> None:
        super().__init__(f"{address} is not a public address ({reason})")
        self.address = address
        self.reason = reason


def normalize_address(address: IPAddress) -> IPAddress:
    """An IPv4-mapped IPv6 address *is* its IPv4 address: connect to and judge that one."""
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _embedded_v4(address: IPv6Address) -> list[tuple[IPv4Address, str]]:
    """IPv4 addresses an IPv6 address carries, with the name of the form."""
    found: list[tuple[IPv4Address, str]] = []
    if address in _IPV4_COMPATIBLE:
        found.append((IPv4Address(int(address) & 0xFFFFFFFF), "IPv4-compatible"))
    if address in _NAT64:
        found.append((IPv4Address(int(address) & 0xFFFFFFFF), "NAT64"))
    if address.sixtofour is not None:
        found.append((address.sixtofour, "6to4"))
    if address.teredo is not None:
        server, client = address.teredo
        found.extend(((server, "Teredo server"), (client, "Teredo client")))
    return found


def refusal_reason(address: IPAddress) -> str | None:
    """Why ``address`` is not public, or None when it is."""
    address = normalize_address(address)
    if isinstance(address, IPv4Address):
        return next((reason for net, reason in _BLOCKED_V4 if address in net), None)
    for net, reason in _BLOCKED_V6:
        if address in net:
            return reason
    for embedded, form in _embedded_v4(address):
        inner = refusal_reason(embedded)
        if inner is not None:
            return f"{form} form of {embedded}, {inner}"
    return None


class AddressGuard:
    """Decides whether a resolved address may be connected to.

    ``allowed`` networks are let through although not public; it exists for tests on loopback
    and is empty by default.
    """

    def __init__(self, allowed: Iterable[IPNetwork] = ()) -> None:
        self._allowed = tuple(ip_network(net) for net in allowed)

    def _allowlisted(self, address: IPAddress) -> bool:
        return any(address.version == net.version and address in net for net in self._allowed)

    def check(self, address: IPAddress) -> IPAddress:
        """The address to connect to, or :class:`AddressRefusedError`."""
        address = normalize_address(address)
        if self._allowlisted(address):
            return address
        reason = refusal_reason(address)
        if reason is not None:
            raise AddressRefusedError(address, reason)
        return address

    def check_all(self, addresses: Iterable[IPAddress]) -> tuple[IPAddress, ...]:
        """Every address must pass (a name with one private answer is refused); returns them all.

        Refusing the whole answer, rather than picking a public address out of it, keeps a
        hostile name server from mixing one internal address into a set of public ones.
        """
        checked = tuple(dict.fromkeys(self.check(address) for address in addresses))
        if not checked:
            raise ValueError("no address to check")
        return checked
