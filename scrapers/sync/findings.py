"""The findings a sync raises about links: dead for several runs, or also served over https.

A link finding's subject is the link's owner and URL (:mod:`scrapers.findings` does the rest):
seeing the same thing again updates the one row; when the link recovers the finding is settled,
and it is reopened if the link dies again.
"""

from __future__ import annotations

from scrapers.findings import SYNC_ORIGIN, fingerprint

DEAD_LINK = "dead_link"
HTTPS_AVAILABLE = "https_available"


def link_fingerprint(kind: str, url: str, owner: str) -> str:
    """The fingerprint of a link finding: its kind, the link's owner's key and its URL."""
    return fingerprint(SYNC_ORIGIN, kind, (owner, url))
