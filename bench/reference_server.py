"""The benchmark's reference: one hand-written SQL statement building the full tree's JSON.

    .venv/bin/python -m bench.reference_server --dsn postgresql://… --port 8123

Issue 10's yardstick for "the full tree within 1.3x of one statement": a Starlette app on an
asyncpg pool whose POST /graphql answers, whatever the body, what our API answers to
``bench.postgraphile_bench.FULL_TREE`` (served partner schools by country, their programmes,
each programme's current offers at that school, their tracks), built by PostgreSQL in one
``json_build_object``/``json_agg`` statement and sent as the bytes it returned. It reads the
tables directly: the benchmark's catalogue has no admin overrides, so the served values are the
stored ones (the comparison in bench.postgraphile_bench checks the answers are the same).
"""

from __future__ import annotations

import argparse
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

_PARTNER = "s.country_code = c.code AND s.is_partner AND s.retired_at IS NULL"

FULL_TREE_SQL = f"""
SELECT json_build_object('data', json_build_object('countries',
  coalesce(json_agg(json_build_object('code', c.code, 'name', c.name_fr, 'schools', (
    SELECT coalesce(json_agg(json_build_object('slug', s.slug, 'name', s.name, 'programmes', (
      SELECT coalesce(json_agg(json_build_object('name', p.name, 'offers', (
        SELECT coalesce(json_agg(json_build_object(
            'kind', o.kind, 'places', o.places, 'academicYear', o.academic_year,
            'homeTracks', (
              SELECT coalesce(json_agg(json_build_object('code', t.home_track_code)
                                       ORDER BY t.home_track_code), '[]')
              FROM offer_home_track AS t WHERE t.offer_id = o.id))
          ORDER BY o.academic_year, o.id), '[]')
        FROM offer AS o
        WHERE o.school_id = s.id AND o.programme_id = p.id AND o.retired_at IS NULL))
        ORDER BY p.name), '[]')
      FROM school_programme AS sp JOIN programme AS p ON p.id = sp.programme_id
      WHERE sp.school_id = s.id))
      ORDER BY s.slug COLLATE "C"), '[]')
    FROM school AS s WHERE {_PARTNER}))
    ORDER BY c.code), '[]')))::text
FROM country AS c
WHERE EXISTS (SELECT FROM school AS s WHERE {_PARTNER})
"""


def build_app(dsn: str) -> Starlette:
    pool: asyncpg.Pool | None = None

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        nonlocal pool
        pool = await asyncpg.create_pool(dsn, min_size=2, max_size=8)
        try:
            yield
        finally:
            await pool.close()

    async def graphql(_request: Request) -> Response:
        assert pool is not None
        body: str = await pool.fetchval(FULL_TREE_SQL)
        return Response(body.encode(), media_type="application/json")

    return Starlette(routes=[Route("/graphql", graphql, methods=["POST"])], lifespan=lifespan)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dsn", required=True)
    parser.add_argument("--port", type=int, required=True)
    arguments = parser.parse_args()
    uvicorn.run(
        build_app(arguments.dsn), host="127.0.0.1", port=arguments.port, log_level="warning"
    )


if __name__ == "__main__":
    main()
