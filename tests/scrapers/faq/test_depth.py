"""A FAQ page nested deeper than the walk reads is refused in one line, never a RecursionError."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from scrapers.faq.errors import SourceError
from scrapers.faq.read.depth import MAX_DEPTH, measure_depth
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


def test_depth_is_counted_from_the_root_without_recursion() -> None:
    soup = BeautifulSoup("<div><p><b>x</b></p><i></i></div>", "html.parser")
    assert measure_depth(soup) == 3
    deep = BeautifulSoup("<div>" * 100_000, "html.parser")
    assert measure_depth(deep, stop_after=10) == 11


def test_a_page_at_the_limit_is_walked_to_its_innermost_item() -> None:
    # html, body and the a inside: 3 levels around the pairs' 2 per pair.
    pairs = (MAX_DEPTH - 3) // 2
    text = _nested_page(pairs)
    assert measure_depth(BeautifulSoup(text, "html.parser")) == MAX_DEPTH - 1
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
