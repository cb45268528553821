"""Keyset pages in both directions: ``first``/``after`` forwards, ``last``/``before`` backwards.

A page is the rows strictly between two positions (a position is the tuple of the order
columns' values of one row; the last column is unique, so positions are total), in order,
``limit`` + 1 of them so the caller knows whether more follow. Backwards pages are read in
reverse order from ``before`` and turned back, so they cost the same as forward ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, or_
from sqlalchemy.sql.elements import ColumnElement

from service.catalogue.id_sets import Column

#: The values of a row's order columns, in order.
Position = tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class Order:
    """Order columns (never null; the last one unique) and whether each one descends."""

    columns: Sequence[Column]
    descending: Sequence[bool]


@dataclass(frozen=True, slots=True)
class PageRequest:
    """Which rows: at most ``limit`` after ``after`` and before ``before``, from one end."""

    limit: int
    after: Position | None = None
    before: Position | None = None
    #: Take the ``limit`` rows nearest ``before`` (``last``) instead of nearest ``after``.
    from_end: bool = False


def _beyond(order: Order, position: Position, *, forward: bool) -> ColumnElement[bool]:
    """SQL: the row comes after ``position`` in ``order`` (before it when not ``forward``)."""
    clauses = []
    for index, (column, descending) in enumerate(zip(order.columns, order.descending, strict=True)):
        value = position[index]
        later = column < value if descending == forward else column > value
        equal_before = [order.columns[i] == position[i] for i in range(index)]
        clauses.append(and_(*equal_before, later))
    return or_(*clauses)


def page_conditions(order: Order, request: PageRequest) -> list[ColumnElement[bool]]:
    """SQL: the row lies between the request's ``after`` and ``before``."""
    conditions = []
    if request.after is not None:
        conditions.append(_beyond(order, request.after, forward=True))
    if request.before is not None:
        conditions.append(_beyond(order, request.before, forward=False))
    return conditions


def page_terms(order: Order, request: PageRequest) -> list[Any]:
    """The ORDER BY terms reading the page: from its ``before`` end with ``from_end``."""
    reverse = request.from_end
    return [
        column.desc() if descending != reverse else column.asc()
        for column, descending in zip(order.columns, order.descending, strict=True)
    ]


def page_query(query: Select[Any], order: Order, request: PageRequest) -> Select[Any]:
    """``query`` narrowed to the page's rows, ``limit + 1`` of them, in reading order.

    With ``from_end`` the rows come nearest-``before`` first: reverse them (``in_order``).
    """
    query = query.where(*page_conditions(order, request))
    return query.order_by(None).order_by(*page_terms(order, request)).limit(request.limit + 1)


@dataclass(frozen=True, slots=True)
class Page:
    """Rows of one page in reading order, and whether rows exist past either end."""

    rows: list[Any]
    has_next: bool
    has_previous: bool


def cut_page(rows: Sequence[Any], request: PageRequest) -> Page:
    """The page from what ``page_query`` read (``limit + 1`` rows at most)."""
    more = len(rows) > request.limit
    kept = list(rows[: request.limit])
    if request.from_end:
        kept.reverse()
        # Rows after `before` exist whenever a `before` was given (the client came from there).
        return Page(kept, has_next=request.before is not None, has_previous=more)
    return Page(kept, has_next=more, has_previous=request.after is not None)
