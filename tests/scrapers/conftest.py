"""Fixtures of the scraper tests: the fixture web server and the canary, on loopback."""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator
from dataclasses import replace
from ipaddress import ip_network

import pytest
import trustme

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


# TLS: a certificate authority made for the tests; fetchers given `client_context` trust it and
# nothing else.


@pytest.fixture(scope="session")
def authority() -> trustme.CA:
    return trustme.CA()


def server_context(authority: trustme.CA, *names: str) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert(*names).configure_cert(context)
    return context


def client_context(authority: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context()
    authority.configure_trust(context)
    return context
