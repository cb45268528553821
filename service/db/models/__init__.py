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
from service.db.versioning import DataVersion

__all__ = [
    "Country",
    "DataVersion",
    "FaqRevision",
    "Finding",
    "FindingSeverity",
    "HomeTrack",
    "Link",
    "LinkCheck",
    "LinkRole",
    "LinkStatus",
    "Offer",
    "OfferKind",
    "Programme",
    "School",
    "SelectionRule",
    "SyncLease",
    "SyncRun",
    "SyncRunStatus",
    "UrlHealth",
    "offer_home_track",
    "school_programme",
]
