"""Errors the FAQ import reports on one line, each with its own exit status.

| status | meaning |
|---|---|
| 2 | unusable source: no file, not UTF-8, too large or deep, not a FAQ page, non-public URL |
| 3 | the database is unreachable or not migrated (``service.db``'s errors) |
| 4 | the source URL could not be fetched (network, timeout, HTTP error) |
| 5 | the page is a source regression and was refused (``--force`` imports it anyway) |
"""

from __future__ import annotations

from service.errors import UserError


class SourceError(UserError):
    """The source cannot be read as a FAQ page."""

    exit_code = 2


class SourceUnreachableError(UserError):
    """Fetching the source URL failed."""

    exit_code = 4


class SourceRegressionError(UserError):
    """The page lost most of what the catalogue holds: recorded as a finding, not imported."""

    exit_code = 5
