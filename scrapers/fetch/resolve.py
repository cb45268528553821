"""Name resolution, checked once per host and run, and pinned for the connection.

:class:`AddressBook` asks the resolver once per host per run, checks every address of the answer
with the :class:`~service.addresses.AddressGuard`, and remembers the verdict. The transport
(:mod:`scrapers.fetch.transport`) dials only addresses pinned here, so a second DNS answer (DNS
rebinding) can never swap the validated address for another.

The resolver is injectable: production uses the system resolver (``getaddrinfo``,
:mod:`service.name_resolution`, shared with the admin API); tests and the
benchmark map fixture host names such as ``aalto.test`` to loopback with :class:`MappingResolver`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from ipaddress import ip_address

from scrapers.fetch.targets import Target
from service.addresses import AddressGuard, AddressRefusedError, IPAddress
from service.name_resolution import ResolutionError, Resolver, resolve_with_system

__all__ = ["AddressBook", "MappingResolver", "ResolutionError", "Resolver", "resolve_with_system"]


class MappingResolver:
    """A fixed table of host names to addresses (fixtures, benchmarks, ``curl --resolve``)."""

    def __init__(self, table: Mapping[str, Sequence[str]]) -> None:
        self._table = {
            host.lower(): [ip_address(a) for a in addresses] for host, addresses in table.items()
        }

    async def __call__(self, host: str, port: int) -> Sequence[IPAddress]:
        try:
            return self._table[host.lower()]
        except KeyError:
            raise ResolutionError(f"{host} does not resolve: no such host") from None


class AddressBook:
    """Validated addresses per host for one run, and the pins the transport dials."""

    def __init__(self, resolver: Resolver, guard: AddressGuard) -> None:
        self._resolver = resolver
        self._guard = guard
        self._verdicts: dict[str, tuple[IPAddress, ...] | Exception] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        #: (host, port) → the addresses the transport may connect to, in the resolver's order.
        self.pins: dict[tuple[str, int], tuple[IPAddress, ...]] = {}
        #: host → the ports pinned for it, for :meth:`forget`.
        self._ports: dict[str, set[int]] = {}

    async def _verdict(self, target: Target) -> tuple[IPAddress, ...] | Exception:
        if target.literal is not None:
            try:
                return (self._guard.check(target.literal),)
            except AddressRefusedError as exc:
                return exc
        lock = self._locks.setdefault(target.host, asyncio.Lock())
        async with lock:
            if target.host not in self._verdicts:
                try:
                    answer = await self._resolver(target.host, target.port)
                    if not answer:
                        raise ResolutionError(f"{target.host} has no address")
                    self._verdicts[target.host] = self._guard.check_all(answer)
                except (ResolutionError, AddressRefusedError) as exc:
                    self._verdicts[target.host] = exc
            return self._verdicts[target.host]

    async def pin(self, target: Target) -> tuple[IPAddress, ...]:
        """Resolve and check ``target``'s host, and pin its addresses for the transport.

        Raises :class:`ResolutionError` or :class:`AddressRefusedError`.
        """
        verdict = await self._verdict(target)
        if isinstance(verdict, Exception):
            raise verdict.with_traceback(None)
        self.pins[(target.host, target.port)] = verdict
        self._ports.setdefault(target.host, set()).add(target.port)
        return verdict

    @property
    def hosts_held(self) -> int:
        return len(self._verdicts) + len(self._locks) + len(self.pins)

    def forget(self, host: str) -> None:
        """Let go of ``host``'s verdict and pins (the run is done with it; it is asked again if
        it comes back)."""
        lock = self._locks.get(host)
        if lock is not None and lock.locked():
            return
        self._locks.pop(host, None)
        self._verdicts.pop(host, None)
        for port in self._ports.pop(host, ()):
            self.pins.pop((host, port), None)
