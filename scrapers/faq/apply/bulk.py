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
    if rows:
        # Without render_nulls the ORM batches only consecutive rows whose None values fall in
        # the same columns: offers with and without a kind alternate, and became one INSERT each.
        await session.execute(insert(model).execution_options(render_nulls=True), rows)


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
