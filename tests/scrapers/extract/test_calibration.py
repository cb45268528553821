"""Each rule's confidence is its measured precision on the development part, never a guess."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bench.calibrate import measure_rules
from scrapers.extract.calibration import MEASURED, confidence_of
from scrapers.extract.pipeline import extract_page
from service.catalogue.fact_values import needs_review
from service.catalogue.fields import FactField


def test_the_table_of_measured_rules_is_the_measurement_of_today() -> None:
    # When this fails, run ``python -m bench.calibrate`` and paste its table.
    assert measure_rules() == MEASURED


def test_a_rule_seen_a_few_times_cannot_claim_certainty() -> None:
    assert confidence_of(2, 2) == 0.75
    assert confidence_of(19, 19) == 0.95
    assert confidence_of(0, 3) == 0.2


def test_a_bare_deadline_word_is_served_with_its_measured_confidence() -> None:
    html = "<html><body><main><p><strong>Deadline:</strong> March 31</p></main></body></html>"
    extraction = extract_page(html, "https://www.example.edu/in", datetime(2026, 12, 1, tzinfo=UTC))
    (fact,) = extraction.of(FactField.DEADLINE)
    measured = confidence_of(*MEASURED[("generic/deadlines", "bare")])
    assert (fact.key, fact.rule, fact.confidence) == ("application/any", "bare", measured)
    assert fact.needs_review is needs_review(measured)


def test_a_kind_in_the_dates_own_clause_is_not_flagged() -> None:
    html = "<html><body><main><p>Application deadline: 15 April 2027.</p></main></body></html>"
    extraction = extract_page(html, "https://www.example.edu/in", datetime(2026, 12, 1, tzinfo=UTC))
    (fact,) = extraction.of(FactField.DEADLINE)
    measured = confidence_of(*MEASURED[("generic/deadlines", "clause")])
    assert (fact.rule, fact.confidence, fact.needs_review) == ("clause", measured, False)


def test_a_rule_measured_on_e_mails_leaves_the_phone_numbers_it_gives_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The footer rule is measured on the footer's e-mail addresses; the development set labels
    # no phone number, so the switchboard in a footer keeps the extractor's own confidence.
    monkeypatch.setitem(MEASURED, ("generic/contacts", "footer"), (0, 5))
    html = (
        "<html><body><main><p>Deadline: 15 April 2027.</p></main>"
        "<footer><p>Tél. +33 4 73 40 50 00</p></footer></body></html>"
    )
    extraction = extract_page(html, "https://www.example.fr/in", datetime(2026, 12, 1, tzinfo=UTC))
    (phone,) = extraction.of(FactField.PHONE)
    assert (phone.rule, phone.confidence) == ("footer", 0.6)
