"""What the partners' own pages say about a school, where it came from, and what it replaced.

``SchoolFact`` holds the current scraped value of each ``(school, field, key)`` with its
provenance and freshness; ``SchoolFactChange`` is the history of every value change;
``SchoolOverride`` is an admin's correction, which wins over the curated and the scraped value
(``docs/decisions/0040-precedence-of-values.md``). Values are JSON objects whose shape depends on
the field (``service.catalogue.fields``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.db.base import Base
from service.db.models.catalogue import School
from service.db.types import utcnow

#: A JSON column where Python ``None`` is SQL ``NULL`` (SQLAlchemy's default stores JSON ``null``).
_NULLABLE_JSON = JSON(none_as_null=True)


class SchoolFact(Base):
    """The current scraped value of one fact about a school, with its provenance.

    ``fetched_at``, ``source_url``, ``extractor``, ``snippet`` and ``confidence`` say where the
    current value was read. ``last_good_at`` is the last fetch that confirmed it; ``stale`` is set
    when the latest sync could not confirm it (failed fetch, or the page no longer yields it), and
    the value is kept: unseen means stale, not deleted.

    A confirmation only moves ``last_good_at``, which does not move the data version
    (``docs/decisions/0125-one-data-version-per-sync-run.md``).
    """

    __tablename__ = "school_fact"
    __unversioned__ = frozenset({"last_good_at"})
    __table_args__ = (
        UniqueConstraint("school_id", "field", "key"),
        CheckConstraint("confidence >= 0 AND confidence <= 1", name="confidence_range"),
        CheckConstraint("stale = (stale_since IS NOT NULL)", name="stale_since_when_stale"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"))
    field: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(String(300), default="")
    value: Mapped[dict[str, object]]
    source_url: Mapped[str] = mapped_column(String(2048))
    fetched_at: Mapped[datetime]
    extractor: Mapped[str] = mapped_column(String(100))
    extractor_version: Mapped[str] = mapped_column(String(32))
    snippet: Mapped[str] = mapped_column(Text, default="")
    confidence: Mapped[float]
    stale: Mapped[bool] = mapped_column(default=False)
    stale_since: Mapped[datetime | None]
    last_good_at: Mapped[datetime]
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)

    school: Mapped[School] = relationship(lazy="raise")


class SchoolFactChange(Base):
    """One change of a scraped value: added (no old value) or replaced."""

    __tablename__ = "school_fact_change"
    __table_args__ = (
        CheckConstraint("old_value IS NOT NULL OR new_value IS NOT NULL", name="old_or_new_value"),
        Index("ix_school_fact_change_school_id_changed_at", "school_id", "changed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"))
    field: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(String(300), default="")
    old_value: Mapped[dict[str, object] | None] = mapped_column(_NULLABLE_JSON)
    new_value: Mapped[dict[str, object] | None] = mapped_column(_NULLABLE_JSON)
    changed_at: Mapped[datetime] = mapped_column(index=True)
    #: The page the new value was read from.
    source_url: Mapped[str | None] = mapped_column(String(2048))

    school: Mapped[School] = relationship(lazy="raise")


class SchoolOverride(Base):
    """An admin's value for one field of a school; it wins over curated and scraped values.

    ``field`` is a scraped field (``deadline``, with the same ``key`` and value shape as the
    scraped fact it replaces) or a curated one (``name``, ``city``, ``country_code``,
    ``website``, key ``""``, value ``{"value": ...}``).
    """

    __tablename__ = "school_override"
    __table_args__ = (
        UniqueConstraint("school_id", "field", "key"),
        CheckConstraint("field <> ''", name="field_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"))
    field: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(String(300), default="")
    value: Mapped[dict[str, object]]
    reason: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    school: Mapped[School] = relationship(lazy="raise")
