"""Checks of admin input: each returns the cleaned value or raises a typed rejection.

Each ``check_*`` function returns the cleaned value, or raises :class:`InvalidInputError` holding an
:class:`InvalidInput` that names the argument and what is wrong with it. One edge,
:func:`service.admin.audit.admin_action`, turns the rejection into its admin-log entry and into
the ``InvalidInput`` member of the action's result union. Nothing here writes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from service.addresses import AddressGuard, AddressRefusedError, normalize_address
from service.countries import is_country_code
from service.db import School
from service.host_literals import literal_address, refuse_non_public_host
from service.http_urls import parse_http_url
from service.name_resolution import ResolutionError, Resolver
from service.text import collapse_spaces

R = TypeVar("R")

MAX_REASON_LENGTH = 500
MAX_SLUG_LENGTH = 120
MAX_SCHOOLS_PER_REQUEST = 200
#: Longest raw override value looked at; every field's own limit is lower.
MAX_RAW_VALUE_LENGTH = 4096
#: Unknown slugs named in an error message, at most (the message stays one readable line).
_NAMED_UNKNOWN = 5


@dataclass(frozen=True, slots=True)
class InvalidInput:
    """``field`` is the argument's name as the caller wrote it; ``message`` says what to fix."""

    field: str
    message: str


class InvalidInputError(Exception):
    """An admin action refused one of its arguments; raised mid-flow, answered once at the edge."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.invalid = InvalidInput(field, message)


def check_url(value: str, *, field: str = "url") -> str:
    """An absolute http(s) URL without credentials, at most 2,048 characters."""
    try:
        return parse_http_url(value)
    except ValueError as exc:
        raise InvalidInputError(field, str(exc)) from None


def check_public_url(value: str, *, field: str = "url") -> str:
    """:func:`check_url`, and a host that is not a non-public IP literal or a loopback name.

    Names are resolved, and every redirect judged, by the fetcher when the job runs: this refuses
    early what can be refused without DNS (``http://127.0.0.1``, ``http://169.254.169.254``).
    """
    checked = check_url(value, field=field)
    refusal = refuse_non_public_host(checked)
    if refusal is not None:
        raise InvalidInputError(field, refusal)
    return checked


#: How long the admin API waits for a name to resolve before leaving it to the fetch-time guard.
RESOLVE_TIMEOUT_SECONDS = 5.0


async def check_resolved_host(url: str, *, resolver: Resolver, field: str = "url") -> str:
    """``url`` (checked by :func:`check_public_url`) unless its host name resolves to an address
    the fetcher's :class:`~service.addresses.AddressGuard` refuses.

    A name that does not resolve now, or not in time, is accepted: the job's fetch resolves it
    again and judges every address and every redirect, so this check only refuses early what the
    fetch would refuse anyway (a name pointing at 10.0.0.5), it does not replace that guard.
    """
    parts = urlsplit(url)
    host = (parts.hostname or "").rstrip(".")
    if literal_address(host) is not None:
        return url  # an IP literal: judged without DNS by check_public_url
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        async with asyncio.timeout(RESOLVE_TIMEOUT_SECONDS):
            answer = await resolver(host, port)
        AddressGuard().check_all(answer)
    except (ResolutionError, TimeoutError, ValueError):
        return url
    except AddressRefusedError as refused:
        raise InvalidInputError(
            field,
            f"{host} resolves to {normalize_address(refused.address)}, not a public address "
            f"({refused.reason}): give a public address",
        ) from None
    return url


def check_reason(value: str | None, *, field: str = "reason") -> str:
    """A non-empty reason of at most 500 characters, its spaces collapsed."""
    reason = collapse_spaces(value or "").strip()
    if not reason:
        raise InvalidInputError(field, "give a reason: it is kept in the admin log")
    if len(reason) > MAX_REASON_LENGTH:
        raise InvalidInputError(field, f"the reason is longer than {MAX_REASON_LENGTH} characters")
    return reason


def check_optional_reason(value: str | None, *, field: str = "reason") -> str | None:
    """:func:`check_reason` when a reason is given; ``None`` when it is absent or blank."""
    return None if value is None or not value.strip() else check_reason(value, field=field)


@dataclass(frozen=True, slots=True)
class FieldRule:
    """How the value of an overridable field is checked; ``clean`` raises ``ValueError``."""

    clean: Callable[[str], str]


def _text(max_length: int) -> FieldRule:
    def clean(value: str) -> str:
        text = collapse_spaces(value).strip()
        if not text:
            raise ValueError("the value is empty")
        if len(text) > max_length:
            raise ValueError(f"the value is longer than {max_length} characters")
        return text

    return FieldRule(clean)


def _country_code(value: str) -> str:
    code = value.strip().upper()
    if len(code) != 2 or not is_country_code(code):
        raise ValueError(f"{value.strip()!r} is not an ISO 3166-1 alpha-2 country code")
    return code


#: School fields an admin may override, with their checks (lengths are the columns').
#: Further fields (scraped ones) are added by passing a larger mapping to ``check_override``.
SCHOOL_FIELD_RULES: Mapping[str, FieldRule] = {
    "name": _text(300),
    "short_name": _text(120),
    "city": _text(120),
    "website": FieldRule(parse_http_url),
    "country_code": FieldRule(_country_code),
}


#: Single-valued scraped facts an admin may override, with their checks (the value shapes are
#: the scraped ones: ``{"text": …}`` for a description, ``{"url": …}`` for a logo).
SCRAPED_FIELD_RULES: Mapping[str, FieldRule] = {
    "description": _text(2000),
    "logo": FieldRule(parse_http_url),
}


@dataclass(frozen=True, slots=True)
class OverrideInput:
    field: str
    value: str


def check_overridable(field: str, rules: Mapping[str, R]) -> R:
    """What ``rules`` holds for ``field``, which must be one of its keys."""
    rule = rules.get(field)
    if rule is None:
        known = ", ".join(sorted(rules))
        raise InvalidInputError("field", f"{field[:64]!r} cannot be overridden; fields: {known}")
    return rule


def check_override(
    field: str, value: str, rules: Mapping[str, FieldRule] = SCHOOL_FIELD_RULES
) -> OverrideInput:
    """A known overridable field and a valid value for it."""
    rule = check_overridable(field, rules)
    if len(value) > MAX_RAW_VALUE_LENGTH:  # bound the work before cleaning
        raise InvalidInputError(
            "value", f"the value is longer than {MAX_RAW_VALUE_LENGTH} characters"
        )
    try:
        return OverrideInput(field, rule.clean(value))
    except ValueError as exc:
        raise InvalidInputError("value", str(exc)) from None


def _clean_slug(raw: str, field: str) -> str:
    slug = raw.strip()
    if not slug or len(slug) > MAX_SLUG_LENGTH:
        raise InvalidInputError(field, f"a school slug is 1 to {MAX_SLUG_LENGTH} characters long")
    return slug


def _clean_slugs(slugs: Iterable[str], field: str) -> list[str]:
    cleaned: list[str] = []
    for raw in slugs:
        slug = _clean_slug(raw, field)
        if slug not in cleaned:
            cleaned.append(slug)
        if len(cleaned) > MAX_SCHOOLS_PER_REQUEST:
            raise InvalidInputError(field, f"at most {MAX_SCHOOLS_PER_REQUEST} schools per request")
    return cleaned


async def check_school_slugs(
    session: AsyncSession, slugs: Iterable[str], *, field: str = "schools"
) -> list[str]:
    """Known school slugs, without duplicates, in the order given (an empty list stays empty)."""
    cleaned = _clean_slugs(slugs, field)
    if not cleaned:
        return cleaned
    known = set(await session.scalars(select(School.slug).where(School.slug.in_(cleaned))))
    unknown = [slug for slug in cleaned if slug not in known]
    if unknown:
        named = ", ".join(unknown[:_NAMED_UNKNOWN])
        more = f" and {len(unknown) - _NAMED_UNKNOWN} more" if len(unknown) > _NAMED_UNKNOWN else ""
        raise InvalidInputError(field, f"unknown schools: {named}{more}")
    return cleaned


async def check_school_slug(session: AsyncSession, slug: str, *, field: str = "slug") -> School:
    """The school with this slug."""
    cleaned = _clean_slug(slug, field)
    school = await session.scalar(select(School).where(School.slug == cleaned))
    if school is None:
        raise InvalidInputError(field, f"unknown school: {cleaned}")
    return school
