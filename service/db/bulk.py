"""New rows sent many at a time: one statement per set of columns, on either backend.

The ORM inserts the objects a session adds one statement per row on SQLite whenever it needs
their ids back in order (SQLite does not promise the order of ``RETURNING``, so SQLAlchemy has no
"insertmanyvalues" sentinel there): a cold sync sent 39 single-row INSERTs per school. Rows that
nothing in the transaction reads back by id (a link check, a value's history, a new value) are
sent here as plain column values instead (decision 0335).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, cast

from sqlalchemy import Table, insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase


def column_batches(
    rows: Iterable[Mapping[str, Any]], limit: int | None = None
) -> Iterator[list[Mapping[str, Any]]]:
    """``rows`` grouped by their set of columns, read once as they come, each group in its rows'
    order: a group is yielded when it holds ``limit`` rows (the rows of one batch exist at once,
    never a whole table's), the rest once ``rows`` is spent. ``None`` means no limit."""
    groups: dict[tuple[str, ...], list[Mapping[str, Any]]] = {}
    for row in rows:
        columns = tuple(row)
        group = groups.setdefault(columns, [])
        group.append(row)
        if limit is not None and len(group) >= limit:
            groups[columns] = []
            yield group
    for group in groups.values():
        if group:
            yield group


async def insert_values(
    session: AsyncSession,
    model: type[DeclarativeBase] | Table,
    rows: Iterable[Mapping[str, Any]],
    *,
    batch_rows: int | None = None,
) -> None:
    """Insert ``rows`` (column values) into ``model``'s table (a model or a Core table) in the
    session's transaction.

    Rows with the same columns go as one executemany (at most ``batch_rows`` rows each), in their
    order (so their ids follow it): on SQLite one prepared statement the driver runs per row in
    process, on PostgreSQL one multi-row ``INSERT … VALUES`` (``RETURNING`` makes SQLAlchemy's
    asyncpg dialect send it so, decision 0276; the ids are not read). Column defaults apply to
    the columns a row leaves out, as with the ORM, and the statement goes through the session:
    its events see the write (the data version, decision 0125).
    """
    table = model if isinstance(model, Table) else cast(Table, model.__table__)
    statement = insert(table)
    if session.get_bind().dialect.name == "postgresql":
        statement = statement.returning(*table.primary_key.columns)
    for group in column_batches(rows, batch_rows):
        await session.execute(statement, group)
