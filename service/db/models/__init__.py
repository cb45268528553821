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
from service.db.models.school_facts import SchoolFact, SchoolFactChange, SchoolOverride
from service.db.versioning import DataVersion

__all__ = [
    "Country",
    "DataVersion",
    "FaqRevision",
    "Finding",
    "FindingSeverity",
    "HomeTrack",
    "Link",
    "LinkRole",
    "Offer",
    "OfferKind",
    "Programme",
    "School",
    "SchoolFact",
    "SchoolFactChange",
    "SchoolOverride",
    "SelectionRule",
    "offer_home_track",
    "school_programme",
]
