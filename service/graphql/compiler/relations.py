"""The catalogue graph as one table: for each GraphQL type, how each field is read in SQL.

A scalar field is an SQL expression over the row (``Scalar``); a relation (``Relation``) names
its target type, the join and filter that reach the target rows from the parent row, their
order, and what the child carries down (a programme reached from a school shows that school's
offers only). A field absent from this table is not compilable: the root field above it then
runs through the resolvers (correct, only slower). Teaching the compiler a new field is one
entry here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Protocol

import orjson
from sqlalchemy.dialects import postgresql, sqlite

from service.catalogue import SERVED_FACT, served_facts_sql, served_school_rows, verdict_sources
from service.db import LinkStatus, School
from service.graphql.compiler.dialect import Dialect
from service.graphql.types.reference import MAX_LINK_CHECKS


@dataclass(frozen=True, slots=True)
class Row:
    """One row of a type in the statement: its alias and what its parents passed down."""

    alias: str
    carried: Mapping[str, str] = field(default_factory=dict)

    def col(self, name: str) -> str:
        return f"{self.alias}.{name}"


class Bind(Protocol):
    """Binds a parameter whose value is computed from the field's coerced arguments."""

    def __call__(self, value: Callable[[Mapping[str, Any]], Any], sql_type: str) -> str: ...

    def fixed(self, value: Callable[[Mapping[str, Any]], Any]) -> Any:
        """``value`` of the arguments the plan is written for, to write the SQL text by: the
        plan serves only requests whose arguments give the same value (a ``Guard``)."""
        ...


@dataclass(frozen=True, slots=True)
class Scalar:
    """A leaf field: ``sql(dialect, row, bind)`` is its JSON value."""

    sql: Callable[[Dialect, Row, Bind], str]


@dataclass(frozen=True, slots=True)
class Relation:
    """An object or list field reaching rows of ``target``.

    ``where(dialect, parent, child, bind)`` gives the joins and conditions after
    ``FROM <target source> AS child`` (starting with ``WHERE`` or ``JOIN``); ``order`` the ORDER
    BY of a list (``many``) or the pick of one row; ``carry`` what the child rows pass down.
    """

    target: str
    many: bool
    where: Callable[[Dialect, Row, Row, Bind], str]
    order: Callable[[Dialect, Row], str]
    carry: Callable[[Row, Row], Mapping[str, str]] = lambda _parent, _child: {}
    #: The FROM item (alias included) when the rows are not a table's: the elements of a
    #: JSON column of the parent (``source(dialect, parent, alias)``).
    source: Callable[[Dialect, Row, str], str] | None = None


@dataclass(frozen=True, slots=True)
class Same:
    """An object field whose value is another type's object over the same row (``School.info``:
    the school's values, read by its own entries)."""

    target: str


@dataclass(frozen=True, slots=True)
class Nested:
    """An object field the planner has a function for: ``sql(planner, row, details, bind)`` is
    its JSON (``Link.checksConnection``: a connection below a root, its envelope in SQL)."""

    sql: Callable[[Any, Row, list[Any], Bind], str]


Entry = Scalar | Relation | Same | Nested


def column(name: str) -> Scalar:
    return Scalar(lambda _d, row, _b: row.col(name))


def boolean(name: str) -> Scalar:
    return Scalar(lambda d, row, _b: d.boolean(row.col(name)))


def timestamp(name: str) -> Scalar:
    return Scalar(lambda d, row, _b: d.timestamp(row.col(name)))


def json_column(name: str) -> Scalar:
    return Scalar(lambda d, row, _b: d.json_column(row.col(name)))


def sqlalchemy_dialect(name: str) -> Any:
    """SQLAlchemy's dialect object for ``name``, to compile expressions shared with the ORM."""
    return postgresql.dialect() if name == "postgresql" else sqlite.dialect()  # type: ignore[no-untyped-call]


@cache
def _served_schools(dialect_name: str) -> str:
    # The served columns (an admin override beats the curated value) as the one SQLAlchemy
    # expression the resolvers use too (service.catalogue.served_fields), compiled once; also
    # the indexed served country the triggers maintain, which the list filters read.
    rows = served_school_rows().add_columns(School.served_country_code)
    compiled = rows.compile(
        dialect=sqlalchemy_dialect(dialect_name),
        compile_kwargs={"literal_binds": True},
    )
    return f"({compiled})"


#: The name statements give the served schools (see ``with_sources``).
SERVED_SCHOOL = "served_school"


@cache
def _served_facts(dialect_name: str) -> str:
    # The one SQL of the served values (service.catalogue.school_info.served_facts), which the
    # resolvers and the student filters' verdict read too.
    return f"({served_facts_sql(sqlalchemy_dialect(dialect_name))})"


def source(_dialect: Dialect, type_name: str) -> str:
    """The FROM item rows of ``type_name`` are read from."""
    return SERVED_SCHOOL if type_name == "School" else TABLES[type_name]


__all__ = ["SERVED_FACT"]


def with_sources(dialect: Dialect, statement: str, levels: Sequence[str] = ()) -> str:
    """``statement`` with the common tables it reads defined once in front.

    A common table expression rather than a subquery at each use: SQLite's parser has a
    fixed stack, and every nested subquery spends some of it. Both backends inline them
    (NOT MATERIALIZED), so conditions on them still reach the tables' indexes: SQLite
    materializes a CTE read twice (a page and its ``totalCount``) otherwise, every school's
    served row before any filter (decision 0370).
    ``levels`` are the planner's relation levels (``name AS (…)``, deepest first): those the
    statement reads, directly or through another, come last.
    """
    from service.graphql.compiler.info import info_sources

    sources = [
        (SERVED_SCHOOL, f"NOT MATERIALIZED {_served_schools(dialect.name)}"),
        (SERVED_FACT, f"NOT MATERIALIZED {_served_facts(dialect.name)}"),
        *(
            (name, f"NOT MATERIALIZED ({select})")
            for name, select in (*verdict_sources(dialect.postgres), *info_sources(dialect))
        ),
    ]
    read = [statement]
    for level in reversed(levels):
        name = level.split(" ", 1)[0]
        if any(f"FROM {name} " in text for text in read):
            read.append(level)
    statement_levels = [level for level in levels if level in read]
    text = " ".join(read)
    # What the statement reads, then what those read (each reads only those before it).
    needed = {name for name, _select in sources if name in text}
    for name, select in reversed(sources):
        if name in needed:
            needed |= {other for other, _select in sources if other != name and other in select}
    used = [f"{name} AS {select}" for name, select in sources if name in needed]
    used.extend(statement_levels)
    if not used:
        return statement
    return f"WITH {', '.join(used)} {statement}"


TABLES = {
    "Country": "country",
    "Programme": "programme",
    "Offer": "offer",
    "HomeTrack": "home_track",
    "SelectionRule": "selection_rule",
    "Link": "link",
    "LinkHealth": "url_health",
    "LinkCheck": "link_check",
    "Finding": "finding",
    "SyncRun": "sync_run",
}


def global_id(type_name: str, *columns: str) -> Scalar:
    """The ``id`` the resolvers give (service.graphql.global_id): ``Type:key``."""

    def sql(d: Dialect, row: Row, _b: Bind) -> str:
        parts = [d.literal(type_name)]
        for name in columns:
            parts += [d.literal(":"), row.col(name)]
        return d.concat(*parts)

    return Scalar(sql)


def _programme_id(d: Dialect, row: Row, _b: Bind) -> str:
    # Reached from a school (School.programmes, Offer.programme): that school's programme.
    school = row.carried.get("school_id")
    if school is None:
        return d.concat(d.literal("Programme:"), row.col("key"))
    slug = f"(SELECT ps.slug FROM school AS ps WHERE ps.id = {school})"
    return d.concat(d.literal("Programme:"), slug, d.literal(":"), row.col("key"))


def open_to(offer: str, track: str) -> str:
    """SQL: the offer is open to every track, or reserved to ``track`` among others."""
    return (
        f"(NOT EXISTS (SELECT 1 FROM offer_home_track AS oh WHERE oh.offer_id = {offer}.id) "
        f"OR EXISTS (SELECT 1 FROM offer_home_track AS oh WHERE oh.offer_id = {offer}.id "
        f"AND oh.home_track_code = {track}))"
    )


def _eligible_for(d: Dialect, row: Row, bind: Bind) -> str:
    track = bind(lambda arguments: str(arguments["homeTrack"]).strip().upper(), "TEXT")
    return d.boolean(open_to(row.alias, track))


#: What an offer of a root list filtered on the student's facts carries: the JSON array of the
#: criteria it met only on unknown facts (roots.offer_filter).
UNKNOWN_FACTS = "unknown_facts"


def _matched_on_unknown(d: Dialect, row: Row, _b: Bind) -> str:
    # Only offers of a root filtered on a student's facts (languageAtMost, deadlineOnOrAfter,
    # semester) can have matched on unknown ones: nested offers, and nodes, carry nothing.
    return row.carried.get(UNKNOWN_FACTS) or d.empty_array()


def _redirects(d: Dialect, parent: Row, alias: str) -> str:
    return d.elements(parent.col("redirects"), alias)


def _checks_limit(arguments: Mapping[str, Any]) -> int:
    # Out of range: the resolver's readable error (the plan falls back).
    from service.graphql.compiler.plan import NotCompilableError

    last = arguments["last"]
    if not 0 <= last <= MAX_LINK_CHECKS:
        raise NotCompilableError("Link.checks(last)")
    return int(last)


def _latest_checks(_d: Dialect, p: Row, c: Row, bind: Bind) -> str:
    last = bind(_checks_limit, "INTEGER")
    return (
        f"WHERE {c.col('id')} IN (SELECT lc.id FROM link_check AS lc "
        f"WHERE lc.link_id = {p.col('id')} ORDER BY lc.checked_at DESC, lc.id DESC "
        f"LIMIT {last})"
    )


def _checks_connection(planner: Any, parent: Row, details: list[Any], bind: Bind) -> str:
    # compiler/connection.py reads this module's entry types: imported when first planned.
    from service.graphql.compiler.connection import checks_connection_sql

    return checks_connection_sql(planner, parent, details, bind)


def _school_links(_d: Dialect, p: Row, c: Row, _b: Bind) -> str:
    # Its own links and those of its current programmes (service.catalogue.links); a link has
    # exactly one owner, so none comes twice.
    return (
        f"WHERE {c.col('retired_at')} IS NULL AND ({c.col('school_id')} = {p.col('id')} "
        f"OR {c.col('programme_id')} IN (SELECT lsp.programme_id FROM school_programme AS lsp "
        f"JOIN programme AS lpr ON lpr.id = lsp.programme_id "
        f"WHERE lsp.school_id = {p.col('id')} AND lpr.retired_at IS NULL))"
    )


def _school_findings(d: Dialect, p: Row, c: Row, bind: Bind) -> str:
    conditions = [f"{c.col('school_id')} = {p.col('id')}"]
    if bind.fixed(lambda arguments: arguments.get("kinds") is not None):
        kinds = bind(lambda arguments: _json_texts(arguments.get("kinds")), d.json_type)
        conditions.append(d.in_list(c.col("kind"), kinds))
    if not bind.fixed(lambda arguments: bool(arguments.get("includeResolved"))):
        conditions.append(f"{c.col('resolved_at')} IS NULL")
    return "WHERE " + " AND ".join(conditions)


def _json_texts(values: Any) -> str:
    return orjson.dumps(list(values or [])).decode()


def _by_id(_d: Dialect, row: Row) -> str:
    return row.col("id")


def _latest_first(_d: Dialect, row: Row) -> str:
    return f"{row.col('checked_at')} DESC, {row.col('id')} DESC"


def _newest_first(_d: Dialect, row: Row) -> str:
    return f"{row.col('first_seen_at')} DESC, {row.col('id')} DESC"


def _elements(
    target: str,
    rows: Callable[[Dialect, Row, str], str],
    order: Callable[[Dialect, Row], str] = lambda _d, c: c.col("key"),
) -> Relation:
    """A list of ``target`` read from the parent's row (``rows``: the FROM item of its
    elements, ``alias.key`` their order unless ``order`` says otherwise), not from a table."""
    return Relation(target, many=True, where=lambda _d, _p, _c, _b: "", order=order, source=rows)


_HOP: dict[str, Entry] = {
    "url": Scalar(lambda d, row, _b: d.member_text(row.col("value"), "url")),
    "status": Scalar(lambda d, row, _b: d.member_integer(row.col("value"), "status")),
}
_VISIT: dict[str, Entry] = {
    "status": column("status"),
    "httpStatus": column("http_status"),
    "finalUrl": column("final_url"),
    "redirects": _elements("RedirectHop", _redirects),
    "responseTimeMs": column("response_ms"),
    "error": column("error"),
    "checkedAt": timestamp("checked_at"),
}


def _status_counts(d: Dialect, parent: Row, alias: str) -> str:
    # Per status present in the run's counts, in the order of LinkStatus (SyncRun.from_row).
    statuses = " UNION ALL ".join(
        f"SELECT {index} AS n, {d.literal(status.value)} AS name"
        for index, status in enumerate(LinkStatus)
    )
    counts = parent.col("counts")
    return (
        f"(SELECT s.n AS key, s.name AS status, {d.integer_member(counts, 's.name')} AS count "
        f"FROM ({statuses}) AS s WHERE {d.has_member(counts, 's.name')}) AS {alias}"
    )


def _school_errors(name: str) -> Relation:
    # The members of a JSON object of slug → message, by slug (SyncRun.from_row sorts them).
    return _elements(
        "SchoolError",
        lambda d, parent, alias: d.members(parent.col(name), alias),
        order=lambda d, c: d.binary(c.col("key")),
    )


#: The column a row of each type is found by (the resolvers' loaders key their parents on it).
KEYS = {
    "Country": "code",
    "School": "id",
    "Programme": "id",
    "Offer": "id",
    "HomeTrack": "code",
    "SelectionRule": "id",
    "Link": "id",
    "LinkCheck": "id",
}


def _include_retired(d: Dialect, child: Row, bind: Bind) -> str:
    if bind.fixed(lambda arguments: bool(arguments.get("includeRetired"))):
        return d.true()
    return f"{child.col('retired_at')} IS NULL"


def _offer_order(_d: Dialect, row: Row) -> str:
    # Newest academic year first, as service.catalogue.offers orders them.
    return f"{row.col('academic_year')} DESC, {row.col('id')}"


def _programme_offers(d: Dialect, p: Row, c: Row, bind: Bind) -> str:
    # Seen from the school it was reached from: that school's offers only; found by its key
    # alone (node), it carries no school: all its offers.
    school = p.carried.get("school_id")
    at_school = "" if school is None else f"AND {c.col('school_id')} = {school} "
    return (
        f"WHERE {c.col('programme_id')} = {p.col('id')} {at_school}"
        f"AND {_include_retired(d, c, bind)}"
    )


def _lang_name(d: Dialect, row: Row, bind: Bind) -> str:
    lang = bind(lambda arguments: arguments["lang"].name, "TEXT")
    return f"CASE WHEN {lang} = 'EN' THEN {row.col('name_en')} ELSE {row.col('name_fr')} END"


def _by_slug(d: Dialect, row: Row) -> str:
    return d.binary(row.col("slug"))


def _country_schools(d: Dialect, p: Row, c: Row) -> str:
    # PostgreSQL: the served country_code, not the indexed served_country_code: under the full
    # tree (every country's schools) its plan over the index took 0.55 s against 0.25-0.32 s,
    # and one country's schools 19 ms either way (docs/benchmarks.md). SQLite: the index,
    # which the served country_code (a coalesce over the overrides' join) cannot use.
    country = c.col("country_code" if d.postgres else "served_country_code")
    return (
        f"WHERE {country} = {p.col('code')} "
        f"AND {c.col('is_partner')} = {d.true()} AND {c.col('retired_at')} IS NULL"
    )


def _country_schools_order(d: Dialect, row: Row) -> str:
    # Every school of the country is read, so sorting them is cheaper than walking the slug
    # index through all 10,000; SQLite cannot tell (it takes the overrides' join for several
    # rows a school) and walked it: the unary + keeps the slug index out of the ordering
    # (decision 0370). The same order: + keeps the column's collation.
    return _by_slug(d, row) if d.postgres else f"+{row.col('slug')}"


def _programme_order(d: Dialect, row: Row) -> str:
    return f"{d.binary(row.col('key'))}, {row.col('id')}"


#: type name → field name → entry. ``__typename`` is handled by the planner for every type.
FIELDS: dict[str, dict[str, Entry]] = {
    "Country": {
        "id": global_id("Country", "code"),
        "code": column("code"),
        "name": Scalar(_lang_name),
        "schools": Relation(
            "School",
            many=True,
            where=lambda d, p, c, _b: _country_schools(d, p, c),
            order=_country_schools_order,
        ),
    },
    "School": {
        "id": global_id("School", "slug"),
        "slug": column("slug"),
        "name": column("name"),
        "shortName": column("short_name"),
        "city": column("city"),
        "website": column("website"),
        "isPartner": boolean("is_partner"),
        "retiredAt": timestamp("retired_at"),
        "country": Relation(
            "Country",
            many=False,
            where=lambda _d, p, c, _b: f"WHERE {c.col('code')} = {p.col('country_code')}",
            order=lambda _d, c: c.col("code"),
        ),
        "parent": Relation(
            "School",
            many=False,
            where=lambda _d, p, c, _b: f"WHERE {c.col('id')} = {p.col('parent_id')}",
            order=lambda _d, c: c.col("id"),
        ),
        "programmes": Relation(
            "Programme",
            many=True,
            where=lambda _d, p, c, _b: (
                f"JOIN school_programme AS {c.alias}_sp ON {c.alias}_sp.programme_id = "
                f"{c.col('id')} WHERE {c.alias}_sp.school_id = {p.col('id')} "
                f"AND {c.col('retired_at')} IS NULL"
            ),
            order=_programme_order,
            carry=lambda p, _c: {"school_id": p.col("id")},
        ),
        "offers": Relation(
            "Offer",
            many=True,
            where=lambda d, p, c, b: (
                f"WHERE {c.col('school_id')} = {p.col('id')} AND {_include_retired(d, c, b)}"
            ),
            order=_offer_order,
        ),
        "links": Relation("Link", many=True, where=_school_links, order=_by_id),
        "findings": Relation("Finding", many=True, where=_school_findings, order=_newest_first),
        "info": Same("SchoolInfo"),
    },
    "Programme": {
        "id": Scalar(_programme_id),
        "key": column("key"),
        "name": column("name"),
        "url": column("url"),
        "retiredAt": timestamp("retired_at"),
        "schools": Relation(
            "School",
            many=True,
            where=lambda _d, p, c, _b: (
                f"JOIN school_programme AS {c.alias}_sp ON {c.alias}_sp.school_id = "
                f"{c.col('id')} WHERE {c.alias}_sp.programme_id = {p.col('id')} "
                f"AND {c.col('retired_at')} IS NULL"
            ),
            order=_by_slug,
        ),
        "offers": Relation("Offer", many=True, where=_programme_offers, order=_offer_order),
        "links": Relation(
            "Link",
            many=True,
            where=lambda _d, p, c, _b: (
                f"WHERE {c.col('programme_id')} = {p.col('id')} AND {c.col('retired_at')} IS NULL"
            ),
            order=_by_id,
        ),
    },
    "Offer": {
        "id": global_id("Offer", "id"),
        "kind": column("kind"),
        "places": column("places"),
        "academicYear": column("academic_year"),
        "retiredAt": timestamp("retired_at"),
        "matchedOnUnknown": Scalar(_matched_on_unknown),
        "eligibleFor": Scalar(_eligible_for),
        "homeTracks": Relation(
            "HomeTrack",
            many=True,
            where=lambda _d, p, c, _b: (
                f"JOIN offer_home_track AS {c.alias}_oh ON {c.alias}_oh.home_track_code = "
                f"{c.col('code')} WHERE {c.alias}_oh.offer_id = {p.col('id')}"
            ),
            order=lambda _d, c: c.col("code"),
        ),
        "school": Relation(
            "School",
            many=False,
            where=lambda _d, p, c, _b: f"WHERE {c.col('id')} = {p.col('school_id')}",
            order=lambda _d, c: c.col("id"),
        ),
        "programme": Relation(
            "Programme",
            many=False,
            where=lambda _d, p, c, _b: f"WHERE {c.col('id')} = {p.col('programme_id')}",
            order=lambda _d, c: c.col("id"),
            carry=lambda p, _c: {"school_id": p.col("school_id")},
        ),
    },
    "HomeTrack": {
        "id": global_id("HomeTrack", "code"),
        "code": column("code"),
        "name": column("name"),
        # Its own rule, else the general one (the rule with no track).
        "selectionRule": Relation(
            "SelectionRule",
            many=False,
            where=lambda _d, p, c, _b: (
                f"WHERE {c.col('home_track_code')} = {p.col('code')} "
                f"OR {c.col('home_track_code')} IS NULL"
            ),
            order=lambda _d, c: f"{c.col('home_track_code')} IS NULL",
        ),
    },
    "SelectionRule": {
        "id": global_id("SelectionRule", "id"),
        "semesters": json_column("semesters"),
        "criteria": json_column("criteria"),
        "sourceText": column("source_text"),
        "homeTrack": Relation(
            "HomeTrack",
            many=False,
            where=lambda _d, p, c, _b: f"WHERE {c.col('code')} = {p.col('home_track_code')}",
            order=lambda _d, c: c.col("code"),
        ),
    },
    "Link": {
        "id": global_id("Link", "id"),
        "url": column("url"),
        "role": column("role"),
        "health": Relation(
            "LinkHealth",
            many=False,
            where=lambda _d, p, c, _b: f"WHERE {c.col('url')} = {p.col('url')}",
            order=_by_id,
        ),
        "checks": Relation("LinkCheck", many=True, where=_latest_checks, order=_latest_first),
        "checksConnection": Nested(_checks_connection),
    },
    "LinkHealth": {
        "id": global_id("LinkHealth", "id"),
        **_VISIT,
        "contentType": column("content_type"),
        "lastOkAt": timestamp("last_ok_at"),
        "consecutiveFailures": column("consecutive_failures"),
        "httpsUrl": column("https_url"),
    },
    "LinkCheck": {
        "id": global_id("LinkCheck", "id"),
        **_VISIT,
        "run": Relation(
            "SyncRun",
            many=False,
            where=lambda _d, p, c, _b: f"WHERE {c.col('id')} = {p.col('run_id')}",
            order=_by_id,
        ),
    },
    "SyncRun": {
        "id": global_id("SyncRun", "id"),
        "number": column("id"),
        "status": column("status"),
        "startedAt": timestamp("started_at"),
        "finishedAt": timestamp("finished_at"),
        "schools": json_column("schools"),
        "linksTotal": column("links_total"),
        "linksChecked": column("links_checked"),
        "linksReached": column("links_reached"),
        "counts": _elements("StatusCount", _status_counts),
        "errors": _school_errors("errors"),
        "skipped": _school_errors("skipped"),
        "error": column("error"),
    },
    "StatusCount": {"status": column("status"), "count": column("count")},
    "SchoolError": {"slug": column("key"), "message": column("value")},
    "RedirectHop": _HOP,
    "Finding": {
        "id": global_id("Finding", "id"),
        "kind": column("kind"),
        "origin": column("origin"),
        "severity": column("severity"),
        "message": column("message"),
        "detail": json_column("detail"),
        "sourceLine": column("source_line"),
        "firstSeenAt": timestamp("first_seen_at"),
        "resolvedAt": timestamp("resolved_at"),
        "school": Relation(
            "School",
            many=False,
            where=lambda _d, p, c, _b: f"WHERE {c.col('id')} = {p.col('school_id')}",
            order=_by_id,
        ),
    },
}


def _with_info() -> None:
    # The entries of School.info and its value types live in compiler/info.py, which reads
    # this module's entry types: merged once, when this module is first imported.
    from service.graphql.compiler.info import INFO_FIELDS

    FIELDS.update(INFO_FIELDS)


_with_info()
