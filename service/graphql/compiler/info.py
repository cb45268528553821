"""``School.info`` in SQL: every served value with its provenance and freshness.

The values are the rows of ``service.catalogue.school_info.served_facts`` (the precedence of
decision 0120, the same select the resolvers' ``load_school_info`` reads), and the identity's
sources are ``school_info.identity_sources`` (the resolvers' too). Two common table expressions
read them once per row, so that the JSON of each value is a flat object of columns:

- ``info_value``: one row per served value, its provenance columns as the GraphQL types serve
  them (``extractor`` with its version, empty snippets and reasons as NULL, ``needs_review``)
  and every typed part read by ``service.catalogue.fact_sql`` with the leniency of
  ``service.catalogue.fact_values`` (a part of another type is NULL, the key fills what the
  object does not say);
- ``info_identity``: one row per served identity field (name, city, country code, website):
  the override, the curated column or the scraped fact it falls back on.

Enum values (a deadline's kind, a CEFR level, a test…) are the member named like the text, as
``service.graphql.types.info_values._member`` reads them; another text is null.
"""

from __future__ import annotations

import enum
from functools import cache

from service.catalogue import (
    CURATED_FIELDS,
    REVIEW_THRESHOLD,
    SCRAPED_IDENTITY,
    SERVED_FACT,
    FactSql,
    identity_sources,
)
from service.db import School
from service.graphql.compiler.dialect import Dialect
from service.graphql.compiler.relations import (
    Bind,
    Entry,
    Relation,
    Row,
    Same,
    Scalar,
    boolean,
    column,
    sqlalchemy_dialect,
    timestamp,
)
from service.graphql.types.enums import (
    CefrLevel,
    CreditPeriod,
    DeadlineKind,
    LanguageTest,
    Semester,
    StayLength,
)

INFO_VALUE = "info_value"
INFO_IDENTITY = "info_identity"

#: The identity fields ``School.info`` serves (short names are not among them).
_IDENTITY = ("name", "city", "country_code", "website")


def _when(condition: str, value: str) -> str:
    return f"CASE WHEN {condition} THEN {value} END"


@cache
def _values(dialect_name: str) -> str:
    d = Dialect(dialect_name)
    read = FactSql(d.postgres)
    v, k = "f.value", "f.key"
    yes, no = ("true", "false") if d.postgres else ("1", "0")
    scraped = "f.source = 'scraped'"
    status = f"coalesce({read.text(v, 'status')}, {read.key_part(k, 2)}, '')"
    flag = read.boolean(v, "required")
    columns = {
        "school_id": "f.school_id",
        "field": "f.field",
        "rank": "f.rank",
        "position": "f.position",
        "key": "f.key",
        "source": "upper(f.source)",
        "stale": f"CASE WHEN f.stale THEN {yes} ELSE {no} END",
        "source_url": "f.source_url",
        "fetched_at": "f.fetched_at",
        "last_good_at": "f.last_good_at",
        "confidence": "f.confidence",
        "needs_review": (
            f"CASE WHEN {scraped} AND f.confidence < {REVIEW_THRESHOLD} THEN {yes} ELSE {no} END"
        ),
        "extractor": _when(scraped, d.concat("f.extractor", "' v'", "f.extractor_version")),
        "snippet": "NULLIF(f.snippet, '')",
        "override_reason": "NULLIF(f.override_reason, '')",
        "overridden_at": "f.overridden_at",
        "value": "f.value",
        "info_text": (
            f"CASE f.field WHEN 'description' THEN {read.text(v, 'text')} "
            f"WHEN 'logo' THEN {read.text(v, 'url')} END"
        ),
        "kind": f"coalesce({read.text(v, 'kind')}, {read.key_part(k, 0)})",
        "semester": f"NULLIF(coalesce({read.text(v, 'semester')}, {read.key_part(k, 1)}), 'any')",
        "date": read.text(v, "date"),
        "opens": read.text(v, "opens"),
        "language": f"coalesce({read.text(v, 'language')}, {read.key_part(k, 0)})",
        "level": read.text(v, "level"),
        "test": read.text(v, "test"),
        "score": read.number(v, "score"),
        "required": (
            f"CASE WHEN {flag} IS NOT NULL THEN {flag} WHEN {status} = 'required' THEN {yes} "
            f"WHEN {status} = 'recommended' THEN {no} END"
        ),
        "per": f"coalesce({read.text(v, 'per')}, NULLIF(f.key, ''))",
        "minimum": read.integer(v, "min"),
        "maximum": read.integer(v, "max"),
        "typical": read.integer(v, "typical"),
        "email": f"coalesce({read.text(v, 'email')}, NULLIF(f.key, ''))",
        "phone": f"coalesce({read.text(v, 'phone')}, NULLIF(f.key, ''))",
        "label": read.text(v, "label"),
        "street": read.text(v, "street"),
        "postal_code": read.text(v, "postal_code"),
        "locality": read.text(v, "locality"),
        "country_code": read.text(v, "country_code"),
    }
    selected = ", ".join(f"{sql} AS {name}" for name, sql in columns.items())
    return f"SELECT {selected} FROM {SERVED_FACT} AS f"


def _curated_text(d: Dialect, value: str) -> str:
    """An override's ``{"value": …}`` as ``CuratedText`` reads it: a string, or a number
    written as text; NULL for anything else."""
    if d.postgres:
        part = f"{value} -> 'value'"
        return (
            f"CASE json_typeof({part}) WHEN 'string' THEN {value} ->> 'value' "
            f"WHEN 'number' THEN {value} ->> 'value' END"
        )
    kind = f"json_type({value}, '$.value')"
    return (
        f"CASE WHEN {kind} IN ('text', 'integer', 'real') "
        f"THEN CAST(json_extract({value}, '$.value') AS TEXT) END"
    )


@cache
def _identity(dialect_name: str) -> str:
    d = Dialect(dialect_name)
    read = FactSql(d.postgres)
    yes, no = ("true", "false") if d.postgres else ("1", "0")
    compiled = identity_sources(School.id.label("school_id")).compile(
        dialect=sqlalchemy_dialect(dialect_name), compile_kwargs={"literal_binds": True}
    )
    parts = []
    for name in _IDENTITY:
        src = f"src.{name}"
        fallback = SCRAPED_IDENTITY.get(name)
        scraped_text = "NULL" if fallback is None else read.text("fa.value", fallback[1])
        fact = (
            ""
            if fallback is None
            else f"LEFT JOIN school_fact AS fa ON fa.school_id = src.school_id "
            f"AND fa.field = '{fallback[0]}' AND fa.key = '' "
        )

        def of_fact(
            column: str, fact_column: str = "", src: str = src, scraped: bool = fact != ""
        ) -> str:
            if not scraped:
                return "NULL"
            return _when(f"{src} = 'scraped'", fact_column or f"fa.{column}")

        columns = {
            "school_id": "src.school_id",
            "field": f"'{name}'",
            "rank": "0",
            "position": "0",
            "key": "''",
            "source": f"upper({src})",
            "stale": (
                "CASE WHEN "
                + ("false" if fallback is None else f"{src} = 'scraped' AND fa.stale")
                + f" THEN {yes} ELSE {no} END"
            ),
            "source_url": of_fact("source_url"),
            "fetched_at": of_fact("fetched_at"),
            "last_good_at": of_fact("last_good_at"),
            "confidence": of_fact("confidence"),
            "needs_review": (
                "CASE WHEN "
                + (
                    "false"
                    if fallback is None
                    else f"{src} = 'scraped' AND fa.confidence < {REVIEW_THRESHOLD}"
                )
                + f" THEN {yes} ELSE {no} END"
            ),
            "extractor": of_fact(
                "extractor", d.concat("fa.extractor", "' v'", "fa.extractor_version")
            ),
            "snippet": of_fact("snippet", "NULLIF(fa.snippet, '')"),
            "override_reason": _when(f"{src} = 'override'", "NULLIF(ov.reason, '')"),
            "overridden_at": _when(f"{src} = 'override'", "ov.created_at"),
            "info_text": (
                f"CASE {src} WHEN 'override' THEN {_curated_text(d, 'ov.value')} "
                f"WHEN 'curated' THEN CAST(sc.{name} AS TEXT) ELSE {scraped_text} END"
            ),
        }
        selected = ", ".join(f"{sql} AS {column}" for column, sql in columns.items())
        parts.append(
            f"SELECT {selected} FROM ({compiled}) AS src "
            f"JOIN school AS sc ON sc.id = src.school_id "
            f"LEFT JOIN school_override AS ov ON ov.school_id = src.school_id "
            f"AND ov.field = '{name}' AND ov.key = '' {fact}"
            f"WHERE {src} IS NOT NULL AND ({src} <> 'scraped' OR {scraped_text} IS NOT NULL)"
        )
    assert set(_IDENTITY) <= set(CURATED_FIELDS)
    return " UNION ALL ".join(parts)


def info_sources(d: Dialect) -> list[tuple[str, str]]:
    """The common table expressions the ``School.info`` entries read, as (name, SELECT)."""
    return [(INFO_VALUE, _values(d.name)), (INFO_IDENTITY, _identity(d.name))]


def _member(enum_class: type[enum.Enum], name: str) -> Scalar:
    """The enum member named like the column's text (trimmed, upper case, ``-``/`` `` → ``_``)."""
    whens = " ".join(f"WHEN '{member}' THEN '{member}'" for member in enum_class.__members__)

    def sql(_d: Dialect, row: Row, _b: Bind) -> str:
        normal = f"upper(replace(replace(trim({row.col(name)}), ' ', '_'), '-', '_'))"
        return f"(CASE {normal} {whens} END)"

    return Scalar(sql)


def _options(d: Dialect, row: Row, _b: Bind) -> str:
    """A duration's options: the stay lengths named by its ``options`` strings, in order."""
    whens = " ".join(f"WHEN '{member}' THEN '{member}'" for member in StayLength.__members__)
    member = f"(CASE upper(replace(replace(trim(o.value), ' ', '_'), '-', '_')) {whens} END)"
    strings = FactSql(d.postgres).strings(row.col("value"), "options", "o")
    if d.postgres:
        return (
            f"(SELECT coalesce(json_agg({member} ORDER BY o.key), '[]'::json) FROM {strings} "
            f"WHERE {member} IS NOT NULL)"
        )
    return (
        f"(SELECT json_group_array(m.name) FROM (SELECT {member} AS name FROM {strings} "
        f"WHERE {member} IS NOT NULL ORDER BY o.key) AS m)"
    )


_PROVENANCE: dict[str, Entry] = {
    "key": column("key"),
    "source": column("source"),
    "sourceUrl": column("source_url"),
    "fetchedAt": timestamp("fetched_at"),
    "lastGoodAt": timestamp("last_good_at"),
    "stale": boolean("stale"),
    "confidence": column("confidence"),
    "needsReview": boolean("needs_review"),
    "extractor": column("extractor"),
    "snippet": column("snippet"),
    "overrideReason": column("override_reason"),
    "overriddenAt": timestamp("overridden_at"),
}


def _in_order(_d: Dialect, row: Row) -> str:
    return f"{row.col('rank')}, {row.col('position')}"


def _of(table: str, field: str, target: str, *, many: bool) -> Relation:
    """The school's served values of ``field`` (``info_value``) or its identity field."""

    def source(_d: Dialect, _parent: Row, alias: str) -> str:
        return f"{table} AS {alias}"

    def where(_d: Dialect, p: Row, c: Row, _b: Bind) -> str:
        return f"WHERE {c.col('school_id')} = {p.col('id')} AND {c.col('field')} = '{field}'"

    return Relation(target, many=many, where=where, order=_in_order, source=source)


def _value(field: str, target: str, *, many: bool = False) -> Relation:
    return _of(INFO_VALUE, field, target, many=many)


#: The entries of ``School.info`` and of the value types it serves (merged into ``FIELDS``).
INFO_FIELDS: dict[str, dict[str, Entry]] = {
    "SchoolInfo": {
        **{
            graphql: _of(INFO_IDENTITY, name, "InfoText", many=False)
            for graphql, name in (
                ("name", "name"),
                ("city", "city"),
                ("countryCode", "country_code"),
                ("website", "website"),
            )
        },
        "description": _value("description", "InfoText"),
        "logo": _value("logo", "InfoText"),
        "address": _value("address", "Address"),
        "deadlines": _value("deadline", "Deadline", many=True),
        "languageRequirements": _value("language_requirement", "LanguageRequirement", many=True),
        "credits": _value("credits", "Credits", many=True),
        "duration": _value("duration", "Duration"),
        "contacts": Same("Contacts"),
    },
    "Contacts": {
        "emails": _value("email", "EmailContact", many=True),
        "phones": _value("phone", "PhoneContact", many=True),
    },
    "InfoText": {**_PROVENANCE, "value": column("info_text")},
    "Address": {
        **_PROVENANCE,
        "street": column("street"),
        "postalCode": column("postal_code"),
        "locality": column("locality"),
        "countryCode": column("country_code"),
    },
    "Deadline": {
        **_PROVENANCE,
        "kind": _member(DeadlineKind, "kind"),
        "semester": _member(Semester, "semester"),
        "date": column("date"),
        "opens": column("opens"),
    },
    "LanguageRequirement": {
        **_PROVENANCE,
        "language": column("language"),
        "level": _member(CefrLevel, "level"),
        "test": _member(LanguageTest, "test"),
        "minimumScore": column("score"),
        "required": boolean("required"),
    },
    "Credits": {
        **_PROVENANCE,
        "period": _member(CreditPeriod, "per"),
        "minimum": column("minimum"),
        "maximum": column("maximum"),
        "typical": column("typical"),
    },
    "Duration": {**_PROVENANCE, "options": Scalar(_options)},
    "EmailContact": {**_PROVENANCE, "email": column("email"), "label": column("label")},
    "PhoneContact": {**_PROVENANCE, "number": column("phone"), "label": column("label")},
}
