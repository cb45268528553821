"""Remove the characters a name must never hold (NUL, other controls, U+FFFD), with a finding.

A NUL byte in a school's name made a new school ("Aal�to University") and retired the real
one (issue 17). Control characters and replacement characters are never part of a name a
person typed: they are removed from every item's text before names, slugs and identities are
read, and each item that lost some gets a ``control_characters`` finding saying what was written
and what is read instead (decision 0035).
"""

from __future__ import annotations

from dataclasses import replace

from scrapers.faq.interpret.findings import FindingLog
from scrapers.faq.read import PageItem
from service.text import fold, sanitize_text


def sanitize_items(items: list[PageItem], findings: FindingLog) -> list[PageItem]:
    """``items`` with the unstorable characters of their texts removed, each change noted."""
    cleaned: list[PageItem] = []
    for item in items:
        link_text, in_link = sanitize_text(item.link_text)
        lead, in_lead = sanitize_text(item.lead)
        tail, in_tail = sanitize_text(item.tail)
        removed = in_link + in_lead + in_tail
        if removed:
            findings.note(
                "control_characters",
                f"{removed} control or replacement character(s) removed from "
                f"{item.link_text!r}: read as {link_text!r}",
                fold(link_text),
                item.line,
                detail={"written": item.link_text, "read_as": link_text, "removed": removed},
            )
            item = replace(item, link_text=link_text, lead=lead, tail=tail)
        cleaned.append(item)
    return cleaned
