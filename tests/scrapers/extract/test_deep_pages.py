"""Arbitrarily deep pages are read like any other: no ``RecursionError``, the same facts.

Issue 17: a partner page of ~1,000 nested ``<div>``s made every reader of partner pages raise
``RecursionError``. The block reader walks the tree with an explicit stack, tables and
definition lists look at their own children only (no quadratic ancestor search), and a JSON-LD
block too deep for the standard JSON parser is a reported problem.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from scrapers.extract.pipeline import extract_page
from service.catalogue.fields import FactField
from tests.in_process import run_main

URL = "https://www.example.edu/exchange"
FETCHED = datetime(2026, 12, 1, tzinfo=UTC)
CONTENT = (
    "<h2>Incoming exchange students</h2>"
    "<p>Application deadline for the autumn semester: 15 April 2027.</p>"
    "<p>Contact: incoming@example.edu</p>"
)


def _deadlines_and_emails(html: str) -> tuple[list[tuple[str, object]], list[str]]:
    extraction = extract_page(html, URL, FETCHED)
    deadlines: list[tuple[str, object]] = [
        (f.key, f.value.to_json()["date"]) for f in extraction.of(FactField.DEADLINE)
    ]
    return deadlines, [f.key for f in extraction.of(FactField.EMAIL)]


def _nested(opening: str, closing: str, depth: int, inner: str = CONTENT) -> str:
    return f"<html><body>{opening * depth}{inner}{closing * depth}</body></html>"


EXPECTED = ([("application/autumn", "2027-04-15")], ["incoming@example.edu"])


# 10,000 levels are ten times the interpreter's recursion limit: a recursive walk anywhere fails
# there. Deeper pages prove size, not shape, and cost seconds of CPU (100,000 levels: 7 s).
@pytest.mark.parametrize("depth", [1_000, 10_000])
def test_content_under_deeply_nested_divs_is_read(depth: int) -> None:
    assert _deadlines_and_emails(_nested("<div>", "</div>", depth)) == EXPECTED


def test_content_under_deeply_nested_list_items_is_read() -> None:
    assert _deadlines_and_emails(_nested("<ul><li>", "</li></ul>", 5_000)) == EXPECTED


def test_content_under_thousands_of_nested_tables_is_read() -> None:
    assert _deadlines_and_emails(_nested("<table><tr><td>", "</td></tr></table>", 3_000)) == (
        EXPECTED
    )


def test_content_inside_deeply_nested_inline_markup_is_read() -> None:
    inner = "<p>" + "<span>" * 20_000 + "Application deadline: 15 April 2027" + "</span>" * 20_000
    deadlines, _ = _deadlines_and_emails(f"<html><body><main>{inner}</p></main></body></html>")
    assert deadlines == [("application/any", "2027-04-15")]


def test_a_json_ld_block_too_deep_to_parse_is_a_problem_not_a_crash() -> None:
    script = '<script type="application/ld+json">' + "[" * 5_000 + "]" * 5_000 + "</script>"
    html = f"<html><head>{script}</head><body>{CONTENT}</body></html>"
    extraction = extract_page(html, URL, FETCHED)
    assert extraction.problems == ("JSON-LD block ignored: nested too deep to parse",)
    assert [f.key for f in extraction.of(FactField.DEADLINE)] == ["application/autumn"]


def test_mobility_extract_reads_a_deep_page_without_a_traceback(tmp_path: Path) -> None:
    page = tmp_path / "deep.html"
    page.write_text(_nested("<div>", "</div>", 20_000), encoding="utf-8")
    # In this process: an uncaught error would surface here, a printed traceback in stderr.
    result = run_main("extract", str(page), "--url", URL, "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    facts = json.loads(result.stdout)["facts"]
    assert [(f["field"], f["key"]) for f in facts if f["field"] == "deadline"] == [
        ("deadline", "application/autumn")
    ]
