"""The pipeline of a sync run: plan, lock, visit through the fetcher, record link health."""

from __future__ import annotations

from typing import TYPE_CHECKING

from service.faces import lazy_face

if TYPE_CHECKING:
    from scrapers.sync.lock import RunInProgressError, holder_is_gone, runner_name
    from scrapers.sync.partitioned import libpq_conninfo
    from scrapers.sync.plan import PlannedSchool
    from scrapers.sync.report import format_counts
    from scrapers.sync.run import SyncReport, run_sync
    from scrapers.sync.visit import SchoolReport

__all__ = [
    "PlannedSchool",
    "RunInProgressError",
    "SchoolReport",
    "SyncReport",
    "format_counts",
    "holder_is_gone",
    "libpq_conninfo",
    "run_sync",
    "runner_name",
]

__getattr__ = lazy_face(__name__, __file__)
