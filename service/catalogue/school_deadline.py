"""A school's application deadline as one SQL value: the earliest dated one it serves.

What ``offersConnection(orderBy: DEADLINE)`` sorts by (issue 11). The deadlines are the
school's served ``deadline`` facts: for each (field, key), the override beats the scraped
value (``service.catalogue.precedence.served_value``, the rule ``School.info`` and
reconciliation use; a stale scraped value is still served), and an override with no scraped
value beside it is the only candidate. Of those, the application deadlines (``kind``, else the
first part of the key, is ``application``, whatever the case; any semester) with a full
``YYYY-MM-DD`` date count, and the earliest is the school's. A school with none, or only dates
without a year (``--04-15``), has no deadline (NULL): such offers sort last.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, and_, case, exists, func, literal, or_, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from service.catalogue.fields import FactField
from service.catalogue.precedence import Candidates, Value, served_value
from service.db import SchoolFact, SchoolOverride

_KIND = "application"
#: ``YYYY-MM-DD``: the positions of the digits (1-based), the dashes at 5 and 8.
_DIGITS = (1, 2, 3, 4, 6, 7, 9, 10)


def _full_date(text: ColumnElement[Any]) -> ColumnElement[bool]:
    """SQL: ``text`` is a ``YYYY-MM-DD`` date (the same test on SQLite and PostgreSQL)."""
    return and_(
        func.length(text) == 10,
        func.substr(text, 5, 1) == "-",
        func.substr(text, 8, 1) == "-",
        *(func.substr(text, index, 1).between("0", "9") for index in _DIGITS),
    )


def _is_application(value: ColumnElement[Any], key: Value) -> ColumnElement[bool]:
    """SQL: the deadline is for applications (``Deadline.kind``: the value's, else the key's)."""
    kind = value["kind"].as_string()
    head = func.lower(key)
    return case(
        (func.coalesce(kind, "") != "", func.lower(kind) == _KIND),
        else_=or_(head == _KIND, head.like(f"{_KIND}/%")),
    )


def _earliest(
    rows: Select[Any], value: ColumnElement[Any], key: Value, *conditions: Any
) -> ColumnElement[Any]:
    """SQL: the earliest full date among the application deadlines ``value`` (of key ``key``)
    of ``rows`` under ``conditions``: a correlated scalar subquery, found by the school's index."""
    day = value["date"].as_string()
    query = rows.with_only_columns(func.min(day)).where(
        *conditions, _is_application(value, key), _full_date(day)
    )
    return query.scalar_subquery()


def _sooner(first: ColumnElement[Any], second: ColumnElement[Any]) -> ColumnElement[Any]:
    """SQL: the earlier of two ISO dates, a NULL ignored (SQLite's two-argument min() and
    PostgreSQL's least() disagree on NULL)."""
    return case(
        (first.is_(None), second),
        (or_(second.is_(None), first <= second), first),
        else_=second,
    )


def application_deadline(school_id: Value) -> ColumnElement[Any]:
    """SQL: the earliest dated application deadline the school ``school_id`` serves (ISO text,
    NULL: none)."""
    fact = aliased(SchoolFact)
    override = aliased(SchoolOverride)
    field = FactField.DEADLINE.value
    same_key = and_(
        override.school_id == fact.school_id,
        override.field == fact.field,
        override.key == fact.key,
    )
    # Each scraped value, or the override of the same key that beats it.
    scraped = _earliest(
        select(fact.id).outerjoin(override, same_key),
        served_value(Candidates(override=override.value, scraped=fact.value)),
        fact.key,
        fact.school_id == school_id,
        fact.field == field,
    )
    # An override with no scraped value of the same key: the only candidate.
    alone = _earliest(
        select(override.id),
        served_value(Candidates(override=override.value)),
        override.key,
        override.school_id == school_id,
        override.field == field,
        ~exists().where(same_key),
    )
    return _sooner(scraped, alone)


def deadline_order_keys(school_id: Value) -> tuple[ColumnElement[Any], ...]:
    """The keyset columns (never NULL) putting schools without a deadline after the rest:
    (0 with a deadline, 1 without; the deadline, ``''`` without)."""
    deadline = application_deadline(school_id)
    return (
        case((deadline.is_(None), literal(1)), else_=literal(0)),
        func.coalesce(deadline, ""),
    )
