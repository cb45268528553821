"""Dates in five languages, in words and in numbers, with ranges; nothing else is a date."""

from __future__ import annotations

import pytest

from scrapers.extract.dates import find_dates


def _found(text: str) -> list[tuple[str, str | None, str]]:
    return [
        (m.date.iso(), m.opens.iso() if m.opens else None, text[m.start : m.end])
        for m in find_dates(text)
    ]


@pytest.mark.parametrize(
    ("text", "iso", "written"),
    [
        ("avant le 1er avril 2025", "2025-04-01", "1er avril 2025"),
        ("avant le 15 févr. 2026", "2026-02-15", "15 févr. 2026"),
        ("le 3 aout 2025", "2025-08-03", "3 aout 2025"),
        ("entro il 30 aprile 2025", "2025-04-30", "30 aprile 2025"),
        ("entro il 1° giugno", "--06-01", "1° giugno"),
        ("bis zum 15. März 2025", "2025-03-15", "15. März 2025"),
        ("Frist: 1. Dez. 2025", "2025-12-01", "1. Dez. 2025"),
        ("15. huhtikuuta 2025 mennessä", "2025-04-15", "15. huhtikuuta 2025"),
        ("huhtikuun 15. päivään mennessä", "--04-15", "huhtikuun 15."),
        ("by April 15th, 2025", "2025-04-15", "April 15th, 2025"),
        ("by the 15th of April", "--04-15", "the 15th of April"),
        ("by Sept. 30, 2025", "2025-09-30", "Sept. 30, 2025"),
        ("by 3 May", "--05-03", "3 May"),
        ("15.4.2025 mennessä", "2025-04-15", "15.4.2025"),
        ("Thu 2.2.", "--02-02", "2.2."),
        ("le 15/04/2025", "2025-04-15", "15/04/2025"),
        ("on 2025-04-15", "2025-04-15", "2025-04-15"),
        ("29.2. each year", "--02-29", "29.2."),
        # Year first with dots, as Korean, Chinese and Japanese offices write it (decision 0380).
        ("submit by 2027.05.20", "2027-05-20", "2027.05.20"),
        # A two-digit year after a day and a month: "20/6/27" is 20 June 2027 (decision 0380).
        ("scadenza: 20/6/27", "2027-06-20", "20/6/27"),
        ("until 3/12/26.", "2026-12-03", "3/12/26"),
    ],
)
def test_single_dates_are_read_in_every_language(text: str, iso: str, written: str) -> None:
    assert _found(text) == [(iso, None, written)]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("10.1.\u201331.1.2025 (23.59)", ("2025-01-31", "2025-01-10", "10.1.\u201331.1.2025")),
        ("10. - 31.1.2023", ("2023-01-31", "2023-01-10", "10. - 31.1.2023")),
        ("10 - 31 January 2025", ("2025-01-31", "2025-01-10", "10 - 31 January 2025")),
        (
            "du 1er mars au 15 avril 2025",
            ("2025-04-15", "2025-03-01", "1er mars au 15 avril 2025"),
        ),
        (
            "1 November \u2013 15 January 2026",
            ("2026-01-15", "2025-11-01", "1 November \u2013 15 January 2026"),
        ),
        # A tilde joins a period's dates (decision 0380); alone before a date, it closes one.
        (
            "2027.03.02 ~ 2027.03.20",
            ("2027-03-20", "2027-03-02", "2027.03.02 ~ 2027.03.20"),
        ),
        ("2027.09.01\uff5e2027.09.19", ("2027-09-19", "2027-09-01", "2027.09.01\uff5e2027.09.19")),
    ],
)
def test_a_range_is_its_closing_date_and_keeps_its_opening(
    text: str, found: tuple[str, str, str]
) -> None:
    assert _found(text) == [found]


@pytest.mark.parametrize(
    "text",
    [
        "Tél : 04.76.57.45.00",
        "Version 1.2.3",
        "between 8.30 and 16.15",
        "30 ECTS per semester",
        "academic year 2025-2026 or 2025/2026",
        "en mai 15 étudiants",
        "31.2.2025",
        "Room 12.14.",
        # A score at the end of a sentence is not the Finnish "6.5." (6 May).
        "Non-native speakers need an IELTS of 6.5.",
        "A GPA of at least 3.0.",
        # A fraction or a version with a third part, and a year's number alone, are no dates.
        "Semester 1/2/3",
        "release 2027.1",
        "Module 12/3/245",
    ],
)
def test_numbers_that_are_not_dates_are_not_dates(text: str) -> None:
    assert find_dates(text) == []


def test_dates_are_returned_in_text_order() -> None:
    text = "by June 1st for the autumn semester and by November 15 for the spring semester"
    assert [iso for iso, _, _ in _found(text)] == ["--06-01", "--11-15"]


def test_a_day_and_month_after_a_score_is_still_a_date_when_far_enough() -> None:
    assert [mention.date.iso() for mention in find_dates("IELTS 6.5. Apply by 15.4.")] == [
        "--04-15"
    ]


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("Send your file by the end of June 2028.", "2028-06-30"),
        ("entro la fine di novembre", "--11-30"),
        ("entro fine aprile 2028", "2028-04-30"),
        ("au plus tard fin d'avril 2028", "2028-04-30"),
        ("avant la fin de novembre", "--11-30"),
        ("bis Ende Juni 2028", "2028-06-30"),
        # Without a year, February's end is that of a common year.
        ("by the end of February", "--02-28"),
        ("by the end of February 2028", "2028-02-29"),
    ],
)
def test_the_end_of_a_month_is_its_last_day(text: str, iso: str) -> None:
    # Decision 0405.
    (mention,) = find_dates(text)
    assert (mention.date.iso(), mention.month_end) == (iso, True)


@pytest.mark.parametrize(
    "text", ["at the end of the semester", "la fin de l'année", "fine del corso", "the end"]
)
def test_an_end_that_names_no_month_is_no_date(text: str) -> None:
    assert find_dates(text) == []


@pytest.mark.parametrize(
    ("text", "opens", "closes"),
    [
        ("du 1er au 20 juin 2028", "2028-06-01", "2028-06-20"),
        ("dal 2° al 18 marzo", "--03-02", "--03-18"),
        ("from the 3rd to 21 March 2028", "2028-03-03", "2028-03-21"),
    ],
)
def test_a_range_whose_first_day_has_an_ordinal_opens_on_it(
    text: str, opens: str, closes: str
) -> None:
    # Decision 0405.
    (mention,) = find_dates(text)
    assert (mention.opens and mention.opens.iso(), mention.date.iso()) == (opens, closes)


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("by 10 May / 10 November 2028", "2028-05-10"),
        ("entro il 30 aprile o il 31 ottobre 2028", "2028-04-30"),
        ("avant le 1er décembre et le 1er juin 2029", "2028-12-01"),
    ],
)
def test_two_dates_side_by_side_share_the_year_written_after_the_second(
    text: str, first: str
) -> None:
    # Decision 0405; a date later in the calendar than the second is of the year before.
    assert find_dates(text)[0].date.iso() == first
