"""The root connections (``schools``, ``offersConnection``…) as one statement and one JSON row.

The statement writes the whole connection in the database: its page of rows (keyset
pagination in the order asked, byte by byte, as service.catalogue.schools pages: the order's
column, then the slug; read from the end for ``last``) is a common table of the statement, and
the connection's JSON object (``edges``, ``nodes``, ``pageInfo``, ``totalCount``) is built over
it, cursors included: base64 of the text service.graphql.types.pagination encodes
(``Dialect.base64url``; decision 0215 for the connections below a root, 0320 for the roots).
One row comes back, its JSON spliced into the response as it came, beside the data version of
the statement's snapshot. The page reads one row past its far end only when ``pageInfo`` asks
whether more follow."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC
from functools import partial
from typing import Any

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
    _json_value,
    _upper,
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
from service.graphql.types.offer_connection import decode_offer_cursor
from service.graphql.types.pagination import SCHOOL_CURSOR, decode_school_cursor

#: The SQL of a page row's cursor, over the row (its columns as the page selects them).
Cursor = Callable[[Row], str]


@dataclass(slots=True)
class _Columns:
    """The node selections of the page, one JSON column each."""

    planner: Planner
    node_type: str
    row: Row
    sql: list[str] = field(default_factory=list)

    def add(self, details: list[FieldDetails]) -> str:
        name = f"n{len(self.sql)}"
        element = self.planner.object_sql(self.node_type, self.row, details)
        self.sql.append(f"{element} AS {name}")
        return name


def _constant(dialect: Dialect, value: bool) -> str:
    """A JSON ``true``/``false`` known when the SQL is written."""
    return dialect.boolean(dialect.true() if value else "false" if dialect.postgres else "0")


@dataclass(slots=True)
class _Page:
    """The page of a root connection as a common table (``name``) of its statement, and the
    SQL of the envelope's values over it.

    ``names`` are the page's key columns (``{a}`` stands for the table's alias) and
    ``descending`` their directions in the connection's order; the page is read from the
    end for ``last`` (``from_end``), nearest-``before`` first, and answered in order."""

    planner: Planner
    name: str
    names: Sequence[str]
    descending: Sequence[bool]
    from_end: bool
    #: The page size (a bound parameter).
    size: str
    #: Whether the table reads one row past the page's far end (``more`` was written).
    reads_more: bool = False

    def _order(self, alias: str, *, reverse: bool) -> str:
        return ", ".join(
            name.format(a=alias) + (" DESC" if descending != reverse else "")
            for name, descending in zip(self.names, self.descending, strict=True)
        )

    def _rows(self, alias: str) -> str:
        """A FROM item: the page's rows (without the row past its end)."""
        order = self._order(self.name, reverse=self.from_end)
        return f"(SELECT * FROM {self.name} ORDER BY {order} LIMIT {self.size}) AS {alias}"

    def items(self, element: Callable[[Row], str]) -> str:
        """A scalar subquery: the JSON array of ``element`` over the page's rows, in order."""
        alias = self.planner.alias("pg")
        array = self.planner.dialect.json_array(
            element(Row(alias)), f"FROM {self._rows(alias)}", self._order(alias, reverse=False)
        )
        return f"({array})"

    def end(self, value: Callable[[Row], str], *, last: bool) -> str:
        """``value`` of the page's first (or last) row; NULL for an empty page."""
        alias = self.planner.alias("pg")
        order = self._order(alias, reverse=last)
        return f"(SELECT {value(Row(alias))} FROM {self._rows(alias)} ORDER BY {order} LIMIT 1)"

    def more(self) -> str:
        """SQL boolean: rows exist past the page's far end (the table reads one more)."""
        self.reads_more = True
        return f"((SELECT count(*) FROM {self.name} AS m) > {self.size})"


def _column(name: str) -> Callable[[Row], str]:
    return lambda row: row.col(name)


def _embedded(d: Dialect, name: str) -> Callable[[Row], str]:
    """A node's JSON column of the page as a value of an edge's object."""
    return lambda row: d.json_column(row.col(name))


def _edges(
    planner: Planner,
    columns: _Columns,
    details: list[FieldDetails],
    page: _Page,
    cursor: Cursor,
) -> str:
    d = planner.dialect
    edge_type = f"{columns.node_type}Edge"
    _type, grouped = planner.subfields(edge_type, details)
    parts: list[tuple[str, Callable[[Row], str]]] = []
    for key, field_details in grouped.items():
        name = field_details[0].node.name.value
        if name == "cursor":
            parts.append((key, cursor))
        elif name == "node":
            parts.append((key, _embedded(d, columns.add(field_details))))
        elif name == "__typename":
            parts.append((key, lambda _row: d.literal(edge_type)))
        else:
            raise NotCompilableError(f"{edge_type}.{name}")
    return page.items(lambda row: d.json_object([(key, part(row)) for key, part in parts]))


def _page_info(
    planner: Planner, details: list[FieldDetails], page: _Page, cursor: Cursor, bind: Bind
) -> str:
    d = planner.dialect
    _type, grouped = planner.subfields("PageInfo", details)
    pairs: list[tuple[str, str]] = []
    for key, field_details in grouped.items():
        name = field_details[0].node.name.value
        # As service.catalogue.keyset.cut_page: past the far end, the page's extra row; past
        # the near end, whether the client came from a cursor there (part of the text's shape).
        if name == "hasNextPage":
            value = (
                _constant(d, bind.fixed(_given("before")))
                if page.from_end
                else d.boolean(page.more())
            )
        elif name == "hasPreviousPage":
            value = (
                d.boolean(page.more())
                if page.from_end
                else _constant(d, bind.fixed(_given("after")))
            )
        elif name in ("startCursor", "endCursor"):
            value = page.end(cursor, last=name == "endCursor")
        elif name == "__typename":
            value = d.literal("PageInfo")
        else:
            raise NotCompilableError(f"PageInfo.{name}")
        pairs.append((key, value))
    return d.json_object(pairs)


def _envelope(
    planner: Planner,
    root: list[FieldDetails],
    columns: _Columns,
    page: _Page,
    cursor: Cursor,
    bind: Bind,
    total: Callable[[], str],
) -> str:
    """The JSON object of the connection over its page; ``total()``: SQL of ``totalCount``."""
    d = planner.dialect
    connection_type = f"{columns.node_type}Connection"
    _type, grouped = planner.subfields(connection_type, root)
    pairs: list[tuple[str, str]] = []
    for key, field_details in grouped.items():
        name = field_details[0].node.name.value
        if name == "edges":
            pairs.append((key, _edges(planner, columns, field_details, page, cursor)))
        elif name == "nodes":
            pairs.append((key, page.items(_column(columns.add(field_details)))))
        elif name == "pageInfo":
            pairs.append((key, _page_info(planner, field_details, page, cursor, bind)))
        elif name == "totalCount":
            pairs.append((key, total()))
        elif name == "__typename":
            pairs.append((key, d.literal(connection_type)))
        else:
            raise NotCompilableError(f"{connection_type}.{name}")
    if not pairs:
        raise NotCompilableError("object size")
    return d.json_object(pairs)


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
            conditions.append(d.in_list(f"{s}.served_country_code", codes))
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


def _position_cursor(d: Dialect, prefix: str, values: Sequence[tuple[str, type]]) -> str:
    """SQL: the cursor ``encode_position(prefix, values)`` writes (``json.dumps`` of the list,
    ``ensure_ascii=False``: ``[`` the values ``, `` apart ``]``), from (SQL, Python type)."""
    parts = [d.literal(prefix + "[")]
    for index, (value, kind) in enumerate(values):
        if index:
            parts.append(d.literal(", "))
        parts.append(d.json_string(value) if kind is str else d.json_integer(value))
    parts.append(d.literal("]"))
    return d.base64url(d.concat(*parts))


def _school_cursor(d: Dialect, order: SchoolOrder) -> Cursor:
    """SQL of ``encode_school_cursor``: the slug's cursor, or the position's by ``order``."""
    if order is SchoolOrder.SLUG:
        return lambda row: d.base64url(d.concat(d.literal(SCHOOL_CURSOR), row.col("slug")))
    prefix = f"school-by-{order.value}:"
    return lambda row: _position_cursor(d, prefix, [(row.col("k0"), str), (row.col("slug"), str)])


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
    #: How the page's table orders its rows by each key (``{a}``: the table's alias).
    outer: Sequence[str]
    #: The names the keys are selected under, when they all are: the page is ordered by them
    #: (each key computed once per row, not again for the ORDER BY).
    selected_as: Sequence[str] | None = None

    def page(self) -> _Page:
        return _Page(
            self.planner,
            self.planner.alias("page"),
            self.outer,
            [key.descending for key in self.keys],
            self.shape.from_end,
            self.bind(_page_size, "INTEGER"),
        )

    def total(self, where: Callable[[str], str]) -> Callable[[], str]:
        """SQL of ``totalCount``: the rows passing ``where``."""
        return lambda: f"(SELECT count(*) FROM {self.source} AS sc WHERE {where('sc')})"

    def sql(
        self, where: Callable[[str], str], selected: Sequence[str], page: _Page, envelope: str
    ) -> str:
        """The statement: ``envelope`` (the connection's JSON over ``page``) and the data
        version, one row; the page's table reads the rows passing ``where`` beyond the cursors
        given, in order, ``selected`` of each."""
        d = self.planner.dialect
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
        limit = self.bind(lambda a: _page_size(a) + 1, "INTEGER") if page.reads_more else page.size
        rows = (
            f"{page.name} AS (SELECT {', '.join(selected)} FROM {self.source} AS "
            f"{self.row.alias} WHERE {' AND '.join(conditions)} ORDER BY {order} LIMIT {limit})"
        )
        sql = f"SELECT {d.json_out(envelope)} AS j, {DATA_VERSION_SQL} AS data_version"
        return with_sources(d, sql, [*self.planner.levels, rows])

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


def _root_plan(keyset: _Keyset, root: list[FieldDetails], sql: str) -> RootPlan:
    query_type = keyset.planner.schema.query_type
    assert query_type is not None
    field_def = query_type.fields[root[0].node.name.value]
    checker = _checker(keyset.shape, keyset.orders, keyset.decode)
    return RootPlan(sql, field_def, root[0].node, _json_value, checker, carries_version=True)


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
    where = _filters(planner, bind)
    # The keyset (service.catalogue.schools.school_order): the order's column, then the slug,
    # byte by byte; the served name for NAME.
    lead = {SchoolOrder.SLUG: None, SchoolOrder.NAME: "name", SchoolOrder.COUNTRY: "country_code"}
    lead_column = lead[shape.order]
    names = ([] if lead_column is None else [lead_column]) + ["slug"]
    keys = [_Key(d.binary(row.col(name)), False, "TEXT") for name in names]
    outer = [d.binary("{a}." + ("slug" if name == "slug" else "k0")) for name in names]
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
    page = keyset.page()
    envelope = _envelope(
        planner, root, columns, page, _school_cursor(d, shape.order), bind, keyset.total(where)
    )
    selected = [f"{row.col('slug')} AS slug", *columns.sql]
    if lead_column is not None:
        selected.insert(0, f"{row.col(lead_column)} AS k0")
    return _root_plan(keyset, root, keyset.sql(where, selected, page, envelope))


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
    kinds = POSITION_TYPES[offer_order_asked]
    keys = [
        _Key(
            _compiled_literal(planner, column),
            descending,
            "INTEGER" if kind is int else "TEXT",
        )
        for column, descending, kind in zip(order.columns, order.descending, kinds, strict=True)
    ]
    names = [f"k{index}" for index in range(len(keys))]
    columns = _Columns(planner, "Offer", row)
    prefix = f"offer-by-{offer_order_asked.value}:"  # encode_offer_cursor's

    def cursor(paged: Row) -> str:
        values = [(paged.col(name), kind) for name, kind in zip(names, kinds, strict=True)]
        return _position_cursor(d, prefix, values)

    keyset = _Keyset(
        planner,
        bind,
        shape,
        OfferOrder,
        decode_offer_cursor,
        source(d, "Offer"),
        row,
        keys,
        ["{a}." + name for name in names],
        names,
    )
    page = keyset.page()
    envelope = _envelope(planner, root, columns, page, cursor, bind, lambda: offers.count("sc"))
    selected = [f"{key.sql} AS {name}" for key, name in zip(keys, names, strict=True)]
    sql = keyset.sql(offers.where, [*selected, *columns.sql], page, envelope)
    return _root_plan(keyset, root, sql)


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

    def cursor(paged: Row) -> str:
        # d.timestamp writes the time as Python's isoformat(): encode_time_cursor's text.
        position = d.concat(
            d.literal(prefix + '["'),
            paged.col("k0"),
            d.literal('", '),
            paged.col("k1"),
            d.literal("]"),
        )
        return d.base64url(position)

    keyset = _Keyset(
        planner,
        bind,
        shape,
        None,
        _time_decoder(prefix),
        source(d, node_type),
        row,
        keys,
        ["{a}.o0", "{a}.k1"],
    )
    page = keyset.page()
    envelope = _envelope(planner, root, columns, page, cursor, bind, keyset.total(where))
    selected = [
        f"{time} AS o0",
        f"{d.timestamp(time)} AS k0",
        f"{row.col('id')} AS k1",
        *columns.sql,
    ]
    return _root_plan(keyset, root, keyset.sql(where, selected, page, envelope))


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
                    value = _constant(d, given["before"]) if from_end else d.boolean(page.more())
                elif info_name == "hasPreviousPage":
                    value = d.boolean(page.more()) if from_end else _constant(d, given["after"])
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
