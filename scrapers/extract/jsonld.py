"""schema.org JSON-LD: the organisation a page describes (name, address, logo, sameAs, contacts).

Pages declare their organisation as ``CollegeOrUniversity`` or ``EducationalOrganization``
(preferred), or as a plain ``Organization`` (often the publisher, so trusted less). Blocks may
be lists, ``@graph`` containers, or nest the organisation inside a ``WebPage``; invalid JSON, and
JSON nested too deep for the standard parser, is reported as a problem, not ignored.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from urllib.parse import urljoin

from scrapers.extract.dom import Element, tags
from scrapers.extract.facts import ExtractedFact, clip_snippet
from service.catalogue import Address, EmailContact, FactField, FactValue, Link, Name
from service.countries import country_names, is_country_code
from service.text import collapse_spaces, fold

EXTRACTOR = "generic/jsonld"
VERSION = "1"

_EDUCATIONAL = {"CollegeOrUniversity", "EducationalOrganization", "School"}
_ORGANIZATION = {"Organization", "GovernmentOrganization"}


def _types(node: dict[str, object]) -> set[str]:
    raw = node.get("@type", [])
    names = raw if isinstance(raw, list) else [raw]
    # Types may be written as IRIs: "https://schema.org/CollegeOrUniversity".
    return {str(name).rstrip("/").rsplit("/", 1)[-1] for name in names}


def _nodes(data: object) -> Iterator[dict[str, object]]:
    """Every object in ``data``, depth first in document order (an explicit stack, no recursion)."""
    pending = [data]
    while pending:
        item = pending.pop()
        if isinstance(item, list):
            pending.extend(reversed(item))
        elif isinstance(item, dict):
            yield item
            pending.extend(
                value for value in reversed(item.values()) if isinstance(value, dict | list)
            )


def _text(value: object) -> str | None:
    if isinstance(value, dict):
        value = value.get("name") or value.get("url") or value.get("@id")
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, str | int):
        return collapse_spaces(str(value)) or None
    return None


def country_code_of(name: str) -> str | None:
    """ISO alpha-2 code for a country written as a code or as its French or English name."""
    if len(name) == 2 and is_country_code(name):
        return name.upper()
    folded = fold(name)
    for lang in ("en", "fr"):
        for code, country in country_names(lang).items():
            if fold(country) == folded:
                return code
    return None


def _address(value: object) -> Address | None:
    if isinstance(value, str):
        return Address(locality=collapse_spaces(value))
    if not isinstance(value, dict):
        return None
    country = _text(value.get("addressCountry"))
    return Address(
        street=_text(value.get("streetAddress")),
        postal_code=_text(value.get("postalCode")),
        locality=_text(value.get("addressLocality")),
        country_code=country_code_of(country) if country else None,
        country=country,
    )


def _organization(blocks: list[object]) -> tuple[dict[str, object], float] | None:
    fallback: dict[str, object] | None = None
    for data in blocks:
        for node in _nodes(data):
            types = _types(node)
            if types & _EDUCATIONAL:
                return node, 0.9
            if fallback is None and types & _ORGANIZATION:
                fallback = node
    return (fallback, 0.6) if fallback is not None else None


def read_json_ld(root: Element) -> tuple[list[object], list[str]]:
    """The parsed JSON-LD blocks of the page, and a problem line for each invalid one."""
    blocks: list[object] = []
    problems: list[str] = []
    for script in tags(root, "script"):
        if script.get("type") != "application/ld+json":
            continue
        raw = script.text or ""
        try:
            blocks.append(json.loads(raw))
        except ValueError as exc:
            problems.append(f"invalid JSON-LD block ignored: {exc}")
        except RecursionError:
            # The standard parser recurses once per level: a block nested ~1,000 deep is not
            # an organisation's description, and must not make the whole page unreadable.
            problems.append("JSON-LD block ignored: nested too deep to parse")
    return blocks, problems


def parse_json_ld(blocks: list[object], url: str) -> list[ExtractedFact]:
    """Facts about the organisation the page's JSON-LD describes."""
    found = _organization(blocks)
    if found is None:
        return []
    node, confidence = found
    snippet = clip_snippet(json.dumps(node, ensure_ascii=False))
    facts: list[ExtractedFact] = []

    def add(field: FactField, value: FactValue, key: str = "", weight: float = 1.0) -> None:
        facts.append(
            ExtractedFact(field, key, value, url, snippet, EXTRACTOR, VERSION, confidence * weight)
        )

    name = _text(node.get("name"))
    if name:
        add(FactField.NAME, Name(name))
    address = _address(node.get("address"))
    if address:
        add(FactField.ADDRESS, address)
    logo = _text(node.get("logo"))
    if logo:
        add(FactField.LOGO, Link(urljoin(url, logo)))
    same_as = node.get("sameAs", [])
    for link in same_as if isinstance(same_as, list) else [same_as]:
        if isinstance(link, str) and link.startswith(("http://", "https://")):
            add(FactField.SAME_AS, Link(link), key=link)
    email = _text(node.get("email"))
    if email and "@" in email:
        address_text = email.removeprefix("mailto:").lower()
        add(FactField.EMAIL, EmailContact(address_text), key=address_text, weight=0.9)
    return facts
