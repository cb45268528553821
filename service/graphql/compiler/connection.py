"""``schools``: the page of the school connection as one statement, its envelope in Python.

The statement returns one row per school of the page, and one more when rows exist past its
far end (keyset pagination in the order asked, byte by byte, as service.catalogue.schools
pages: the order's column, then the slug; read from the end for ``last``), with the JSON of
each node selection in its own column and ``totalCount`` beside it (the page is left joined to
the count, so an empty page still carries it). Cursors are base64 (service.graphql.types.
pagination), which SQLite cannot write; the envelope (edges, cursors, ``pageInfo``) is a few
strings per row, the nodes' JSON is spliced as it came."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson
from graphql.execution.collect_fields import FieldDetails
from graphql.execution.values import get_argument_values

from service.catalogue.keyset import Position
from service.catalogue.schools import SchoolOrder
from service.db.versioning import DATA_VERSION_SQL
from service.graphql.compiler.plan import NotCompilableError, Planner
from service.graphql.compiler.relations import (
    Bind,
    Row,
    open_to,
    served_country,
    source,
    with_sources,
)
from service.graphql.compiler.roots import (
    Arguments,
    RootPlan,
    _enum_name,
    _filter,
    _filter_list,
    _upper,
    encode_cursor,
)
from service.graphql.resolvers.catalogue import DEFAULT_PAGE_SIZE
from service.graphql.types.pagination import decode_school_cursor, encode_position

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
            f"(NOT {codes_given} OR {d.in_list(f'{s}.{served_country(d)}', codes)}) "
            f"AND (NOT {partners} OR {s}.is_partner = {d.true()}) "
            f"AND ({retired} OR {s}.retired_at IS NULL) "
            f"AND (({track} IS NULL AND NOT {kinds_given}) OR EXISTS (SELECT 1 FROM offer AS so "
            f"WHERE so.school_id = {s}.id AND so.retired_at IS NULL "
            f"AND ({track} IS NULL OR {open_to('so', track)}) "
            f"AND (NOT {kinds_given} OR {d.in_list('so.kind', kinds)})))"
        )

    return where


def _page(rows: Sequence[Any], arguments: Arguments, limit: int) -> Sequence[Any]:
    # Read from the end (``last``): the rows came nearest-``before`` first.
    page = [row for row in rows if row.slug is not None][:limit]
    return page[::-1] if _shape(arguments).from_end else page


def _more(rows: Sequence[Any], limit: int) -> bool:
    """Rows exist past the page's far end (the statement reads one more)."""
    return len([row for row in rows if row.slug is not None]) > limit


def _fragment_of(column: str) -> Callable[[Any], orjson.Fragment]:
    return lambda row: orjson.Fragment(getattr(row, column))


def _nodes(column: str) -> Part:
    return lambda rows, arguments, limit: [
        orjson.Fragment(getattr(r, column)) for r in _page(rows, arguments, limit)
    ]


def _edges(planner: Planner, columns: _Columns, details: list[FieldDetails], shape: _Shape) -> Part:
    _type, grouped = planner.subfields("SchoolEdge", details)
    parts: list[tuple[str, Callable[[Any], Any]]] = []
    for key, field_details in grouped.items():
        name = field_details[0].node.name.value
        if name == "cursor":
            parts.append((key, _cursor_of(shape)))
        elif name == "node":
            parts.append((key, _fragment_of(columns.add(field_details))))
        elif name == "__typename":
            parts.append((key, lambda _row: "SchoolEdge"))
        else:
            raise NotCompilableError(f"SchoolEdge.{name}")
    return lambda rows, arguments, limit: [
        {key: value(row) for key, value in parts} for row in _page(rows, arguments, limit)
    ]


def _page_info(planner: Planner, details: list[FieldDetails], shape: _Shape) -> Part:
    _type, grouped = planner.subfields("PageInfo", details)
    cursor = _cursor_of(shape)

    # As service.catalogue.keyset.cut_page: past the far end, the statement's extra row; past
    # the near end, whether the client came from a cursor there.
    def has_next(rows: Sequence[Any], arguments: Arguments, limit: int) -> bool:
        if shape.from_end:
            return arguments.get("before") is not None
        return _more(rows, limit)

    def has_previous(rows: Sequence[Any], arguments: Arguments, limit: int) -> bool:
        if shape.from_end:
            return _more(rows, limit)
        return arguments.get("after") is not None

    def end(rows: Sequence[Any], arguments: Arguments, limit: int, index: int) -> str | None:
        page = _page(rows, arguments, limit)
        return cursor(page[index]) if page else None

    parts: list[tuple[str, Part]] = []
    for key, field_details in grouped.items():
        name = field_details[0].node.name.value
        part: Part
        if name == "hasNextPage":
            part = has_next
        elif name == "hasPreviousPage":
            part = has_previous
        elif name == "startCursor":
            part = lambda rows, arguments, limit: end(rows, arguments, limit, 0)  # noqa: E731
        elif name == "endCursor":
            part = lambda rows, arguments, limit: end(rows, arguments, limit, -1)  # noqa: E731
        elif name == "__typename":
            part = lambda _rows, _a, _limit: "PageInfo"  # noqa: E731
        else:
            raise NotCompilableError(f"PageInfo.{name}")
        parts.append((key, part))
    return lambda rows, arguments, limit: {key: part(rows, arguments, limit) for key, part in parts}


@dataclass(frozen=True, slots=True)
class _Shape:
    """What the statement's text depends on: the order, and which end the page is read from."""

    order: SchoolOrder
    from_end: bool


def _shape(arguments: Arguments) -> _Shape:
    order = arguments.get("orderBy")
    name = "SLUG" if order is None else str(getattr(order, "name", order))
    return _Shape(SchoolOrder[name], arguments.get("last") is not None)


def _page_size(arguments: Arguments) -> int:
    """``first`` or ``last`` (20 when neither); both given is the resolvers' error."""
    first, last = arguments.get("first"), arguments.get("last")
    if first is not None and last is not None:
        raise NotCompilableError("first and last")
    if last is not None:
        return int(last)
    return DEFAULT_PAGE_SIZE if first is None else int(first)


def _position(arguments: Arguments, argument: str) -> Position | None:
    cursor = arguments.get(argument)
    if cursor is None:
        return None
    try:
        return decode_school_cursor(cursor, _shape(arguments).order, argument)
    except Exception as error:  # a readable GraphQL error: let the resolver give it
        raise NotCompilableError("cursor") from error


def _given(argument: str) -> Callable[[Arguments], bool]:
    return lambda arguments: arguments.get(argument) is not None


def _component(argument: str, index: int) -> Callable[[Arguments], Any]:
    def value(arguments: Arguments) -> Any:
        position = _position(arguments, argument)
        return None if position is None else position[index]

    return value


def _checker(shape: _Shape) -> Callable[[Arguments, int], None]:
    def check(arguments: Arguments, max_page_size: int) -> None:
        # The plan was written for one order and direction (the document's, or its
        # variables' the first time): another one is answered by the resolvers.
        if _shape(arguments) != shape:
            raise NotCompilableError("another order or direction than the plan's")
        if not 0 <= _page_size(arguments) <= max_page_size:
            raise NotCompilableError("first")
        _position(arguments, "after")
        _position(arguments, "before")

    return check


def _cursor_of(shape: _Shape) -> Callable[[Any], str]:
    if shape.order is SchoolOrder.SLUG:
        return lambda row: encode_cursor(row.slug)
    prefix = f"school-by-{shape.order.value}:"
    return lambda row: encode_position(prefix, (row.k0, row.slug))


def _beyond(d: Any, keys: list[str], values: list[str], *, forward: bool) -> str:
    """SQL: the row's keys come after ``values`` (before them when not ``forward``)."""
    sign = ">" if forward else "<"
    clauses = []
    for index, key in enumerate(keys):
        equal = [f"{keys[i]} = {values[i]}" for i in range(index)]
        clauses.append(" AND ".join([*equal, f"{key} {sign} {values[index]}"]))
    return "(" + " OR ".join(f"({clause})" for clause in clauses) + ")"


def plan_schools(planner: Planner, root: list[FieldDetails], bind: Bind) -> RootPlan:
    """The plan of ``schools``: filters, keyset page, node columns, total on request."""
    d = planner.dialect
    query_type = planner.schema.query_type
    assert query_type is not None
    field_def = query_type.fields["schools"]
    shape = _shape(get_argument_values(field_def, root[0].node, planner.variables))
    row = Row(planner.alias("s"))
    columns = _Columns(planner, row)
    _type, grouped = planner.subfields("SchoolConnection", root)
    parts: list[tuple[str, Part]] = []
    counted = False
    for key, field_details in grouped.items():
        name = field_details[0].node.name.value
        if name == "edges":
            parts.append((key, _edges(planner, columns, field_details, shape)))
        elif name == "nodes":
            parts.append((key, _nodes(columns.add(field_details))))
        elif name == "pageInfo":
            parts.append((key, _page_info(planner, field_details, shape)))
        elif name == "totalCount":
            counted = True
            parts.append((key, lambda rows, _a, _limit: int(rows[0].total)))
        elif name == "__typename":
            parts.append((key, lambda _rows, _a, _limit: "SchoolConnection"))
        else:
            raise NotCompilableError(f"SchoolConnection.{name}")
    where = _filters(planner, bind)
    limit = bind(lambda a: _page_size(a) + 1, "INTEGER")
    schools = source(d, "School")
    total = f"(SELECT count(*) FROM {schools} AS sc WHERE {where('sc')})" if counted else "NULL"
    # The keyset (service.catalogue.schools.school_order): the order's column, then the slug,
    # byte by byte; the served name for NAME.
    lead = {SchoolOrder.SLUG: None, SchoolOrder.NAME: "name", SchoolOrder.COUNTRY: "country_code"}
    lead_column = lead[shape.order]
    names = ([] if lead_column is None else [lead_column]) + ["slug"]
    keys = [d.binary(row.col(name)) for name in names]
    selected = [f"{row.col('slug')} AS slug", *columns.sql]
    if lead_column is not None:
        selected.insert(0, f"{row.col(lead_column)} AS k0")
    conditions = [where(row.alias)]
    for argument, forward in (("after", True), ("before", False)):
        given = bind(_given(argument), "BOOLEAN")
        values = [bind(_component(argument, index), "TEXT") for index in range(len(names))]
        conditions.append(f"(NOT {given} OR {_beyond(d, keys, values, forward=forward)})")
    direction = " DESC" if shape.from_end else ""
    order = ", ".join(key + direction for key in keys)
    outer = ", ".join(
        d.binary(f"p.{name if name == 'slug' else 'k0'}") + direction for name in names
    )
    page = (
        f"SELECT {', '.join(selected)} FROM {schools} AS {row.alias} "
        f"WHERE {' AND '.join(conditions)} ORDER BY {order} LIMIT {limit}"
    )
    sql = (
        f"SELECT t.total AS total, t.data_version AS data_version, p.* "
        f"FROM (SELECT {total} AS total, {DATA_VERSION_SQL} AS data_version) AS t "
        f"LEFT JOIN ({page}) AS p ON 1 = 1 ORDER BY {outer}"
    )
    sql = with_sources(d, sql)

    def assemble(rows: Sequence[Any], arguments: Arguments) -> Any:
        size = _page_size(arguments)
        return {key: part(rows, arguments, size) for key, part in parts}

    return RootPlan(sql, field_def, root[0].node, assemble, _checker(shape), carries_version=True)


__all__ = ["_enum_name", "plan_schools"]
