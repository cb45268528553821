"""Database layer: declarative base, models, engines and sessions, migrations, the data version.

This face names what other rooms may import (``__all__``): the models (their home is
``service.db.models``, which loads every table onto ``Base.metadata``), engines and sessions, the
data version, statement deadlines, statistics and the migration entry points. Names are loaded
lazily (``service.faces.lazy_face``): ``from service.db import utcnow`` does not load the models.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from service.faces import lazy_face

if TYPE_CHECKING:
    from service.db.alone import fetch_alone, listens_to_statements, release_kept
    from service.db.base import Base
    from service.db.bulk import column_batches, insert_values
    from service.db.deadline import StatementBound, bound_statements, is_deadline_stop
    from service.db.engine import (
        WRITE_INTENT,
        create_engine,
        create_sessionmaker,
        intend_writes,
        serving_settings,
    )
    from service.db.migrate import (
        DatabaseNotMigratedError,
        RevisionState,
        current_state,
        downgrade,
        require_head,
        upgrade,
    )
    from service.db.models import (
        AdminAction,
        AdminOutcome,
        Country,
        DeliveryStatus,
        FaqRevision,
        Finding,
        FindingSeverity,
        HomeTrack,
        JobKind,
        JobRequest,
        JobStatus,
        Link,
        LinkCheck,
        LinkRole,
        LinkStatus,
        Offer,
        OfferKind,
        PartitionStatus,
        Programme,
        RunStatus,
        SchedulerState,
        School,
        SchoolBackoff,
        SchoolFact,
        SchoolFactChange,
        SchoolOverride,
        SelectionRule,
        SyncLease,
        SyncPartition,
        SyncPartitionSchool,
        SyncRun,
        SyncRunStatus,
        UrlHealth,
        WebhookDelivery,
        offer_home_track,
        school_programme,
    )
    from service.db.serialized import SerializedSession
    from service.db.statistics import IMPORTED_TABLES, SYNCED_TABLES, analyze_tables
    from service.db.types import utcnow
    from service.db.versioning import (
        DATA_VERSION_SQL,
        DeferredVersion,
        bump_data_version,
        bump_deferred_version,
        changed_here,
        deferred_here_info,
        deferred_version_info,
        read_data_stamp,
        read_data_version,
    )

__all__ = [
    "DATA_VERSION_SQL",
    "IMPORTED_TABLES",
    "SYNCED_TABLES",
    "WRITE_INTENT",
    "AdminAction",
    "AdminOutcome",
    "Base",
    "Country",
    "DatabaseNotMigratedError",
    "DeferredVersion",
    "DeliveryStatus",
    "FaqRevision",
    "Finding",
    "FindingSeverity",
    "HomeTrack",
    "JobKind",
    "JobRequest",
    "JobStatus",
    "Link",
    "LinkCheck",
    "LinkRole",
    "LinkStatus",
    "Offer",
    "OfferKind",
    "PartitionStatus",
    "Programme",
    "RevisionState",
    "RunStatus",
    "SchedulerState",
    "School",
    "SchoolBackoff",
    "SchoolFact",
    "SchoolFactChange",
    "SchoolOverride",
    "SelectionRule",
    "SerializedSession",
    "StatementBound",
    "SyncLease",
    "SyncPartition",
    "SyncPartitionSchool",
    "SyncRun",
    "SyncRunStatus",
    "UrlHealth",
    "WebhookDelivery",
    "analyze_tables",
    "bound_statements",
    "bump_data_version",
    "bump_deferred_version",
    "changed_here",
    "column_batches",
    "create_engine",
    "create_sessionmaker",
    "current_state",
    "deferred_here_info",
    "deferred_version_info",
    "downgrade",
    "fetch_alone",
    "insert_values",
    "intend_writes",
    "is_deadline_stop",
    "listens_to_statements",
    "offer_home_track",
    "read_data_stamp",
    "read_data_version",
    "release_kept",
    "require_head",
    "school_programme",
    "serving_settings",
    "upgrade",
    "utcnow",
]

__getattr__ = lazy_face(__name__, __file__)
