"""The webhook events of an FAQ import: ``faq_import.finished``, and ``catalogue.changed`` when
the import changed what the catalogue serves.

They are queued in the import's own transaction (decision 0051): ``mobility import-faq`` and the
scheduler's import job call :func:`announce_import` after :func:`~scrapers.faq.importer.import_faq`
and before committing. A dry run announces nothing, nor does a source that could not be read (no
import ran). A refused source regression is announced (its finding was written).

"Changed" means countries, tracks, schools, programmes, offers, links or selection rules were
added, changed, retired or restored; a new revision of the page that changes none of them, and
findings that come and go, change no served value.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from scrapers.faq.plan import Plan, TablePlan
from scrapers.faq.report.summary import ImportReport
from service.operations.webhook_outbox import WebhookEvent, enqueue_webhook_event


def _table_counts(table: TablePlan) -> dict[str, int]:
    return {
        "added": len(table.added),
        "changed": len(table.changed) - table.restored,
        "restored": table.restored,
        "retired": len(table.retired),
    }


def catalogue_changes(plan: Plan) -> dict[str, object]:
    """What the import changed in the catalogue, table by table (empty: nothing)."""
    changes: dict[str, object] = {}
    if plan.countries:
        changes["countries"] = {"added": len(plan.countries)}
    if plan.tracks:
        changes["tracks"] = {"added": len(plan.tracks)}
    tables = {
        "schools": plan.schools,
        "programmes": plan.programmes,
        "offers": plan.offers,
        "links": plan.links,
        "selection_rules": plan.rules,
    }
    for name, table in tables.items():
        if table:
            changes[name] = _table_counts(table)
    if plan.programme_schools:
        changes["programme_schools"] = {"added": len(plan.programme_schools)}
    return changes


def import_status(report: ImportReport) -> str:
    """``refused``, ``imported`` (something was written) or ``unchanged``."""
    if report.refused:
        return "refused"
    return "imported" if report.changed else "unchanged"


async def announce_import(
    session: AsyncSession,
    urls: Sequence[str],
    report: ImportReport,
    *,
    now: datetime | None = None,
) -> None:
    """Queue the events of a finished (not dry-run) import in its transaction."""
    if report.dry_run or not urls:
        return
    changes = {} if report.refused else catalogue_changes(report.plan)
    about = {
        "source": report.source,
        "revision": report.content_hash,
        "academic_year": report.academic_year,
    }
    await enqueue_webhook_event(
        session,
        urls,
        WebhookEvent.FAQ_IMPORT_FINISHED,
        {
            **about,
            "status": import_status(report),
            "forced": report.forced,
            "findings": len(report.findings),
            "regression": report.regression.message if report.regression else None,
            "changes": changes,
        },
        now=now,
    )
    if changes:
        await enqueue_webhook_event(
            session,
            urls,
            WebhookEvent.CATALOGUE_CHANGED,
            {"origin": "faq_import", **about, "changes": changes},
            now=now,
        )
