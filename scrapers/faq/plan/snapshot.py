"""What the database holds, read in bulk (one query per table) and keyed by natural keys.

The import compares the page with this snapshot in memory, so its cost does not grow with one
query per item: a page of 10,000 schools is read in a handful of statements. Rows are held
compactly (decision 0205): a row's values are one tuple whose names every row of its table
shares (:class:`Values`), and the natural keys' strings repeated across rows (a school's slug in
each of its programmes' groups, programme keys) are one object each.

Offers and links, the bulk of a catalogue, are not held: :func:`stream_offers` and
:func:`stream_links` hand their rows over as they come, a batch at a time, to be compared with
the page's as they pass (:mod:`scrapers.faq.plan.stream`, decision 0360).
"""

from __future__ import annotations

import json
import sys
from collections.abc import AsyncIterator, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar, TypeVarTuple

from sqlalchemy import Select, exists, select
from sqlalchemy.ext.asyncio import AsyncResult, AsyncSession
from sqlalchemy.orm import aliased

from scrapers.faq.interpret import ORIGIN, LinkKey, OfferKey
from service.catalogue import ADMIN_RETIREMENT_FIELD
from service.db import (
    Country,
    FaqRevision,
    Finding,
    HomeTrack,
    Link,
    LinkRole,
    Offer,
    Programme,
    School,
    SchoolOverride,
    SelectionRule,
    school_programme,
)

FINDING_ORIGIN = ORIGIN

#: Rows fetched at a time when a table's rows are streamed: without ``yield_per`` the ORM's
#: stream fetches the whole result at once (decision 0340).
STREAM_ROWS = 1_000


def json_value(value: object) -> Any:
    """``value`` as it comes back from a JSON column (tuples become lists)."""
    return json.loads(json.dumps(value))


T = TypeVar("T")


class Values(Mapping[str, object]):
    """A row's compared values by name: a tuple, beside the names shared by its table's rows."""

    __slots__ = ("_names", "_values")

    def __init__(self, names: tuple[str, ...], values: tuple[object, ...]) -> None:
        self._names = names
        self._values = values

    def __getitem__(self, name: str) -> object:
        try:
            return self._values[self._names.index(name)]
        except ValueError:
            raise KeyError(name) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


class _Shared:
    """One object per distinct value: the strings a snapshot's keys repeat row after row.

    Strings are interned (``sys.intern``): the catalogue interns its school slugs and programme
    keys too (decision 0207), so on a second import the catalogue's keys are the snapshot's own
    strings rather than a second copy of each (decision 0341).
    """

    def __init__(self) -> None:
        self._known: dict[object, object] = {}

    def __call__(self, value: T) -> T:
        if isinstance(value, str):
            return sys.intern(value)  # type: ignore[return-value]
        return self._known.setdefault(value, value)  # type: ignore[return-value]


_SCHOOL_FIELDS = (
    "name", "short_name", "city", "country_code", "parent_slug", "website", "is_partner"
)  # fmt: skip
_PROGRAMME_FIELDS = ("name", "url")
_PLACES = ("places",)
_ROLE = ("role",)
_RULE_FIELDS = ("semesters", "criteria", "source_text")
_FINDING_FIELDS = (
    "kind", "severity", "message", "detail", "source_line", "school_slug", "link_key"
)  # fmt: skip


@dataclass(slots=True)
class Row:
    """An existing row: its id, the compared values (references as natural keys), its state."""

    id: int
    values: Mapping[str, object]
    retired: bool = False
    #: Retired by an admin (``retireSchool``): listed again, it stays retired (decision 0077).
    held: bool = False


@dataclass(slots=True)
class Snapshot:
    countries: set[str] = field(default_factory=set)
    tracks: set[str] = field(default_factory=set)
    schools: dict[str, Row] = field(default_factory=dict)
    programmes: dict[str, Row] = field(default_factory=dict)
    #: (programme id, school id) pairs of ``school_programme``.
    programme_schools: set[tuple[int, int]] = field(default_factory=set)
    #: The ids of the links the page's findings refer to (read while the links stream by:
    #: :mod:`scrapers.faq.plan.stream`); the writer reads back those it adds.
    link_ids: dict[LinkKey, int] = field(default_factory=dict)
    rules: dict[str | None, Row] = field(default_factory=dict)
    #: Import findings by fingerprint; ``retired`` means resolved.
    findings: dict[str, Row] = field(default_factory=dict)
    #: The id of the revision with the page's content hash, if it was imported before.
    revision_id: int | None = None

    @property
    def parent_names(self) -> list[str]:
        """Names of the schools that are some school's parent."""
        parents = {row.values["parent_slug"] for row in self.schools.values()}
        return [str(row.values["name"]) for slug, row in self.schools.items() if slug in parents]

    @property
    def name_corrections(self) -> dict[str, str]:
        """The misspelt names the open ``name_corrected`` findings say were read as another."""
        corrections: dict[str, str] = {}
        for row in self.findings.values():
            detail = row.values["detail"]
            if (
                row.values["kind"] == "name_corrected"
                and not row.retired
                and isinstance(detail, dict)
            ):
                written, read_as = detail.get("written"), detail.get("read_as")
                if isinstance(written, str) and isinstance(read_as, str):
                    corrections[written] = read_as
        return corrections

    def school_ids(self) -> dict[str, int]:
        return {slug: row.id for slug, row in self.schools.items()}


async def has_revisions(session: AsyncSession) -> bool:
    """Whether any FAQ page was imported into this database."""
    return bool(await session.scalar(select(exists().where(FaqRevision.id.is_not(None)))))


async def _load_schools(session: AsyncSession, snapshot: Snapshot, shared: _Shared) -> None:
    parent = aliased(School)
    rows = await session.execute(
        select(
            School.id,
            School.slug,
            School.name,
            School.short_name,
            School.city,
            School.country_code,
            parent.slug,
            School.website,
            School.is_partner,
            School.retired_at,
            exists()
            .where(
                SchoolOverride.school_id == School.id,
                SchoolOverride.field == ADMIN_RETIREMENT_FIELD,
            )
            .label("held"),
        ).outerjoin(parent, School.parent_id == parent.id)
    )
    for (
        id_,
        slug,
        name,
        short,
        city,
        country,
        parent_slug,
        website,
        partner,
        retired,
        held,
    ) in rows:
        snapshot.schools[shared(slug)] = Row(
            id=id_,
            values=Values(
                _SCHOOL_FIELDS,
                (name, short, city, country, shared(parent_slug), website, partner),
            ),
            retired=retired is not None,
            held=bool(held),
        )


#: An offer's row as it streams by: its key, id, places, and whether it is retired.
OfferRow = tuple[OfferKey, int, int | None, bool]
#: A link's row as it streams by: its key, id, role, and whether it is retired.
LinkRow = tuple[LinkKey, int, LinkRole, bool]


_Columns = TypeVarTuple("_Columns")


async def _stream(session: AsyncSession, statement: Select[*_Columns]) -> AsyncResult[*_Columns]:
    """``statement``'s rows, fetched ``STREAM_ROWS`` at a time."""
    return await session.stream(statement.execution_options(yield_per=STREAM_ROWS))


async def stream_offers(session: AsyncSession) -> AsyncIterator[OfferRow]:
    """Every offer's row, a batch at a time, keyed as the page's: nothing of them is kept."""
    statement = (
        select(
            Offer.id,
            School.slug,
            Programme.key,
            Offer.kind,
            Offer.academic_year,
            Offer.scope,
            Offer.places,
            Offer.retired_at,
        )
        .join(School, Offer.school_id == School.id)
        .outerjoin(Programme, Offer.programme_id == Programme.id)
    )
    async for id_, slug, programme, kind, year, scope, places, retired in await _stream(
        session, statement
    ):
        yield (slug, programme, kind, year, scope), id_, places, retired is not None


async def stream_links(session: AsyncSession) -> AsyncIterator[LinkRow]:
    """Every link's row, a batch at a time, keyed as the page's: nothing of them is kept."""
    statement = (
        select(Link.id, Link.url, School.slug, Programme.key, Link.role, Link.retired_at)
        .outerjoin(School, Link.school_id == School.id)
        .outerjoin(Programme, Link.programme_id == Programme.id)
    )
    async for id_, url, slug, programme, role, retired in await _stream(session, statement):
        yield (url, slug, programme), id_, role, retired is not None


async def _load_findings(session: AsyncSession, snapshot: Snapshot) -> None:
    link_school = aliased(School)
    rows = await session.execute(
        select(
            Finding.id,
            Finding.fingerprint,
            Finding.kind,
            Finding.severity,
            Finding.message,
            Finding.detail,
            Finding.source_line,
            School.slug,
            Link.url,
            link_school.slug,
            Programme.key,
            Finding.resolved_at,
        )
        .where(Finding.origin == FINDING_ORIGIN)
        .outerjoin(School, Finding.school_id == School.id)
        .outerjoin(Link, Finding.link_id == Link.id)
        .outerjoin(link_school, Link.school_id == link_school.id)
        .outerjoin(Programme, Link.programme_id == Programme.id)
    )
    for row in rows:
        (id_, fingerprint, kind, severity, message, detail, line, slug, url, link_slug,
         programme, resolved) = row  # fmt: skip
        snapshot.findings[fingerprint] = Row(
            id=id_,
            values=Values(
                _FINDING_FIELDS,
                (
                    kind,
                    severity,
                    message,
                    detail,
                    line,
                    slug,
                    (url, link_slug, programme) if url is not None else None,
                ),
            ),
            retired=resolved is not None,
        )


async def load_snapshot(session: AsyncSession, content_hash: str) -> Snapshot:
    """Everything the import compares against but offers and links (streamed later), in one
    query per table."""
    snapshot = Snapshot()
    shared = _Shared()
    snapshot.countries = set(await session.scalars(select(Country.code)))
    snapshot.tracks = set(await session.scalars(select(HomeTrack.code)))
    await _load_schools(session, snapshot, shared)
    for id_, key, name, url, retired in await session.execute(
        select(Programme.id, Programme.key, Programme.name, Programme.url, Programme.retired_at)
    ):
        snapshot.programmes[shared(key)] = Row(
            id=id_, values=Values(_PROGRAMME_FIELDS, (name, url)), retired=retired is not None
        )
    pairs = await session.execute(
        select(school_programme.c.programme_id, school_programme.c.school_id)
    )
    snapshot.programme_schools = {(programme, school) for programme, school in pairs}
    for id_, track, semesters, criteria, text in await session.execute(
        select(
            SelectionRule.id,
            SelectionRule.home_track_code,
            SelectionRule.semesters,
            SelectionRule.criteria,
            SelectionRule.source_text,
        )
    ):
        snapshot.rules[track] = Row(
            id=id_, values=Values(_RULE_FIELDS, (semesters, criteria, text))
        )
    await _load_findings(session, snapshot)
    snapshot.revision_id = await session.scalar(
        select(FaqRevision.id).where(FaqRevision.content_hash == content_hash)
    )
    return snapshot
