"""The structural walk: sections, context, items with their source lines."""

from __future__ import annotations

from pathlib import Path

from scrapers.faq.read.page import PageItem, PageNote, Section
from scrapers.faq.read.render import render_page
from scrapers.faq.read.source import read_seed
from scrapers.faq.read.walk import walk_page
from tests.scrapers.faq.pages import REVISION_2021, faq_page

FIXTURES = Path(__file__).parent / "fixtures"


def _items(text: str) -> list[PageItem]:
    return walk_page(render_page(text)).items


def test_the_seed_items_carry_their_context_and_their_line() -> None:
    page = walk_page(render_page(read_seed().text))
    assert page.recognized
    assert page.academic_years == [(15, "2019/2020")]
    assert page.rules_text is not None
    assert [line for line, _ in page.rules_text] == [11]
    assert len(page.items) == 16
    assert page.items[0] == PageItem(
        line=18,
        section=Section.OPEN,
        track=None,
        country_heading="Finalde",
        country_line=17,
        academic_year="2019/2020",
        link_text="Aalto University, Finlande, Master of Science in Technology",
        url="https://www.aalto.fi/en",
        tail=": 2 échanges",
    )
    last = page.items[-1]
    assert (last.line, last.country_heading, last.link_text, last.tail) == (
        51,
        "France",
        "Ecole des Mines Saint-Etienne, France, Cursus ICM",
        "",
    )
    assert page.notes == []


def test_the_published_html_page_reads_like_the_markdown() -> None:
    markdown = walk_page(render_page(read_seed().text))
    html = walk_page(render_page((FIXTURES / "mobilite_dd.html").read_text(encoding="utf-8")))
    assert html.meta == markdown.meta
    assert html.academic_years[0][1] == "2019/2020"
    assert html.rules_text is not None
    assert markdown.rules_text is not None
    assert [text for _, text in html.rules_text] == [text for _, text in markdown.rules_text]
    # The site's menu, related posts and footer are not items; the content's lists are.
    assert [(i.country_heading, i.link_text, i.tail) for i in html.items] == [
        (i.country_heading, i.link_text, i.tail) for i in markdown.items
    ]
    assert html.items[0].line == 35
    assert html.notes == []


def test_counts_wrapped_over_two_lines_are_joined() -> None:
    by_text = {item.link_text.split(",")[0]: item.tail for item in _items(REVISION_2021)}
    # "+ 1 échange" on its own line is a nested list in CommonMark: it is read as the count's end.
    assert by_text["Université de Sherbrooke - Canada"] == ": 2 Double diplôme + 1 échange"
    assert by_text["EILCO : École d'ingénieur de l'Université de Côte d'Opale"] == (
        ": 2 Double diplôme + 2 échanges"
    )


def test_track_sub_lists_reserve_their_items() -> None:
    reserved = [
        (item.track, item.country_heading, item.link_text.split(",")[0])
        for item in _items(REVISION_2021)
        if item.section is Section.RESERVED
    ]
    assert reserved == [
        ("IEL", "France", "ENSIIE"),
        ("IEL", "France", "EILCO : École d'ingénieur de l'Université de Côte d'Opale"),
        ("ISEM", "Italie", "University of Calabria - Italy"),
    ]


def test_paragraphs_and_lists_that_are_not_understood_are_noted() -> None:
    page = walk_page(
        render_page(
            faq_page(
                "## Mobilités en commun :\n\nEcoles et Chiffres de l'année 2020/2021 :\n\n"
                "Coming soon\n\n"
                "* France\n    * [X, France](https://x.fr) : 2 échanges\n        * 3 stages\n\n"
                "## Contact\n\n* [Relations internationales](https://example.org/ri)\n"
            )
        )
    )
    assert page.notes == [
        PageNote(kind="paragraph", line=13, text="Coming soon"),
        PageNote(kind="unparsed_item", line=17, text="3 stages"),
        PageNote(kind="unknown_section", line=21, text="Contact (1 links)"),
    ]
    assert [item.link_text for item in page.items] == ["X, France"]


def test_a_page_without_any_known_section_is_not_recognized() -> None:
    assert not walk_page(render_page("# Recettes\n\n* [Crêpes](https://x.fr)\n")).recognized
    assert walk_page(render_page(faq_page("Coming soon\n"))).recognized
