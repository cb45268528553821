"""The scheduler's FAQ import: its source, the seed rule, one transaction with its events."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from ipaddress import IPv4Network
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scrapers.faq import content_hash
from scrapers.schedule.import_job import SEED_KEPT, FaqImportJob
from scrapers.schedule.jobs import JobContext, QueuedRequest
from service.config import FetchSettings, Settings
from service.db.models import FaqRevision, JobKind, Offer, RunStatus, WebhookDelivery
from service.db.versioning import read_data_version
from tests.databases import TestDatabase
from tests.scrapers.faq.http_server import Response, Site, serve
from tests.scrapers.faq.pages import COMING_SOON
from tests.scrapers.schedule.fake_clock import FakeClock
from tests.scrapers.schedule.partners import (
    CONTACT,
    SECRET,
    count,
    job_settings,
    partner_page,
    write_partner_page,
)

Sessions = async_sessionmaker[AsyncSession]
MONDAY = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)
HOOK = "http://127.0.0.1:9/hooks/mobility"
URLS = {"aalto-university": "https://aalto.test/en", "ensiie": "https://ensiie.test/venir/"}


def _settings(db: TestDatabase, **overrides: object) -> Settings:
    # The fixture site is on loopback, which the FAQ fetch refuses unless allowed.
    return job_settings(
        db,
        webhook_urls=[HOOK],
        webhook_secret=SecretStr(SECRET),
        fetch=FetchSettings(contact_url=CONTACT, allowed_networks=[IPv4Network("127.0.0.1/32")]),
        **overrides,
    )


def _context(request: QueuedRequest | None = None) -> JobContext:
    return JobContext(JobKind.IMPORT_FAQ, MONDAY, asyncio.Event(), request)


async def _events(sessions: Sessions) -> list[tuple[str, dict[str, Any]]]:
    async with sessions() as session:
        rows = await session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id))
        return [(row.event, json.loads(row.body)["data"]) for row in rows]


async def test_the_seed_is_imported_into_an_empty_catalogue_then_left_alone(
    sessions: Sessions, scratch_database: TestDatabase
) -> None:
    job = FaqImportJob(sessions, _settings(scratch_database), clock=FakeClock(MONDAY))
    first = await job(_context())
    async with sessions() as session:
        revision = await session.scalar(select(FaqRevision))
        version = await read_data_version(session)
    assert revision is not None
    assert (first.status, first.run_id) == (RunStatus.SUCCEEDED, revision.id)
    assert first.summary.startswith(f"seed:mobilite_dd.md: revision {revision.content_hash[:12]}")
    assert "imported; changes: countries 4 added" in first.summary
    (finished, finished_data), (changed, changed_data) = await _events(sessions)
    assert (finished, finished_data["status"]) == ("faq_import.finished", "imported")
    assert (changed, changed_data["origin"]) == ("catalogue.changed", "faq_import")
    assert changed_data["changes"] == finished_data["changes"]

    again = await job(_context())
    assert (again.status, again.summary, again.run_id) == (RunStatus.SUCCEEDED, SEED_KEPT, None)
    async with sessions() as session:
        assert await count(session, FaqRevision) == 1
        assert await read_data_version(session) == version
    assert len(await _events(sessions)) == 2


async def test_faq_source_is_reimported_and_each_import_announced(
    sessions: Sessions, scratch_database: TestDatabase, tmp_path: Path
) -> None:
    page = write_partner_page(tmp_path, URLS)
    job = FaqImportJob(
        sessions, _settings(scratch_database, faq_source=str(page)), clock=FakeClock(MONDAY)
    )
    first = await job(_context())
    assert first.status is RunStatus.SUCCEEDED
    added = {"added": 2, "changed": 0, "restored": 0, "retired": 0}
    (finished, finished_data), (changed, changed_data) = await _events(sessions)
    assert (finished, changed) == ("faq_import.finished", "catalogue.changed")
    assert {key: value for key, value in finished_data.items() if key != "changes"} == {
        "source": str(page),
        "revision": content_hash(partner_page(URLS)),
        "academic_year": "2020/2021",
        "status": "imported",
        "forced": False,
        "findings": 0,
        "regression": None,
    }
    assert finished_data["changes"]["schools"] == finished_data["changes"]["offers"] == added
    assert changed_data == {
        "origin": "faq_import",
        "source": str(page),
        "revision": content_hash(partner_page(URLS)),
        "academic_year": "2020/2021",
        "changes": finished_data["changes"],
    }

    write_partner_page(tmp_path, URLS, aalto_places=4)
    second = await job(_context())
    one_changed = {"added": 0, "changed": 1, "restored": 0, "retired": 0}
    assert second.summary.endswith("imported; changes: offers 1 changed; revision recorded")
    third = await job(_context())
    assert third.summary.endswith(
        "unchanged; changes: none, the catalogue already matches this page"
    )
    events = await _events(sessions)
    assert [(event, data.get("status"), data["changes"]) for event, data in events[2:]] == [
        ("faq_import.finished", "imported", {"offers": one_changed}),
        ("catalogue.changed", None, {"offers": one_changed}),
        ("faq_import.finished", "unchanged", {}),
    ]
    async with sessions() as session:
        assert list(await session.scalars(select(Offer.places).order_by(Offer.places))) == [2, 4]


async def test_a_source_regression_is_refused_recorded_and_announced(
    sessions: Sessions, scratch_database: TestDatabase, tmp_path: Path
) -> None:
    page = write_partner_page(tmp_path, URLS)
    settings = _settings(scratch_database, faq_source=str(page))
    job = FaqImportJob(sessions, settings, clock=FakeClock(MONDAY))
    assert (await job(_context())).status is RunStatus.SUCCEEDED
    page.write_text(COMING_SOON, encoding="utf-8")
    refused = await job(_context())
    message = (
        "source regression: the page lists 0 partner schools where the catalogue has 2; "
        "refused (--force imports it anyway)"
    )
    assert (refused.status, refused.summary, refused.run_id) == (
        RunStatus.FAILED,
        f"{page}: revision {content_hash(COMING_SOON)[:12]}: {message}",
        None,
    )
    event, data = (await _events(sessions))[-1]
    assert (event, data["status"], data["regression"], data["changes"]) == (
        "faq_import.finished",
        "refused",
        message,
        {},
    )
    async with sessions() as session:
        assert list(await session.scalars(select(Offer.places).order_by(Offer.places))) == [2, 3]


async def test_a_requested_url_wins_over_faq_source(
    sessions: Sessions, scratch_database: TestDatabase, tmp_path: Path
) -> None:
    site = Site(routes={"/faq/": Response(partner_page(URLS).encode())})
    missing = tmp_path / "missing.md"
    job = FaqImportJob(
        sessions, _settings(scratch_database, faq_source=str(missing)), clock=FakeClock(MONDAY)
    )
    with serve(site):
        url = site.url("/faq/")
        request = QueuedRequest(1, JobKind.IMPORT_FAQ, (), url, "token:abc")
        outcome = await job(_context(request))
    assert outcome.status is RunStatus.SUCCEEDED
    assert outcome.summary.startswith(f"{url}: revision ")
    assert site.requests == ["/faq/"]

    unreadable = await job(_context())
    assert (unreadable.status, unreadable.summary) == (
        RunStatus.FAILED,
        f"no such file: {missing}",
    )
    async with sessions() as session:
        assert await count(session, FaqRevision) == 1
    assert [event for event, _ in await _events(sessions)] == [
        "faq_import.finished",
        "catalogue.changed",
    ]
