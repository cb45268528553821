"""The curated catalogue: countries, schools, programmes, offers, home tracks, rules, links.

Every entity has a natural unique key so that imports and syncs are idempotent upserts.
Nothing is deleted when a source stops listing it: ``retired_at`` is set and the row stays.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.db.base import Base, TimestampMixin
from service.db.types import string_enum


class OfferKind(enum.StrEnum):
    """What a place gives the student."""

    EXCHANGE = "EXCHANGE"
    DOUBLE_DEGREE = "DOUBLE_DEGREE"
    #: One pool of places, usable for either kind ("1 Double diplôme ou échange").
    EXCHANGE_OR_DOUBLE_DEGREE = "EXCHANGE_OR_DOUBLE_DEGREE"


class LinkRole(enum.StrEnum):
    """What a link is for, seen from its owner."""

    HOMEPAGE = "HOMEPAGE"
    EXCHANGE_PAGE = "EXCHANGE_PAGE"
    PROGRAMME_PAGE = "PROGRAMME_PAGE"
    OTHER = "OTHER"


def _digits_only(expression: str) -> str:
    # Portable "only digits" test (SQLite has no regex operator, Postgres no GLOB).
    for digit in "0123456789":
        expression = f"replace({expression}, '{digit}', '')"
    return f"{expression} = ''"


_YEAR_DIGITS = _digits_only("substr(academic_year, 1, 4) || substr(academic_year, 6, 4)")

#: "2019/2020": two four-digit years, consecutive. The CASE keeps Postgres from casting
#: non-digits (it does not short-circuit AND).
ACADEMIC_YEAR_CHECK = (
    "length(academic_year) = 9 AND substr(academic_year, 5, 1) = '/' "
    f"AND {_YEAR_DIGITS} "
    f"AND CASE WHEN {_YEAR_DIGITS} THEN CAST(substr(academic_year, 6, 4) AS INTEGER) "
    "= CAST(substr(academic_year, 1, 4) AS INTEGER) + 1 ELSE 1 = 0 END"
)


class Country(Base):
    """A country, keyed by its ISO 3166-1 alpha-2 code; names come from CLDR."""

    __tablename__ = "country"
    __table_args__ = (
        CheckConstraint("length(code) = 2 AND code = upper(code)", name="code_alpha2"),
    )

    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    name_fr: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))

    schools: Mapped[list[School]] = relationship(back_populates="country", lazy="raise")


school_programme = Table(
    "school_programme",
    Base.metadata,
    Column("school_id", ForeignKey("school.id", ondelete="CASCADE"), primary_key=True),
    # The primary key serves lookups by school; programme → schools needs its own index.
    Column(
        "programme_id", ForeignKey("programme.id", ondelete="CASCADE"), primary_key=True, index=True
    ),
)

offer_home_track = Table(
    "offer_home_track",
    Base.metadata,
    Column("offer_id", ForeignKey("offer.id", ondelete="CASCADE"), primary_key=True),
    Column("home_track_code", ForeignKey("home_track.code", ondelete="CASCADE"), primary_key=True),
)


class School(TimestampMixin, Base):
    """A partner school, or a parent institution of one (Grenoble INP for Phelma)."""

    __tablename__ = "school"
    __table_args__ = (
        CheckConstraint("slug <> ''", name="slug_not_empty"),
        CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),
        # The served list's filter (a country's current partners), answered from the index
        # alone; its first column serves every served-country lookup (migration 0020).
        Index(
            "ix_school_served_country_code_is_partner_retired_at",
            "served_country_code",
            "is_partner",
            "retired_at",
        ),
        # The retired schools (few), whose offers a list leaves out; partial, so that no
        # plan takes it for the current ones (migration 0021).
        Index(
            "ix_school_retired_at",
            "retired_at",
            sqlite_where=text("retired_at IS NOT NULL"),
            postgresql_where=text("retired_at IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    short_name: Mapped[str | None] = mapped_column(String(120))
    city: Mapped[str | None] = mapped_column(String(120))
    country_code: Mapped[str] = mapped_column(ForeignKey("country.code"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("school.id"), index=True)
    website: Mapped[str | None] = mapped_column(String(2048))
    #: coalesce(admin override, country_code), kept by database triggers (migration 0008) so that
    #: a country filter reads an index. Never written by the application.
    served_country_code: Mapped[str | None] = mapped_column(String(2))
    #: Listed as a partner by the curated page (parents are schools, not partners).
    is_partner: Mapped[bool] = mapped_column(default=False)
    retired_at: Mapped[datetime | None]

    country: Mapped[Country] = relationship(back_populates="schools", lazy="raise")
    parent: Mapped[School | None] = relationship(
        remote_side=lambda: [School.id], back_populates="children", lazy="raise"
    )
    children: Mapped[list[School]] = relationship(back_populates="parent", lazy="raise")
    programmes: Mapped[list[Programme]] = relationship(
        secondary=school_programme, back_populates="schools", lazy="raise"
    )
    offers: Mapped[list[Offer]] = relationship(back_populates="school", lazy="raise")
    links: Mapped[list[Link]] = relationship(back_populates="school", lazy="raise")


class Programme(TimestampMixin, Base):
    """What a student follows at the partner: a track, a cursus, a master.

    ``key`` is the natural key the importer derives (normalized name, scoped by the schools that
    teach it), so that a programme shared by two schools ("commune avec") is one row.
    """

    __tablename__ = "programme"
    __table_args__ = (CheckConstraint("key <> ''", name="key_not_empty"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(300), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    url: Mapped[str | None] = mapped_column(String(2048))
    retired_at: Mapped[datetime | None]

    schools: Mapped[list[School]] = relationship(
        secondary=school_programme, back_populates="programmes", lazy="raise"
    )
    offers: Mapped[list[Offer]] = relationship(back_populates="programme", lazy="raise")
    links: Mapped[list[Link]] = relationship(back_populates="programme", lazy="raise")


class HomeTrack(Base):
    """A track ("filière") of the home school: ISEM, IEL, …"""

    __tablename__ = "home_track"
    __table_args__ = (CheckConstraint("code <> '' AND code = upper(code)", name="code_upper"),)

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200))


class Offer(TimestampMixin, Base):
    """Places at a partner for one academic year, of one kind, for some or all home tracks.

    ``kind`` and ``places`` are null when the source does not say: unknown is not zero.
    ``scope`` is the sorted, comma-joined codes of the home tracks the offer is reserved to
    ("" when open to all); it exists so that the natural key can be a unique index, and the
    ``offer_home_track`` rows say the same thing relationally.
    """

    __tablename__ = "offer"
    __table_args__ = (
        CheckConstraint("places IS NULL OR places >= 0", name="places_not_negative"),
        CheckConstraint(ACADEMIC_YEAR_CHECK, name="academic_year_consecutive"),
        Index(
            "uq_offer_identity",
            "school_id",
            func.coalesce(Column("programme_id"), 0),
            func.coalesce(Column("kind"), ""),
            "academic_year",
            "scope",
            unique=True,
        ),
        # The current offers in each page order of offersConnection, their school beside:
        # a page walks one in order and stops, a count reads one alone (migration 0021).
        Index(
            "ix_offer_academic_year_id_retired_at_school_id",
            Column("academic_year").desc(),
            "id",
            "retired_at",
            "school_id",
        ),
        Index(
            "ix_offer_places_id_retired_at_school_id",
            func.coalesce(Column("places"), -1).desc(),
            "id",
            "retired_at",
            "school_id",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    programme_id: Mapped[int | None] = mapped_column(ForeignKey("programme.id"), index=True)
    kind: Mapped[OfferKind | None] = mapped_column(string_enum(OfferKind, "offer_kind"))
    places: Mapped[int | None]
    academic_year: Mapped[str] = mapped_column(String(9))
    scope: Mapped[str] = mapped_column(String(200), default="")
    retired_at: Mapped[datetime | None]

    school: Mapped[School] = relationship(back_populates="offers", lazy="raise")
    programme: Mapped[Programme | None] = relationship(back_populates="offers", lazy="raise")
    home_tracks: Mapped[list[HomeTrack]] = relationship(secondary=offer_home_track, lazy="raise")


class SelectionRule(TimestampMixin, Base):
    """How students are selected: for every track (``home_track_code`` null) or for one."""

    __tablename__ = "selection_rule"
    __table_args__ = (
        Index("uq_selection_rule_track", func.coalesce(Column("home_track_code"), ""), unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    home_track_code: Mapped[str | None] = mapped_column(ForeignKey("home_track.code"))
    #: Semesters whose grades count, in order: ["S1", "S2"] or ["S1", "S2", "S3"].
    semesters: Mapped[list[str]]
    #: What is assessed besides grades, e.g. ["grades", "motivation"].
    criteria: Mapped[list[str]]
    #: The sentence of the source the rule was read from.
    source_text: Mapped[str] = mapped_column(Text, default="")

    home_track: Mapped[HomeTrack | None] = relationship(lazy="raise")


class Link(TimestampMixin, Base):
    """A URL the curated page gives for a school or a programme.

    The same URL may belong to two owners (two schools may link one page), so the natural key is
    the URL with its owner.
    """

    __tablename__ = "link"
    __table_args__ = (
        CheckConstraint(
            "(school_id IS NOT NULL) <> (programme_id IS NOT NULL)", name="exactly_one_owner"
        ),
        Index(
            "uq_link_owner_url",
            "url",
            func.coalesce(Column("school_id"), 0),
            func.coalesce(Column("programme_id"), 0),
            unique=True,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2048))
    role: Mapped[LinkRole] = mapped_column(string_enum(LinkRole, "link_role"))
    school_id: Mapped[int | None] = mapped_column(ForeignKey("school.id"), index=True)
    programme_id: Mapped[int | None] = mapped_column(ForeignKey("programme.id"), index=True)
    retired_at: Mapped[datetime | None]

    school: Mapped[School | None] = relationship(back_populates="links", lazy="raise")
    programme: Mapped[Programme | None] = relationship(back_populates="links", lazy="raise")
