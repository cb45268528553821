"""Where curated data came from, and what is wrong with it.

``FaqRevision`` records each version of the curated FAQ page that was imported; ``Finding`` is a
data-quality observation from an import or a sync (a corrected typo, a link to another school's
site, a dead link), kept until it is resolved.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.db.base import Base
from service.db.models.catalogue import Link, School
from service.db.types import string_enum, utcnow


class FaqRevision(Base):
    """One version of the curated page, identified by the SHA-256 of its content."""

    __tablename__ = "faq_revision"
    __table_args__ = (CheckConstraint("length(content_hash) = 64", name="sha256_hex"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    source: Mapped[str] = mapped_column(String(2048))
    title: Mapped[str | None] = mapped_column(String(300))
    published_at: Mapped[datetime | None]
    contributor: Mapped[str | None] = mapped_column(String(200))
    academic_year: Mapped[str | None] = mapped_column(String(9))
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)


class FindingSeverity(enum.StrEnum):
    INFO = "INFO"
    WARNING = "WARNING"
    ERROR = "ERROR"


class Finding(Base):
    """A data-quality observation.

    ``fingerprint`` identifies the observation (its kind and subject), so observing the same
    thing again does not add a row. ``kind`` is a short machine-readable code
    (``country_name_corrected``, ``link_to_other_school``, ``dead_link``, …).
    """

    __tablename__ = "finding"

    id: Mapped[int] = mapped_column(primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(64), index=True)
    origin: Mapped[str] = mapped_column(String(16), index=True)  # "import" | "sync"
    severity: Mapped[FindingSeverity] = mapped_column(
        string_enum(FindingSeverity, "finding_severity", length=16)
    )
    message: Mapped[str] = mapped_column(Text)
    detail: Mapped[dict[str, object]] = mapped_column(default=dict)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("school.id"), index=True)
    link_id: Mapped[int | None] = mapped_column(ForeignKey("link.id"), index=True)
    revision_id: Mapped[int | None] = mapped_column(ForeignKey("faq_revision.id"))
    #: Line of the source the finding is about, when there is one.
    source_line: Mapped[int | None]
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]

    school: Mapped[School | None] = relationship(lazy="raise")
    link: Mapped[Link | None] = relationship(lazy="raise")
    revision: Mapped[FaqRevision | None] = relationship(lazy="raise")
