"""A school's own fields as the API serves them: an admin override beats the curated column.

The FAQ importer writes the curated columns of ``school``; an admin's correction lives in
``school_override`` (field, key ``""``, value ``{"value": …}``) and wins when reading
(docs/decisions/0040-precedence-of-values.md, 0076), by the one precedence expression of
``service.catalogue.precedence``. Every query that shows or filters on a
school's name, short name, city, website or country goes through this module, so that a
corrected country moves the school to that country's list and a corrected name is what search
finds. Two forms, same answer:

- :class:`ServedSchool` joins the overrides once, pivoted to one row per school (lists of
  schools: one hash join, whatever the number of rows; measured on 10,000 schools, the
  correlated form below cost PostgreSQL 30 to 70 ms more);
- :func:`served` is a correlated subquery on the ``school_override`` unique key, for a filter
  inside an ``EXISTS`` that reaches one school per row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm.util import AliasedClass
from sqlalchemy.sql.elements import ColumnElement, Label
from sqlalchemy.sql.selectable import Subquery

from service.catalogue.fields import CURATED_FIELDS
from service.catalogue.precedence import Candidates, served_source, served_value
from service.db import School, SchoolOverride

SchoolEntity = type[School] | AliasedClass[School]


def _override_value() -> ColumnElement[str]:
    value: ColumnElement[str] = SchoolOverride.value["value"].as_string()
    return value


def _check(column: str) -> None:
    if column not in CURATED_FIELDS:
        raise ValueError(f"{column!r} is not an overridable school column")


def overrides_by_school() -> Subquery:
    """One row per school that has overrides: its id and each field's override (NULL: none)."""
    return (
        select(
            SchoolOverride.school_id,
            *(
                func.max(case((SchoolOverride.field == name, _override_value()))).label(name)
                for name in CURATED_FIELDS
            ),
        )
        .where(SchoolOverride.key == "", SchoolOverride.field.in_(CURATED_FIELDS))
        .group_by(SchoolOverride.school_id)
        .subquery()
    )


@dataclass(frozen=True, slots=True)
class ServedSchool:
    """The served columns of ``entity`` through one join with its overrides."""

    entity: SchoolEntity
    overrides: Subquery

    def candidates(self, name: str) -> Candidates:
        _check(name)
        return Candidates(override=self.overrides.c[name], curated=getattr(self.entity, name))

    def column(self, name: str) -> ColumnElement[Any]:
        return served_value(self.candidates(name))

    def source(self, name: str) -> ColumnElement[Any]:
        """Where :meth:`column` comes from: ``"override"``, ``"curated"`` or NULL."""
        return served_source(self.candidates(name))

    def label(self, name: str) -> Label[Any]:
        """:meth:`column`, named like the column (for a select list read by attribute)."""
        return self.column(name).label(name)

    def join(self, query: Select[Any]) -> Select[Any]:
        """``query`` (selecting from ``entity``) with the overrides joined."""
        return query.outerjoin(self.overrides, self.overrides.c.school_id == self.entity.id)


def served_school(entity: SchoolEntity = School) -> ServedSchool:
    return ServedSchool(entity, overrides_by_school())


def served(entity: SchoolEntity, column: str) -> ColumnElement[Any]:
    """SQL, correlated: the override of ``column`` when there is one, else the curated column."""
    _check(column)
    override = (
        select(_override_value())
        .where(
            SchoolOverride.school_id == entity.id,
            SchoolOverride.field == column,
            SchoolOverride.key == "",
        )
        .scalar_subquery()
    )
    return served_value(Candidates(override=override, curated=getattr(entity, column)))
