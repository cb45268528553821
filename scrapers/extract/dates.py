"""Dates written in French, English, Italian, German or Finnish, in words or in numbers.

Month names come from CLDR through Babel (wide and abbreviated, format and stand-alone forms),
never from a hand table. Recognised forms: ``15 avril 2025``, ``1er juin``, ``1° giugno``,
``15. Mai 2025``, ``15. huhtikuuta 2025``, ``huhtikuun 15.``, ``April 15th, 2025``,
``the 15th of April``, ``15.4.2025``, ``15.4.``, ``15/04/2025``, ``15/04``, ``15-04-2025``,
``2025-04-15``, ``2025.04.15`` (year first, as East Asian offices write it), ``15/4/25``
(a two-digit year after a day and a month), ``the end of March 2027``, ``fine marzo``,
``fin mars`` (the month's last day); ranges (``10.-31.1.2025``, ``1 March - 15 April
2025``, ``2025.03.02 ~ 2025.03.20``) keep their opening date. A date without a year is a
yearly date: :meth:`PartialDate.iso` writes it ``--MM-DD`` (ISO 8601).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, replace
from functools import cache

from babel.dates import get_month_names

from scrapers.extract.textmatch import fold_aligned

#: Languages whose month names are recognised.
LANGUAGES = ("fr", "en", "it", "de", "fi")


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A calendar date whose year may be unknown (a date that comes back every year)."""

    year: int | None
    month: int
    day: int

    def iso(self) -> str:
        if self.year is None:
            return f"--{self.month:02d}-{self.day:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date found in a text; ``opens`` is the first date when the text gave a range;
    ``month_end``: written as a month's end ("the end of March"), not as a day."""

    date: PartialDate
    start: int
    end: int
    opens: PartialDate | None = None
    month_end: bool = False


@cache
def month_numbers(languages: tuple[str, ...] = LANGUAGES) -> dict[str, int]:
    """Folded month name (without a final dot) → month number, for ``languages``."""
    names: dict[str, int] = {}
    for locale in languages:
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for number, name in get_month_names(width, context, locale=locale).items():
                    names[fold_aligned(name).rstrip(".")] = number
                    if locale == "fi" and context == "stand-alone" and width == "wide":
                        # The genitive ("huhtikuun 15. päivä") is the stand-alone name + "n".
                        names[fold_aligned(name) + "n"] = number
    return names


def _alternation(names: dict[str, int]) -> str:
    return "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))


@cache
def _patterns() -> tuple[re.Pattern[str], ...]:
    month = rf"(?P<month>{_alternation(month_numbers())})\.?(?![^\W\d_])"
    # Month before day is English ("April 15th") or the Finnish genitive ("huhtikuun 15."); in
    # the other languages "mai 15 étudiants" is not a date.
    english = {fold_aligned(name) for name in get_month_names("wide", locale="en").values()}
    month_first_names = {
        name: number
        for name, number in month_numbers().items()
        if name.endswith("kuun") or any(wide.startswith(name) for wide in english)
    }
    month_first = rf"(?P<month>{_alternation(month_first_names)})\.?(?![^\W\d_])"
    # "1ᵉʳ avril" (superscript letters; development set, fr28) as well as "1er avril".
    day = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th|er|\u1d49\u02b3|°|\.)?"
    year = r"(?P<year>(?:19|20)\d\d)(?!\d)"
    # "by the end of March 2027", "entro la fine di marzo", "fin mars 2027 au plus tard", "Ende
    # März": the month's last day (decision 0405).
    month_end = re.compile(
        rf"(?<![\w])(?:end\s+of|fine\s+(?:di\s+)?|fin\s+(?:de\s+|d')?|ende)\s*{month}"
        rf"(?:,?\s*{year})?"
    )
    return (
        # "2027-04-10", and "2027.04.10" with dots as Korea, China and Japan write it (decision
        # 0380).
        re.compile(
            r"(?<![\d.])(?P<year>(?:19|20)\d\d)(?P<sep>[-.])(?P<mnum>[01]?\d)(?P=sep)"
            r"(?P<day>[0-3]?\d)(?!\d|\.\d)"
        ),
        re.compile(
            r"(?<![\d.,/])(?P<day>[0-3]?\d)\.(?P<mnum>[01]?\d)\."
            r"(?:(?P<year>(?:19|20)\d\d)(?!\d)|(?![\d]))"
        ),
        # "31/5/2027"; "31/5/27", a two-digit year of this century (decision 0380).
        re.compile(
            r"(?<![\d./])(?P<day>[0-3]?\d)/(?P<mnum>[01]?\d)/"
            r"(?P<year>(?:19|20)\d\d(?!\d)|\d\d(?![\d/]))"
        ),
        # "15-03-2027"; "15/03" (two digits each, so that "Semester 1/2" is not 1 February).
        re.compile(rf"(?<![\d./-])(?P<day>[0-3]?\d)-(?P<mnum>[01]?\d)-{year}"),
        re.compile(r"(?<![\d./-])(?P<day>[0-3]\d)/(?P<mnum>[01]\d)(?![\d/])"),
        re.compile(rf"(?<![\d\w])(?:the\s+)?{day}\s*(?:of\s+)?{month}(?:,?\s*{year})?"),
        re.compile(
            rf"(?<![\w]){month_first}\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th|\.)?(?!\d)(?:,?\s+{year})?"
        ),
        month_end,
    )


#: "10.-31.1.", "1 to 15 May", and with the first day's ordinal, "du 1er au 15 mai", "dal 1° al
#: 15 maggio", "1st to 15th May" (decision 0405).
_DAY_RANGE_START = re.compile(
    r"(?<![\d.])([0-3]?\d)(?:st|nd|rd|th|er|\u1d49\u02b3|°)?\.?\s*"
    r"(?:[\u2013\u2014~\uff5e-]|to|au|al|bis)\s*$"
)
_RANGE_CONNECTOR = re.compile(
    r"^\s*(?:[\u2013\u2014~\uff5e-]|to|until|till|through|au|a|jusqu'au|al|fino al|bis|bis zum)\s*$"
)


#: Two dates offered side by side, the year written after the second only.
_PAIR_CONNECTOR = re.compile(r"^\s*(?:/|&|or|ou|o|oppure|and|et|e)(?:\s+(?:the|le|il|l'))?\s*$")


def _valid(year: int | None, month: int, day: int) -> PartialDate | None:
    if not 1 <= month <= 12:
        return None
    # A yearly date may be 29 February: check it against a leap year.
    if not 1 <= day <= calendar.monthrange(year or 2000, month)[1]:
        return None
    return PartialDate(year, month, day)


def _from_match(match: re.Match[str]) -> PartialDate | None:
    groups = match.groupdict()
    year = int(groups["year"]) if groups.get("year") else None
    if year is not None and year < 100:
        year += 2000
    if groups.get("mnum"):
        month = int(groups["mnum"])
    else:
        month = month_numbers()[match.group("month").rstrip(".")]
    if groups.get("day") is None:
        # The end of a month: its last day, in a common year when the year is not given.
        return _valid(year, month, calendar.monthrange(year or 2001, month)[1])
    return _valid(year, month, int(groups["day"]))


#: A score, not a date: "an IELTS of 6.5.", "GPA 3.0." read as 6 May, 3 January in the Finnish
#: day-month form.
_SCORE_BEFORE = re.compile(
    r"(?<![\w])(?:ielts|toefl|toeic|gpa|score|band|grade|note|voto|punteggio|average|moyenne)"
    r"(?:\W+[^\W\d]+){0,2}\W*$"
)
_SCORE_REACH = 30


def _is_a_score(folded: str, match: re.Match[str]) -> bool:
    groups = match.groupdict()
    if not groups.get("mnum") or groups.get("year") or "." not in match.group(0):
        return False
    return (
        _SCORE_BEFORE.search(folded, max(0, match.start() - _SCORE_REACH), match.start())
        is not None
    )


#: What a month's end is written with: "end of March", "fine (di) marzo", "fin (de / d') mars",
#: "Ende März".
_MONTH_END_WORDS = ("end of", "fine ", "fin ", "fin d'", "ende ")


def _may_name_a_months_end(folded: str) -> bool:
    """Whether the text holds a word a month's end is written with (substring tests, cheaper
    than a pattern over the whole text)."""
    return any(word in folded for word in _MONTH_END_WORDS)


def _single_dates(folded: str) -> list[DateMention]:
    found: list[DateMention] = []
    patterns = _patterns()
    if not _may_name_a_months_end(folded):
        patterns = patterns[:-1]
    elif _DIGIT.search(folded) is None:
        patterns = patterns[-1:]  # every other form holds a digit
    for pattern in patterns:
        for match in pattern.finditer(folded):
            if any(match.start() < m.end and m.start < match.end() for m in found):
                continue
            if _is_a_score(folded, match):
                continue
            date = _from_match(match)
            if date is not None:
                month_end = match.groupdict().get("day") is None
                found.append(DateMention(date, match.start(), match.end(), month_end=month_end))
    return sorted(found, key=lambda mention: mention.start)


def _with_year(opens: PartialDate, closes: PartialDate) -> PartialDate:
    if opens.year is not None or closes.year is None:
        return opens
    # "1 November - 15 January 2026" opened the year before.
    year = (
        closes.year if (opens.month, opens.day) <= (closes.month, closes.day) else closes.year - 1
    )
    return replace(opens, year=year)


#: Every form of a date holds a digit (its day, or its year), but the end of a month.
_DIGIT = re.compile(r"\d")


def find_dates(text: str) -> list[DateMention]:
    """Every date in ``text`` in order, ranges merged into their closing date."""
    folded = fold_aligned(text)
    if _DIGIT.search(folded) is None and not _may_name_a_months_end(folded):
        return []
    mentions = _single_dates(folded)
    merged: list[DateMention] = []
    for mention in mentions:
        previous = merged[-1] if merged else None
        between = folded[previous.end : mention.start] if previous else ""
        if previous is not None and previous.opens is None and _RANGE_CONNECTOR.match(between):
            merged[-1] = DateMention(
                mention.date, previous.start, mention.end, _with_year(previous.date, mention.date)
            )
            continue
        if (
            previous is not None
            and previous.date.year is None
            and mention.date.year is not None
            and _PAIR_CONNECTOR.match(between)
        ):
            # "15 April / 15 October 2027": the year written once is both dates' (decision
            # 0405).
            merged[-1] = replace(previous, date=_with_year(previous.date, mention.date))
        start_day = _DAY_RANGE_START.search(folded, 0, mention.start)
        if start_day is not None and (previous is None or start_day.start() >= previous.end):
            opens = _valid(mention.date.year, mention.date.month, int(start_day.group(1)))
            if opens is not None and opens.day < mention.date.day:
                merged.append(DateMention(mention.date, start_day.start(), mention.end, opens))
                continue
        merged.append(mention)
    return merged
