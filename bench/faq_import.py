"""Benchmark: import a synthetic FAQ page of N schools, then import it again (a no-op).

    .venv/bin/python bench/faq_import.py --schools 10000 [--postgres-server postgresql://…]

A fresh SQLite file in a temporary directory is used, or with ``--postgres-server`` a database
created on that server for the run (and dropped after it). The page comes
from ``bench.generate_catalogue`` (the later revision's shape, deterministic from ``--seed``).
Each import prints its wall time, this process's CPU time (``time.process_time``: the import's
own work, the database driver's threads included, the PostgreSQL server's not) and the load
average, since a loaded machine stretches the wall time but not the CPU time much.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import NullPool

from bench.generate_catalogue import generate_schools, render_faq
from scrapers.faq import import_faq, parse_page
from service.config import Settings
from service.db import migrate
from service.db.engine import create_engine, create_sessionmaker
from service.db.versioning import read_data_version


def listen_writes(engine: AsyncEngine, writes: Counter[str]) -> None:
    """Count the engine's INSERT, UPDATE and DELETE statements by table into ``writes``."""

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        words = statement.split(None, 3)
        verb = words[0].upper() if words else ""
        if verb in {"INSERT", "UPDATE", "DELETE"}:
            table = words[2] if verb != "UPDATE" else words[1]
            writes[f"{verb} {table.strip('(')}"] += 1

    writes.listener = count  # type: ignore[attr-defined]
    event.listen(engine.sync_engine, "before_cursor_execute", count)


@asynccontextmanager
async def bench_database(
    postgres_server: str | None, *, name: str | None = None
) -> AsyncIterator[Settings]:
    """Settings for a brand-new database, removed afterwards.

    With ``name`` (PostgreSQL only) the database of that name is used instead, created if it
    is missing and kept afterwards, so that several runs share one loaded catalogue.
    """
    if postgres_server is None:
        with tempfile.TemporaryDirectory() as directory:
            url = f"sqlite:///{Path(directory) / 'bench.sqlite3'}"
            yield Settings(database_url=url, _env_file=None)
        return
    server = Settings(database_url=postgres_server, _env_file=None)
    keep = name is not None
    name = name or f"mobility_bench_{os.getpid()}"
    admin = create_engine(server, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        exists = await connection.scalar(
            text("SELECT count(*) FROM pg_database WHERE datname = :name"), {"name": name}
        )
        if not exists:
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = server.database.set(database=name).render_as_string(hide_password=False)
        yield Settings(database_url=url, _env_file=None)
    finally:
        if not keep:
            async with admin.connect() as connection:
                await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


async def run(schools: int, seed: int, postgres_server: str | None) -> None:
    async with bench_database(postgres_server) as settings:
        engine = create_engine(settings)
        try:
            await migrate.upgrade(engine, settings)
            page = render_faq(generate_schools(schools, seed), seed)
            started = time.perf_counter()
            parse_page(page)
            print(f"page: {len(page) / 1e6:.1f} MB, parse {time.perf_counter() - started:.2f} s")
            for attempt in ("first import", "re-import"):
                writes: Counter[str] = Counter()
                listen_writes(engine, writes)
                started, cpu = time.perf_counter(), time.process_time()
                async with create_sessionmaker(engine)() as session:
                    before = await read_data_version(session)
                    report = await import_faq(session, page)
                    await session.commit()
                    moved = await read_data_version(session) - before
                elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
                event.remove(engine.sync_engine, "before_cursor_execute", writes.listener)  # type: ignore[attr-defined]
                plan = report.plan
                print(
                    f"{attempt}: {elapsed:.2f} s wall, {cpu:.2f} s CPU (load "
                    f"{os.getloadavg()[0]:.1f}), {report.counts.partners} partners, "
                    f"{report.counts.offers} offers; added: {len(plan.schools.added)} schools, "
                    f"{len(plan.offers.added)} offers, {len(plan.links.added)} links; "
                    f"write statements: {dict(writes) or 0}; data version moved {moved}"
                )
        finally:
            await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--postgres-server", default=None, help="postgresql://… (a server URL)")
    arguments = parser.parse_args()
    asyncio.run(run(arguments.schools, arguments.seed, arguments.postgres_server))


if __name__ == "__main__":
    main()
