"""Bulk statements shared by the import's writers."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from itertools import chain
from typing import Any

from sqlalchemy import bindparam, update
from sqlalchemy.ext.asyncio import AsyncSession

from scrapers.faq.plan import Change, TablePlan
from service.db import column_batches, insert_values

Values = dict[str, Any]


#: Rows sent per INSERT executemany: a batch's rows exist at once, never a whole table's
#: (a first import of 10,000 schools inserts about 100,000 rows; decision 0205). 250, not
#: 1,000: the schools' first batch of 1,000 rows and SQLAlchemy's parameters for it were a
#: first import's peak, 1.0 times the page's size above what was alive (decision 0387).
BATCH_ROWS = 250


async def insert_rows(session: AsyncSession, model: Any, rows: Iterable[Values]) -> None:
    """Insert ``rows`` into ``model``'s table (a model or a Core table), read once as they come:
    one executemany per ``BATCH_ROWS`` rows of the same set of columns (:func:`insert_values`).

    A Core insert of the table, not the ORM's bulk insert: the rows are plain values and nothing
    is loaded back, and the ORM's per-row bookkeeping was a fifth of the first import's writes.
    On PostgreSQL each batch is one multi-row INSERT … VALUES: the server's time of a first
    import of 10,000 schools falls by more than half (decision 0276).
    """
    await insert_values(session, model, rows, batch_rows=BATCH_ROWS)


async def update_rows(session: AsyncSession, model: type[Any], rows: Iterable[Values]) -> None:
    """ORM bulk updates by primary key of ``rows`` (each with its ``id``), read once as they
    come: one executemany per ``BATCH_ROWS`` rows (the rows of one batch exist at once)."""
    batch: list[Values] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH_ROWS:
            await session.execute(update(model), batch)
            batch = []
    if batch:
        await session.execute(update(model), batch)


async def update_new_rows(session: AsyncSession, model: Any, rows: Iterable[Values]) -> None:
    """Update rows this import inserted (each with its ``id``), read once as they come: one
    Core ``UPDATE … WHERE id = :_id`` executemany per ``BATCH_ROWS`` rows of the same columns.

    The ORM's bulk update by primary key (:func:`update_rows`) held about 1.4 times the page's
    size for a batch of 1,000 parents, the whole import's peak (decision 0340). It also brings
    the session's objects of those rows up to date; rows inserted by Core have none, so their
    updates need not go through it. Column ``onupdate`` defaults apply to the columns a row leaves
    out, as with the ORM.
    """
    table = getattr(model, "__table__", model)
    statement = update(table).where(table.c.id == bindparam("_id"))
    renamed = (
        {"_id" if name == "id" else name: value for name, value in row.items()} for row in rows
    )
    for group in column_batches(renamed, BATCH_ROWS):
        await session.execute(statement, group)


def change_rows(
    table: TablePlan,
    now: datetime,
    *,
    retired_column: str = "retired_at",
    translate: Mapping[str, Any] | None = None,
    stamp: bool = True,
) -> Iterator[Values]:
    """Bulk-update rows for a table's changes and retirements, made as they are read."""
    change: Change
    for change in chain(table.changed, table.retired):
        row: Values = {"id": change.id}
        for name, (_, new) in change.fields.items():
            if name == "retired":
                row[retired_column] = now if new else None
            elif translate and name in translate:
                column, convert = translate[name]
                row[column] = convert(new)
            else:
                row[name] = new
        if stamp:
            row["updated_at"] = now
        yield row
