"""From a URL to what the fetcher connects to: scheme, host, port, and an IP literal if any.

Only http and https are fetched. Host names that are IP addresses in disguise are recognised the
way browsers (the WHATWG URL standard) and ``inet_aton`` read them: ``2130706433``, ``0x7f.1``,
``0177.0.0.1`` and ``127.1`` all mean 127.0.0.1. Reading them here, instead of leaving them to the
system resolver, means the address guard judges the address the URL really names, whatever
notation it uses, and no DNS query is made for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Address, IPv6Address

import httpx

from scrapers.fetch.addresses import IPAddress

_DEFAULT_PORTS = {"http": 80, "https": 443}


class UnsupportedUrlError(ValueError):
    """Not an http(s) URL with a host; nothing is fetched."""


@dataclass(frozen=True, slots=True)
class Target:
    """Where one request goes."""

    scheme: str
    #: The host as the URL spells it (lower case, IDNA-encoded): the pooling, TLS and Host key.
    host: str
    port: int
    #: The address the host spells, when it is an IP literal in any notation.
    literal: IPAddress | None

    @property
    def origin(self) -> str:
        """``scheme://host:port``, the key of robots.txt rules."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}:{self.port}"


def _parse_ipv4_part(part: str) -> int | None:
    try:
        if part[:2] in ("0x", "0X"):
            return int(part[2:] or "0", 16)
        if len(part) > 1 and part.startswith("0"):
            return int(part[1:], 8)
        return int(part, 10) if part.isdigit() else None
    except ValueError:
        return None


def parse_ipv4_host(host: str) -> IPv4Address | None:
    """The IPv4 address a host name spells in any inet_aton notation, else None.

    Raises :class:`UnsupportedUrlError` for names that end in a number but are not a valid address
    (WHATWG: "ends in a number" means IPv4, and failing to parse it is an error).
    """
    parts = host.split(".")
    if parts and parts[-1] == "":
        parts.pop()
    if not parts:
        return None
    last = parts[-1]
    if not (last.isdigit() or (last[:2].lower() == "0x" and _parse_ipv4_part(last) is not None)):
        return None
    if len(parts) > 4:
        raise UnsupportedUrlError(f"{host!r} ends in a number but has more than four parts")
    numbers = [_parse_ipv4_part(part) for part in parts]
    if any(number is None for number in numbers):
        raise UnsupportedUrlError(f"{host!r} is neither a host name nor an IPv4 address")
    values = [number for number in numbers if number is not None]
    *head, tail = values
    if any(value > 255 for value in head) or tail >= 256 ** (5 - len(values)):
        raise UnsupportedUrlError(f"{host!r} is an IPv4 address out of range")
    total = tail
    for index, value in enumerate(head):
        total += value << (8 * (3 - index))
    return IPv4Address(total)


def parse_target(url: str | httpx.URL) -> Target:
    """The target of ``url``; raises :class:`UnsupportedUrlError` for anything but http(s)."""
    try:
        parsed = url if isinstance(url, httpx.URL) else httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise UnsupportedUrlError(f"not a valid URL: {exc}") from None
    scheme = parsed.scheme
    if scheme not in _DEFAULT_PORTS:
        raise UnsupportedUrlError(
            f"only http and https URLs are fetched, not {scheme or 'no scheme'}"
        )
    host = parsed.raw_host.decode("ascii").lower()
    if not host:
        raise UnsupportedUrlError("the URL has no host")
    if parsed.userinfo:
        raise UnsupportedUrlError("URLs with credentials are not fetched")
    port = parsed.port or _DEFAULT_PORTS[scheme]
    literal: IPAddress | None
    if ":" in host:
        # httpx keeps IPv6 zone ids percent-encoded ("fe80::1%25eth0"): never a public address.
        try:
            literal = IPv6Address(host.replace("%25", "%"))
        except ValueError:
            raise UnsupportedUrlError(f"{host!r} is not a valid IPv6 address") from None
    else:
        literal = parse_ipv4_host(host)
    return Target(scheme=scheme, host=host, port=port, literal=literal)
