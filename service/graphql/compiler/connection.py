"""``schools``: the page of the school connection as one statement, its envelope in Python.

The statement returns one row per school of the page, and one more when a next page exists
(keyset pagination on the byte-ordered slug, as service.catalogue.schools pages), with the
JSON of each node selection in its own column and ``totalCount`` beside it (the page is left
joined to the count, so an empty page still carries it). Cursors are base64 of the slug
(service.graphql.types.pagination), which SQLite cannot write; the envelope (edges, cursors,
``pageInfo``) is a few strings per row, the nodes' JSON is spliced as it came.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson
from graphql.execution.collect_fields import FieldDetails

from service.graphql.compiler.plan import NotCompilableError, Planner
from service.graphql.compiler.relations import Bind, Row, open_to, source, with_sources
from service.graphql.compiler.roots import (
    Arguments,
    RootPlan,
    _enum_name,
    _filter,
    _filter_list,
    _upper,
    decode_after,
    encode_cursor,
)
from service.graphql.resolvers.catalogue import DEFAULT_PAGE_SIZE

#: Builds one response value of the envelope from (rows of the page, root arguments).
Part = Callable[[Sequence[Any], Arguments, int], Any]


@dataclass(slots=True)
class _Columns:
    """The node selections of the statement, one JSON column each."""

    planner: Planner
    row: Row
    sql: list[str] = field(default_factory=list)

    def add(self, details: list[FieldDetails]) -> str:
        name = f"n{len(self.sql)}"
        element = self.planner.object_sql("School", self.row, details)
        cast = f"CAST({element} AS TEXT)" if self.planner.dialect.postgres else element
        self.sql.append(f"{cast} AS {name}")
        return name


def _filters(planner: Planner, bind: Bind) -> Callable[[str], str]:
    d = planner.dialect
    codes_given = bind(lambda a: _filter(a).get("countryCodes") is not None, "BOOLEAN")
    codes = _filter_list(planner, bind, "countryCodes", upper=True)
    partners = bind(lambda a: _filter(a).get("partnersOnly", True) is not False, "BOOLEAN")
    retired = bind(lambda a: bool(_filter(a).get("includeRetired")), "BOOLEAN")
    track = bind(lambda a: _upper(_filter(a).get("homeTrack")), "TEXT")
    kinds_given = bind(lambda a: _filter(a).get("offerKinds") is not None, "BOOLEAN")
    kinds = _filter_list(planner, bind, "offerKinds")

    def where(s: str) -> str:
        return (
            f"(NOT {codes_given} OR {d.in_list(f'{s}.country_code', codes)}) "
            f"AND (NOT {partners} OR {s}.is_partner = {d.true()}) "
            f"AND ({retired} OR {s}.retired_at IS NULL) "
            f"AND (({track} IS NULL AND NOT {kinds_given}) OR EXISTS (SELECT 1 FROM offer AS so "
            f"WHERE so.school_id = {s}.id AND so.retired_at IS NULL "
            f"AND ({track} IS NULL OR {open_to('so', track)}) "
            f"AND (NOT {kinds_given} OR {d.in_list('so.kind', kinds)})))"
        )

    return where


def _page(rows: Sequence[Any], limit: int) -> Sequence[Any]:
    return [row for row in rows[:limit] if row.slug is not None]


def _fragment_of(column: str) -> Callable[[Any], orjson.Fragment]:
    return lambda row: orjson.Fragment(getattr(row, column))


def _nodes(column: str) -> Part:
    return lambda rows, _a, limit: [orjson.Fragment(getattr(r, column)) for r in _page(rows, limit)]


def _edges(planner: Planner, columns: _Columns, details: list[FieldDetails]) -> Part:
    _type, grouped = planner.subfields("SchoolEdge", details)
    parts: list[tuple[str, Callable[[Any], Any]]] = []
    for key, field_details in grouped.items():
        name = field_details[0].node.name.value
        if name == "cursor":
            parts.append((key, lambda row: encode_cursor(row.slug)))
        elif name == "node":
            parts.append((key, _fragment_of(columns.add(field_details))))
        elif name == "__typename":
            parts.append((key, lambda _row: "SchoolEdge"))
        else:
            raise NotCompilableError(f"SchoolEdge.{name}")
    return lambda rows, _a, limit: [
        {key: value(row) for key, value in parts} for row in _page(rows, limit)
    ]


def _page_info(planner: Planner, details: list[FieldDetails]) -> Part:
    _type, grouped = planner.subfields("PageInfo", details)
    parts: list[tuple[str, Part]] = []
    for key, field_details in grouped.items():
        name = field_details[0].node.name.value
        part: Part
        if name == "hasNextPage":
            part = lambda rows, _a, limit: len([r for r in rows if r.slug is not None]) > limit  # noqa: E731
        elif name == "hasPreviousPage":
            part = lambda _rows, arguments, _limit: arguments.get("after") is not None  # noqa: E731
        elif name == "startCursor":
            part = lambda rows, _a, limit: _cursor(_page(rows, limit)[:1])  # noqa: E731
        elif name == "endCursor":
            part = lambda rows, _a, limit: _cursor(_page(rows, limit)[-1:])  # noqa: E731
        elif name == "__typename":
            part = lambda _rows, _a, _limit: "PageInfo"  # noqa: E731
        else:
            raise NotCompilableError(f"PageInfo.{name}")
        parts.append((key, part))
    return lambda rows, arguments, limit: {key: part(rows, arguments, limit) for key, part in parts}


def _cursor(rows: Sequence[Any]) -> str | None:
    return encode_cursor(rows[0].slug) if rows else None


def _page_size(arguments: Arguments) -> int:
    """``first`` (20 when absent); paging backwards or another order is the resolvers' job."""
    if arguments.get("last") is not None or arguments.get("before") is not None:
        raise NotCompilableError("last/before")
    order = arguments.get("orderBy")
    if order is not None and getattr(order, "name", order) != "SLUG":
        raise NotCompilableError("orderBy")
    first = arguments.get("first")
    return DEFAULT_PAGE_SIZE if first is None else int(first)


def _check(arguments: Arguments, max_page_size: int) -> None:
    if not 0 <= _page_size(arguments) <= max_page_size:
        raise NotCompilableError("first")
    decode_after(arguments)


def plan_schools(planner: Planner, root: list[FieldDetails], bind: Bind) -> RootPlan:
    """The plan of ``schools``: filters, keyset page, node columns, total on request."""
    d = planner.dialect
    row = Row(planner.alias("s"))
    columns = _Columns(planner, row)
    _type, grouped = planner.subfields("SchoolConnection", root)
    parts: list[tuple[str, Part]] = []
    counted = False
    for key, field_details in grouped.items():
        name = field_details[0].node.name.value
        if name == "edges":
            parts.append((key, _edges(planner, columns, field_details)))
        elif name == "nodes":
            parts.append((key, _nodes(columns.add(field_details))))
        elif name == "pageInfo":
            parts.append((key, _page_info(planner, field_details)))
        elif name == "totalCount":
            counted = True
            parts.append((key, lambda rows, _a, _limit: int(rows[0].total)))
        elif name == "__typename":
            parts.append((key, lambda _rows, _a, _limit: "SchoolConnection"))
        else:
            raise NotCompilableError(f"SchoolConnection.{name}")
    where = _filters(planner, bind)
    after = bind(lambda a: decode_after(a), "TEXT")
    limit = bind(lambda a: _page_size(a) + 1, "INTEGER")
    schools = source(d, "School")
    total = f"(SELECT count(*) FROM {schools} AS sc WHERE {where('sc')})" if counted else "NULL"
    selected = ", ".join([f"{row.col('slug')} AS slug", *columns.sql])
    page = (
        f"SELECT {selected} "
        f"FROM {schools} AS {row.alias} WHERE {where(row.alias)} "
        f"AND ({after} IS NULL OR {d.binary(row.col('slug'))} > {after}) "
        f"ORDER BY {d.binary(row.col('slug'))} LIMIT {limit}"
    )
    sql = (
        f"SELECT t.total AS total, p.* FROM (SELECT {total} AS total) AS t "
        f"LEFT JOIN ({page}) AS p ON 1 = 1 ORDER BY {d.binary('p.slug')}"
    )
    sql = with_sources(d, sql)
    query_type = planner.schema.query_type
    assert query_type is not None

    def assemble(rows: Sequence[Any], arguments: Arguments) -> Any:
        first = _page_size(arguments)
        return {key: part(rows, arguments, first) for key, part in parts}

    return RootPlan(sql, query_type.fields["schools"], root[0].node, assemble, _check)


__all__ = ["_enum_name", "plan_schools"]
