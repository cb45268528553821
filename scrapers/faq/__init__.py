"""The FAQ importer: the hand-kept FAQ page becomes the curated catalogue.

The room is split by stage, each a subpackage whose ``__init__`` names what later stages may
import; a stage imports only from earlier ones (an import-linter contract):

- :mod:`~scrapers.faq.read`: the source (file, packaged seed, or URL through the guarded
  fetcher), its front matter, the Markdown or published HTML walked once into a
  :class:`~scrapers.faq.read.ParsedPage` of sections, items and notes;
- :mod:`~scrapers.faq.interpret`: the items read like a careful human reads them (countries,
  schools, programmes, counts, links, names, rules) into a
  :class:`~scrapers.faq.interpret.Catalogue` and its findings;
- :mod:`~scrapers.faq.plan`: the database's snapshot and the difference to write;
- :mod:`~scrapers.faq.apply`: the bulk writes of that difference;
- :mod:`~scrapers.faq.report`: the import's report, its text and its webhook events.

:func:`import_faq` (:mod:`scrapers.faq.importer`) runs the stages and never commits; the CLI
command is :mod:`scrapers.faq.command`. Other rooms import only the names below.
"""

from scrapers.faq.errors import (
    SourceError,
    SourceRegressionError,
    SourceUnreachableError,
)
from scrapers.faq.importer import content_hash, import_faq
from scrapers.faq.plan import has_revisions
from scrapers.faq.read import SourceDocument, parse_page, read_seed, read_source
from scrapers.faq.report import ImportReport, announce_import, format_report, import_status

__all__ = [
    "ImportReport",
    "SourceDocument",
    "SourceError",
    "SourceRegressionError",
    "SourceUnreachableError",
    "announce_import",
    "content_hash",
    "format_report",
    "has_revisions",
    "import_faq",
    "import_status",
    "parse_page",
    "read_seed",
    "read_source",
]
