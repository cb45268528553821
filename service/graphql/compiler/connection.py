"""``schools``: the page of the school connection as one statement, its envelope in Python.

The statement returns one row per school of the page, and one more when rows exist past its
far end (keyset pagination in the order asked, byte by byte, as service.catalogue.schools
pages: the order's column, then the slug; read from the end for ``last``), with the JSON of
each node selection in its own column and ``totalCount`` beside it (the page is left joined to
the count, so an empty page still carries it). Cursors are base64 (service.graphql.types.
pagination); the envelope of a root connection (edges, cursors, ``pageInfo``) is a few
strings per row, the nodes' JSON is spliced as it came. A connection below a root
(``Link.checksConnection``) is JSON the statement builds, cursors included
(``Dialect.base64url``; decision 0215)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC
from functools import partial
from typing import Any

import orjson
from graphql.execution.collect_fields import FieldDetails
from graphql.execution.values import get_argument_values

from service.catalogue import (
    POSITION_TYPES,
    OfferOrder,
    Position,
    SchoolOrder,
    offer_columns,
    offer_order,
)
from service.db import DATA_VERSION_SQL
from service.graphql.compiler.dialect import Dialect
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
    _compiled_literal,
    _enum_name,
    _filter,
    _given_list,
    _given_value,
    _upper,
    encode_cursor,
    finding_filter,
    offer_filter,
)
from service.graphql.paging import DEFAULT_PAGE_SIZE
from service.graphql.types.connection import (
    FINDING_CURSOR,
    LINK_CHECK_CURSOR,
    SYNC_RUN_CURSOR,
    decode_time_cursor,
)
from service.graphql.types.offer_connection import decode_offer_cursor, encode_offer_cursor
from service.graphql.types.pagination import decode_school_cursor, encode_position

#: Builds one response value of the envelope from (rows of the page, root arguments).
Part = Callable[[Sequence[Any], Arguments, int], Any]


@dataclass(slots=True)
class _Columns:
    """The node selections of the statement, one JSON column each."""

    planner: Planner
    node_type: str
    row: Row
    sql: list[str] = field(default_factory=list)

    def add(self, details: list[FieldDetails]) -> str:
        name = f"n{len(self.sql)}"
        element = self.planner.object_sql(self.node_type, self.row, details)
        self.sql.append(f"{self.planner.dialect.json_out(element)} AS {name}")
        return name


@dataclass(frozen=True, slots=True)
class _Envelope:
    """How the rows of a connection's statement become its value (fixed by its plan)."""

    #: ``School`` for ``SchoolConnection``, ``SchoolEdge``…
    node_type: str
    #: A column NULL only on the row that carries just the total (an empty page).
    present: str
    #: The cursor of a row.
    cursor: Callable[[Any], str]
    #: Read from the end (``last``): the rows come nearest-``before`` first.
    from_end: bool

    def rows(self, rows: Sequence[Any]) -> list[Any]:
        return [row for row in rows if row[self.present] is not None]

    def page(self, rows: Sequence[Any], limit: int) -> list[Any]:
        page = self.rows(rows)[:limit]
        return page[::-1] if self.from_end else page

    def more(self, rows: Sequence[Any], limit: int) -> bool:
        """Rows exist past the page's far end (the statement reads one more)."""
        return len(self.rows(rows)) > limit


def _filters(planner: Planner, bind: Bind) -> Callable[[str], str]:
    """The schools filter as SQL of the arguments' shape: a filter not given is not in the
    text, so each shape is its own prepared statement, planned well once (decision 0150)."""
    d = planner.dialect
    codes = _given_list(planner, bind, "countryCodes", upper=True)
    partners = bind.fixed(lambda a: _filter(a).get("partnersOnly", True) is not False)
    retired = bind.fixed(lambda a: bool(_filter(a).get("includeRetired")))
    track = _given_value(bind, "homeTrack", "TEXT", _upper)
    kinds = _given_list(planner, bind, "offerKinds")

    def where(s: str) -> str:
        conditions = []
        if codes is not None:
            conditions.append(d.in_list(f"{s}.{served_country(d)}", codes))
        if partners:
            conditions.append(f"{s}.is_partner = {d.true()}")
        if not retired:
            conditions.append(f"{s}.retired_at IS NULL")
        if track is not None or kinds is not None:
            offered = [f"so.school_id = {s}.id", "so.retired_at IS NULL"]
            if track is not None:
                offered.append(open_to("so", track))
            if kinds is not None:
                offered.append(d.in_list("so.kind", kinds))
            conditions.append(f"EXISTS (SELECT 1 FROM offer AS so WHERE {' AND '.join(offered)})")
        return "(" + " AND ".join(conditions) + ")" if conditions else d.true()

    return where


def _fragment_of(column: str) -> Callable[[Any], orjson.Fragment]:
    return lambda row: orjson.Fragment(row[column])


def _nodes(envelope: _Envelope, column: str) -> Part:
    return lambda rows, _arguments, limit: [
        orjson.Fragment(r[column]) for r in envelope.page(rows, limit)
    ]


def _edges(
    planner: Planner, columns: _Columns, details: list[FieldDetails], envelope: _Envelope
) -> Part:
    edge_type = f"{envelope.node_type}Edge"
    _type, grouped = planner.subfields(edge_type, details)
    parts: list[tuple[str, Callable[[Any], Any]]] = []
    for key, field_details in grouped.items():
        name = field_details[0].node.name.value
        if name == "cursor":
            parts.append((key, envelope.cursor))
        elif name == "node":
            parts.append((key, _fragment_of(columns.add(field_details))))
        elif name == "__typename":
            parts.append((key, lambda _row: edge_type))
        else:
            raise NotCompilableError(f"{edge_type}.{name}")
    return lambda rows, _arguments, limit: [
        {key: value(row) for key, value in parts} for row in envelope.page(rows, limit)
    ]


def _page_info(planner: Planner, details: list[FieldDetails], envelope: _Envelope) -> Part:
    _type, grouped = planner.subfields("PageInfo", details)

    # As service.catalogue.keyset.cut_page: past the far end, the statement's extra row; past
    # the near end, whether the client came from a cursor there.
    def has_next(rows: Sequence[Any], arguments: Arguments, limit: int) -> bool:
        if envelope.from_end:
            return arguments.get("before") is not None
        return envelope.more(rows, limit)

    def has_previous(rows: Sequence[Any], arguments: Arguments, limit: int) -> bool:
        if envelope.from_end:
            return envelope.more(rows, limit)
        return arguments.get("after") is not None

    def end(rows: Sequence[Any], limit: int, index: int) -> str | None:
        page = envelope.page(rows, limit)
        return envelope.cursor(page[index]) if page else None

    parts: list[tuple[str, Part]] = []
    for key, field_details in grouped.items():
        name = field_details[0].node.name.value
        part: Part
        if name == "hasNextPage":
            part = has_next
        elif name == "hasPreviousPage":
            part = has_previous
        elif name == "startCursor":
            part = lambda rows, _a, limit: end(rows, limit, 0)  # noqa: E731
        elif name == "endCursor":
            part = lambda rows, _a, limit: end(rows, limit, -1)  # noqa: E731
        elif name == "__typename":
            part = lambda _rows, _a, _limit: "PageInfo"  # noqa: E731
        else:
            raise NotCompilableError(f"PageInfo.{name}")
        parts.append((key, part))
    return lambda rows, arguments, limit: {key: part(rows, arguments, limit) for key, part in parts}


def _envelope_parts(
    planner: Planner, root: list[FieldDetails], columns: _Columns, envelope: _Envelope
) -> tuple[list[tuple[str, Part]], bool]:
    """The parts of the connection's value, and whether ``totalCount`` is selected."""
    connection_type = f"{envelope.node_type}Connection"
    _type, grouped = planner.subfields(connection_type, root)
    parts: list[tuple[str, Part]] = []
    counted = False
    for key, field_details in grouped.items():
        name = field_details[0].node.name.value
        if name == "edges":
            parts.append((key, _edges(planner, columns, field_details, envelope)))
        elif name == "nodes":
            parts.append((key, _nodes(envelope, columns.add(field_details))))
        elif name == "pageInfo":
            parts.append((key, _page_info(planner, field_details, envelope)))
        elif name == "totalCount":
            counted = True
            parts.append((key, lambda rows, _a, _limit: int(rows[0]["total"])))
        elif name == "__typename":
            parts.append((key, lambda _rows, _a, _limit: connection_type))
        else:
            raise NotCompilableError(f"{connection_type}.{name}")
    return parts, counted


@dataclass(frozen=True, slots=True)
class _Shape:
    """What the statement's text depends on: the order, and which end the page is read from."""

    order: SchoolOrder | OfferOrder | None
    from_end: bool


#: The orders a connection's ``orderBy`` names (None: it has one order, no ``orderBy``).
Orders = type[SchoolOrder] | type[OfferOrder] | None


def _shape(arguments: Arguments, orders: Orders) -> _Shape:
    if orders is None:
        return _Shape(None, arguments.get("last") is not None)
    order = arguments.get("orderBy")
    name = next(iter(orders)).name if order is None else str(getattr(order, "name", order))
    return _Shape(orders[name], arguments.get("last") is not None)


def _page_size(arguments: Arguments) -> int:
    """``first`` or ``last`` (20 when neither); both given is the resolvers' error."""
    first, last = arguments.get("first"), arguments.get("last")
    if first is not None and last is not None:
        raise NotCompilableError("first and last")
    if last is not None:
        return int(last)
    return DEFAULT_PAGE_SIZE if first is None else int(first)


#: A cursor's position, from (cursor, order, argument name); raises on a foreign cursor.
Decode = Callable[[str, Any, str], Position]


def _position(
    arguments: Arguments,
    argument: str,
    orders: Orders,
    decode: Decode,
) -> Position | None:
    cursor = arguments.get(argument)
    if cursor is None:
        return None
    try:
        return decode(cursor, _shape(arguments, orders).order, argument)
    except Exception as error:  # a readable GraphQL error: let the resolver give it
        raise NotCompilableError("cursor") from error


def _given(argument: str) -> Callable[[Arguments], bool]:
    return lambda arguments: arguments.get(argument) is not None


def _checker(shape: _Shape, orders: Orders, decode: Decode) -> Callable[[Arguments, int], None]:
    def check(arguments: Arguments, max_page_size: int) -> None:
        # The plan was written for one order and direction (the document's, or its
        # variables' the first time): another one is answered by the resolvers.
        if _shape(arguments, orders) != shape:
            raise NotCompilableError("another order or direction than the plan's")
        if not 0 <= _page_size(arguments) <= max_page_size:
            raise NotCompilableError("first")
        _position(arguments, "after", orders, decode)
        _position(arguments, "before", orders, decode)

    return check


def _school_cursor(order: SchoolOrder) -> Callable[[Any], str]:
    if order is SchoolOrder.SLUG:
        return lambda row: encode_cursor(row["slug"])
    prefix = f"school-by-{order.value}:"
    return lambda row: encode_position(prefix, (row["k0"], row["slug"]))


@dataclass(frozen=True, slots=True)
class _Key:
    """One column of a keyset: its SQL, whether it descends, its SQL type as a parameter."""

    sql: str
    descending: bool
    sql_type: str
    #: The cursor's value as the driver takes it for this key (a time as the column stores it).
    convert: Callable[[Any], Any] = lambda value: value


def _beyond(keys: Sequence[_Key], values: Sequence[str], *, forward: bool) -> str:
    """SQL: the row's keys come after ``values`` (before them when not ``forward``)."""
    clauses = []
    for index, key in enumerate(keys):
        equal = [f"{keys[i].sql} = {values[i]}" for i in range(index)]
        sign = "<" if key.descending == forward else ">"
        clauses.append(" AND ".join([*equal, f"{key.sql} {sign} {values[index]}"]))
    return "(" + " OR ".join(f"({clause})" for clause in clauses) + ")"


@dataclass(frozen=True, slots=True)
class _Keyset:
    """A connection's statement: its rows, filter, keys (selected as ``k0``…) and options."""

    planner: Planner
    bind: Bind
    shape: _Shape
    orders: Orders
    decode: Decode
    source: str
    row: Row
    keys: Sequence[_Key]
    #: Which keys each side of the outer ORDER BY reads (``k0``…, or a selected name).
    outer: Sequence[str]
    #: The names the keys are selected under, when they all are: the page is ordered by them
    #: (each key computed once per row, not again for the ORDER BY).
    selected_as: Sequence[str] | None = None

    def sql(self, where: Callable[[str], str], selected: Sequence[str], counted: bool) -> str:
        d = self.planner.dialect
        total = (
            f"(SELECT count(*) FROM {self.source} AS sc WHERE {where('sc')})" if counted else "NULL"
        )
        conditions = [where(self.row.alias)]
        for argument, forward in (("after", True), ("before", False)):
            if not self.bind.fixed(_given(argument)):
                continue
            values = [
                self.bind(self._component(argument, index, key.convert), key.sql_type)
                for index, key in enumerate(self.keys)
            ]
            conditions.append(_beyond(self.keys, values, forward=forward))
        reverse = self.shape.from_end

        def direction(key: _Key) -> str:
            return " DESC" if key.descending != reverse else ""

        sorted_by = self.selected_as or [key.sql for key in self.keys]
        order = ", ".join(
            name + direction(key) for name, key in zip(sorted_by, self.keys, strict=True)
        )
        outer = ", ".join(
            name + direction(key) for name, key in zip(self.outer, self.keys, strict=True)
        )
        limit = self.bind(lambda a: _page_size(a) + 1, "INTEGER")
        page = (
            f"SELECT {', '.join(selected)} FROM {self.source} AS {self.row.alias} "
            f"WHERE {' AND '.join(conditions)} ORDER BY {order} LIMIT {limit}"
        )
        sql = (
            f"SELECT t.total AS total, t.data_version AS data_version, p.* "
            f"FROM (SELECT {total} AS total, {DATA_VERSION_SQL} AS data_version) AS t "
            f"LEFT JOIN ({page}) AS p ON 1 = 1 ORDER BY {outer}"
        )
        return with_sources(d, sql, self.planner.levels)

    def _component(
        self, argument: str, index: int, convert: Callable[[Any], Any]
    ) -> Callable[[Arguments], Any]:
        return _component(argument, index, convert, self.orders, self.decode)


def _component(
    argument: str, index: int, convert: Callable[[Any], Any], orders: Orders, decode: Decode
) -> Callable[[Arguments], Any]:
    """A parameter: the ``index``-th value of the position in the cursor ``argument``."""

    def value(arguments: Arguments) -> Any:
        position = _position(arguments, argument, orders, decode)
        return None if position is None else convert(position[index])

    return value


def _root_plan(
    keyset: _Keyset,
    root: list[FieldDetails],
    parts: list[tuple[str, Part]],
    sql: str,
) -> RootPlan:
    query_type = keyset.planner.schema.query_type
    assert query_type is not None
    field_def = query_type.fields[root[0].node.name.value]

    def assemble(rows: Sequence[Any], arguments: Arguments) -> Any:
        size = _page_size(arguments)
        return {key: part(rows, arguments, size) for key, part in parts}

    checker = _checker(keyset.shape, keyset.orders, keyset.decode)
    return RootPlan(sql, field_def, root[0].node, assemble, checker, carries_version=True)


def _shape_of(planner: Planner, root: list[FieldDetails], orders: Any) -> _Shape:
    query_type = planner.schema.query_type
    assert query_type is not None
    field_def = query_type.fields[root[0].node.name.value]
    return _shape(get_argument_values(field_def, root[0].node, planner.variables), orders)


def plan_schools(planner: Planner, root: list[FieldDetails], bind: Bind) -> RootPlan:
    """The plan of ``schools``: filters, keyset page, node columns, total on request."""
    d = planner.dialect
    shape = _shape_of(planner, root, SchoolOrder)
    assert isinstance(shape.order, SchoolOrder)
    row = Row(planner.alias("s"))
    columns = _Columns(planner, "School", row)
    envelope = _Envelope("School", "slug", _school_cursor(shape.order), shape.from_end)
    parts, counted = _envelope_parts(planner, root, columns, envelope)
    where = _filters(planner, bind)
    # The keyset (service.catalogue.schools.school_order): the order's column, then the slug,
    # byte by byte; the served name for NAME.
    lead = {SchoolOrder.SLUG: None, SchoolOrder.NAME: "name", SchoolOrder.COUNTRY: "country_code"}
    lead_column = lead[shape.order]
    names = ([] if lead_column is None else [lead_column]) + ["slug"]
    keys = [_Key(d.binary(row.col(name)), False, "TEXT") for name in names]
    selected = [f"{row.col('slug')} AS slug", *columns.sql]
    if lead_column is not None:
        selected.insert(0, f"{row.col(lead_column)} AS k0")
    outer = [d.binary(f"p.{name if name == 'slug' else 'k0'}") for name in names]
    keyset = _Keyset(
        planner,
        bind,
        shape,
        SchoolOrder,
        decode_school_cursor,
        source(d, "School"),
        row,
        keys,
        outer,
    )
    return _root_plan(keyset, root, parts, keyset.sql(where, selected, counted))


def plan_offers_connection(planner: Planner, root: list[FieldDetails], bind: Bind) -> RootPlan:
    """The plan of ``offersConnection``: the filter of ``offers``, the keyset of
    service.catalogue.offers.offer_order (the same SQL expressions, so the same cursors)."""
    d = planner.dialect
    shape = _shape_of(planner, root, OfferOrder)
    offer_order_asked = shape.order
    assert isinstance(offer_order_asked, OfferOrder)
    offers = offer_filter(planner, bind)
    alias = planner.alias("o")
    row = Row(alias, offers.carried(alias))
    order = offer_order(offer_order_asked, offer_columns(row.alias))
    keys = [
        _Key(
            _compiled_literal(planner, column),
            descending,
            "INTEGER" if kind is int else "TEXT",
        )
        for column, descending, kind in zip(
            order.columns, order.descending, POSITION_TYPES[offer_order_asked], strict=True
        )
    ]
    names = [f"k{index}" for index in range(len(keys))]
    columns = _Columns(planner, "Offer", row)

    def cursor(paged: Any) -> str:
        position = tuple(paged[name] for name in names)
        return encode_offer_cursor(position, offer_order_asked)

    envelope = _Envelope("Offer", names[-1], cursor, shape.from_end)
    parts, counted = _envelope_parts(planner, root, columns, envelope)
    selected = [f"{key.sql} AS {name}" for key, name in zip(keys, names, strict=True)]
    keyset = _Keyset(
        planner,
        bind,
        shape,
        OfferOrder,
        decode_offer_cursor,
        source(d, "Offer"),
        row,
        keys,
        [f"p.{name}" for name in names],
        names,
    )
    sql = keyset.sql(offers.where, [*selected, *columns.sql], counted)
    return _root_plan(keyset, root, parts, sql)


def _stored_time(dialect: Dialect) -> Callable[[Any], Any]:
    """A cursor's time as a UTCDateTime column holds it: naive UTC text on SQLite (SQLAlchemy's
    storage format, which sorts as the times do), the aware datetime on PostgreSQL."""
    if dialect.postgres:
        return lambda at: at
    # decode_time_cursor refuses a time without a zone.
    return lambda at: at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _newest_first(
    planner: Planner,
    root: list[FieldDetails],
    bind: Bind,
    node_type: str,
    prefix: str,
    time_column: str,
    where: Callable[[str], str],
) -> RootPlan:
    """A connection of ``node_type`` rows passing ``where``, newest first by ``time_column``
    then id, cursors as ``encode_time_cursor(prefix, …)`` writes them."""
    d = planner.dialect
    shape = _shape_of(planner, root, None)
    row = Row(planner.alias("f"))
    time = row.col(time_column)
    keys = [
        _Key(time, True, "TIMESTAMPTZ" if d.postgres else "TEXT", _stored_time(d)),
        _Key(row.col("id"), True, "INTEGER"),
    ]
    columns = _Columns(planner, node_type, row)

    def cursor(paged: Any) -> str:
        # d.timestamp writes the time as Python's isoformat(): encode_time_cursor's text.
        return encode_position(prefix, (paged["k0"], paged["k1"]))

    envelope = _Envelope(node_type, "k1", cursor, shape.from_end)
    parts, counted = _envelope_parts(planner, root, columns, envelope)
    selected = [
        f"{time} AS o0",
        f"{d.timestamp(time)} AS k0",
        f"{row.col('id')} AS k1",
        *columns.sql,
    ]

    keyset = _Keyset(
        planner,
        bind,
        shape,
        None,
        _time_decoder(prefix),
        source(d, node_type),
        row,
        keys,
        ["p.o0", "p.k1"],
    )
    sql = keyset.sql(where, selected, counted)
    return _root_plan(keyset, root, parts, sql)


def plan_findings_connection(planner: Planner, root: list[FieldDetails], bind: Bind) -> RootPlan:
    """The plan of ``findingsConnection``: the filter of ``findings``, newest first
    (service.catalogue.findings.FINDING_ORDER)."""
    where = finding_filter(planner, bind)
    return _newest_first(planner, root, bind, "Finding", FINDING_CURSOR, "first_seen_at", where)


def plan_sync_runs_connection(planner: Planner, root: list[FieldDetails], bind: Bind) -> RootPlan:
    """The plan of ``syncRunsConnection``: every run, newest first (service.catalogue.
    link_health.SYNC_RUN_ORDER)."""
    where = lambda _alias: planner.dialect.true()  # noqa: E731
    return _newest_first(planner, root, bind, "SyncRun", SYNC_RUN_CURSOR, "started_at", where)


def _time_decoder(prefix: str) -> Decode:
    def decode(cursor: str, _order: Any, argument: str) -> Position:
        return decode_time_cursor(prefix, cursor, argument)

    return decode


@dataclass(frozen=True, slots=True)
class _NestedPage:
    """The SQL of a page of a connection below a root, over its parent's row: its rows (the
    page's, read from the end for ``last``), its order as returned, newest first."""

    planner: Planner
    rows: Callable[[str], str]
    limit: str
    newest_first: Callable[[str], str]

    def items(self, element: Callable[[Row], str]) -> str:
        """The JSON array of ``element`` over the page's rows, newest first."""
        alias = self.planner.alias("pg")
        source = f"FROM ({self.rows(self.limit)}) AS {alias}"
        return self.planner.dialect.json_array(
            element(Row(alias)), source, self.newest_first(alias)
        )

    def end(self, value: Callable[[Row], str], *, last: bool) -> str:
        """``value`` of the page's first (or last) row; NULL for an empty page."""
        alias = self.planner.alias("pg")
        order = self.newest_first(alias)
        if last:
            order = order.replace(" DESC", " ASC")
        return (
            f"(SELECT {value(Row(alias))} FROM ({self.rows(self.limit)}) AS {alias} "
            f"ORDER BY {order} LIMIT 1)"
        )

    def more(self) -> str:
        """SQL boolean: rows exist past the page's far end (one more is read)."""
        alias = self.planner.alias("m")
        return (
            f"((SELECT count(*) FROM ({self.rows(f'{self.limit} + 1')}) AS {alias}) > {self.limit})"
        )


def checks_connection_sql(
    planner: Planner, parent: Row, details: list[FieldDetails], bind: Bind
) -> str:
    """``Link.checksConnection`` as JSON built in the statement: the link's checks newest first
    (service.catalogue.link_health.LINK_CHECK_ORDER), the keyset page of ``first``/``after``/
    ``last``/``before`` as ``keyset.cut_page`` cuts it, each cursor written in SQL as
    ``encode_time_cursor`` writes it (``Dialect.base64url``), ``totalCount`` on request.

    The page size is checked against the server's maximum per request (``Bind.check``), a
    foreign cursor too: the resolvers answer those with their errors."""
    d = planner.dialect
    decode = _time_decoder(LINK_CHECK_CURSOR)
    from_end = bind.fixed(lambda a: a.get("last") is not None)
    planner.check(bind, _checker(_Shape(None, from_end), None, decode))
    limit = bind(_page_size, "INTEGER")
    inner = planner.alias("lc")
    keys = [
        _Key(f"{inner}.checked_at", True, "TIMESTAMPTZ" if d.postgres else "TEXT", _stored_time(d)),
        _Key(f"{inner}.id", True, "INTEGER"),
    ]
    conditions = [f"{inner}.link_id = {parent.col('id')}"]
    given = {}
    for argument, forward in (("after", True), ("before", False)):
        given[argument] = bind.fixed(_given(argument))
        if given[argument]:
            values = [
                bind(_component(argument, index, key.convert, None, decode), key.sql_type)
                for index, key in enumerate(keys)
            ]
            conditions.append(_beyond(keys, values, forward=forward))
    reading = "" if from_end else " DESC"

    def rows(limit_sql: str) -> str:
        return (
            f"SELECT {inner}.* FROM link_check AS {inner} WHERE {' AND '.join(conditions)} "
            f"ORDER BY {inner}.checked_at{reading}, {inner}.id{reading} LIMIT {limit_sql}"
        )

    page = _NestedPage(
        planner, rows, limit, lambda alias: f"{alias}.checked_at DESC, {alias}.id DESC"
    )

    def cursor(row: Row) -> str:
        position = d.concat(
            d.literal(LINK_CHECK_CURSOR + '["'),
            d.timestamp(row.col("checked_at")),
            d.literal('", '),
            row.col("id"),
            d.literal("]"),
        )
        return d.base64url(position)

    def node(row: Row, node_details: list[FieldDetails]) -> str:
        planner.depth += 1
        try:
            return planner.object_sql("LinkCheck", row, node_details)
        finally:
            planner.depth -= 1

    def boolean(value: bool) -> str:
        return d.boolean(d.true() if value else "false" if d.postgres else "0")

    _type, grouped = planner.subfields("LinkCheckConnection", details)
    pairs: list[tuple[str, str]] = []
    for key, field_details in grouped.items():
        name = field_details[0].node.name.value
        if name == "edges":
            _edge, edge_fields = planner.subfields("LinkCheckEdge", field_details)

            def edge(row: Row, edge_fields: dict[str, list[FieldDetails]] = edge_fields) -> str:
                parts = []
                for edge_key, edge_details in edge_fields.items():
                    edge_name = edge_details[0].node.name.value
                    if edge_name == "cursor":
                        parts.append((edge_key, cursor(row)))
                    elif edge_name == "node":
                        parts.append((edge_key, node(row, edge_details)))
                    elif edge_name == "__typename":
                        parts.append((edge_key, d.literal("LinkCheckEdge")))
                    else:
                        raise NotCompilableError(f"LinkCheckEdge.{edge_name}")
                return d.json_object(parts)

            pairs.append((key, f"({page.items(edge)})"))
        elif name == "nodes":
            pairs.append((key, f"({page.items(partial(node, node_details=field_details))})"))
        elif name == "pageInfo":
            _info, info_fields = planner.subfields("PageInfo", field_details)
            parts = []
            for info_key, info_details in info_fields.items():
                info_name = info_details[0].node.name.value
                # As keyset.cut_page: past the far end, the extra row; past the near end,
                # whether the client came from a cursor there.
                if info_name == "hasNextPage":
                    value = boolean(given["before"]) if from_end else d.boolean(page.more())
                elif info_name == "hasPreviousPage":
                    value = d.boolean(page.more()) if from_end else boolean(given["after"])
                elif info_name in ("startCursor", "endCursor"):
                    value = page.end(cursor, last=info_name == "endCursor")
                elif info_name == "__typename":
                    value = d.literal("PageInfo")
                else:
                    raise NotCompilableError(f"PageInfo.{info_name}")
                parts.append((info_key, value))
            pairs.append((key, d.json_object(parts)))
        elif name == "totalCount":
            total = f"(SELECT count(*) FROM link_check AS lt WHERE lt.link_id = {parent.col('id')})"
            pairs.append((key, total))
        elif name == "__typename":
            pairs.append((key, d.literal("LinkCheckConnection")))
        else:
            raise NotCompilableError(f"LinkCheckConnection.{name}")
    return d.json_object(pairs)


__all__ = [
    "_enum_name",
    "checks_connection_sql",
    "plan_findings_connection",
    "plan_offers_connection",
    "plan_schools",
    "plan_sync_runs_connection",
]
