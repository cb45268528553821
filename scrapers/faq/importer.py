"""Import a FAQ page into the catalogue: the one entry point other code calls.

:func:`import_faq` parses the page, compares it with the database and writes the difference in
the caller's transaction, without committing: the caller (the CLI, the scheduler, a benchmark)
commits, or rolls back on error so that a failed import leaves nothing behind.
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from scrapers.faq.apply import apply_plan
from scrapers.faq.errors import SourceError
from scrapers.faq.interpret import interpret_page
from scrapers.faq.plan import (
    Plan,
    compare_catalogue,
    detect_regression,
    load_snapshot,
    plan_findings,
    plan_import,
)
from scrapers.faq.read import SourceDocument, parse_page
from scrapers.faq.report import ImportReport, PageCounts
from service.db import utcnow

TEXT_LABEL = "<text>"


def content_hash(text: str) -> str:
    """The revision's identity: SHA-256 of the page's text (UTF-8)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _check_cap(label: str, count: int, cap: int | None, what: str, setting: str) -> None:
    if cap is not None and count > cap:
        raise SourceError(
            f"{label} has {count:,} {what}, more than {setting} ({cap:,}): "
            "refused, nothing imported"
        )


@contextmanager
def collection_paused() -> Iterator[None]:
    """No automatic garbage collection inside: for synchronous stages only (interpret, plan),
    which hold the event loop anyway, so nothing else runs meanwhile.

    They build a few hundred thousand objects in a few seconds and hold them; each of the
    collector's passes walks all of them again: about a quarter of the interpretation's CPU on
    a 10,000-school page (decision 0205). Reference counting still frees what they drop, and
    they leave no garbage cycles of any size. The parse is left out: its HTML trees leave
    cycles that would stay until the next collection (6x the page's size).
    """
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


async def import_faq(
    session: AsyncSession,
    source: str | SourceDocument,
    *,
    source_label: str | None = None,
    force: bool = False,
    dry_run: bool = False,
    now: datetime | None = None,
    max_items: int | None = None,
    max_schools: int | None = None,
) -> ImportReport:
    """Import ``source`` (page text, or a document from :func:`~scrapers.faq.read.read_source`).

    A page that lost most of what the catalogue holds is a source regression: unless ``force``,
    only its finding is written and the report says ``refused``. With ``dry_run`` nothing is
    written. A page with more than ``max_items`` list items or ``max_schools`` partner schools
    is a :class:`SourceError` raised before anything is written. Never commits.
    """
    document = (
        source
        if isinstance(source, SourceDocument)
        else SourceDocument(text=source, label=source_label or TEXT_LABEL)
    )
    label = source_label or document.label
    digest = content_hash(document.text)
    page = parse_page(document.text, label)
    _check_cap(label, len(page.items), max_items, "list items", "FAQ_MAX_ITEMS")
    snapshot = await load_snapshot(session, digest)
    with collection_paused():
        catalogue = interpret_page(
            page, known_parents=snapshot.parent_names, corrections=snapshot.name_corrections
        )
    # The parsed items are not needed once interpreted: released before the plan (decision 0205).
    meta = page.meta
    del page
    partners = len(catalogue.partner_slugs)
    _check_cap(label, partners, max_schools, "partner schools", "FAQ_MAX_SCHOOLS")
    # What the report says of the page, taken before the comparison and the writes let the
    # catalogue's offers and links go.
    counts = PageCounts.of(catalogue)
    counted = any(places is not None for places in catalogue.offers.values())
    academic_year = catalogue.academic_year
    streamed = await compare_catalogue(session, catalogue, snapshot)
    regression = detect_regression(
        catalogue,
        digest,
        forced=force,
        counted=counted,
        partners=streamed.partners,
        known_places=streamed.known_places,
    )
    refused = regression is not None and not force
    if refused:
        assert regression is not None
        plan = Plan(findings=plan_findings([regression], snapshot, resolve_missing=False))
        findings = [regression]
    else:
        if regression is not None:
            catalogue.findings.append(regression)
        with collection_paused():
            plan = plan_import(
                catalogue, snapshot, streamed, new_revision=snapshot.revision_id is None
            )
        findings = catalogue.findings
    del streamed
    moment = now or utcnow()
    if not dry_run and not plan.is_empty:
        await apply_plan(
            session,
            plan,
            catalogue,
            snapshot,
            findings={finding.fingerprint: finding for finding in findings},
            revision={
                "content_hash": digest,
                "source": label[:2048],
                "title": meta.title,
                "published_at": meta.published_at,
                "contributor": meta.contributor,
                "academic_year": academic_year,
                "imported_at": moment,
            },
            now=moment,
        )
    del catalogue
    return ImportReport(
        source=label,
        content_hash=digest,
        meta=meta,
        academic_year=academic_year,
        counts=counts,
        plan=plan,
        findings=findings,
        dry_run=dry_run,
        forced=force,
        refused=refused,
        regression=regression,
    )
