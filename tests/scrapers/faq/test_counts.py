"""Counts after an item's link: kind and places, or unknown — never zero."""

from __future__ import annotations

import pytest

from scrapers.faq.read.counts import Count, looks_like_count, parse_counts
from service.db.models import OfferKind

EX, DD, EITHER = (
    OfferKind.EXCHANGE,
    OfferKind.DOUBLE_DEGREE,
    OfferKind.EXCHANGE_OR_DOUBLE_DEGREE,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (": 2 échanges", (Count(EX, 2),)),
        (": 1 échange", (Count(EX, 1),)),
        (": 1 echange", (Count(EX, 1),)),
        (": 3 Double diplôme", (Count(DD, 3),)),
        (": 3 Doubles diplômes", (Count(DD, 3),)),
        (": 2 double-diplomes", (Count(DD, 2),)),
        (": 2 Double diplôme + 2 échanges", (Count(DD, 2), Count(EX, 2))),
        (": 2 échanges + 1 Double diplôme", (Count(DD, 1), Count(EX, 2))),
        (": 1 Double diplôme ou échange", (Count(EITHER, 1),)),
        (": 1 échange ou double diplôme", (Count(EITHER, 1),)),
        (": 2 Double diplôme\n+ 2 échanges", (Count(DD, 2), Count(EX, 2))),
        (": 2 Double\ndiplôme", (Count(DD, 2),)),
        (": deux échanges", (Count(EX, 2),)),
        (": 3 échange(s)", (Count(EX, 3),)),
        (": 2 places en échange", (Count(EX, 2),)),
        (": 1 échange + 1 échange", (Count(EX, 2),)),
    ],
)
def test_counts_are_read_with_their_kind(text: str, expected: tuple[Count, ...]) -> None:
    assert parse_counts(text) == expected


@pytest.mark.parametrize("text", ["", "  ", " : ", "\n"])
def test_no_count_is_unknown_not_zero(text: str) -> None:
    assert parse_counts(text) == ()


@pytest.mark.parametrize("text", [": bientôt", ": 2", ": échanges", ": 2 stages", ": 0,5 échange"])
def test_text_that_is_not_a_count_is_refused(text: str) -> None:
    assert parse_counts(text) is None


def test_a_wrapped_line_is_recognized_as_a_count() -> None:
    assert looks_like_count("+ 2 échanges")
    assert looks_like_count("2 Double diplôme")
    assert not looks_like_count("Cursus ICM")
    assert not looks_like_count("")
