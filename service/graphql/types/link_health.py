"""What the sync found at each link (current health, history) and what each run did."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

import strawberry

from service.db import LinkCheck as LinkCheckRow
from service.db import LinkStatus as StoredLinkStatus
from service.db import SyncRun as SyncRunRow
from service.db import UrlHealth
from service.graphql.context import GraphQLInfo
from service.graphql.global_id import format_global_id
from service.graphql.types.enums import LinkStatus, SyncRunStatus
from service.graphql.types.node import Node
from service.graphql.types.sync_stats import SyncRunStats


@strawberry.type(description="One redirect on the way from a link's address to its page.")
class RedirectHop:
    url: str = strawberry.field(description="The address that redirected.")
    status: int = strawberry.field(description="Its HTTP status: 301, 302, 303, 307 or 308.")


def _int(value: object) -> int:
    """A count or status stored in JSON (written by the sync from ints)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise TypeError(f"expected an integer, not {value!r}")


def _hops(redirects: Sequence[Mapping[str, object]]) -> list[RedirectHop]:
    return [RedirectHop(url=str(hop["url"]), status=_int(hop["status"])) for hop in redirects]


@strawberry.type(
    description="The current state of a link's address, as the latest sync that reached a "
    "verdict left it. Links sharing an address share it."
)
class LinkHealth(Node):
    id: strawberry.Private[int]
    status: LinkStatus = strawberry.field(description="What the latest visit found.")
    http_status: int | None = strawberry.field(
        description="The HTTP status of the last answer; null when nothing answered."
    )
    final_url: str | None = strawberry.field(
        description="Where the redirects led; null when nothing answered."
    )
    redirects: list[RedirectHop] = strawberry.field(
        description="The redirects followed, in order; empty when there were none."
    )
    response_time_ms: int | None = strawberry.field(
        description="How long the page took, redirects included, in milliseconds."
    )
    error: str | None = strawberry.field(description="What went wrong, in one line; null if OK.")
    content_type: str | None = strawberry.field(description="The media type of the answer.")
    checked_at: datetime = strawberry.field(description="When it was last visited.")
    last_ok_at: datetime | None = strawberry.field(
        description="The last time the page answered; null if it never did."
    )
    consecutive_failures: int = strawberry.field(
        description="Failed visits in a row (0 once it answers again)."
    )
    https_url: str | None = strawberry.field(
        description="For an http:// address, the https:// address found serving the same page; "
        "null otherwise."
    )

    @strawberry.field(name="id", description="Stable, opaque global id (one per address).")
    def global_id(self) -> strawberry.ID:
        return strawberry.ID(format_global_id("LinkHealth", self.id))

    @classmethod
    def from_row(cls, row: UrlHealth) -> LinkHealth:
        return cls(
            id=row.id,
            status=LinkStatus[row.status.name],
            http_status=row.http_status,
            final_url=row.final_url,
            redirects=_hops(row.redirects),
            response_time_ms=row.response_ms,
            error=row.error,
            content_type=row.content_type,
            checked_at=row.checked_at,
            last_ok_at=row.last_ok_at,
            consecutive_failures=row.consecutive_failures,
            https_url=row.https_url,
        )


@strawberry.type(description="How many links a run found in one status.")
class StatusCount:
    status: LinkStatus = strawberry.field(description="The status.")
    count: int = strawberry.field(description="How many links the run found in it.")


@strawberry.type(description="A school whose results a run could not record.")
class SchoolError:
    slug: str = strawberry.field(description="The school's slug.")
    message: str = strawberry.field(description="Why its results were not recorded.")


@strawberry.type(description="One run of the sync over the partners' pages.")
class SyncRun(Node):
    number: int = strawberry.field(description="The run's number, increasing.")
    status: SyncRunStatus = strawberry.field(description="How it went.")
    started_at: datetime = strawberry.field(description="When it started.")
    finished_at: datetime | None = strawberry.field(
        description="When it ended; null while running or when it was killed."
    )
    schools: list[str] = strawberry.field(
        description="The slugs it was limited to; empty when it visited the whole catalogue."
    )
    links_total: int = strawberry.field(description="Links it set out to visit.")
    links_checked: int = strawberry.field(description="Links it reached a verdict on.")
    links_reached: int = strawberry.field(
        description="Links whose site answered over HTTP, whatever the answer (a 404 counts; a "
        "DNS, connection, TLS or timeout failure does not)."
    )
    counts: list[StatusCount] = strawberry.field(
        description="Links per status found, in the order of `LinkStatus`; statuses with no "
        "link are left out."
    )
    errors: list[SchoolError] = strawberry.field(
        description="Schools whose results could not be recorded, by slug."
    )
    skipped: list[SchoolError] = strawberry.field(
        description='Partner schools it did not visit, by slug, and why ("no links").'
    )
    error: str | None = strawberry.field(
        description="What ended the run early (interrupted, lost its lease), or why it is "
        'FAILED or DEGRADED ("0 of 16 partner sites reached: is this machine online? …").'
    )
    stats: SyncRunStats | None = strawberry.field(
        description="What the fetcher did: requests, bytes, answers, per-host latency, retries, "
        "robots refusals, duration; null for runs recorded before stats were kept."
    )

    @strawberry.field(name="id", description="Stable, opaque global id.")
    def global_id(self) -> strawberry.ID:
        return strawberry.ID(format_global_id("SyncRun", self.number))

    @classmethod
    def from_row(cls, row: SyncRunRow) -> SyncRun:
        return cls(
            number=row.id,
            status=SyncRunStatus[row.status.name],
            started_at=row.started_at,
            finished_at=row.finished_at,
            schools=list(row.schools),
            links_total=row.links_total,
            links_checked=row.links_checked,
            links_reached=row.links_reached,
            counts=[
                StatusCount(status=LinkStatus[status.name], count=_int(row.counts[status]))
                for status in StoredLinkStatus
                if status.value in row.counts
            ],
            errors=[
                SchoolError(slug=slug, message=str(message))
                for slug, message in sorted(row.errors.items())
            ],
            skipped=[
                SchoolError(slug=slug, message=str(message))
                for slug, message in sorted(row.skipped.items())
            ],
            error=row.error,
            stats=SyncRunStats.from_record(row.stats),
        )


@strawberry.type(description="One visit of a link by one sync run.")
class LinkCheck(Node):
    id: strawberry.Private[int]
    run_id: strawberry.Private[int]
    status: LinkStatus = strawberry.field(description="What the visit found.")
    http_status: int | None = strawberry.field(
        description="The HTTP status of the last answer; null when nothing answered."
    )
    final_url: str | None = strawberry.field(description="Where the redirects led.")
    redirects: list[RedirectHop] = strawberry.field(description="The redirects followed.")
    response_time_ms: int | None = strawberry.field(description="How long it took, in ms.")
    error: str | None = strawberry.field(description="What went wrong, in one line; null if OK.")
    checked_at: datetime = strawberry.field(description="When it was visited.")

    @strawberry.field(name="id", description="Stable, opaque global id.")
    def global_id(self) -> strawberry.ID:
        return strawberry.ID(format_global_id("LinkCheck", self.id))

    @strawberry.field(description="The run that made the visit.")
    async def run(self, info: GraphQLInfo) -> SyncRun:
        row = await info.context.loaders.sync_run.load(self.run_id)
        assert row is not None, f"no run {self.run_id}"  # a foreign key
        return SyncRun.from_row(row)

    @classmethod
    def from_row(cls, row: LinkCheckRow) -> LinkCheck:
        return cls(
            id=row.id,
            run_id=row.run_id,
            status=LinkStatus[row.status.name],
            http_status=row.http_status,
            final_url=row.final_url,
            redirects=_hops(row.redirects),
            response_time_ms=row.response_ms,
            error=row.error,
            checked_at=row.checked_at,
        )
