"""Fixtures of the FAQ importer tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.scrapers.faq.http_server import Site, serve


@pytest.fixture
def site() -> Iterator[Site]:
    """An HTTP server on loopback; tests add their routes to ``site.routes``."""
    with serve(Site()) as running:
        yield running
