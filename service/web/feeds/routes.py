"""The feed endpoints: ``GET /calendar.ics`` and ``GET /changes.atom``, with conditional GET.

One read-only snapshot per request: the data version, the validators and the feed all come from
it, so an ``ETag`` always names the bytes sent with it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from service.catalogue import school_by_slug
from service.db import read_data_stamp, utcnow
from service.web.feeds.calendar_feed import CalendarFilter, build_calendar
from service.web.feeds.changes_feed import build_changes_feed
from service.web.feeds.validators import not_modified, validators_for
from service.web.runtime import runtime_of

CALENDAR_TYPE = "text/calendar; charset=utf-8"
ATOM_TYPE = "application/atom+xml; charset=utf-8"

_Build = Callable[[Request, AsyncSession, datetime], Awaitable[Response | bytes]]


def _param(request: Request, name: str) -> str | None:
    value = request.query_params.get(name, "").strip()
    return value or None


def _feed(media_type: str, build: _Build) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        async with await runtime_of(request).read_session(read_only=True) as session:
            version, changed_at = await read_data_stamp(session)
            validators = validators_for(request, version, changed_at)
            if (unchanged := not_modified(request, validators)) is not None:
                return unchanged
            body = await build(request, session, changed_at or utcnow())
        if isinstance(body, Response):
            return body
        return Response(body, media_type=media_type, headers=validators.headers())

    return endpoint


async def _calendar(
    request: Request, session: AsyncSession, changed_at: datetime
) -> Response | bytes:
    wanted = CalendarFilter(
        school=_param(request, "school"),
        country=_param(request, "country"),
        home_track=_param(request, "homeTrack"),
    )
    if wanted.school is not None and await school_by_slug(session, wanted.school) is None:
        return PlainTextResponse(f"no school {wanted.school!r}", status_code=404)
    return await build_calendar(session, wanted, changed_at)


async def _changes(
    request: Request, session: AsyncSession, changed_at: datetime
) -> Response | bytes:
    slug = _param(request, "school")
    school = None if slug is None else await school_by_slug(session, slug)
    if slug is not None and school is None:
        return PlainTextResponse(f"no school {slug!r}", status_code=404)
    return await build_changes_feed(
        session, school=school, self_url=str(request.url), changed_at=changed_at
    )


def feed_routes() -> list[Route]:
    """The routes of the calendar and change feeds."""
    return [
        Route("/calendar.ics", _feed(CALENDAR_TYPE, _calendar), methods=["GET"]),
        Route("/changes.atom", _feed(ATOM_TYPE, _changes), methods=["GET"]),
    ]
