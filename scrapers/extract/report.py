"""What extraction found, for a person (``format_extraction``) or a program (JSON)."""

from __future__ import annotations

from scrapers.extract.facts import ExtractedFact, PageExtraction
from service.catalogue import (
    Address,
    Credits,
    CuratedText,
    Deadline,
    Duration,
    EmailContact,
    FactField,
    FactValue,
    LanguageRequirement,
    Link,
    Name,
    PageLanguage,
    PageText,
    PhoneContact,
)

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


def render_value(value: FactValue) -> str:
    """One line for a fact's value."""
    match value:
        case Deadline(date=date, opens=opens):
            return f"{date}" + (f", opens {opens}" if opens else "")
        case LanguageRequirement(language=language, level=level, test=test, score=score):
            what = level or f"{test} {score}"
            required = value.required
            status = "required" if required is True else "recommended" if required is False else ""
            return " ".join(part for part in (str(language), what, status) if part)
        case Credits(minimum=low, maximum=high, typical=typical, per=per):
            named = (("min", low), ("max", high), ("typical", typical))
            return f"{', '.join(f'{name} {n}' for name, n in named if n)} ECTS per {per}"
        case Duration(options=options):
            return " or ".join(options)
        case EmailContact(email=email, label=label):
            return _labelled(email, label)
        case PhoneContact(phone=phone, label=label):
            return _labelled(phone, label)
        case Address():
            parts = (value.street, value.postal_code, value.locality, value.country_code)
            return ", ".join(part for part in parts if part)
        case PageText(text=text):
            return text or ""
        case Name(name=name):
            return name or ""
        case Link(url=url):
            return url or ""
        case PageLanguage(code=code):
            return code or ""
        case CuratedText(value=text):
            return text or ""


def _fact_lines(fact: ExtractedFact) -> list[str]:
    key = (
        f"{fact.key}: " if fact.key and fact.field not in (FactField.EMAIL, FactField.PHONE) else ""
    )
    return [
        f"    {key}{render_value(fact.value)}",
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
                "value": fact.value.to_json(),
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
                "value": fact.value.to_json(),
                "snippet": fact.snippet,
                "extractor": fact.extractor,
                "rule": fact.rule,
                "confidence": fact.confidence,
                "needs_review": fact.needs_review,
                "kept": any(fact is chosen for chosen in extraction.facts),
            }
            for fact in extraction.candidates
        ],
        "problems": list(extraction.problems),
    }
