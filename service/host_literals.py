"""The address a URL's host spells, read without DNS: IPv6 literals and IPv4 in any notation.

Host names that are IP addresses in disguise are recognised the way browsers (the WHATWG URL
standard) and ``inet_aton`` read them: ``2130706433``, ``0x7f.1``, ``0177.0.0.1`` and ``127.1`` all
mean 127.0.0.1. The fetcher (:mod:`scrapers.fetch.targets`) judges the address a URL really names
with it, and the admin API refuses a FAQ URL naming a non-public host before queueing it
(:func:`refuse_non_public_host`); names are resolved, and every hop judged, when the job fetches.
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv6Address
from urllib.parse import urlsplit

from service.addresses import IPAddress, normalize_address, refusal_reason


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

    Raises :class:`ValueError` for names that end in a number but are not a valid address
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
        raise ValueError(f"{host!r} ends in a number but has more than four parts")
    numbers = [_parse_ipv4_part(part) for part in parts]
    if any(number is None for number in numbers):
        raise ValueError(f"{host!r} is neither a host name nor an IPv4 address")
    values = [number for number in numbers if number is not None]
    *head, tail = values
    if any(value > 255 for value in head) or tail >= 256 ** (5 - len(values)):
        raise ValueError(f"{host!r} is an IPv4 address out of range")
    total = tail
    for index, value in enumerate(head):
        total += value << (8 * (3 - index))
    return IPv4Address(total)


def literal_address(host: str) -> IPAddress | None:
    """The address ``host`` (as in a URL, without brackets) spells, else None; raises
    :class:`ValueError` for an invalid literal."""
    if ":" in host:
        return IPv6Address(host.replace("%25", "%"))
    return parse_ipv4_host(host)


def refuse_non_public_host(url: str) -> str | None:
    """Why ``url`` (an http(s) URL) names a host that is not public, or None."""
    host = (urlsplit(url).hostname or "").rstrip(".")
    # Loopback by definition (RFC 6761), whatever a resolver says.
    if host == "localhost" or host.endswith(".localhost"):
        return f"{host} is a loopback name: give a public address"
    try:
        address = literal_address(host)
    except ValueError as exc:
        return str(exc)
    if address is None:
        return None
    reason = refusal_reason(address)
    if reason is None:
        return None
    return f"{normalize_address(address)} is not a public address ({reason}): give a public address"
