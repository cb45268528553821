"""Country names come from CLDR, in French and English."""

from __future__ import annotations

import pytest

from service.countries import country_name, country_names, is_country_code


@pytest.mark.parametrize(
    ("code", "french", "english"),
    [("FI", "Finlande", "Finland"), ("IT", "Italie", "Italy"), ("MA", "Maroc", "Morocco")],
)
def test_names_in_both_languages(code: str, french: str, english: str) -> None:
    assert country_name(code, "fr") == french
    assert country_name(code.lower(), "en") == english


def test_only_alpha2_codes_are_countries() -> None:
    names = country_names("en")
    assert "150" not in names  # "Europe" is a CLDR region, not a country
    assert all(len(code) == 2 and code.isalpha() for code in names)
    assert is_country_code("ca")
    assert not is_country_code("ZZZ")
