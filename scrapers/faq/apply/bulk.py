"""Bulk statements shared by the import's writers."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.ext.asyncio import AsyncSession

from scrapers.faq.plan import Change, TablePlan

Values = dict[str, Any]


async def insert_rows(session: AsyncSession, model: type[Any], rows: list[Values]) -> None:
    """Insert ``rows`` into ``model``'s table: one executemany per set of columns given.

    A Core insert of the table, not the ORM's bulk insert: the rows are plain values and nothing
    is loaded back, and the ORM's per-row bookkeeping was a fifth of the first import's writes.
    Column defaults apply to the columns a row leaves out, as with the ORM.
    """
    groups: dict[tuple[str, ...], list[Values]] = {}
    for row in rows:
        groups.setdefault(tuple(row), []).append(row)
    for group in groups.values():
        await session.execute(insert(model.__table__), group)


async def update_rows(session: AsyncSession, model: type[Any], rows: list[Values]) -> None:
    if rows:
        await session.execute(update(model), rows)


def change_rows(
    table: TablePlan,
    now: datetime,
    *,
    retired_column: str = "retired_at",
    translate: Mapping[str, Any] | None = None,
    stamp: bool = True,
) -> list[Values]:
    """Bulk-update rows for a table's changes and retirements."""
    rows: list[Values] = []
    change: Change
    for change in (*table.changed, *table.retired):
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
        rows.append(row)
    return rows
