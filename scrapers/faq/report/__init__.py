"""Report: what an import did, as an :class:`ImportReport`, its text and its webhook events.

:mod:`.summary` builds the report and its text (:func:`format_report`); :mod:`.events` queues
``faq_import.finished`` and ``catalogue.changed`` (:func:`announce_import`).
"""

from scrapers.faq.report.events import announce_import, import_status
from scrapers.faq.report.summary import ImportReport, PageCounts, format_report

__all__ = ["ImportReport", "PageCounts", "announce_import", "format_report", "import_status"]
