"""Country headings and words, French or English, misspelt or not, to ISO codes."""

from __future__ import annotations

import pytest

from scrapers.faq.interpret.countries import CountryMatch, CountryResolver


@pytest.fixture(scope="module")
def resolver() -> CountryResolver:
    return CountryResolver()


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Finlande", "FI"),
        ("Finland", "FI"),
        ("Italie", "IT"),
        ("Italy", "IT"),
        ("Canada", "CA"),
        ("FRANCE ", "FR"),
        ("la France :", "FR"),
        ("Etats-Unis", "US"),
        ("Côte d\u2019Ivoire", "CI"),
    ],
)
def test_cldr_names_in_french_and_english_match_exactly(
    resolver: CountryResolver, text: str, code: str
) -> None:
    match = resolver.resolve(text)
    assert match is not None
    assert (match.code, match.corrected) == (code, False)


@pytest.mark.parametrize(
    ("text", "code", "name"),
    [("Finalde", "FI", "Finlande"), ("Allemagen", "DE", "Allemagne"), ("Canda", "CA", "Canada")],
)
def test_misspellings_are_corrected_and_say_so(
    resolver: CountryResolver, text: str, code: str, name: str
) -> None:
    assert resolver.resolve(text) == CountryMatch(code=code, corrected=True, name=name)


@pytest.mark.parametrize(
    "text", ["Coming soon", "Autres", "Calais", "Europe", "Union européenne", "USA", "Filière IEL"]
)
def test_words_that_are_not_countries_do_not_resolve(resolver: CountryResolver, text: str) -> None:
    assert resolver.resolve(text) is None


def test_a_segment_resembling_the_heading_country_is_recognized(resolver: CountryResolver) -> None:
    assert resolver.resembles("Frnace", "FR")
    assert not resolver.resembles("Gardanne", "FR")
    assert resolver.exact("Frnace") is None
