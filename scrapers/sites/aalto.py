"""Aalto University (www.aalto.fi): one deadline table for all Aalto schools, script-built e-mails.

What the generic extraction gets wrong on these pages:

- the nomination and application table has one row per Aalto school, and ENSIAS's agreement is
  with the schools of technology (CHEM, ELEC, ENG, SCI): the generic reader takes the first row
  (arts). This adapter keeps the row that names a school of technology by its code, in every
  language version of the page;
- contact cards hold ``data-user`` / ``data-domain`` attributes that a script joins into a
  ``mailto:`` link: :func:`reveal_contact_emails` does the same;
- "Published" / "Updated" dates under the article are not content.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from scrapers.extract import (
    Concern,
    Element,
    ExtractedFact,
    PageContext,
    SiteAdapter,
    TextBlock,
    parse_deadlines,
    select,
)

NAME = "aalto"
VERSION = "1"

#: Codes of the Aalto schools of technology, as they appear in row headers in every language.
_TECHNOLOGY_SCHOOLS = re.compile(r"\b(?:CHEM|ELEC|ENG|SCI)\b")


def reveal_contact_emails(root: Element) -> None:
    """Write the address a contact card's script would build into its link."""
    for anchor in select(root, "a[data-user][data-domain]"):
        address = f"{anchor.get('data-user')}@{anchor.get('data-domain')}"
        anchor.set("href", f"mailto:{address}")
        for child in list(anchor):
            anchor.remove(child)  # their tails go too: the link's text is the address alone
        anchor.text = address


def technology_rows(blocks: Sequence[TextBlock]) -> list[TextBlock]:
    """The blocks outside tables, and the table cells of the schools of technology's rows."""
    return [
        block
        for block in blocks
        if block.row_header is None
        or block.column_header is None
        or _TECHNOLOGY_SCHOOLS.search(block.row_header)
    ]


def parse_aalto_deadlines(blocks: Sequence[TextBlock], page: PageContext) -> list[ExtractedFact]:
    """Deadlines of the schools of technology (see the module docstring)."""
    facts = parse_deadlines(technology_rows(blocks), page.url, winter=page.winter)
    return [
        replace(fact, extractor=f"{NAME}/deadlines", extractor_version=VERSION) for fact in facts
    ]


ADAPTER = SiteAdapter(
    name=NAME,
    hosts=("www.aalto.fi", "aalto.fi"),
    main_selectors=("article.aalto-article",),
    noise_selectors=(".aalto-article__meta",),
    prepare=reveal_contact_emails,
    parsers={Concern.DEADLINES: parse_aalto_deadlines},
)
