"""From a URL to what the fetcher connects to: scheme, host, port, and an IP literal if any.

Only http and https are fetched. Host names that are IP addresses in disguise are recognised the
way browsers (the WHATWG URL standard) and ``inet_aton`` read them: ``2130706433``, ``0x7f.1``,
``0177.0.0.1`` and ``127.1`` all mean 127.0.0.1. Reading them here, instead of leaving them to the
system resolver, means the address guard judges the address the URL really names, whatever
notation it uses, and no DNS query is made for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv6Address

import httpx

from service.addresses import IPAddress
from service.host_literals import parse_ipv4_host

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
        try:
            literal = parse_ipv4_host(host)
        except ValueError as exc:
            raise UnsupportedUrlError(str(exc)) from None
    return Target(scheme=scheme, host=host, port=port, literal=literal)
