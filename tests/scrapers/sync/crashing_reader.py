"""A page reader for the pool tests: kills its process on a marked page, reads others normally.

It lives in a module of its own so that the pool's spawned processes can import it by name.
"""

from __future__ import annotations

import os
from datetime import datetime

from scrapers.reconcile.outcome import PageOutcome
from scrapers.sync.page_reader import read_page

#: A page holding this text kills the process that reads it (as a segfault in libxml2 would).
KILLER = "<!-- kill the extraction process -->"


def read_or_die(text: str, final_url: str, fetched_at: datetime, requested_url: str) -> PageOutcome:
    if KILLER in text:
        os._exit(70)
    return read_page(text, final_url, fetched_at, requested_url)
