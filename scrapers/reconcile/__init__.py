"""Reconciliation: extracted page facts into the catalogue, one school per transaction.

``reconcile_school`` applies one school's sync outcome (pages extracted, or a failure) inside the
caller's transaction; the sync calls it once per school, each in its own transaction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from service.faces import lazy_face

if TYPE_CHECKING:
    from scrapers.reconcile.context import SYNC_ORIGIN, PartnerSites, load_partner_sites
    from scrapers.reconcile.findings import PAGE_KINDS
    from scrapers.reconcile.outcome import FetchFailure, PageOutcome, PageUnchanged
    from scrapers.reconcile.school import reconcile_school

__all__ = [
    "PAGE_KINDS",
    "SYNC_ORIGIN",
    "FetchFailure",
    "PageOutcome",
    "PageUnchanged",
    "PartnerSites",
    "load_partner_sites",
    "reconcile_school",
]

__getattr__ = lazy_face(__name__, __file__)
