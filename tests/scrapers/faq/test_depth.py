"""A FAQ page nested deeper than the walk reads is refused in one line, never a RecursionError."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from scrapers.faq.errors import SourceError
from scrapers.faq.read.depth import MAX_DEPTH, measure_depth
from scrapers.faq.read.tree import Element, parse_html
from scrapers.faq.read.walk import parse_page
from tests.scrapers.faq.test_cli import _one_error_line, run_cli

pytestmark = pytest.mark.reliability

_REFUSAL = (
    f"nests its elements more than {MAX_DEPTH} levels deep, beyond what a FAQ page needs: "
    "refused, nothing imported"
)


def _nested_page(pairs: int) -> str:
    """A published-looking FAQ page whose France list holds ``pairs`` nested ``<ul><li>``; the
    innermost item is a partner school."""
    inner = '<a href="https://www.aalto.fi/">Aalto University</a>'
    nested = "<ul><li>Finlande" * pairs + inner + "</li></ul>" * pairs
    return (
        "<!doctype html><html><head><title>Mobilités</title></head><body>"
        f"<h2>Mobilités en commun</h2>{nested}</body></html>"
    )


def _tree(html: str) -> Element:
    root, _ = parse_html([html])
    assert root is not None
    return root


def test_depth_is_counted_from_the_root_without_recursion() -> None:
    # html (1), body (2), then div, p, b.
    assert measure_depth(_tree("<div><p><b>x</b></p><i></i></div>")) == 5
    assert measure_depth(_tree("<div>" * 100_000), stop_after=10) == 11


def test_markdown_nested_deeper_is_refused() -> None:
    # cmark renders every level (markdown-it stopped at 20 and dropped the rest): the depth check
    # refuses the page instead of importing part of it.
    nested = "".join("  " * level + "- Finlande\n" for level in range(300))
    with pytest.raises(SourceError) as refused:
        parse_page(f"## Mobilités en commun\n\n{nested}", "deep.md")
    assert str(refused.value) == f"deep.md {_REFUSAL}"


def test_a_page_at_the_limit_is_walked_to_its_innermost_item() -> None:
    # html, body and the a inside: 3 levels around the pairs' 2 per pair.
    pairs = (MAX_DEPTH - 3) // 2
    text = _nested_page(pairs)
    assert measure_depth(_tree(text)) == MAX_DEPTH - 1
    page = parse_page(text, "deep.html")
    assert [(item.link_text, item.url, item.country_heading) for item in page.items] == [
        ("Aalto University", "https://www.aalto.fi/", "Finlande")
    ]


@pytest.mark.parametrize("pairs", [MAX_DEPTH // 2, 500, 100_000])
def test_a_page_nested_deeper_is_refused(pairs: int) -> None:
    with pytest.raises(SourceError) as refused:
        parse_page(_nested_page(pairs), "deep.html")
    assert str(refused.value) == f"deep.html {_REFUSAL}"


def test_import_faq_refuses_500_nested_items_in_one_line_and_changes_nothing(
    tmp_path: Path,
) -> None:
    workdir = tmp_path
    assert run_cli("db", "upgrade", cwd=workdir).returncode == 0
    seeded = run_cli("import-faq", cwd=workdir)
    assert seeded.returncode == 0, seeded.stderr
    database = workdir / "var" / "mobility.sqlite3"
    with sqlite3.connect(database) as connection:
        before = connection.execute("select count(*) from school").fetchone()
        revisions = connection.execute("select count(*) from faq_revision").fetchone()
    page = workdir / "deep.html"
    page.write_text(_nested_page(500), encoding="utf-8")

    result = run_cli("import-faq", str(page), cwd=workdir)

    assert result.returncode == 2
    assert _one_error_line(result) == f"mobility: error: {page} {_REFUSAL}"
    with sqlite3.connect(database) as connection:
        assert connection.execute("select count(*) from school").fetchone() == before
        assert connection.execute("select count(*) from faq_revision").fetchone() == revisions
