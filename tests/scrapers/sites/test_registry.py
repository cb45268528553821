"""Site adapters are found by host; every other host gets the generic extraction."""

from __future__ import annotations

import pytest

from scrapers.extract.adapter import GENERIC
from scrapers.sites import aalto, ensimag
from scrapers.sites.registry import ADAPTERS, adapter_for


@pytest.mark.parametrize(
    ("host", "adapter"),
    [
        ("www.aalto.fi", aalto.ADAPTER),
        ("AALTO.FI.", aalto.ADAPTER),
        ("ensimag.grenoble-inp.fr", ensimag.ADAPTER),
        ("esisar.grenoble-inp.fr", GENERIC),
        ("127.0.0.1", GENERIC),
        (None, GENERIC),
    ],
)
def test_adapters_are_keyed_by_host(host: str | None, adapter: object) -> None:
    assert adapter_for(host) is adapter


def test_no_host_belongs_to_two_adapters_and_names_are_unique() -> None:
    hosts = [host for adapter in ADAPTERS for host in adapter.hosts]
    assert len(hosts) == len(set(hosts))
    assert len({adapter.name for adapter in ADAPTERS} | {GENERIC.name}) == len(ADAPTERS) + 1
