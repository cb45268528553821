"""Typed fact values: rows stored before the types load unchanged, hand-written ones leniently."""

from __future__ import annotations

import pytest

from service.catalogue.fact_values import (
    Address,
    Credits,
    Deadline,
    Duration,
    EmailContact,
    LanguageRequirement,
    Link,
    Name,
    PageLanguage,
    PageText,
    PhoneContact,
    needs_review,
    read_stored,
    read_value,
)
from service.catalogue.fields import FactField

#: Objects as the extractors wrote them into ``school_fact.value`` before values were typed.
STORED = [
    (
        FactField.DEADLINE,
        "application/autumn/2",
        {"kind": "application", "semester": "autumn", "date": "2026-05-15", "opens": None},
        Deadline("application", "autumn", "2026-05-15"),
    ),
    (
        FactField.DEADLINE,
        "nomination/any",
        {"kind": "nomination", "semester": None, "date": "--03-31", "opens": "--02-01"},
        Deadline("nomination", None, "--03-31", opens="--02-01"),
    ),
    (
        FactField.LANGUAGE_REQUIREMENT,
        "en/ielts/recommended",
        {"language": "en", "level": None, "test": "IELTS", "score": 6.5, "required": False},
        LanguageRequirement("en", test="IELTS", score=6.5, required=False),
    ),
    (
        FactField.LANGUAGE_REQUIREMENT,
        "fi/cefr/unspecified",
        {"language": "fi", "level": "A2", "test": None, "score": None, "required": None},
        LanguageRequirement("fi", level="A2"),
    ),
    (
        FactField.CREDITS,
        "semester",
        {"per": "semester", "min": 20, "max": 35, "typical": None},
        Credits("semester", minimum=20, maximum=35),
    ),
    (FactField.DURATION, "", {"options": ["semester", "year"]}, Duration(("semester", "year"))),
    (
        FactField.EMAIL,
        "ri@school.fr",
        {"email": "ri@school.fr", "label": "Incoming"},
        EmailContact("ri@school.fr", "Incoming"),
    ),
    (
        FactField.PHONE,
        "+33476574500",
        {"phone": "+33476574500", "label": None},
        PhoneContact("+33476574500"),
    ),
    (
        FactField.ADDRESS,
        "",
        {
            "street": "Otakaari 24",
            "postal_code": "02150",
            "locality": "Espoo",
            "country_code": "FI",
            "country": "Finland",
        },
        Address("Otakaari 24", "02150", "Espoo", "FI", "Finland"),
    ),
    (FactField.DESCRIPTION, "", {"text": "A university."}, PageText("A university.")),
    (FactField.LOGO, "", {"url": "https://a.test/logo.svg"}, Link("https://a.test/logo.svg")),
    (FactField.NAME, "", {"name": "Aalto-yliopisto"}, Name("Aalto-yliopisto")),
    (FactField.LANGUAGE, "", {"code": "fi"}, PageLanguage("fi")),
]


@pytest.mark.parametrize(("field", "key", "stored", "typed"), STORED)
def test_a_value_stored_before_the_types_loads_and_writes_back_the_same_object(
    field: FactField, key: str, stored: dict[str, object], typed: object
) -> None:
    value = read_value(field, key, stored)
    assert value == typed
    # The same object again: a sync reading the same page records no change.
    assert value.to_json() == stored


def test_a_hand_written_value_is_read_through_its_key() -> None:
    assert read_value(FactField.DEADLINE, "nomination/spring", {"date": "10/01"}) == Deadline(
        "nomination", "spring", "10/01"
    )
    assert read_value(FactField.LANGUAGE_REQUIREMENT, "fi/cefr/recommended", {}) == (
        LanguageRequirement("fi", required=False)
    )
    assert read_value(FactField.CREDITS, "year", {"min": "20", "max": 60}) == Credits(
        "year", maximum=60
    )
    assert read_value(FactField.DURATION, "", {"options": "year"}) == Duration(())


def test_a_field_this_version_does_not_know_is_not_read() -> None:
    assert read_stored("opening_hours", "", {"text": "9-17"}) is None
    assert read_stored("email", "a@b.test", {}) == EmailContact("a@b.test")


def test_values_under_the_threshold_need_review_and_unscored_ones_do_not() -> None:
    assert [needs_review(c) for c in (0.62, 0.79, 0.8, 0.95, None)] == [
        True,
        True,
        False,
        False,
        False,
    ]
