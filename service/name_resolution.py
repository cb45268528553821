"""Host names to addresses: the system resolver, and the protocol a fake one follows.

Shared by the fetcher (``scrapers.fetch.resolve``, which pins what it resolves) and the admin
API, which resolves an FAQ URL's host when the import is asked for, so that a name pointing at a
private address is refused then and not only when the job fetches. Tests inject a fake resolver:
nothing here is called at import time.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Sequence
from ipaddress import ip_address
from typing import Protocol

from service.addresses import IPAddress


class ResolutionError(Exception):
    """The name does not resolve (NXDOMAIN, no address, resolver failure)."""


class Resolver(Protocol):
    """Turns a host name into the addresses it has."""

    async def __call__(self, host: str, port: int) -> Sequence[IPAddress]: ...


async def resolve_with_system(host: str, port: int) -> Sequence[IPAddress]:
    """The system resolver (``getaddrinfo``), TCP answers only, in the order given."""
    loop = asyncio.get_running_loop()
    try:
        answers = await loop.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
        )
    except socket.gaierror as exc:
        raise ResolutionError(f"{host} does not resolve: {exc.strerror}") from None
    except UnicodeError:
        raise ResolutionError(f"{host} is not a valid host name") from None
    addresses: list[IPAddress] = []
    for *_, sockaddr in answers:
        address = ip_address(sockaddr[0])
        if address not in addresses:
            addresses.append(address)
    return addresses
