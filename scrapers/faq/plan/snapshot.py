"""What the database holds, read in bulk (one query per table) and keyed by natural keys.

The import compares the page with what it holds, so its cost does not grow with one query per
item: a page of 10,000 schools is read in a handful of statements. :func:`load_snapshot` loads
what interpretation needs and the small tables (rules, findings) before the page is read; a
row's values are one tuple whose names every row of its table shares (:class:`Values`).

The catalogue's own rows are not held (decisions 0360, 0361): :func:`stream_schools`,
:func:`stream_programmes`, :func:`stream_offers` and :func:`stream_links` hand them over as they
come, a batch at a time, to be compared with the page's as they pass
(:mod:`scrapers.faq.plan.stream`); only their ids are kept, those of schools and programmes keyed
by the catalogue's own (interned) strings, and the ``school_programme`` pairs as one packed
integer each (:class:`PairSet`).
"""

from __future__ import annotations

import json
from array import array
from bisect import bisect_left
from collections.abc import AsyncIterator, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVarTuple

from sqlalchemy import Row as SqlRow
from sqlalchemy import Select, exists, select
from sqlalchemy.ext.asyncio import AsyncSession
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

#: Rows fetched at a time when a table's rows are streamed (without ``yield_per`` the ORM's
#: stream fetches the whole result at once, decision 0340). A batch of 1,000 offers' rows cost
#: 1.2 times the page's size on a 3,000-school page, above the import's peak; 250 keep every
#: batch under it (decision 0361).
STREAM_ROWS = 250


def json_value(value: object) -> Any:
    """``value`` as it comes back from a JSON column (tuples become lists)."""
    return json.loads(json.dumps(value))


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


#: A school's compared values, in this order (:func:`stream_schools`).
SCHOOL_FIELDS = (
    "name", "short_name", "city", "country_code", "parent_slug", "website", "is_partner"
)  # fmt: skip
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


class PairSet:
    """The ``school_programme`` pairs: one 64-bit integer each (programme id, school id), sorted
    in an array, where a set of id tuples cost about the page's size on a second import."""

    __slots__ = ("_packed",)

    def __init__(self) -> None:
        self._packed = array("q")

    def append(self, programme: int, school: int) -> None:
        """Add a pair that sorts after every pair added before (by programme, then school)."""
        # Ids are 32-bit integer columns: a programme's fits above a school's.
        packed = programme << 32 | school
        assert not self._packed or self._packed[-1] < packed, "pairs come in order"
        self._packed.append(packed)

    def __contains__(self, pair: object) -> bool:
        if not isinstance(pair, tuple):
            return False
        programme, school = pair
        if not isinstance(programme, int) or not isinstance(school, int):
            return False
        packed = programme << 32 | school
        at = bisect_left(self._packed, packed)
        return at < len(self._packed) and self._packed[at] == packed


@dataclass(slots=True)
class Snapshot:
    countries: set[str] = field(default_factory=set)
    tracks: set[str] = field(default_factory=set)
    #: Names of the schools that are some school's parent (interpretation reads them).
    parent_names: list[str] = field(default_factory=list)
    #: Every school's id by slug, every programme's by key, and the ``school_programme``
    #: pairs: read while the schools, programmes and pairs stream by
    #: (:mod:`scrapers.faq.plan.stream`).
    school_ids: dict[str, int] = field(default_factory=dict)
    programme_ids: dict[str, int] = field(default_factory=dict)
    programme_schools: PairSet = field(default_factory=PairSet)
    #: The ids of the links the page's findings refer to (read while the links stream by);
    #: the writer reads back those it adds.
    link_ids: dict[LinkKey, int] = field(default_factory=dict)
    rules: dict[str | None, Row] = field(default_factory=dict)
    #: Import findings by fingerprint; ``retired`` means resolved.
    findings: dict[str, Row] = field(default_factory=dict)
    #: The id of the revision with the page's content hash, if it was imported before.
    revision_id: int | None = None

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


async def has_revisions(session: AsyncSession) -> bool:
    """Whether any FAQ page was imported into this database."""
    return bool(await session.scalar(select(exists().where(FaqRevision.id.is_not(None)))))


async def _load_parent_names(session: AsyncSession) -> list[str]:
    child = aliased(School)
    parents = select(child.parent_id).where(child.parent_id.is_not(None))
    return list(await session.scalars(select(School.name).where(School.id.in_(parents))))


#: A school's row as it streams by: its slug, id, compared values (``SCHOOL_FIELDS``, the
#: parent by slug), whether it is retired, and whether an admin retired it.
SchoolRow = tuple[str, int, tuple[object, ...], bool, bool]
#: A programme's row as it streams by: its key, id, (name, URL), whether it is retired.
ProgrammeRow = tuple[str, int, tuple[object, ...], bool]
#: An offer's row as it streams by: its key, id, places, and whether it is retired.
OfferRow = tuple[OfferKey, int, int | None, bool]
#: A link's row as it streams by: its key, id, role, and whether it is retired.
LinkRow = tuple[LinkKey, int, LinkRole, bool]


_Columns = TypeVarTuple("_Columns")


async def stream_rows(
    session: AsyncSession, statement: Select[*_Columns]
) -> AsyncIterator[SqlRow[*_Columns]]:
    """``statement``'s rows, fetched ``STREAM_ROWS`` at a time (the import's reads of whole
    tables: the comparison's, and the writer's read-backs of new ids). Taken a batch at a time
    from the result (``partitions``): its rows one by one cost a greenlet switch each, which made
    a second import of 10,000 schools a tenth slower (decision 0361)."""
    result = await session.stream(statement.execution_options(yield_per=STREAM_ROWS))
    async for batch in result.partitions():
        for row in batch:
            yield row


async def stream_schools(session: AsyncSession) -> AsyncIterator[SchoolRow]:
    """Every school's row, a batch at a time: nothing of them is kept."""
    parent = aliased(School)
    statement = select(
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
    async for row in stream_rows(session, statement):
        (id_, slug, name, short, city, country, parent_slug, website, partner, retired,
         held) = row  # fmt: skip
        values = (name, short, city, country, parent_slug, website, partner)
        yield slug, id_, values, retired is not None, bool(held)


async def stream_programmes(session: AsyncSession) -> AsyncIterator[ProgrammeRow]:
    """Every programme's row, a batch at a time: nothing of them is kept."""
    statement = select(
        Programme.id, Programme.key, Programme.name, Programme.url, Programme.retired_at
    )
    async for id_, key, name, url, retired in stream_rows(session, statement):
        yield key, id_, (name, url), retired is not None


async def load_programme_schools(session: AsyncSession) -> PairSet:
    """The ``school_programme`` pairs, packed as they stream by (in the packed order)."""
    programme, school = school_programme.c.programme_id, school_programme.c.school_id
    pairs = PairSet()
    async for pair in stream_rows(session, select(programme, school).order_by(programme, school)):
        pairs.append(*pair)
    return pairs


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
    async for id_, slug, programme, kind, year, scope, places, retired in stream_rows(
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
    async for id_, url, slug, programme, role, retired in stream_rows(session, statement):
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
    """What interpretation needs and the small tables, in one query each; the catalogue's own
    rows are streamed once the page is interpreted (:mod:`scrapers.faq.plan.stream`)."""
    snapshot = Snapshot()
    snapshot.countries = set(await session.scalars(select(Country.code)))
    snapshot.tracks = set(await session.scalars(select(HomeTrack.code)))
    snapshot.parent_names = await _load_parent_names(session)
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
