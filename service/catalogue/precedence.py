"""Which value is served, as SQL: an override beats the curated value, which beats the scraped.

The one declaration of the precedence of docs/decisions/0040-precedence-of-values.md (and
0120). Every reader builds its SQL from :class:`Candidates`: the served school columns
(``service.catalogue.served_fields``, and through it the compiled read path), the sources of
``School.info`` (``service.catalogue.school_info``), and reconciliation's view of what the
catalogue says (``scrapers.reconcile.context``). A candidate is absent when its SQL value is
NULL (an override whose ``value`` is JSON null stands for nothing). A served value is stale only
when it is the scraped one and that value is marked stale: an override or a curated value is
never stale. The triggers of migration 0008 keep ``school.served_country_code`` equal to
:func:`served_value` of the country; a test checks that they agree
(tests/service/catalogue/test_precedence.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, get_args

from sqlalchemy import case, false, func, literal, null
from sqlalchemy.orm import QueryableAttribute
from sqlalchemy.sql.elements import ColumnElement

Source = Literal["override", "curated", "scraped"]

#: The sources, strongest first.
SOURCES: tuple[Source, ...] = get_args(Source)

#: An SQL value: an expression, or a mapped column.
Value = ColumnElement[Any] | QueryableAttribute[Any]


@dataclass(frozen=True, slots=True)
class Candidates:
    """The SQL value of each source for one field (None: that source cannot give one)."""

    override: Value | None = None
    curated: Value | None = None
    scraped: Value | None = None
    #: Whether the scraped value is stale (None: never).
    scraped_stale: Value | None = None

    def ranked(self) -> Sequence[tuple[Source, Value]]:
        """The sources that can give a value, strongest first."""
        values = dict(zip(SOURCES, (self.override, self.curated, self.scraped), strict=True))
        return [(name, value) for name, value in values.items() if value is not None]


def served_value(candidates: Candidates) -> ColumnElement[Any]:
    """SQL: the value served, the strongest present candidate's (NULL: none)."""
    values = [value for _, value in candidates.ranked()]
    if not values:
        return null()
    if len(values) == 1:
        return values[0].expression
    return func.coalesce(*values)


def served_source(candidates: Candidates) -> ColumnElement[Any]:
    """SQL: the name of the source the served value comes from (NULL: none)."""
    ranked = candidates.ranked()
    if not ranked:
        return null()
    return case(*((value.is_not(None), literal(name)) for name, value in ranked), else_=null())


def served_stale(candidates: Candidates) -> ColumnElement[Any]:
    """SQL: whether the served value is a stale scraped one."""
    stronger = [value for name, value in candidates.ranked() if name != "scraped"]
    if candidates.scraped is None or candidates.scraped_stale is None:
        return false()
    return case(
        *((value.is_not(None), false()) for value in stronger),
        (candidates.scraped.is_not(None), candidates.scraped_stale),
        else_=false(),
    )
