"""``column IN (many values)`` as ONE bound parameter, on SQLite and on PostgreSQL.

An expanded ``IN (?, ?, …)`` needs one parameter per value, and both drivers cap parameters
(about 32,000): a loader batch for 10,000 schools' programmes would need splitting, and the
statement count would then grow with the catalogue. Instead the values travel as one array
(PostgreSQL ``= ANY(:values)``) or one JSON text (SQLite ``IN (SELECT value FROM json_each(:v))``).
Both statements stay in SQLAlchemy's compiled cache, since only the bound value changes.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import orjson
from sqlalchemy import String, any_, bindparam, func, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import QueryableAttribute
from sqlalchemy.sql.elements import ColumnElement

#: A column, from a table or a mapped class.
Column = ColumnElement[Any] | QueryableAttribute[Any]


def dialect_name(session: AsyncSession) -> str:
    """``"sqlite"`` or ``"postgresql"``: the backend ``session`` talks to."""
    return session.get_bind().dialect.name


def member_of(
    session: AsyncSession, column: Column, values: Collection[Any]
) -> ColumnElement[bool]:
    """``column`` is one of ``values`` (ints or strings), with a single bound parameter."""
    if dialect_name(session) == "postgresql":
        return column == any_(bindparam(None, list(values), type_=ARRAY(column.type)))
    as_json = bindparam(None, orjson.dumps(list(values)).decode(), type_=String())
    members = func.json_each(as_json).table_valued("value")
    return column.in_(select(members.c.value))


def binary_order(session: AsyncSession, column: Column) -> Column:
    """``column`` compared byte by byte, as Python compares ASCII strings.

    SQLite compares text byte-wise already; PostgreSQL uses the database collation, which may
    ignore punctuation (``en_US``: "a-c" sorts after "ab"), so keyset pagination asks for "C".
    """
    if dialect_name(session) == "postgresql":
        return column.collate("C")
    return column
