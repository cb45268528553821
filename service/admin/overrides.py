"""An admin's value for one field of a school: set it, clear it.

The value is stored in ``school_override`` and wins when reading (decisions 0040 and 0076), so
neither a re-import of the FAQ page nor a sync can undo it. Each change is written with its
admin-log entry and a ``catalogue.changed`` webhook event in the caller's transaction; nothing
here commits. Fields are named as the API spells them (``shortName``, ``countryCode``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from service.admin.audit import Applied, school_change
from service.admin.validation import (
    SCHOOL_FIELD_RULES,
    SCRAPED_FIELD_RULES,
    FieldRule,
    InvalidInputError,
    check_overridable,
    check_override,
    check_reason,
    check_school_slug,
)
from service.countries import country_name
from service.db import Country, School, SchoolOverride, utcnow
from service.operations import AdminActionKind


@dataclass(frozen=True, slots=True)
class OverridableField:
    """A field as the API names it, where its override is stored, and its value's shape."""

    name: str
    storage: str
    rule: FieldRule
    #: The key holding the value in the JSON object (the scraped fact's shape).
    shape: str = "value"


_FIELDS = (
    OverridableField("name", "name", SCHOOL_FIELD_RULES["name"]),
    OverridableField("shortName", "short_name", SCHOOL_FIELD_RULES["short_name"]),
    OverridableField("city", "city", SCHOOL_FIELD_RULES["city"]),
    OverridableField("website", "website", SCHOOL_FIELD_RULES["website"]),
    OverridableField("countryCode", "country_code", SCHOOL_FIELD_RULES["country_code"]),
    OverridableField("description", "description", SCRAPED_FIELD_RULES["description"], "text"),
    OverridableField("logo", "logo", SCRAPED_FIELD_RULES["logo"], "url"),
)
OVERRIDABLE_FIELDS: Mapping[str, OverridableField] = {field.name: field for field in _FIELDS}
_RULES: Mapping[str, FieldRule] = {field.name: field.rule for field in _FIELDS}


@dataclass(frozen=True, slots=True)
class OverrideApplied:
    school_id: int
    slug: str
    field: str
    value: str
    #: The override this one replaced, if any.
    previous: str | None


@dataclass(frozen=True, slots=True)
class OverrideCleared:
    school_id: int
    slug: str
    field: str
    #: The override removed.
    previous: str


def _text_of(field: OverridableField, value: Mapping[str, object] | None) -> str | None:
    inner = None if value is None else value.get(field.shape)
    return None if inner is None else str(inner)


def override_of(school_id: int, field: str) -> ColumnElement[bool]:
    """The admin's override of one of the school's own fields (key ``""``), as a condition."""
    return and_(
        SchoolOverride.school_id == school_id,
        SchoolOverride.field == field,
        SchoolOverride.key == "",
    )


async def _current(session: AsyncSession, school_id: int, field: OverridableField) -> Any:
    return await session.scalar(
        select(SchoolOverride.value).where(override_of(school_id, field.storage))
    )


async def _ensure_country(session: AsyncSession, code: str) -> None:
    """Add the country (CLDR names, as the importer does) if the catalogue lacks it."""
    if await session.get(Country, code) is None:
        session.add(
            Country(code=code, name_fr=country_name(code, "fr"), name_en=country_name(code, "en"))
        )
        await session.flush()


async def upsert_override(
    session: AsyncSession,
    *,
    school_id: int,
    field: str,
    value: dict[str, object],
    key: str = "",
    **rest: Any,
) -> None:
    """Write the override of ``field``/``key``, replacing the one there (no admin log here)."""
    # One statement whatever is there already: two admins correcting the same field at once
    # both succeed (the later one wins) instead of one of them hitting the unique key.
    module: Any = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = module.insert(SchoolOverride).values(
        school_id=school_id, field=field, key=key, value=value, **rest
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[SchoolOverride.school_id, SchoolOverride.field, SchoolOverride.key],
            set_={"value": statement.excluded.value, **rest},
        )
    )


async def set_override(
    session: AsyncSession,
    *,
    actor: str,
    school: School,
    field: str,
    value: dict[str, object],
    reason: str,
    key: str = "",
) -> None:
    """Store an admin's checked value (the action's edge logs and announces it)."""
    await upsert_override(
        session,
        school_id=school.id,
        field=field,
        key=key,
        value=value,
        reason=reason,
        created_by=actor,
        created_at=utcnow(),
    )


@school_change(AdminActionKind.OVERRIDE_SCHOOL_FIELD)
async def override_school_field(
    session: AsyncSession,
    *,
    actor: str,
    slug: str,
    field: str,
    value: str,
    reason: str,
    webhook_urls: Sequence[str] = (),
) -> Applied[OverrideApplied]:
    """Set ``field`` of the school ``slug`` to ``value`` (checked and cleaned first).

    ``webhook_urls``: where the edge (:func:`~service.admin.audit.school_change`) announces it.
    """
    school = await check_school_slug(session, slug)
    checked = check_override(field, value, _RULES)
    cleaned_reason = check_reason(reason)
    target = OVERRIDABLE_FIELDS[checked.field]
    previous = _text_of(target, await _current(session, school.id, target))
    if target.storage == "country_code":
        await _ensure_country(session, checked.value)
    await set_override(
        session,
        actor=actor,
        school=school,
        field=target.storage,
        value={target.shape: checked.value},
        reason=cleaned_reason,
    )
    return Applied(
        OverrideApplied(school.id, school.slug, target.name, checked.value, previous),
        school.slug,
        cleaned_reason,
        {"field": target.name, "value": checked.value, "previous": previous},
        announce="override_set",
    )


@school_change(AdminActionKind.CLEAR_OVERRIDE)
async def clear_override(
    session: AsyncSession,
    *,
    actor: str,
    slug: str,
    field: str,
    reason: str,
    webhook_urls: Sequence[str] = (),
) -> Applied[OverrideCleared]:
    """Remove the override of ``field``: the curated (or scraped) value is served again."""
    school = await check_school_slug(session, slug)
    target = check_overridable(field, OVERRIDABLE_FIELDS)
    cleaned_reason = check_reason(reason)
    previous = _text_of(target, await _current(session, school.id, target))
    if previous is None:
        raise InvalidInputError("field", f"{school.slug} has no override of {field}")
    await session.execute(delete(SchoolOverride).where(override_of(school.id, target.storage)))
    return Applied(
        OverrideCleared(school.id, school.slug, target.name, previous),
        school.slug,
        cleaned_reason,
        {"field": target.name, "previous": previous},
        announce="override_cleared",
    )
