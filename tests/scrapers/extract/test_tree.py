"""The page's tree: read as BeautifulSoup read it, and text libxml2 cannot take still parses."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from bs4 import BeautifulSoup

from scrapers.extract.dom import parse_html, remove_noise, select, text_of
from scrapers.extract.pipeline import extract_page
from service.catalogue.fields import FactField

URL = "https://www.example.edu/exchange"
FETCHED = datetime(2026, 12, 1, tzinfo=UTC)


def test_a_lone_surrogate_is_replaced_not_a_failure() -> None:
    html = "<html><body><p>Contact \ud800: incoming@example.edu</p></body></html>"
    assert text_of(parse_html(html)) == "Contact \ufffd: incoming@example.edu"
    emails = [f.key for f in extract_page(html, URL, FETCHED).of(FactField.EMAIL)]
    assert emails == ["incoming@example.edu"]


def test_a_nul_is_the_replacement_character() -> None:
    assert text_of(parse_html("<p>a\x00b</p>")) == "a\ufffdb"


def test_a_removed_element_keeps_the_strings_on_its_two_sides_apart() -> None:
    # BeautifulSoup's decompose left "Dates" and "limites" two strings: a heading's text is its
    # strings joined by spaces, so merging them would read "Dateslimites".
    root = parse_html("<html><body><h2>Dates<svg><text>x</text></svg>limites</h2></body></html>")
    remove_noise(root)
    (heading,) = select(root, "h2")
    assert text_of(heading, " ") == "Dates limites"
    assert text_of(heading) == "Dateslimites"


def test_ruby_annotations_are_not_their_base_texts_strings() -> None:
    root = parse_html("<p>漢<ruby>字<rp>(</rp><rt>ji</rt><rp>)</rp></ruby>です</p>")
    (paragraph,) = select(root, "p")
    (annotation,) = select(root, "rt")
    assert (text_of(paragraph), text_of(annotation)) == ("漢字です", "ji")


def test_the_same_text_as_beautifulsoup_read_on_a_messy_page() -> None:
    html = (
        "<html><body><div class='a  b'>x<!-- c --> y<?pi z?><p>p&nbsp;q<br>r</p>"
        "<ruby>a<rt>b</rt></ruby><table><tr><td> 1 </td><td>2</td></tr></table></div></body></html>"
    )
    soup = BeautifulSoup(html, "lxml")
    root = parse_html(html)
    for name in ("div", "p", "td", "ruby", "rt"):
        for separator, strip in (("", False), (" ", False), (" ", True)):
            expected = [tag.get_text(separator, strip=strip) for tag in soup.find_all(name)]
            assert [text_of(e, separator, strip=strip) for e in select(root, name)] == expected


def test_only_one_compound_selector_is_understood() -> None:
    root = parse_html("<div class='col main' id='x' role='main'><p>a</p></div>")
    assert [e.tag for e in select(root, "div.col.main#x[role=main]")] == ["div"]
    assert select(root, ".mai") == []
    with pytest.raises(ValueError, match="unsupported selector"):
        select(root, "div p")


def test_a_logo_snippet_is_the_image_as_beautifulsoup_wrote_it() -> None:
    html = """<img src="/l.png?a=1&amp;b=2" class=" site  logo" alt='The "Logo"' id=l>"""
    (logo,) = [f for f in extract_page(html, URL, FETCHED).candidates if f.field is FactField.LOGO]
    assert logo.snippet == str(BeautifulSoup(html, "lxml").img)


def test_the_noise_walk_does_not_judge_what_a_removed_element_holds() -> None:
    links = "".join(f'<li><a href="/p{n}">Page {n}</a></li>' for n in range(200))
    root = parse_html(
        f"<html><body><nav><ul>{links}</ul></nav><main><p id='kept'>Apply by 1 May.</p>"
        "<form><input name='q'></form></main></body></html>"
    )
    judged: list[str] = []

    def also(tag: object) -> bool:
        judged.append(str(getattr(tag, "tag", "")))
        return getattr(tag, "tag", "") == "form"

    remove_noise(root, also=also)
    # html, body, main, p, form: the nav's 401 elements are out with the nav, unjudged
    assert sorted(judged) == ["body", "form", "html", "main", "p"]
    assert text_of(root).strip() == "Apply by 1 May."
