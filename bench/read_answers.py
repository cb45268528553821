"""A digest of the read path's answers over filters, orders and cursors, to compare two trees.

``create_app`` (cold: ``RESPONSE_CACHE_BYTES=0``) answers, from one database, each of
``bench.cold_reads``'s queries, then walks ``offersConnection`` and ``schools`` under every
filter and order below: three pages forward from the start (``first``/``after`` the previous
``endCursor``) and one back (``last``/``before`` the third's ``startCursor``), the envelope,
cursors and ``pageInfo`` included. It prints a SHA-256 of every answer's bytes per group and
over all; the same database read by two trees gives the same digests when they answer alike::

    .venv/bin/python -m bench.read_answers --sqlite /tmp/catalogue.db

The database is used as it is (``bench.postgraphile_bench.prepare`` loads one; retiring some
schools and offers, or moving some offers to another year, makes the walks cover more).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
from pathlib import Path
from typing import Any

import orjson

from bench.cold_reads import COLD_QUERY_NAMES, cold_bodies
from bench.graphql_instructions import asgi_request, start_lifespan
from service.config import Settings

_PAGE = "pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node "
_OFFERS = (
    "query Walk($filter: OfferFilter, $order: OfferOrder!, $first: Int, $after: String, "
    "$last: Int, $before: String) { offersConnection(filter: $filter, orderBy: $order, "
    "first: $first, after: $after, last: $last, before: $before) { totalCount "
    + _PAGE
    + "{ kind places academicYear school { slug name } programme { name } "
    "homeTracks { code } } } } }"
)
_SCHOOLS = (
    "query Walk($filter: SchoolFilter, $order: SchoolOrder!, $first: Int, $after: String, "
    "$last: Int, $before: String) { schools(filter: $filter, orderBy: $order, first: $first, "
    "after: $after, last: $last, before: $before) { totalCount "
    + _PAGE
    + "{ slug name city programmes { name offers { kind places academicYear } } } } } }"
)
_OFFER_FILTERS: list[dict[str, Any]] = [
    {},
    {"homeTrack": "ISEM"},
    {"homeTrack": "IEL", "kinds": ["EXCHANGE"]},
    {"academicYear": "2025/2026"},
    {"academicYear": "2024/2025"},
    {"kinds": ["DOUBLE_DEGREE", "EXCHANGE_OR_DOUBLE_DEGREE"]},
    {"hasPlaces": True},
    {"hasPlaces": False},
    {"includeRetired": True},
    {"includeRetired": True, "homeTrack": "ISEM"},
    {"countryCode": "FI"},
    {"countryCode": "FI", "includeRetired": True},
]
_SCHOOL_FILTERS: list[dict[str, Any]] = [
    {},
    {"countryCodes": ["FI"]},
    {"homeTrack": "ISEM"},
    {"offerKinds": ["EXCHANGE"]},
    {"partnersOnly": False, "includeRetired": True},
]
_WALKS = [
    ("offersConnection", _OFFERS, _OFFER_FILTERS, ("ACADEMIC_YEAR", "PLACES", "DEADLINE")),
    ("schools", _SCHOOLS, _SCHOOL_FILTERS, ("SLUG", "NAME", "COUNTRY")),
]


async def _answer(app: Any, body: dict[str, Any]) -> bytes:
    status, answer = await asgi_request(app, orjson.dumps(body))
    assert status == 200, answer[:300]
    assert b'"errors"' not in answer, answer[:300]
    return answer


async def _walk(app: Any, field: str, query: str, variables: dict[str, Any], digest: Any) -> None:
    """Three pages forward, one back; each answer into ``digest``."""
    after = None
    starts = []
    for _page in range(3):
        answer = await _answer(
            app, {"query": query, "variables": {**variables, "first": 7, "after": after}}
        )
        digest.update(answer)
        info = orjson.loads(answer)["data"][field]["pageInfo"]
        starts.append(info["startCursor"])
        after = info["endCursor"]
        if not info["hasNextPage"]:
            break
    if starts[-1] is not None:
        back = {**variables, "last": 5, "before": starts[-1]}
        digest.update(await _answer(app, {"query": query, "variables": back}))


async def _run(arguments: argparse.Namespace) -> None:
    from service.web.app import create_app

    os.environ["DATABASE_URL"] = arguments.database_url
    os.environ["RESPONSE_CACHE_BYTES"] = "0"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("GRAPHQL_COST_BUDGET", "100000000")
    # The server's request deadline applies: an answer past it (an error) stops the run
    # (decision 0420: the deadline order with a track filter took 25 s a page on PostgreSQL).
    app = create_app(Settings(_env_file=None))
    lifespan, inbox = await start_lifespan(app)
    overall = hashlib.sha256()
    for name in COLD_QUERY_NAMES:
        digest = hashlib.sha256()
        for body in cold_bodies(name):
            digest.update(await _answer(app, body))
        print(f"{name}: {digest.hexdigest()}", flush=True)
        overall.update(digest.digest())
    for field, query, filters, orders in _WALKS:
        digest = hashlib.sha256()
        for given in filters:
            for order in orders:
                await _walk(app, field, query, {"filter": given, "order": order}, digest)
        print(f"{field} walks: {digest.hexdigest()}", flush=True)
        overall.update(digest.digest())
    print(f"all: {overall.hexdigest()}", flush=True)
    await inbox.put({"type": "lifespan.shutdown"})
    await lifespan


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    backend = parser.add_mutually_exclusive_group(required=True)
    backend.add_argument("--sqlite", help="an SQLite file, loaded")
    backend.add_argument("--database-url", help="a loaded PostgreSQL database")
    arguments = parser.parse_args()
    if arguments.sqlite is not None:
        arguments.database_url = f"sqlite:///{Path(arguments.sqlite).resolve()}"
    asyncio.run(_run(arguments))


if __name__ == "__main__":
    main()
