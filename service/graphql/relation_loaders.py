"""One batched loader for every relation of the catalogue table, written from its entry.

The relations the resolvers resolve are the entries of ``compiler.relations.FIELDS``, the
table the compiled read path is planned from: the same join, filter, order and carried values,
so the two paths cannot disagree on what a relation is. ``RelationLoaders.related`` keeps one
DataLoader per (type, field, bound argument values); every parent asked in the same tick is one
statement: the parents travel as one JSON parameter (``parent_index``, ``parent_key`` and what
they carry), are joined to their own rows, and the entry's ``where`` reaches the children from
there. ``by_key`` reads rows of a type by its key column (a node, a root ``country``). Rows
become records by column name (``service.catalogue.records.record_from``), never by position.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import orjson
from sqlalchemy import Integer, RowMapping, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.selectable import TextualSelect
from sqlalchemy.types import TypeEngine
from strawberry.dataloader import DataLoader

from service.catalogue import served_school_rows
from service.db import Base, SerializedSession
from service.graphql.compiler.dialect import Dialect
from service.graphql.compiler.relations import (
    FIELDS,
    KEYS,
    TABLES,
    Relation,
    Row,
    source,
    with_sources,
)
from service.graphql.relation_rows import Child, Parent

_INDEX = "parent_index"
_KEY = "parent_key"
_CARRY = "carry_"


@cache
def columns_of(type_name: str) -> Mapping[str, TypeEngine[Any]]:
    """The columns rows of ``type_name`` are read with, and their types."""
    if type_name == "School":
        return {str(column.key): column.type for column in served_school_rows().selected_columns}
    return {column.name: column.type for column in Base.metadata.tables[TABLES[type_name]].c}


def _sql_type(column_type: TypeEngine[Any]) -> str:
    return "integer" if isinstance(column_type, Integer) else "text"


class _CarriedColumns(Mapping[str, str]):
    """``parent.carried`` for the batch statement; records which names the entry reads.

    A parent that carries nothing under a name (a programme found by its key, seen from no
    school) leaves the child's column unconstrained: ``coalesce(k.name, c.name)``.
    """

    def __init__(self, child: Row) -> None:
        self.child = child
        self.read: list[str] = []

    def __getitem__(self, name: str) -> str:
        if name not in self.read:
            self.read.append(name)
        return f"coalesce(k.{_CARRY}{name}, {self.child.col(name)})"

    def __iter__(self) -> Iterator[str]:
        return iter(self.read)

    def __len__(self) -> int:
        return len(self.read)


def _keys_table(dialect: Dialect, columns: Sequence[tuple[str, str]]) -> str:
    """A FROM item over the ``:parents`` JSON array: one row per parent, these columns."""
    if dialect.postgres:
        definition = ", ".join(f"{name} {sql_type}" for name, sql_type in columns)
        return f"json_to_recordset(CAST(:parents AS json)) AS k({definition})"
    extracted = ", ".join(f"json_extract(value, '$.{name}') AS {name}" for name, _ in columns)
    return f"(SELECT {extracted} FROM json_each(:parents)) AS k"  # noqa: S608 (names only)


@dataclass(frozen=True, slots=True)
class _Statement:
    sql: TextualSelect
    params: dict[str, Any]
    carried_in: tuple[str, ...]
    carried_out: tuple[str, ...]


def _bound(relation: Relation, arguments: Mapping[str, Any]) -> tuple[Any, ...]:
    """The values the entry binds from ``arguments``, in order (what its rows depend on)."""
    bind = _Collect(arguments)
    child = Row("c")
    relation.where(Dialect("sqlite"), Row("p", _CarriedColumns(child)), child, bind)
    return tuple(bind.values)


@dataclass(slots=True)
class _Collect:
    """A ``Bind`` that collects the values of ``arguments``, parameters' and fixed ones alike."""

    arguments: Mapping[str, Any]
    values: list[Any] = field(default_factory=list)

    def __call__(self, value: Callable[[Mapping[str, Any]], Any], sql_type: str) -> str:
        self.values.append(value(self.arguments))
        return f"CAST(NULL AS {sql_type})"

    def fixed(self, value: Callable[[Mapping[str, Any]], Any]) -> Any:
        found = value(self.arguments)
        self.values.append(found)
        return found


@dataclass(slots=True)
class _Replay:
    """A ``Bind`` that gives back, in order, the values `_bound` collected (the same
    functions are called in the same order): parameters for some, the text's shape for the
    fixed ones."""

    dialect: Dialect
    bound: tuple[Any, ...]
    params: dict[str, Any] = field(default_factory=dict)
    read: int = 0

    def _next(self) -> Any:
        value = self.bound[self.read]
        self.read += 1
        return value

    def __call__(self, value: Callable[[Mapping[str, Any]], Any], sql_type: str) -> str:
        del value  # computed by `_bound` (it keys the loader)
        name = f"a{len(self.params)}"
        self.params[name] = self._next()
        return self.dialect.param(name, sql_type)

    def fixed(self, value: Callable[[Mapping[str, Any]], Any]) -> Any:
        del value
        return self._next()


def _related_statement(
    dialect: Dialect, type_name: str, field_name: str, bound: tuple[Any, ...]
) -> _Statement:
    relation = FIELDS[type_name][field_name]
    assert isinstance(relation, Relation)
    bind = _Replay(dialect, bound)
    child = Row("c")
    carried = _CarriedColumns(child)
    parent = Row("p", carried)
    where = relation.where(dialect, parent, child, bind)
    carry_out = relation.carry(parent, child)
    target = columns_of(relation.target)
    key_type = _sql_type(columns_of(type_name)[KEYS[type_name]])
    keys = _keys_table(
        dialect,
        [
            (_INDEX, "integer"),
            (_KEY, key_type),
            *((f"{_CARRY}{name}", _sql_type(target[name])) for name in carried.read),
        ],
    )
    selected = ", ".join(
        [
            f"k.{_INDEX} AS {_INDEX}",
            *(f"{value} AS {_CARRY}{name}" for name, value in carry_out.items()),
            *(f"{child.col(name)} AS {name}" for name in target),
        ]
    )
    # Written from the table's names and SQL only; every value is a bound parameter.
    sql = (
        f"SELECT {selected} FROM {keys} "  # noqa: S608
        f"JOIN {source(dialect, type_name)} AS p ON p.{KEYS[type_name]} = k.{_KEY}, "
        f"{source(dialect, relation.target)} AS c {where} "
        f"ORDER BY k.{_INDEX}, {relation.order(dialect, child)}"
    )
    typed = text(with_sources(dialect, sql)).columns(**{_INDEX: Integer()}, **target)
    return _Statement(typed, bind.params, tuple(carried.read), tuple(carry_out))


def _by_key_statement(dialect: Dialect, type_name: str) -> TextualSelect:
    columns = columns_of(type_name)
    keys = _keys_table(dialect, [(_INDEX, "integer"), (_KEY, _sql_type(columns[KEYS[type_name]]))])
    selected = ", ".join([f"k.{_INDEX} AS {_INDEX}", *(f"c.{name} AS {name}" for name in columns)])
    sql = (
        f"SELECT {selected} FROM {keys} "  # noqa: S608 (names only, like the statement above)
        f"JOIN {source(dialect, type_name)} AS c ON c.{KEYS[type_name]} = k.{_KEY}"
    )
    return text(with_sources(dialect, sql)).columns(**{_INDEX: Integer()}, **columns)


def _parents_param(parents: Sequence[Parent], names: Sequence[str]) -> str:
    return orjson.dumps(
        [
            {_INDEX: index, _KEY: parent.key}
            | {f"{_CARRY}{name}": dict(parent.carried).get(name) for name in names}
            for index, parent in enumerate(parents)
        ]
    ).decode()


async def _fetch_related(
    session: AsyncSession,
    type_name: str,
    field_name: str,
    bound: tuple[Any, ...],
    parents: Sequence[Parent],
) -> list[list[Child]]:
    statement = _related_statement(
        Dialect(session.get_bind().dialect.name), type_name, field_name, bound
    )
    params = statement.params | {"parents": _parents_param(parents, statement.carried_in)}
    found: dict[int, list[Child]] = defaultdict(list)
    for row in (await session.execute(statement.sql, params)).mappings():
        carried = tuple((name, row[f"{_CARRY}{name}"]) for name in statement.carried_out)
        found[row[_INDEX]].append(Child(row, carried))
    return [found[index] for index in range(len(parents))]


async def _fetch_by_keys(
    session: AsyncSession, type_name: str, keys: Sequence[Hashable]
) -> list[RowMapping | None]:
    statement = _by_key_statement(Dialect(session.get_bind().dialect.name), type_name)
    params = {"parents": _parents_param([Parent(key) for key in keys], ())}
    found = {row[_INDEX]: row for row in (await session.execute(statement, params)).mappings()}
    return [found.get(index) for index in range(len(keys))]


@dataclass(slots=True)
class RelationLoaders:
    """The relation loaders of one request (fresh caches), created as fields ask for them."""

    db: SerializedSession
    _related: dict[tuple[str, str, tuple[Any, ...]], DataLoader[Parent, list[Child]]] = field(
        default_factory=dict
    )
    _by_key: dict[str, DataLoader[Hashable, RowMapping | None]] = field(default_factory=dict)
    #: (type, field, arguments as asked) → its loader and whether the field is a list.
    _asked: dict[
        tuple[str, str, tuple[tuple[str, Any], ...]],
        tuple[DataLoader[Parent, list[Child]], bool],
    ] = field(default_factory=dict)

    async def related(
        self,
        type_name: str,
        field_name: str,
        parent: Parent,
        arguments: Mapping[str, Any] | None = None,
    ) -> list[Child]:
        """The rows ``type_name.field_name`` reaches from ``parent`` (GraphQL ``arguments``)."""
        asked = (type_name, field_name, tuple(sorted((arguments or {}).items())))
        found = self._asked.get(asked)
        if found is None:
            found = self._asked[asked] = self._loader(type_name, field_name, arguments or {})
        loader, many = found
        children = await loader.load(parent)
        return children if many else children[:1]

    def _loader(
        self, type_name: str, field_name: str, arguments: Mapping[str, Any]
    ) -> tuple[DataLoader[Parent, list[Child]], bool]:
        relation = FIELDS[type_name][field_name]
        assert isinstance(relation, Relation)
        # Arguments that bind the same values (or none) share one loader, so one batch.
        bound = _bound(relation, arguments)
        slot = (type_name, field_name, bound)
        loader = self._related.get(slot)
        if loader is None:

            async def load(parents: list[Parent]) -> list[list[Child]]:
                return await self.db.run_to_end(
                    _fetch_related, type_name, field_name, bound, parents
                )

            loader = self._related[slot] = DataLoader(load)
        return loader, relation.many

    async def by_key(self, type_name: str, key: Hashable) -> RowMapping | None:
        """The row of ``type_name`` whose key column (``KEYS``) is ``key``, or None."""
        loader = self._by_key.get(type_name)
        if loader is None:

            async def load(keys: list[Hashable]) -> list[RowMapping | None]:
                return await self.db.run_to_end(_fetch_by_keys, type_name, keys)

            loader = self._by_key[type_name] = DataLoader(load)
        return await loader.load(key)
