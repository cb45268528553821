"""The extraction report a person reads (``mobility extract``, ``mobility try``)."""

from __future__ import annotations

from scrapers.extract.calibration import MEASURED, confidence_of
from scrapers.extract.report import extraction_as_json, format_extraction, render_value
from service.catalogue.fact_values import Deadline, LanguageRequirement
from tests.scrapers.extract.fixture_pages import extract_fixture


def test_the_report_lists_values_with_their_provenance_students_needs_first() -> None:
    report = format_extraction(extract_fixture("telecom-st-etienne-incoming-en")).splitlines()
    assert report[0] == (
        "https://www.telecom-st-etienne.fr/en/international/exchange-students/"
        " (adapter generic, fetched 2025-01-15 08:30 UTC)"
    )
    assert report[1:4] == [
        "  deadline:",
        "    nomination/autumn: 2025-04-30",
        (
            "      from generic/deadlines v1 (lead_in), confidence"
            f" {confidence_of(*MEASURED[('generic/deadlines', 'lead_in')]):.2f}:"
            " “Nomination deadlines | Fall semester: April 30, 2025”"
        ),
    ]
    assert "    incoming@telecom-st-etienne.example (International Relations Office)" in report
    assert "    semester: min 24, max 30 ECTS per semester" in report


def test_the_report_shows_the_candidates_that_were_not_kept_with_context_and_confidence() -> None:
    # The JSON-LD logo and the one read in the page's markup: the more confident is kept, the
    # other is shown as a candidate.
    page = extract_fixture("unical-incoming-students-it")
    report = format_extraction(page).splitlines()
    start = report.index("  other candidates (not kept):")
    assert report[start + 1] == "    [logo] https://www.unical.it/static/img/logo-unical.svg"
    assert report[start + 2].startswith(
        "      from generic/metadata v1, confidence 0.60 (to review): “<img"
    )
    data = extraction_as_json(page)
    candidates = data["candidates"]
    assert isinstance(candidates, list)
    assert len(candidates) == len(page.candidates) > len(page.facts)
    assert {c["kept"] for c in candidates} == {True, False}


def test_a_page_with_nothing_about_the_school_says_so() -> None:
    page = extract_fixture("isima-homepage")
    empty = type(page)(url=page.url, fetched_at=page.fetched_at, adapter="generic", facts=())
    assert format_extraction(empty).splitlines()[1] == (
        "  nothing about the school was found on this page"
    )


def test_values_read_as_sentences() -> None:
    assert (
        render_value(LanguageRequirement(language="en", test="TOEFL iBT", score=90))
        == "en TOEFL iBT 90"
    )
    assert (
        render_value(Deadline("application", None, "2025-04-15", opens="2025-03-01"))
        == "2025-04-15, opens 2025-03-01"
    )


def test_the_json_form_holds_every_fact_with_its_provenance() -> None:
    data = extraction_as_json(extract_fixture("isima-homepage"))
    assert (data["url"], data["adapter"], data["problems"]) == (
        "https://www.isima.fr/",
        "generic",
        [],
    )
    facts = data["facts"]
    assert isinstance(facts, list)
    phone = {
        "field": "phone",
        "key": "+33473405000",
        "value": {"phone": "+33473405000", "label": None},
        "source_url": "https://www.isima.fr/",
        "snippet": "ISIMA, 1 rue de la Chebarde, 63178 Aubière · Tél. 04 73 40 50 00"
        " · contact [at] isima [dot] example",
        "extractor": "generic/contacts",
        "extractor_version": "1",
        "confidence": 0.6,
        "rule": "footer",
        "needs_review": True,
    }
    assert phone in facts
