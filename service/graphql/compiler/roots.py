"""The root fields the compiler answers, each as one SQL statement, and their filters.

A JSON root (``countries``, ``country``, ``school``, ``offers``, ``homeTracks``,
``selectionRules``) is one statement returning one JSON text, spliced into the response as it
is. ``schools`` is one statement returning a row per school of the page (its slug and the JSON
of each node selection) and the total: cursors and ``pageInfo`` are a few strings built here,
since SQLite has no base64. The filters mirror service.catalogue's criteria, with every value a
bound parameter (``NOT given OR …``), so that one statement serves every value.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import orjson
from graphql import FieldNode, GraphQLField
from graphql.execution.collect_fields import FieldDetails

from service.catalogue import (
    RequirementFact,
    Requirements,
    VerdictSql,
    answer_of,
    asked_criteria,
    excluded_by,
    levels_json,
    served_countries_of_partners,
)
from service.db import DATA_VERSION_SQL
from service.graphql.compiler.plan import NotCompilableError, Planner
from service.graphql.compiler.relations import (
    UNKNOWN_FACTS,
    Bind,
    Row,
    open_to,
    sqlalchemy_dialect,
    with_sources,
)
from service.graphql.types.pagination import decode_cursor, encode_cursor

Arguments = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class RootPlan:
    """One root field: its statement, how rows become its value, what arguments it refuses."""

    sql: str
    field_def: GraphQLField
    node: FieldNode
    assemble: Callable[[Sequence[Any], Arguments], Any]
    #: Raises NotCompilableError for argument values the resolvers answer with an error.
    check: Callable[[Arguments, int], None] = lambda _arguments, _max_page_size: None
    #: Every row carries the data version of the statement's snapshot (``data_version``).
    carries_version: bool = False


def _json_value(rows: Sequence[Any], _arguments: Arguments) -> Any:
    text = rows[0]["j"]
    return None if text is None else orjson.Fragment(text)


def _json_root(planner: Planner, root: list[FieldDetails], select: str) -> RootPlan:
    d = planner.dialect
    value = d.json_out(f"({select})")
    sql = with_sources(
        d, f"SELECT {value} AS j, {DATA_VERSION_SQL} AS data_version", planner.levels
    )
    field_def = planner.schema.query_type.fields[root[0].node.name.value]  # type: ignore[union-attr]
    return RootPlan(sql, field_def, root[0].node, _json_value, carries_version=True)


def _json_list(values: list[str] | None) -> str:
    return orjson.dumps(values or []).decode()


def _filter(arguments: Arguments) -> Mapping[str, Any]:
    return arguments.get("filter") or {}


def _compiled_literal(planner: Planner, statement: Any) -> str:
    dialect = sqlalchemy_dialect(planner.dialect.name)
    return str(statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))


def _countries(planner: Planner, root: list[FieldDetails], bind: Bind) -> RootPlan:
    d = planner.dialect
    codes = _given_list(planner, bind, "codes", upper=True)
    partners = (
        _compiled_literal(planner, served_countries_of_partners())
        if bind.fixed(lambda a: bool(_filter(a).get("withPartners")))
        else None
    )

    def where(row: Row) -> str:
        conditions = []
        if codes is not None:
            conditions.append(d.in_list(row.col("code"), codes))
        if partners is not None:
            conditions.append(f"{row.col('code')} IN ({partners})")
        return "WHERE " + d.all_of(conditions)

    return _json_root(planner, root, planner.list_sql("Country", root, where, "{row}.code"))


def _given_list(planner: Planner, bind: Bind, name: str, *, upper: bool = False) -> str | None:
    """The filter's list ``name`` as a parameter when given; None (not in the text) when not."""
    if not bind.fixed(lambda a: _filter(a).get(name) is not None):
        return None
    return _filter_list(planner, bind, name, upper=upper)


def _given_value(
    bind: Bind, name: str, sql_type: str, convert: Callable[[Any], Any] = lambda v: v
) -> str | None:
    """The filter's value ``name`` as a parameter when given; None (not in the text) when not."""
    if not bind.fixed(lambda a: _filter(a).get(name) is not None):
        return None
    return bind(lambda a: convert(_filter(a).get(name)), sql_type)


def _filter_list(planner: Planner, bind: Bind, name: str, *, upper: bool = False) -> str:
    """A parameter: the filter's list ``name`` as a JSON array (empty when not given)."""

    def value(arguments: Arguments) -> str:
        values = _filter(arguments).get(name)
        if values is None:
            return _json_list(None)
        return _json_list([_enum_name(v).upper() if upper else _enum_name(v) for v in values])

    return bind(value, planner.dialect.json_type)


def _enum_name(value: Any) -> str:
    return value if isinstance(value, str) else str(value.name)


def _country(planner: Planner, root: list[FieldDetails], bind: Bind) -> RootPlan:
    code = bind(lambda a: str(a["code"]).strip().upper(), "TEXT")
    select = planner.one_sql("Country", root, lambda row: f"WHERE {row.col('code')} = {code}")
    return _json_root(planner, root, select)


def _school(planner: Planner, root: list[FieldDetails], bind: Bind) -> RootPlan:
    slug = bind(lambda a: a["slug"], "TEXT")
    select = planner.one_sql("School", root, lambda row: f"WHERE {row.col('slug')} = {slug}")
    return _json_root(planner, root, select)


def _ordered(planner: Planner, root: list[FieldDetails], type_name: str, order: str) -> RootPlan:
    return _json_root(planner, root, planner.list_sql(type_name, root, lambda _row: "", order))


#: The ids of the retired schools (``ix_school_retired_at``, migration 0021).
RETIRED_SCHOOLS = "(SELECT os.id FROM school AS os WHERE os.retired_at IS NOT NULL)"


@dataclass(frozen=True, slots=True)
class OfferFilterSql:
    """The offer filter over the offer's alias: ``where`` (it passes), ``unknown`` (None when no
    student criterion is asked: the JSON array of the criteria met only on unknown facts)."""

    where: Callable[[str], str]
    unknown: Callable[[str], str] | None = None
    #: ``where`` less its school condition, when that condition is only "not a retired
    #: school's offer" (no country asked, retired offers left out); None otherwise.
    own: Callable[[str], str] | None = None

    def count(self, alias: str) -> str:
        """SQL: how many offers pass. Without a country, the offers passing the rest less
        those of retired schools (few): a count of one offer index, where checking each
        offer's school against the retired ones cost more than the count (decision 0410)."""
        passing = f"(SELECT count(*) FROM offer AS {alias} WHERE {self.where(alias)})"
        if self.own is None:
            return passing
        own = self.own(alias)
        return (
            f"((SELECT count(*) FROM offer AS {alias} WHERE {own}) - (SELECT count(*) FROM "
            f"offer AS {alias} WHERE {own} AND {alias}.school_id IN {RETIRED_SCHOOLS}))"
        )

    def carried(self, alias: str) -> dict[str, str]:
        """What the offer row carries to its ``matchedOnUnknown``."""
        return {} if self.unknown is None else {UNKNOWN_FACTS: self.unknown(alias)}


def _requirements(arguments: Arguments) -> Requirements:
    """The student's side of the filter, as ``OfferFilter.to_requirements`` reads it."""
    given = _filter(arguments)
    semester = given.get("semester")
    return Requirements(
        levels={
            str(entry["language"]).strip().lower(): _enum_name(entry["level"])
            for entry in given.get("languageAtMost") or ()
        },
        deadline_on_or_after=given.get("deadlineOnOrAfter"),
        semester=None if semester is None else _enum_name(semester).lower(),
    )


def _student_criteria(planner: Planner, bind: Bind) -> tuple[tuple[RequirementFact, ...], str]:
    """The student criteria the filter asks; their tables (service.catalogue.
    offer_requirements.VerdictSql, the resolvers' statement too) join the planner's common
    tables, computed once for the statement."""
    d = planner.dialect
    asked: tuple[RequirementFact, ...] = bind.fixed(
        lambda a: tuple(asked_criteria(_requirements(a)))
    )
    if not asked:
        return asked, ""
    levels = earliest = semester = "NULL"
    if RequirementFact.LANGUAGE_REQUIREMENT in asked:
        levels = bind(lambda a: levels_json(_requirements(a)), d.json_type)
    if RequirementFact.APPLICATION_DEADLINE in asked:
        earliest = bind(lambda a: _requirements(a).deadline_on_or_after.isoformat(), "TEXT")  # type: ignore[union-attr]
    if {RequirementFact.APPLICATION_DEADLINE, RequirementFact.SEMESTER} & set(asked):
        semester = bind(lambda a: _requirements(a).semester, "TEXT")
    suffix = planner.alias("v")
    verdict = VerdictSql(d.postgres, levels, earliest, semester, suffix)
    for name, select in verdict.tables(asked):
        planner.levels.append(f"{name} AS MATERIALIZED ({select})")
    return asked, suffix


def offer_filter(planner: Planner, bind: Bind) -> OfferFilterSql:
    """SQL over the offer aliased ``o``: it passes ``filter`` (as service.catalogue.offers, and
    the student's criteria as service.catalogue.offer_requirements decides them). A filter not
    given is not in the text (the arguments' shape, decision 0150)."""
    d = planner.dialect
    retired = bind.fixed(lambda a: bool(_filter(a).get("includeRetired")))
    kinds = _given_list(planner, bind, "kinds")
    year = _given_value(bind, "academicYear", "TEXT")
    country = _given_value(bind, "countryCode", "TEXT", _upper)
    track = _given_value(bind, "homeTrack", "TEXT", _upper)
    places = bind.fixed(lambda a: _filter(a).get("hasPlaces"))
    student, suffix = _student_criteria(planner, bind)

    def where(o: str, *, schools: bool = True) -> str:
        conditions = []
        if not retired:
            conditions.append(f"{o}.retired_at IS NULL")
        if kinds is not None:
            conditions.append(d.in_list(f"{o}.kind", kinds))
        if year is not None:
            conditions.append(f"{o}.academic_year = {year}")
        # The school's own columns (the served country is one, kept by triggers) as a set of
        # ids: SQLite reads it once from the school index, then the offers by their school's,
        # where an EXISTS over the served schools was probed for every offer (decision 0370).
        if country is not None:
            school = [f"os.served_country_code = {country}"]
            if not retired:
                school.append("os.retired_at IS NULL")
            conditions.append(
                f"{o}.school_id IN (SELECT os.id FROM school AS os WHERE {' AND '.join(school)})"
            )
        elif not retired and schools:
            # The retired schools are few, and indexed: the page checks its offers against
            # them (it reads a page of offers in order), where listing every current school
            # read them all (decision 0410).
            conditions.append(f"{o}.school_id NOT IN {RETIRED_SCHOOLS}")
        if track is not None:
            conditions.append(open_to(o, track))
        if places is not None:
            conditions.append(f"{o}.places > 0" if places else f"{o}.places = 0")
        # Only a criterion known to fail excludes (decision 0102): 0, never NULL.
        conditions.extend(f"{o}.school_id NOT IN ({excluded_by(fact, suffix)})" for fact in student)
        return d.all_of(conditions)

    def unknown(o: str) -> str:
        return d.names_where_null(
            [(fact.name, answer_of(fact, f"{o}.school_id", suffix)) for fact in student]
        )

    own = None if country is not None or retired else partial(where, schools=False)
    return OfferFilterSql(where, unknown if student else None, own)


def _filtered_list(
    planner: Planner,
    root: list[FieldDetails],
    type_name: str,
    where: Callable[[str], str],
    order: str,
    carry: Callable[[str], Mapping[str, str]] | None = None,
) -> RootPlan:
    """A root list of ``type_name`` rows passing ``where`` (over the row's alias), in ``order``."""
    select = planner.list_sql(
        type_name, root, lambda row: f"WHERE {where(row.alias)}", order, carry
    )
    return _json_root(planner, root, select)


def _offers(planner: Planner, root: list[FieldDetails], bind: Bind) -> RootPlan:
    order = "{row}.academic_year DESC, {row}.id"
    offers = offer_filter(planner, bind)
    return _filtered_list(planner, root, "Offer", offers.where, order, offers.carried)


def _upper(value: str | None) -> str | None:
    return None if value is None else value.upper()


def _home_tracks(planner: Planner, root: list[FieldDetails], _bind: Bind) -> RootPlan:
    return _ordered(planner, root, "HomeTrack", "{row}.code")


def _selection_rules(planner: Planner, root: list[FieldDetails], bind: Bind) -> RootPlan:
    track = (
        bind(lambda a: _upper(a["homeTrack"].strip()), "TEXT")
        if bind.fixed(lambda a: a.get("homeTrack") is not None)
        else None
    )

    def where(row: Row) -> str:
        if track is None:
            return ""
        # With a track: only the rule in force for it, its own, else the general one.
        return (
            f"WHERE {row.col('id')} = (SELECT r.id FROM selection_rule AS r "
            f"WHERE r.home_track_code = {track} OR r.home_track_code IS NULL "
            "ORDER BY r.home_track_code IS NULL LIMIT 1)"
        )

    # The general rule (no track) first, then one per track.
    order = "{row}.home_track_code IS NOT NULL, {row}.home_track_code"
    return _json_root(planner, root, planner.list_sql("SelectionRule", root, where, order))


def finding_filter(planner: Planner, bind: Bind) -> Callable[[str], str]:
    """SQL over the finding aliased ``f``: it passes ``filter`` (as service.catalogue.findings.
    list_findings; an unknown school slug finds nothing). A filter not given is not in the
    text (the arguments' shape, decision 0150)."""
    d = planner.dialect
    school = _given_value(bind, "school", "TEXT")
    origin = _given_value(bind, "origin", "TEXT")
    kinds = _given_list(planner, bind, "kinds")
    severities = _given_list(planner, bind, "severities")
    resolved = bind.fixed(lambda a: bool(_filter(a).get("includeResolved")))

    def where(f: str) -> str:
        conditions = []
        if school is not None:
            conditions.append(
                f"{f}.school_id = (SELECT fs.id FROM school AS fs WHERE fs.slug = {school})"
            )
        if origin is not None:
            conditions.append(f"{f}.origin = {origin}")
        if kinds is not None:
            conditions.append(d.in_list(f"{f}.kind", kinds))
        if severities is not None:
            conditions.append(d.in_list(f"{f}.severity", severities))
        if not resolved:
            conditions.append(f"{f}.resolved_at IS NULL")
        return d.all_of(conditions)

    return where


def _findings(planner: Planner, root: list[FieldDetails], bind: Bind) -> RootPlan:
    order = "{row}.first_seen_at DESC, {row}.id DESC"
    return _filtered_list(planner, root, "Finding", finding_filter(planner, bind), order)


ROOTS: dict[str, Callable[[Planner, list[FieldDetails], Bind], RootPlan]] = {
    "findings": _findings,
    "countries": _countries,
    "country": _country,
    "school": _school,
    "offers": _offers,
    "homeTracks": _home_tracks,
    "selectionRules": _selection_rules,
}


def plan_root(planner: Planner, root: list[FieldDetails]) -> RootPlan:
    """The plan of one root field; NotCompilableError when any field below it is unknown."""
    from service.graphql.compiler.connection import (
        plan_findings_connection,
        plan_offers_connection,
        plan_schools,
        plan_sync_runs_connection,
    )
    from service.graphql.compiler.nodes import plan_node, plan_nodes

    connections = {
        "schools": plan_schools,
        "offersConnection": plan_offers_connection,
        "findingsConnection": plan_findings_connection,
        "syncRunsConnection": plan_sync_runs_connection,
        "node": plan_node,
        "nodes": plan_nodes,
    }
    name = root[0].node.name.value
    query_type = planner.schema.query_type
    assert query_type is not None
    build = ROOTS.get(name) or connections.get(name)
    if build is None:
        # Introspection (__schema, __type) and every root field not listed here.
        raise NotCompilableError(name)
    return build(planner, root, planner.binder(query_type.fields[name], root[0].node))


def decode_after(arguments: Arguments) -> str | None:
    after = arguments.get("after")
    if after is None:
        return None
    try:
        return decode_cursor(after)
    except Exception as error:  # a readable GraphQL error: let the resolver give it
        raise NotCompilableError("cursor") from error


__all__ = ["ROOTS", "RootPlan", "decode_after", "encode_cursor", "plan_root"]
