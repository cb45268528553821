"""``/calendar.ics``: partner schools' application and nomination deadlines as RFC 5545 events.

The deadlines are read as ``School.info.deadlines`` serves them: ``load_school_info`` applies
the precedence (override > curated > scraped) and ``Deadline.from_value`` reads kind, semester
and date from the stored value, so a student's calendar and the API never disagree.

Each event's UID is the school's slug and the deadline's fact key (``application/autumn``,
docs/decisions/0041): when a sync or an admin changes that date, calendar apps replace the event
instead of adding a second one. A date without a year (``--03-31``) recurs yearly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from icalendar import Calendar, Event, vRecur
from sqlalchemy.ext.asyncio import AsyncSession

from service.catalogue import InfoValue, SchoolCriteria, SchoolRecord, all_schools, load_school_info
from service.graphql import Deadline, DeadlineKind, Semester

PRODID = "-//mobility-catalog//partner deadlines//EN"
UID_DOMAIN = "mobility-catalog"
#: Schools read per statement: the calendar of 10,000 schools is built in bounded batches.
_BATCH = 500

_KIND_TEXT = {DeadlineKind.APPLICATION: "application", DeadlineKind.NOMINATION: "nomination"}
_SEMESTER_TEXT = {Semester.AUTUMN: "autumn", Semester.SPRING: "spring", Semester.YEAR: "year"}


@dataclass(frozen=True, slots=True)
class CalendarFilter:
    """What the calendar keeps: one school (by slug), one country, one home track."""

    school: str | None = None
    country: str | None = None
    home_track: str | None = None


async def _schools(session: AsyncSession, wanted: CalendarFilter) -> list[SchoolRecord]:
    criteria = SchoolCriteria(
        country_codes=None if wanted.country is None else [wanted.country],
        home_track=wanted.home_track,
    )
    found = await all_schools(session, criteria, batch=_BATCH)
    return [s for s in found if wanted.school is None or s.slug == wanted.school]


def _event_date(text: str | None, anchor: datetime) -> tuple[date, bool] | None:
    """The first day of the event and whether it recurs yearly; None for an unreadable date."""
    if text is None:
        return None
    try:
        if text.startswith("--"):
            # No year on the page: the same day each year, from the year it was read.
            return date.fromisoformat(f"{anchor.year:04d}{text[1:]}"), True
        return date.fromisoformat(text), False
    except ValueError:
        return None


def _stamp(value: InfoValue, fallback: datetime) -> datetime:
    return value.overridden_at or value.last_good_at or value.fetched_at or fallback


def _event(school: SchoolRecord, value: InfoValue, changed_at: datetime) -> Event | None:
    deadline = Deadline.from_value(value)
    stamp = _stamp(value, changed_at)
    when = _event_date(deadline.date, stamp)
    if when is None:
        return None
    day, yearly = when
    kind = _KIND_TEXT.get(deadline.kind, "deadline") if deadline.kind else "deadline"
    semester = _SEMESTER_TEXT.get(deadline.semester) if deadline.semester else None
    summary = f"{school.name}: {kind} deadline" + (f" ({semester})" if semester else "")
    event = Event()
    event.add("uid", f"{school.slug}/{value.key or 'deadline'}@{UID_DOMAIN}")
    event.add("summary", summary)
    event.add("dtstart", day)
    event.add("dtstamp", stamp)
    event.add("last-modified", stamp)
    event.add("transp", "TRANSPARENT")
    event.add("categories", [kind])
    if yearly:
        event.add("rrule", vRecur(freq="yearly"))
    lines = [f"Source: {value.source}"]
    if value.snippet:
        lines.insert(0, value.snippet)
    if value.override_reason:
        lines.append(f"Set by an administrator: {value.override_reason}")
    event.add("description", "\n".join(lines))
    if value.source_url:
        event.add("url", value.source_url)
    return event


def _calendar(
    schools: Sequence[SchoolRecord], deadlines: Sequence[Sequence[InfoValue]], changed_at: datetime
) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", "Partner school deadlines")
    for school, values in zip(schools, deadlines, strict=True):
        for value in values:
            if (event := _event(school, value, changed_at)) is not None:
                calendar.add_component(event)
    return calendar


async def build_calendar(
    session: AsyncSession, wanted: CalendarFilter, changed_at: datetime
) -> bytes:
    """The iCalendar document of the deadlines ``wanted`` (``changed_at``: the data's last change,
    the stamp of values that carry no time of their own)."""
    schools = await _schools(session, wanted)
    deadlines: list[list[InfoValue]] = []
    for start in range(0, len(schools), _BATCH):
        batch = schools[start : start + _BATCH]
        infos = await load_school_info(session, [school.id for school in batch])
        deadlines += [info.deadlines for info in infos]
    document: bytes = _calendar(schools, deadlines, changed_at).to_ical()
    return document
