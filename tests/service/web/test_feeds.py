"""/calendar.ics and /changes.atom: parsed as calendar apps and feed readers parse them, compared
with what the GraphQL API serves, and revalidated with ETag / Last-Modified."""

from __future__ import annotations

from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import feedparser
import httpx
from icalendar import Calendar

from service.db.engine import create_sessionmaker
from tests.databases import TestDatabase
from tests.factories import make_change, make_override, make_school_fact
from tests.service.web.admin_api import post
from tests.service.web.conftest import sample_school, serve

PAGE = "https://www.aalto.fi/en/exchange"
FETCHED = datetime(2026, 3, 2, 4, 0, tzinfo=UTC)
OVERRIDDEN = datetime(2026, 3, 4, 10, 30, tzinfo=UTC)
DEADLINES = "{ kind semester date source sourceUrl }"


async def _add_deadlines(database: TestDatabase) -> None:
    """Aalto (FI, open to every track): a scraped date overridden, a yearly one; Ensimag (FR,
    IEL only): one scraped date."""
    async with create_sessionmaker(database.engine)() as session:
        aalto = await sample_school(session, "aalto-university")
        ensimag = await sample_school(session, "ensimag")
        await make_school_fact(
            session,
            school=aalto,
            field="deadline",
            key="application/autumn",
            value={"kind": "application", "semester": "autumn", "date": "2027-04-15"},
            source_url=PAGE,
            fetched_at=FETCHED,
            snippet="Applications for the autumn semester close on 15 April 2027.",
        )
        await make_override(
            session,
            school=aalto,
            field="deadline",
            key="application/autumn",
            value={"kind": "application", "semester": "autumn", "date": "2027-04-30"},
            reason="The partner extended it by e-mail",
            created_at=OVERRIDDEN,
        )
        await make_school_fact(
            session,
            school=aalto,
            field="deadline",
            key="nomination/any",
            value={"kind": "nomination", "semester": None, "date": "--03-31"},
            source_url=PAGE,
            fetched_at=FETCHED,
        )
        await make_school_fact(
            session,
            school=ensimag,
            field="deadline",
            key="nomination/spring",
            value={"kind": "nomination", "semester": "spring", "date": "2026-10-01"},
            source_url="https://ensimag.example/exchange",
            fetched_at=FETCHED,
        )
        await session.commit()


def _events(body: bytes) -> dict[str, dict[str, Any]]:
    calendar = Calendar.from_ical(body)
    return {
        str(event["uid"]): {
            "summary": str(event["summary"]),
            "start": event.decoded("dtstart"),
            "yearly": "RRULE" in event,
            "url": str(event.get("url", "")),
        }
        for event in calendar.walk("VEVENT")
    }


async def _calendar(client: httpx.AsyncClient, query: str = "") -> dict[str, dict[str, Any]]:
    response = await client.get(f"/calendar.ics{query}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    return _events(response.content)


async def test_the_calendar_carries_the_deadlines_the_api_serves(
    fresh_database: TestDatabase,
) -> None:
    await _add_deadlines(fresh_database)
    async with serve(fresh_database.settings) as client:
        served = await post(
            client,
            f"""{{ aalto: school(slug: "aalto-university") {{ info {{ deadlines {DEADLINES} }} }}
                  ensimag: school(slug: "ensimag") {{ info {{ deadlines {DEADLINES} }} }} }}""",
        )
        events = await _calendar(client)
    assert served["aalto"]["info"]["deadlines"] == [
        {
            "kind": "APPLICATION",
            "semester": "AUTUMN",
            "date": "2027-04-30",
            "source": "OVERRIDE",
            "sourceUrl": None,
        },
        {
            "kind": "NOMINATION",
            "semester": None,
            "date": "--03-31",
            "source": "SCRAPED",
            "sourceUrl": PAGE,
        },
    ]
    assert served["ensimag"]["info"]["deadlines"] == [
        {
            "kind": "NOMINATION",
            "semester": "SPRING",
            "date": "2026-10-01",
            "source": "SCRAPED",
            "sourceUrl": "https://ensimag.example/exchange",
        }
    ]
    # The override's date, not the page's; a date without a year recurs from the year it was read.
    assert events == {
        "aalto-university/application/autumn@mobility-catalog": {
            "summary": "Aalto University: application deadline (autumn)",
            "start": date(2027, 4, 30),
            "yearly": False,
            "url": "",
        },
        "aalto-university/nomination/any@mobility-catalog": {
            "summary": "Aalto University: nomination deadline",
            "start": date(2026, 3, 31),
            "yearly": True,
            "url": PAGE,
        },
        "ensimag/nomination/spring@mobility-catalog": {
            "summary": "Ensimag: nomination deadline (spring)",
            "start": date(2026, 10, 1),
            "yearly": False,
            "url": "https://ensimag.example/exchange",
        },
    }


async def test_the_calendar_filters_by_school_country_and_home_track(
    fresh_database: TestDatabase,
) -> None:
    await _add_deadlines(fresh_database)
    async with serve(fresh_database.settings) as client:
        by_country = await _calendar(client, "?country=fr")
        by_track = await _calendar(client, "?homeTrack=ISEM")
        by_school = await _calendar(client, "?school=aalto-university&country=FI")
        none = await _calendar(client, "?school=aalto-university&country=FR")
        unknown = await client.get("/calendar.ics?school=nowhere")
    assert set(by_country) == {"ensimag/nomination/spring@mobility-catalog"}
    # Ensimag's only offer is reserved to IEL; Aalto's is open to every track.
    assert (
        set(by_track)
        == set(by_school)
        == {
            "aalto-university/application/autumn@mobility-catalog",
            "aalto-university/nomination/any@mobility-catalog",
        }
    )
    assert none == {}
    assert unknown.status_code == 404


async def test_a_changed_deadline_replaces_its_event_and_changes_the_etag(
    fresh_database: TestDatabase,
) -> None:
    await _add_deadlines(fresh_database)
    async with serve(fresh_database.settings) as client:
        first = await client.get("/calendar.ics?country=FR")
        async with create_sessionmaker(fresh_database.engine)() as session:
            ensimag = await sample_school(session, "ensimag")
            await make_override(
                session,
                school=ensimag,
                field="deadline",
                key="nomination/spring",
                value={"kind": "nomination", "semester": "spring", "date": "2026-10-15"},
            )
            await session.commit()
        revalidated = await client.get(
            "/calendar.ics?country=FR", headers={"If-None-Match": first.headers["etag"]}
        )
    assert revalidated.status_code == 200
    assert revalidated.headers["etag"] != first.headers["etag"]
    events = _events(revalidated.content)
    assert list(events) == ["ensimag/nomination/spring@mobility-catalog"]
    assert events["ensimag/nomination/spring@mobility-catalog"]["start"] == date(2026, 10, 15)


async def _assert_revalidates(client: httpx.AsyncClient, path: str) -> None:
    first = await client.get(path)
    assert first.status_code == 200
    etag, last_modified = first.headers["etag"], first.headers["last-modified"]
    assert parsedate_to_datetime(last_modified).tzinfo is not None
    by_tag = await client.get(path, headers={"If-None-Match": f'"other", W/{etag}'})
    by_date = await client.get(path, headers={"If-Modified-Since": last_modified})
    stale_tag = await client.get(
        path, headers={"If-None-Match": '"0-0"', "If-Modified-Since": last_modified}
    )
    other_query = await client.get(f"{path}?school=phelma", headers={"If-None-Match": etag})
    assert (by_tag.status_code, by_tag.content, by_tag.headers["etag"]) == (304, b"", etag)
    assert by_date.status_code == 304
    # If-None-Match wins over If-Modified-Since; another query is another representation.
    assert stale_tag.status_code == 200
    assert other_query.status_code == 200
    assert other_query.headers["etag"] != etag


async def test_both_feeds_answer_304_to_a_client_holding_the_current_version(
    fresh_database: TestDatabase,
) -> None:
    async with serve(fresh_database.settings) as client:
        await _assert_revalidates(client, "/calendar.ics")
        await _assert_revalidates(client, "/changes.atom")


async def _add_changes(database: TestDatabase) -> None:
    async with create_sessionmaker(database.engine)() as session:
        aalto = await sample_school(session, "aalto-university")
        phelma = await sample_school(session, "phelma")
        await make_change(
            session,
            school=aalto,
            field="deadline",
            key="application/autumn",
            old_value={"date": "2027-04-01"},
            new_value={"date": "2027-04-15"},
            changed_at=datetime(2026, 3, 2, 4, 0, tzinfo=UTC),
            source_url=PAGE,
        )
        await make_change(
            session,
            school=phelma,
            field="email",
            key="intl@phelma.example",
            new_value={"email": "intl@phelma.example"},
            changed_at=datetime(2026, 3, 9, 4, 0, tzinfo=UTC),
            source_url="https://phelma.example/contact",
        )
        await session.commit()


async def test_the_change_feed_lists_changes_newest_first_and_filters_by_school(
    fresh_database: TestDatabase,
) -> None:
    await _add_changes(fresh_database)
    async with serve(fresh_database.settings) as client:
        everything = await client.get("/changes.atom")
        aalto = await client.get("/changes.atom?school=aalto-university")
        unknown = await client.get("/changes.atom?school=nowhere")
    assert everything.headers["content-type"] == "application/atom+xml; charset=utf-8"
    feed = feedparser.parse(everything.content)
    assert feed.bozo is False, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.title == "Catalogue changes"
    assert feed.feed.updated == "2026-03-09T04:00:00+00:00"
    assert [
        (entry.title, entry.link, entry.updated, entry.summary, entry.tags[0].term)
        for entry in feed.entries
    ] == [
        (
            "Phelma: email intl@phelma.example appeared",
            "https://phelma.example/contact",
            "2026-03-09T04:00:00+00:00",
            'was: (none)\nnow: {"email": "intl@phelma.example"}',
            "phelma",
        ),
        (
            "Aalto University: deadline application/autumn changed",
            PAGE,
            "2026-03-02T04:00:00+00:00",
            'was: {"date": "2027-04-01"}\nnow: {"date": "2027-04-15"}',
            "aalto-university",
        ),
    ]
    assert len({entry.id for entry in feed.entries}) == 2
    only_aalto = feedparser.parse(aalto.content)
    assert only_aalto.feed.title == "Catalogue changes: Aalto University"
    assert [entry.link for entry in only_aalto.entries] == [PAGE]
    assert unknown.status_code == 404
