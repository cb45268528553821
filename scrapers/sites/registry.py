"""The site adapters, keyed by host; any other host gets the generic extraction."""

from __future__ import annotations

from scrapers.extract import GENERIC, SiteAdapter
from scrapers.sites import aalto, ensimag

ADAPTERS: tuple[SiteAdapter, ...] = (aalto.ADAPTER, ensimag.ADAPTER)

_BY_HOST: dict[str, SiteAdapter] = {host: adapter for adapter in ADAPTERS for host in adapter.hosts}


def adapter_for(host: str | None) -> SiteAdapter:
    """The adapter for ``host`` (case- and trailing-dot-insensitive), or the generic one."""
    return _BY_HOST.get((host or "").lower().rstrip("."), GENERIC)
