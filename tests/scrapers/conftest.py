"""Fixtures of the scraper tests: the fixture web server and the canary, on loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from ipaddress import ip_network

import pytest

from scrapers.fetch.policy import FetchPolicy
from tests.scrapers.faults import TEST_POLICY
from tests.scrapers.fixture_server import Canary, FixtureServer

#: The fixture server's address is let through the address guard; the canary's is not.
LOOPBACK_POLICY: FetchPolicy = replace(TEST_POLICY, allowed_networks=(ip_network("127.0.0.1/32"),))


@pytest.fixture
async def web() -> AsyncIterator[FixtureServer]:
    async with FixtureServer() as server:
        yield server


@pytest.fixture
async def canary() -> AsyncIterator[Canary]:
    async with Canary() as listener:
        yield listener
