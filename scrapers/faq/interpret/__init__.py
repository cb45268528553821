"""Interpret: a :class:`~scrapers.faq.read.ParsedPage` becomes a :class:`Catalogue`.

:func:`interpret_page` (:mod:`.reader`) reads the page's items as a careful human reads them:
unstorable characters removed (:mod:`.sanitize`), countries (:mod:`.countries`), schools and
their names (:mod:`.schools`, :mod:`.names`, :mod:`.link_text`), programmes
(:mod:`.programmes`), mentions and counts (:mod:`.mentions`), links (:mod:`.links`,
:mod:`.link_checks`) and selection rules (:mod:`.rules`); what it cannot read is a finding
(:mod:`.findings`).
"""

from scrapers.faq.interpret.catalogue import Catalogue, OfferKey, ProgrammeSpec, SchoolSpec
from scrapers.faq.interpret.findings import ORIGIN, FindingSpec, LinkKey
from scrapers.faq.interpret.names import SIMILARITY
from scrapers.faq.interpret.reader import interpret_page

__all__ = [
    "ORIGIN",
    "SIMILARITY",
    "Catalogue",
    "FindingSpec",
    "LinkKey",
    "OfferKey",
    "ProgrammeSpec",
    "SchoolSpec",
    "interpret_page",
]
