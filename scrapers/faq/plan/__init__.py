"""Plan: the database's :class:`Snapshot` and the :class:`Plan` of what to write.

:mod:`.snapshot` reads what the catalogue holds (in a few queries, keyed as the page is);
:mod:`.compare` compares it with the interpreted catalogue, table by table, and detects a
source regression; :mod:`.stream` compares the catalogue's rows as they stream by;
:mod:`.replacements` says which school replaced a retired one.
"""

from scrapers.faq.plan.compare import (
    LABELLED_ADDED,
    Change,
    Plan,
    TablePlan,
    detect_regression,
    finding_values,
    plan_findings,
    plan_import,
)
from scrapers.faq.plan.snapshot import (
    FINDING_ORIGIN,
    Snapshot,
    has_revisions,
    load_snapshot,
    stream_rows,
)
from scrapers.faq.plan.stream import StreamedPlans, compare_catalogue

__all__ = [
    "FINDING_ORIGIN",
    "LABELLED_ADDED",
    "Change",
    "Plan",
    "Snapshot",
    "StreamedPlans",
    "TablePlan",
    "compare_catalogue",
    "detect_regression",
    "finding_values",
    "has_revisions",
    "load_snapshot",
    "plan_findings",
    "plan_import",
    "stream_rows",
]
