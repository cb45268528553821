"""An import announces its end, and what it changed in the catalogue, in its own transaction."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from scrapers.faq.importer import content_hash, import_faq
from scrapers.faq.report.events import announce_import
from service.cli.main import main
from service.db.models import WebhookDelivery
from tests.scrapers.faq.pages import COMING_SOON, REVISION_2021, REVISION_2021_UPDATED

URLS = ["https://hooks.example/a", "https://hooks.example/b"]
SECRET = "whsec-faq-test-0123456789"


async def _events(session: AsyncSession) -> list[tuple[str, str, str, dict[str, Any]]]:
    rows = await session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id))
    return [(row.event, row.url, row.event_id, json.loads(row.body)["data"]) for row in rows]


async def _import_and_announce(session: AsyncSession, page: str, **options: Any) -> None:
    report = await import_faq(session, page, source_label="mobilite_dd.md", **options)
    await announce_import(session, URLS, report)


async def test_an_import_announces_its_end_and_what_it_changed(session: AsyncSession) -> None:
    await _import_and_announce(session, REVISION_2021)
    first = await _events(session)
    assert [(event, url) for event, url, _, _ in first] == [
        ("faq_import.finished", URLS[0]),
        ("faq_import.finished", URLS[1]),
        ("catalogue.changed", URLS[0]),
        ("catalogue.changed", URLS[1]),
    ]
    assert first[0][2] == first[1][2] != first[2][2] == first[3][2]  # one event id per event

    await _import_and_announce(session, REVISION_2021_UPDATED)
    (_, _, _, finished), _, (_, _, _, changed), _ = (await _events(session))[4:]
    one = {"added": 1, "changed": 0, "restored": 0, "retired": 1}
    assert finished == {
        "source": "mobilite_dd.md",
        "revision": content_hash(REVISION_2021_UPDATED),
        "academic_year": "2020/2021",
        "status": "imported",
        "forced": False,
        # ENSIM is no longer listed: a school_retired finding says nobody replaced it.
        "findings": 2,
        "regression": None,
        "changes": {
            "schools": one,
            "offers": {"added": 1, "changed": 1, "restored": 0, "retired": 1},
            "links": one,
        },
    }
    assert changed == {
        "origin": "faq_import",
        "source": "mobilite_dd.md",
        "revision": content_hash(REVISION_2021_UPDATED),
        "academic_year": "2020/2021",
        "changes": finished["changes"],
    }


async def test_an_unchanged_page_announces_only_its_end_and_a_dry_run_nothing(
    session: AsyncSession,
) -> None:
    await import_faq(session, REVISION_2021)
    await _import_and_announce(session, REVISION_2021_UPDATED, dry_run=True)
    assert await _events(session) == []
    await _import_and_announce(session, REVISION_2021)
    events = await _events(session)
    assert [(event, data["status"], data["changes"]) for event, _, _, data in events] == [
        ("faq_import.finished", "unchanged", {}),
        ("faq_import.finished", "unchanged", {}),
    ]


async def test_a_refused_regression_is_announced_without_a_catalogue_change(
    session: AsyncSession,
) -> None:
    await import_faq(session, REVISION_2021)
    await _import_and_announce(session, COMING_SOON)
    events = await _events(session)
    assert {event for event, _, _, _ in events} == {"faq_import.finished"}
    data = events[0][3]
    assert (data["status"], data["changes"]) == ("refused", {})
    assert data["regression"].startswith("source regression: the page lists 0 partner schools")


def test_mobility_import_faq_queues_the_events(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("WEBHOOK_URLS", ",".join(URLS))
    monkeypatch.setenv("WEBHOOK_SECRET", SECRET)
    (tmp_path / "page.md").write_text(REVISION_2021, encoding="utf-8")
    main(["db", "upgrade"])
    main(["import-faq", "page.md", "--dry-run"])
    main(["import-faq", "page.md"])
    with sqlite3.connect(tmp_path / "var" / "mobility.sqlite3") as connection:
        rows = connection.execute("SELECT event, url FROM webhook_delivery ORDER BY id").fetchall()
    assert rows == [
        ("faq_import.finished", URLS[0]),
        ("faq_import.finished", URLS[1]),
        ("catalogue.changed", URLS[0]),
        ("catalogue.changed", URLS[1]),
    ]
