"""All models, imported here so that ``Base.metadata`` is complete once this package is loaded."""

from service.db.models.catalogue import (
    Country,
    HomeTrack,
    Link,
    LinkRole,
    Offer,
    OfferKind,
    Programme,
    School,
    SelectionRule,
    offer_home_track,
    school_programme,
)
from service.db.models.curation import FaqRevision, Finding, FindingSeverity
from service.db.models.health import (
    LinkCheck,
    LinkStatus,
    SyncLease,
    SyncRun,
    SyncRunStatus,
    UrlHealth,
)
from service.db.models.operations import (
    AdminAction,
    AdminOutcome,
    DeliveryStatus,
    JobKind,
    JobRequest,
    JobStatus,
    RunStatus,
    SchedulerState,
    SchoolBackoff,
    WebhookDelivery,
)
from service.db.models.partitions import PartitionStatus, SyncPartition, SyncPartitionSchool
from service.db.models.school_facts import SchoolFact, SchoolFactChange, SchoolOverride
from service.db.versioning import DataVersion

__all__ = [
    "AdminAction",
    "AdminOutcome",
    "Country",
    "DataVersion",
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
    "RunStatus",
    "SchedulerState",
    "School",
    "SchoolBackoff",
    "SchoolFact",
    "SchoolFactChange",
    "SchoolOverride",
    "SelectionRule",
    "SyncLease",
    "SyncPartition",
    "SyncPartitionSchool",
    "SyncRun",
    "SyncRunStatus",
    "UrlHealth",
    "WebhookDelivery",
    "offer_home_track",
    "school_programme",
]
