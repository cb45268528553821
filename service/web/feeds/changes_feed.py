"""``/changes.atom``: the latest changes of scraped values as an Atom (RFC 4287) feed.

Read through ``service.catalogue.changes`` (the history ``Query.changes`` serves), newest first.
An entry's id is the change's row id, so readers never show one change twice; the text is built
with ElementTree, which escapes whatever a partner page put in a value.
"""

from __future__ import annotations

import json
from datetime import datetime
from xml.etree import ElementTree

from sqlalchemy.ext.asyncio import AsyncSession

from service.catalogue import ChangeEntry, SchoolRecord, load_latest_changes, schools_by_ids

ATOM = "http://www.w3.org/2005/Atom"
#: Entries in the feed: readers poll often, and the GraphQL ``changes`` query pages the rest.
FEED_ENTRIES = 100
FEED_ID = "urn:mobility-catalog:changes"

ElementTree.register_namespace("", ATOM)


def _add(parent: ElementTree.Element, tag: str, text: str | None = None, **attrs: str) -> None:
    element = ElementTree.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    element.text = text


def _shown(value: dict[str, object] | None) -> str:
    return "(none)" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _title(change: ChangeEntry, school: SchoolRecord | None) -> str:
    what = change.field + (f" {change.key}" if change.key else "")
    verb = "appeared" if change.old is None else "removed" if change.new is None else "changed"
    return f"{school.name if school else f'school {change.school_id}'}: {what} {verb}"


def _entry(feed: ElementTree.Element, change: ChangeEntry, school: SchoolRecord | None) -> None:
    entry = ElementTree.SubElement(feed, f"{{{ATOM}}}entry")
    _add(entry, "id", f"{FEED_ID}:{change.id}")
    _add(entry, "title", _title(change, school))
    _add(entry, "updated", change.changed_at.isoformat())
    if change.source_url:
        _add(entry, "link", href=change.source_url, rel="alternate")
    if school is not None:
        _add(entry, "category", term=school.slug, label=school.name)
    _add(entry, "content", f"was: {_shown(change.old)}\nnow: {_shown(change.new)}", type="text")


async def build_changes_feed(
    session: AsyncSession, *, school: SchoolRecord | None, self_url: str, changed_at: datetime
) -> bytes:
    """The Atom document of the latest changes (of ``school`` only, when given)."""
    changes = await load_latest_changes(
        session, school_ids=None if school is None else [school.id], limit=FEED_ENTRIES
    )
    schools = await schools_by_ids(session, sorted({change.school_id for change in changes}))
    feed = ElementTree.Element(f"{{{ATOM}}}feed")
    _add(feed, "id", FEED_ID if school is None else f"{FEED_ID}:{school.slug}")
    _add(feed, "title", "Catalogue changes" + (f": {school.name}" if school else ""))
    updated = changes[0].changed_at if changes else changed_at
    _add(feed, "updated", updated.isoformat())
    _add(feed, "link", href=self_url, rel="self", type="application/atom+xml")
    author = ElementTree.SubElement(feed, f"{{{ATOM}}}author")
    _add(author, "name", "mobility-catalog")
    for change in changes:
        _entry(feed, change, schools.get(change.school_id))
    document: bytes = ElementTree.tostring(feed, encoding="utf-8", xml_declaration=True)
    return document
