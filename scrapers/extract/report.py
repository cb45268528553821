"""What extraction found, for a person (``format_extraction``) or a program (JSON)."""

from __future__ import annotations

from collections.abc import Mapping

from scrapers.extract.facts import ExtractedFact, PageExtraction
from service.catalogue.fields import FactField

#: The order fields are printed in: what a student needs first, page identity last.
_ORDER = (
    FactField.DEADLINE,
    FactField.LANGUAGE_REQUIREMENT,
    FactField.CREDITS,
    FactField.DURATION,
    FactField.EMAIL,
    FactField.PHONE,
    FactField.DESCRIPTION,
    FactField.NAME,
    FactField.ADDRESS,
    FactField.LOGO,
    FactField.TITLE,
    FactField.LANGUAGE,
    FactField.CANONICAL_URL,
    FactField.SAME_AS,
)


def _labelled(main: object, label: object) -> str:
    return f"{main} ({label})" if label else str(main)


def render_value(field: FactField, value: Mapping[str, object]) -> str:
    """One line for a fact's value."""
    if field is FactField.DEADLINE:
        opens = f", opens {value['opens']}" if value.get("opens") else ""
        return f"{value['date']}{opens}"
    if field is FactField.LANGUAGE_REQUIREMENT:
        what = value["level"] or f"{value['test']} {value['score']}"
        required = value["required"]
        status = "required" if required is True else "recommended" if required is False else ""
        return " ".join(part for part in (str(value["language"]), str(what), status) if part)
    if field is FactField.CREDITS:
        bounds = [f"{name} {value[name]}" for name in ("min", "max", "typical") if value[name]]
        return f"{', '.join(bounds)} ECTS per {value['per']}"
    if field is FactField.DURATION:
        options = value["options"]
        return " or ".join(str(o) for o in options) if isinstance(options, list) else str(options)
    if field is FactField.EMAIL:
        return _labelled(value["email"], value.get("label"))
    if field is FactField.PHONE:
        return _labelled(value["phone"], value.get("label"))
    if field is FactField.ADDRESS:
        parts = ("street", "postal_code", "locality", "country_code")
        return ", ".join(str(value[part]) for part in parts if value.get(part))
    return str(next(iter(value.values()), ""))


def _fact_lines(fact: ExtractedFact) -> list[str]:
    key = (
        f"{fact.key}: " if fact.key and fact.field not in (FactField.EMAIL, FactField.PHONE) else ""
    )
    return [
        f"    {key}{render_value(fact.field, fact.value)}",
        (
            f"      from {fact.extractor} v{fact.extractor_version}{_rule(fact)},"
            f" confidence {fact.confidence:.2f}{_review(fact)}: “{fact.snippet}”"
        ),
    ]


def _rule(fact: ExtractedFact) -> str:
    return f" ({fact.rule})" if fact.rule else ""


def _review(fact: ExtractedFact) -> str:
    return " (to review)" if fact.needs_review else ""


def _other_candidates(extraction: PageExtraction) -> list[str]:
    """The candidates that were not kept: a less confident reading of the same field and key."""
    kept = {id(fact) for fact in extraction.facts}
    lines: list[str] = []
    for fact in extraction.candidates:
        if id(fact) not in kept and fact.field not in _PAGE_ONLY:
            lines += [f"    [{fact.field.value}] {line.lstrip()}" for line in _fact_lines(fact)[:1]]
            lines += _fact_lines(fact)[1:]
    return ["  other candidates (not kept):", *lines] if lines else []


def format_extraction(extraction: PageExtraction) -> str:
    """A readable report of what would be extracted from one page."""
    fetched = extraction.fetched_at.strftime("%Y-%m-%d %H:%M %Z")
    lines = [f"{extraction.url} (adapter {extraction.adapter}, fetched {fetched})"]
    if extraction.requested_url:
        lines.append(f"  reached from {extraction.requested_url}")
    for field in _ORDER:
        facts = extraction.of(field)
        if facts:
            lines.append(f"  {field.value}:")
            for fact in facts:
                lines += _fact_lines(fact)
    if all(fact.field in _PAGE_ONLY for fact in extraction.facts):
        lines.append("  nothing about the school was found on this page")
    lines += _other_candidates(extraction)
    lines += [f"  problem: {problem}" for problem in extraction.problems]
    return "\n".join(lines)


_PAGE_ONLY = {FactField.TITLE, FactField.LANGUAGE, FactField.CANONICAL_URL, FactField.SAME_AS}


def extraction_as_json(extraction: PageExtraction) -> dict[str, object]:
    """The extraction as JSON-ready data."""
    return {
        "url": extraction.url,
        "requested_url": extraction.requested_url,
        "fetched_at": extraction.fetched_at.isoformat(),
        "adapter": extraction.adapter,
        "facts": [
            {
                "field": fact.field.value,
                "key": fact.key,
                "value": dict(fact.value),
                "source_url": fact.source_url,
                "snippet": fact.snippet,
                "extractor": fact.extractor,
                "extractor_version": fact.extractor_version,
                "confidence": fact.confidence,
                "rule": fact.rule,
                "needs_review": fact.needs_review,
            }
            for fact in extraction.facts
        ],
        "candidates": [
            {
                "field": fact.field.value,
                "key": fact.key,
                "value": dict(fact.value),
                "snippet": fact.snippet,
                "extractor": fact.extractor,
                "rule": fact.rule,
                "confidence": fact.confidence,
                "kept": any(fact is chosen for chosen in extraction.facts),
            }
            for fact in extraction.candidates
        ],
        "problems": list(extraction.problems),
    }
