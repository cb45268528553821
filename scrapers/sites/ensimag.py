"""Grenoble INP - Ensimag (ensimag.grenoble-inp.fr): exchange and double degree on one page.

What the generic extraction gets wrong on these pages:

- the main column (``.col-main``) sits beside a sidebar whose agenda lists other dates
  ("Candidatures aux masters internationaux : jusqu'au 30 avril");
- the page describes the double degree before the exchange, with its own deadline and language
  level; ENSIAS's places at Ensimag are exchanges, and the first value of a key wins, so the
  generic reader reports the double-degree values. This adapter reads deadlines, language
  levels, credits and duration outside the double-degree sections only.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from scrapers.extract import (
    BlockParser,
    Concern,
    ExtractedFact,
    PageContext,
    SiteAdapter,
    TextBlock,
    fold_aligned,
    parse_credits,
    parse_deadlines,
    parse_duration,
    parse_language_requirements,
)

NAME = "ensimag"
VERSION = "1"

_DOUBLE_DEGREE = re.compile(r"double[- ]dipl\w*|double[- ]degree|dual[- ]degree")


def outside_double_degree(blocks: Sequence[TextBlock]) -> list[TextBlock]:
    """The blocks that are not under a double-degree heading."""
    return [
        block
        for block in blocks
        if not any(_DOUBLE_DEGREE.search(fold_aligned(heading)) for heading in block.headings)
    ]


def _exchange_only(concern: str, parse: BlockParser) -> BlockParser:
    def parse_exchange(blocks: Sequence[TextBlock], page: PageContext) -> list[ExtractedFact]:
        facts = parse(outside_double_degree(blocks), page)
        return [
            replace(fact, extractor=f"{NAME}/{concern}", extractor_version=VERSION)
            for fact in facts
        ]

    return parse_exchange


ADAPTER = SiteAdapter(
    name=NAME,
    hosts=("ensimag.grenoble-inp.fr",),
    main_selectors=(".col-main",),
    parsers={
        Concern.DEADLINES: _exchange_only(
            "deadlines", lambda blocks, page: parse_deadlines(blocks, page.url, winter=page.winter)
        ),
        Concern.LANGUAGES: _exchange_only(
            "languages", lambda blocks, page: parse_language_requirements(blocks, page.url)
        ),
        Concern.CREDITS: _exchange_only(
            "credits", lambda blocks, page: parse_credits(blocks, page.url)
        ),
        Concern.DURATION: _exchange_only(
            "duration", lambda blocks, page: parse_duration(blocks, page.url)
        ),
    },
)
