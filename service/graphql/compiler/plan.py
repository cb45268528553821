"""Planning: a validated selection becomes SQL that builds the JSON of each root field.

Fields are collected with graphql-core's own ``collect_subfields`` (fragments, inline
fragments, aliases, ``@skip``/``@include``), so the response keys and their order are the
ones graphql-core's execution gives. Arguments never enter the SQL text: each becomes a bound
parameter whose value is computed, per request, from graphql-core's coercion of that field's
arguments (``Slot``). A field the relation table does not know raises ``NotCompilableError``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    FieldNode,
    GraphQLField,
    GraphQLObjectType,
    GraphQLSchema,
    OperationDefinitionNode,
)
from graphql.execution.collect_fields import FieldDetails, FragmentDetails, collect_subfields
from graphql.execution.values import VariableValues, get_argument_values

from service.graphql.compiler.dialect import MAX_OBJECT_KEYS, Dialect
from service.graphql.compiler.relations import (
    FIELDS,
    KEYS,
    Bind,
    Nested,
    Relation,
    Row,
    Same,
    Scalar,
    source,
)

#: On SQLite, a relation this many levels below the last split is written as a CTE of its own:
#: a level costs ~20 entries of SQLite 3.40's 100-entry parser stack (decision 0160).
LEVEL_DEPTH = 3


class NotCompilableError(Exception):
    """This selection (or these argument values) is answered by the resolvers instead."""


@dataclass(frozen=True, slots=True)
class Slot:
    """A bound parameter: ``value`` of the coerced arguments of ``field_def`` at ``node``."""

    name: str
    field_def: GraphQLField
    node: FieldNode
    value: Callable[[Mapping[str, Any]], Any]

    def compute(self, variables: VariableValues) -> Any:
        return self.value(get_argument_values(self.field_def, self.node, variables))


@dataclass(frozen=True, slots=True)
class Guard:
    """A value the plan's SQL text was written for: ``value`` of the coerced arguments of
    ``field_def`` at ``node`` must equal ``expected`` for the plan to answer a request."""

    field_def: GraphQLField
    node: FieldNode
    value: Callable[[Mapping[str, Any]], Any]
    expected: Any


@dataclass(frozen=True, slots=True)
class Check:
    """A test of the coerced arguments of ``field_def`` at ``node`` against the server's limits
    (``check(arguments, max_page_size)``): it raises NotCompilableError for values the resolvers
    refuse, per request, so that a plan does not depend on the limits."""

    field_def: GraphQLField
    node: FieldNode
    check: Callable[[Mapping[str, Any], int], None]


@dataclass(frozen=True, slots=True)
class _Binder:
    planner: Planner
    field_def: GraphQLField
    node: FieldNode

    def __call__(self, value: Callable[[Mapping[str, Any]], Any], sql_type: str) -> str:
        planner = self.planner
        name = f"p{len(planner.slots)}"
        planner.slots.append(Slot(name, self.field_def, self.node, value))
        return planner.dialect.param(name, sql_type)

    def fixed(self, value: Callable[[Mapping[str, Any]], Any]) -> Any:
        planner = self.planner
        expected = value(get_argument_values(self.field_def, self.node, planner.variables))
        planner.guards.append(Guard(self.field_def, self.node, value, expected))
        return expected


@dataclass(slots=True)
class Planner:
    """Writes the SQL of one operation; collects its parameter slots."""

    dialect: Dialect
    schema: GraphQLSchema
    fragments: dict[str, FragmentDetails]
    variables: VariableValues
    operation: OperationDefinitionNode
    slots: list[Slot] = field(default_factory=list)
    #: The argument values the SQL text depends on (absent filters are left out of it).
    guards: list[Guard] = field(default_factory=list)
    #: Tests of arguments below the roots against the server's limits (page sizes, cursors).
    checks: list[Check] = field(default_factory=list)
    _aliases: itertools.count[int] = field(default_factory=itertools.count)
    #: Relation levels above the SQL being written (since the last level split off).
    depth: int = 0
    #: Relation levels written as common table expressions (SQLite), deepest first.
    levels: list[str] = field(default_factory=list)

    def alias(self, prefix: str = "t") -> str:
        return f"{prefix}{next(self._aliases)}"

    def binder(self, field_def: GraphQLField, node: FieldNode) -> Bind:
        return _Binder(self, field_def, node)

    def check(self, bind: Bind, check: Callable[[Mapping[str, Any], int], None]) -> None:
        """Test each request's arguments of ``bind``'s field with ``check(arguments,
        max_page_size)`` (a ``Check``): NotCompilableError hands the operation to the
        resolvers."""
        assert isinstance(bind, _Binder)
        self.checks.append(Check(bind.field_def, bind.node, check))

    def subfields(
        self, type_name: str, details: list[FieldDetails]
    ) -> tuple[GraphQLObjectType, dict[str, list[FieldDetails]]]:
        object_type = self.schema.get_type(type_name)
        assert isinstance(object_type, GraphQLObjectType)
        collected = collect_subfields(
            self.schema, self.fragments, self.variables, self.operation, object_type, details
        )
        if collected.new_defer_usages:
            raise NotCompilableError("@defer")
        return object_type, dict(collected.grouped_field_set)

    def object_sql(self, type_name: str, row: Row, details: list[FieldDetails]) -> str:
        """The JSON object of ``row`` for the selection in ``details``."""
        object_type, grouped = self.subfields(type_name, details)
        entries = FIELDS.get(type_name, {})
        pairs: list[tuple[str, str]] = []
        for key, field_details in grouped.items():
            node = field_details[0].node
            name = node.name.value
            if name == "__typename":
                pairs.append((key, self.dialect.literal(type_name)))
                continue
            entry = entries.get(name)
            if entry is None:
                raise NotCompilableError(f"{type_name}.{name}")
            bind = self.binder(object_type.fields[name], node)
            if isinstance(entry, Scalar):
                pairs.append((key, entry.sql(self.dialect, row, bind)))
            elif isinstance(entry, Same):
                pairs.append((key, self.object_sql(entry.target, row, field_details)))
            elif isinstance(entry, Nested):
                pairs.append((key, entry.sql(self, row, field_details, bind)))
            elif self._splits(type_name, row, entry):
                pairs.append((key, self.level_sql(type_name, entry, field_details, bind, row)))
            else:
                select = self.relation_sql(entry, row, field_details, bind)
                pairs.append((key, self.dialect.embed(select, many=entry.many)))
        if not pairs or len(pairs) > MAX_OBJECT_KEYS:
            raise NotCompilableError("object size")
        return self.dialect.json_object(pairs)

    def _splits(self, type_name: str, parent: Row, relation: Relation) -> bool:
        """Whether this relation is written as a level of its own (a CTE): on SQLite, every
        ``LEVEL_DEPTH`` levels, so that no text nests deeper than its parser's fixed stack
        (decision 0190). Only a relation of a table below a parent found by its key alone."""
        return (
            not self.dialect.postgres
            and self.depth >= LEVEL_DEPTH
            and relation.source is None
            and not parent.carried
            and type_name in KEYS
        )

    def level_sql(
        self,
        type_name: str,
        relation: Relation,
        details: list[FieldDetails],
        bind: Bind,
        parent: Row,
    ) -> str:
        """The relation's JSON read from a CTE computing it for every ``type_name`` row (by
        its key): the text nests from the CTE's top again. SQLite inlines a CTE read once
        and flattens the lookup into a search of the parent's row by its key."""
        key = KEYS[type_name]
        level = self.alias("lv")
        row = Row(self.alias())
        depth, self.depth = self.depth, 0
        try:
            select = self.relation_sql(relation, row, details, bind)
        finally:
            self.depth = depth
        self.levels.append(
            f"{level} AS (SELECT {row.col(key)} AS k, ({select}) AS j "
            f"FROM {source(self.dialect, type_name)} AS {row.alias})"
        )
        return f"json((SELECT {level}.j FROM {level} WHERE {level}.k = {parent.col(key)}))"

    def relation_sql(
        self, relation: Relation, parent: Row, details: list[FieldDetails], bind: Bind
    ) -> str:
        """A SELECT yielding the relation's JSON: an array, or one object (NULL: none)."""
        alias = self.alias()
        child = Row(alias, relation.carry(parent, Row(alias)))
        self.depth += 1
        try:
            element = self.object_sql(relation.target, child, details)
        finally:
            self.depth -= 1
        from_item = (
            f"{source(self.dialect, relation.target)} AS {alias}"
            if relation.source is None
            else relation.source(self.dialect, parent, alias)
        )
        rows = f"FROM {from_item} {relation.where(self.dialect, parent, child, bind)}"
        order = relation.order(self.dialect, child)
        if relation.many:
            return self.dialect.json_array(element, rows, order)
        return f"SELECT {element} {rows} ORDER BY {order} LIMIT 1"

    def list_sql(
        self,
        type_name: str,
        details: list[FieldDetails],
        where: Callable[[Row], str],
        order: str,
        carry: Callable[[str], Mapping[str, str]] | None = None,
    ) -> str:
        """A SELECT yielding the JSON array of ``type_name`` rows (root lists); ``carry``: what
        each row carries down (by its alias)."""
        alias = self.alias()
        row = Row(alias, {} if carry is None else carry(alias))
        element = self.object_sql(type_name, row, details)
        rows = f"FROM {source(self.dialect, type_name)} AS {row.alias} {where(row)}"
        return self.dialect.json_array(element, rows, order.format(row=row.alias))

    def one_sql(
        self, type_name: str, details: list[FieldDetails], where: Callable[[Row], str]
    ) -> str:
        """A SELECT yielding one ``type_name`` object, or NULL (root single objects)."""
        row = Row(self.alias())
        element = self.object_sql(type_name, row, details)
        return (
            f"SELECT {element} FROM {source(self.dialect, type_name)} AS {row.alias} "
            f"{where(row)} LIMIT 1"
        )
