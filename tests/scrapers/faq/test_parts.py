"""The page is read a part at a time: the same reading as in one piece, in bounded memory."""

from __future__ import annotations

import gc
import tracemalloc

import pytest

from bench.generate_catalogue import generate_schools, render_faq
from scrapers.faq.read import render
from scrapers.faq.read.render import cut_markdown
from scrapers.faq.read.source import read_seed
from scrapers.faq.read.walk import parse_page
from tests.scrapers.faq.pages import REVISION_2021


def _parts(body: str, size: int) -> list[str]:
    return [body[start:end] for _, start, end in cut_markdown(body, size)]


@pytest.mark.parametrize(
    "text",
    [read_seed().text, REVISION_2021, render_faq(generate_schools(300, 3), 3)],
    ids=["seed", "revision-2021", "generated-300"],
)
def test_a_page_read_in_the_smallest_parts_reads_as_in_one_piece(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = parse_page(text)
    assert len(_parts(text, 1)) > 2
    monkeypatch.setattr(render, "PART_SIZE", 1)
    assert parse_page(text) == whole


def test_parts_are_cut_only_where_every_block_has_ended() -> None:
    body = (
        "* France\n\n"  # a loose list: the next item continues it
        "* Italie\n\n"
        "```\n\n# not a heading\n```\n\n"  # fenced code goes on past blank lines
        "<!-- a comment\n\nstill the comment -->\n\n"
        "    indented code\n\n"
        "> quote\n\n"
        "> quote again\n\n"
        "Paragraph\n\n"
        "## Heading\n"
    )
    parts = _parts(body, 1)
    assert "".join(parts) == body
    assert parts == [
        "* France\n\n* Italie\n\n",
        "```\n\n# not a heading\n```\n\n",
        (
            "<!-- a comment\n\nstill the comment -->\n\n    indented code\n\n> quote\n\n"
            "> quote again\n\n"
        ),
        "Paragraph\n\n",
        "## Heading\n",
    ]


def test_a_page_with_link_reference_definitions_is_one_part(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = (
        "## Mobilités en commun\n\nEcoles et Chiffres de l'année 2019/2020 :\n\n"
        "* France\n    * [Aalto University][aalto]\n\nParagraph\n\n"
        "[aalto]: https://www.aalto.fi/\n"
    )
    assert _parts(text, 1) == [text]
    monkeypatch.setattr(render, "PART_SIZE", 1)
    page = parse_page(text)
    assert [(item.link_text, item.url) for item in page.items] == [
        ("Aalto University", "https://www.aalto.fi/")
    ]


def test_reading_a_page_of_two_megabytes_costs_at_most_four_times_its_size() -> None:
    text = render_faq(generate_schools(7_000, 7), 7)
    size = len(text.encode("utf-8"))
    assert size > 2_000_000
    gc.collect()
    tracemalloc.start()
    try:
        base, _ = tracemalloc.get_traced_memory()
        page = parse_page(text)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(page.items) > 14_000
    assert peak - base <= 4 * size
