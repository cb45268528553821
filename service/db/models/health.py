"""Link health and sync runs: what each visit of the partners' pages found.

``UrlHealth`` is the current state of one URL (its natural key), shared by every link that points
at it; ``LinkCheck`` is the history, one row per link per run; ``SyncRun`` records each run with
its counts and per-school errors. ``SyncLease`` is the SQLite stand-in for PostgreSQL's advisory
lock (two runs never overlap); it is bookkeeping, invisible to the API, so it does not bump the
data version.

Runs, their checks and the URLs' states are the log of the visits, not the catalogue: every
run moves them, so they do not bump the data version either, and the API never answers a query
that reads them from its version-keyed cache (``service.web.volatile``;
``docs/decisions/0125-one-data-version-per-sync-run.md``).
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.db.base import Base
from service.db.models.catalogue import Link
from service.db.types import string_enum, utcnow


class LinkStatus(enum.StrEnum):
    """What visiting a URL found."""

    OK = "OK"
    #: Reached an HTML page after one or more redirects.
    REDIRECTED = "REDIRECTED"
    #: 4xx (but 410), 5xx after retries, a redirect loop, a truncated, empty or oversized body.
    BROKEN = "BROKEN"
    #: 410 Gone: the site says the page will not come back.
    GONE = "GONE"
    BLOCKED_BY_ROBOTS = "BLOCKED_BY_ROBOTS"
    TIMEOUT = "TIMEOUT"
    DNS_ERROR = "DNS_ERROR"
    TLS_ERROR = "TLS_ERROR"
    #: The URL (or a redirect) leads to a non-public address; nothing was sent to it.
    SSRF_BLOCKED = "SSRF_BLOCKED"
    #: Answered, but not with HTML (a PDF, an image): recorded, not parsed.
    UNSUPPORTED_CONTENT = "UNSUPPORTED_CONTENT"
    #: The site asked to come back later than we wait (Retry-After): checked next run.
    DEFERRED = "DEFERRED"

    @property
    def is_failure(self) -> bool:
        """The link does not work for a reader (counts towards a dead-link finding)."""
        return self in _FAILURES

    @property
    def is_checked(self) -> bool:
        """The visit reached a verdict (everything but a deferral)."""
        return self is not LinkStatus.DEFERRED


_FAILURES = frozenset(
    {
        LinkStatus.BROKEN,
        LinkStatus.GONE,
        LinkStatus.TIMEOUT,
        LinkStatus.DNS_ERROR,
        LinkStatus.TLS_ERROR,
        LinkStatus.SSRF_BLOCKED,
    }
)


class SyncRunStatus(enum.StrEnum):
    RUNNING = "RUNNING"
    #: Every link was checked and every school recorded.
    OK = "OK"
    #: Some links were deferred or some schools failed; the rest is recorded.
    PARTIAL = "PARTIAL"
    #: Recorded, but too few partner sites were reached to trust it (decision 0053).
    DEGRADED = "DEGRADED"
    #: Nothing could be recorded, no partner site was reached, or the run was interrupted.
    FAILED = "FAILED"
    #: The run lost its lock (connection or lease) and stopped before its next school.
    ABORTED = "ABORTED"


class SyncRun(Base):
    """One run of ``mobility sync``."""

    __tablename__ = "sync_run"
    __versioned__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    finished_at: Mapped[datetime | None]
    status: Mapped[SyncRunStatus] = mapped_column(
        string_enum(SyncRunStatus, "sync_run_status"), default=SyncRunStatus.RUNNING
    )
    #: Slugs the run was limited to (``--school``); empty for the whole catalogue.
    schools: Mapped[list[str]] = mapped_column(default=list)
    links_total: Mapped[int] = mapped_column(default=0)
    links_checked: Mapped[int] = mapped_column(default=0)
    #: Links that led to a working page (OK or REDIRECTED, unchanged pages included).
    links_reached: Mapped[int] = mapped_column(default=0)
    #: Links per :class:`LinkStatus` value.
    counts: Mapped[dict[str, object]] = mapped_column(default=dict)
    #: School slug → the error that kept its results from being recorded.
    errors: Mapped[dict[str, object]] = mapped_column(default=dict)
    #: Partner school slug → why the run did not visit it ("no links").
    skipped: Mapped[dict[str, object]] = mapped_column(default=dict)
    #: What the run did to the scraped facts, summed over the schools it recorded (values
    #: ``changed``, ``confirmed``, ``marked_stale``), and the ``findings`` it raised about their
    #: links and pages (new or reopened).
    facts: Mapped[dict[str, object]] = mapped_column(default=dict)
    #: What the fetcher did (:meth:`scrapers.fetch.stats.FetchStats.as_record`) and the run's
    #: ``duration_seconds``.
    stats: Mapped[dict[str, object]] = mapped_column(default=dict)
    #: What ended the run early, if anything (interrupted, lease lost, nothing reached).
    error: Mapped[str | None] = mapped_column(Text)
    #: Host name and process id of the runner, to tell runs apart in logs.
    runner: Mapped[str] = mapped_column(String(255), default="")


class LinkCheck(Base):
    """The visit of one link during one run (history; never updated)."""

    __tablename__ = "link_check"
    __versioned__ = False
    __table_args__ = (UniqueConstraint("run_id", "link_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("sync_run.id"))
    link_id: Mapped[int] = mapped_column(ForeignKey("link.id"), index=True)
    url: Mapped[str] = mapped_column(String(2048))
    status: Mapped[LinkStatus] = mapped_column(string_enum(LinkStatus, "link_status"))
    http_status: Mapped[int | None]
    final_url: Mapped[str | None] = mapped_column(String(2048))
    #: Each hop as ``{"url": …, "status": 301}``, from the link's URL to the last redirect.
    redirects: Mapped[list[dict[str, object]]] = mapped_column(JSON, default=list)
    response_ms: Mapped[int | None]
    error: Mapped[str | None] = mapped_column(Text)
    checked_at: Mapped[datetime] = mapped_column(default=utcnow)

    run: Mapped[SyncRun] = relationship(lazy="raise")
    link: Mapped[Link] = relationship(lazy="raise")


class UrlHealth(Base):
    """The current health of one URL, whatever links point at it."""

    __tablename__ = "url_health"
    __versioned__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    status: Mapped[LinkStatus] = mapped_column(string_enum(LinkStatus, "link_status"))
    http_status: Mapped[int | None]
    final_url: Mapped[str | None] = mapped_column(String(2048))
    redirects: Mapped[list[dict[str, object]]] = mapped_column(JSON, default=list)
    response_ms: Mapped[int | None]
    error: Mapped[str | None] = mapped_column(Text)
    content_type: Mapped[str | None] = mapped_column(String(255))
    checked_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_ok_at: Mapped[datetime | None]
    consecutive_failures: Mapped[int] = mapped_column(default=0)
    #: Validators of ``final_url``'s last full answer, sent back as If-None-Match /
    #: If-Modified-Since so that an unchanged page costs a 304.
    etag: Mapped[str | None] = mapped_column(String(512))
    last_modified: Mapped[str | None] = mapped_column(String(64))
    #: For an http:// URL, the https:// address found serving the same page.
    https_url: Mapped[str | None] = mapped_column(String(2048))


class SyncLease(Base):
    """The run lock on SQLite: one row per lock name, held until ``expires_at``.

    A live run renews its lease; a killed one stops renewing, and the next run takes the lease
    over once it has expired.
    """

    __tablename__ = "sync_lease"
    __versioned__ = False

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    holder: Mapped[str] = mapped_column(String(255))
    acquired_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
