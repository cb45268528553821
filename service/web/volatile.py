"""Queries that read the log of sync visits: never answered from the version-keyed cache.

Sync runs, link checks and link health record every visit, and a visit that finds nothing new
must not move the catalogue's data version (``service.db.versioning``; decision 0125), or one
unchanged sync would empty every cache. A cached answer that reads those records could then be
older than the last run, so a document that may read them is executed every time and marked
private. The test is on names, over the query text: a field or type name of the log anywhere in
the document (a field, an alias's target, a fragment's type condition) counts, and a false
positive only costs an execution.
"""

from __future__ import annotations

import re
from functools import lru_cache

#: The fields that lead to the log, and its types (reached by ``node`` through a fragment).
_LOG_NAMES = (
    "syncRuns",
    "syncRunsConnection",
    "checks",
    "checksConnection",
    "health",
    "SyncRun",
    "SyncRunConnection",
    "SyncRunEdge",
    "LinkCheck",
    "LinkCheckConnection",
    "LinkCheckEdge",
    "LinkHealth",
)
_READS_LOG = re.compile(r"(?<![_0-9A-Za-z])(?:" + "|".join(_LOG_NAMES) + r")(?![_0-9A-Za-z])")


#: Documents up to this long have their answer kept (a client sends the same few texts again
#: and again; the scan of a country page's text was ~5,000 instructions a request).
_KEPT_UP_TO = 4096


def reads_visit_log(query: str) -> bool:
    """Whether the document may read sync runs, link checks or link health."""
    if len(query) <= _KEPT_UP_TO:
        return _reads_visit_log_kept(query)
    return _reads_visit_log(query)


@lru_cache(maxsize=1024)
def _reads_visit_log_kept(query: str) -> bool:
    return _reads_visit_log(query)


def _reads_visit_log(query: str) -> bool:
    # A name as a substring first (about 1 µs; the expression alone took ~10 µs per query).
    if not any(name in query for name in _LOG_NAMES):
        return False
    return _READS_LOG.search(query) is not None
