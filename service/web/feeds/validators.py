"""Conditional GET for the feeds: ``ETag`` from the data version, ``Last-Modified`` from its time.

Calendar apps and feed readers poll. Every write to the catalogue bumps ``data_version``
(``service/db/versioning.py``), so the version and the query string name one representation:
a poll that sends the ``ETag`` back answers 304 after one cheap ``SELECT``, without building the
feed. ``If-None-Match`` wins over ``If-Modified-Since`` (RFC 9110 §13.2.2).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

from starlette.requests import Request
from starlette.responses import Response

#: Feeds are cheap to revalidate; a reader may reuse one for five minutes without asking.
CACHE_CONTROL = "public, max-age=300"


@dataclass(frozen=True, slots=True)
class Validators:
    """The validators of one representation of a feed."""

    etag: str
    last_modified: datetime | None

    def headers(self) -> dict[str, str]:
        headers = {"ETag": self.etag, "Cache-Control": CACHE_CONTROL}
        if self.last_modified is not None:
            headers["Last-Modified"] = format_datetime(self.last_modified, usegmt=True)
        return headers


def validators_for(
    request: Request, version: int, changed_at: datetime | None, *, variant: str = ""
) -> Validators:
    """The validators of ``request``'s feed at data ``version`` (a new query, a new tag)."""
    query = "&".join(sorted(f"{k}={v}" for k, v in request.query_params.multi_items()))
    digest = hashlib.sha256(f"{request.url.path}?{query}#{variant}".encode()).hexdigest()[:16]
    # HTTP dates have whole seconds: Last-Modified is truncated so If-Modified-Since compares.
    last_modified = (
        None if changed_at is None else changed_at.astimezone(UTC).replace(microsecond=0)
    )
    return Validators(etag=f'"{version}-{digest}"', last_modified=last_modified)


def _tags(header: str) -> list[str]:
    # Weak comparison (RFC 9110 §13.1.2): W/"x" matches "x".
    return [tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()]


def _unmodified_since(header: str, last_modified: datetime | None) -> bool:
    if last_modified is None:
        return False
    try:
        since = parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return False  # an unreadable date is ignored, as RFC 9110 §13.1.3 asks
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    return last_modified <= since


def not_modified(request: Request, validators: Validators) -> Response | None:
    """A 304 when the client already holds this representation, else None."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        tags = _tags(if_none_match)
        fresh = "*" in tags or validators.etag in tags
    else:
        since = request.headers.get("if-modified-since")
        fresh = since is not None and _unmodified_since(since, validators.last_modified)
    return Response(status_code=304, headers=validators.headers()) if fresh else None
