"""Two partner schools whose sites are on the loopback fixture server, and an FAQ page listing them.

The page is written for these tests in the format of the real page (a count after each item);
its links point at ``aalto.test`` and ``ensiie.test`` on the fixture server's port, which the
fetcher reaches through a :class:`~scrapers.fetch.MappingResolver`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scrapers.faq import import_faq
from scrapers.fetch import Fetcher, FetchPolicy, MappingResolver
from service.config import Settings
from tests.databases import TestDatabase
from tests.factories import make_sync_run
from tests.processes import CRAWLER_CONTACT
from tests.scrapers.conftest import LOOPBACK_POLICY
from tests.scrapers.faq.pages import RULES, faq_page
from tests.scrapers.faults import healthy_html
from tests.scrapers.fixture_server import FixtureServer

CONTACT = CRAWLER_CONTACT
SECRET = "whsec-schedule-test-0123456789"
AALTO, ENSIIE = "aalto-university", "ensiie"
RESOLVER = MappingResolver({host: ["127.0.0.1"] for host in ("aalto.test", "ensiie.test")})


def serve_partner_sites(web: FixtureServer) -> dict[str, str]:
    """Healthy pages for both schools; their URLs by school slug."""
    web.site("aalto.test").page("/en", healthy_html("Aalto"), etag='"a1"')
    web.site("ensiie.test").page("/venir/", healthy_html("ENSIIE"), etag='"e1"')
    return {AALTO: web.url("aalto.test", "/en"), ENSIIE: web.url("ensiie.test", "/venir/")}


def partner_page(urls: dict[str, str], *, aalto_places: int = 3) -> str:
    """The FAQ page listing both schools (Aalto with ``aalto_places`` exchange places)."""
    return faq_page(
        RULES,
        "## Mobilités en commun :\n\nEcoles et Chiffres de l'année 2020/2021 :\n\n"
        "* Finlande\n"
        f"    * [Aalto University, Finlande, Master of Science in Technology]({urls[AALTO]})"
        f" : {aalto_places} échanges\n\n"
        "* France\n"
        f"    * [ENSIIE, France]({urls[ENSIIE]}) : 2 échanges\n",
    )


def write_partner_page(directory: Path, urls: dict[str, str], **options: int) -> Path:
    path = directory / "mobilite_dd.md"
    path.write_text(partner_page(urls, **options), encoding="utf-8")
    return path


async def import_partners(sessions: async_sessionmaker[AsyncSession], urls: dict[str, str]) -> None:
    """The catalogue of the page, committed (as an earlier import would have left it)."""
    async with sessions() as session:
        await import_faq(session, partner_page(urls), source_label="partners.md")
        await session.commit()


def job_settings(db: TestDatabase, **overrides: object) -> Settings:
    """The test database's settings for the scheduler: a contact URL, no jitter, fast leases."""
    values: dict[str, object] = {
        "fetch": db.settings.fetch.model_copy(update={"contact_url": CONTACT}),
        "schedule_jitter_seconds": 0,
        "scheduler_poll_seconds": 10.0,
        "sync_lease_ttl": 30.0,
    }
    return db.settings.model_copy(update=values | overrides)


def loopback_fetcher(policy: FetchPolicy = LOOPBACK_POLICY) -> Fetcher:
    return Fetcher(policy, resolver=RESOLVER)


async def count(session: AsyncSession, model: type[object]) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def record_an_earlier_sync(sessions: async_sessionmaker[AsyncSession]) -> None:
    """A sync run finished before the test: the scheduler's first start is behind it.

    Without one, a scheduler syncs at start-up (decision 0054); tests about the cron times and
    the queue start from a database that has been synced before.
    """
    async with sessions() as session:
        await make_sync_run(session, finished_at=datetime(2026, 2, 23, 4, 30, tzinfo=UTC))
        await session.commit()
