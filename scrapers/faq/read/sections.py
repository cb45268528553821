"""Recognizing the page's structure words: section headings, track sub-lists, the year line."""

from __future__ import annotations

import re

from scrapers.faq.read.page import Section
from service.text import collapse_spaces, fold, strip_accents

_YEAR = re.compile(r"\b((?:19|20)\d{2})\s*[/\-\u2013]\s*((?:19|20)?\d{2})\b")
_YEAR_WORDS = ("annee", "chiffres", "year")
_TRACK = re.compile(r"^\s*fili[eè]re\s+(?P<rest>.+?)\s*:?\s*$", re.IGNORECASE)
_TRACK_CODE_MAX = 32


def classify_heading(text: str) -> Section | None:
    """The section a heading opens: "Pour qui ?", "Mobilités en commun", "Mobilités fléchées"."""
    folded = fold(text)
    if "pour qui" in folded:
        return Section.RULES
    if "mobilite" in folded or "mobility" in folded:
        if "commun" in folded:
            return Section.OPEN
        if "flechee" in folded or "reserve" in folded:
            return Section.RESERVED
    return None


def read_track(text: str) -> tuple[str, str | None] | None:
    """A track sub-list's code and name: "Filière ISEM (Ingénierie)" → ("ISEM", "Ingénierie")."""
    match = _TRACK.match(collapse_spaces(text))
    if match is None:
        return None
    rest = match.group("rest")
    name: str | None = None
    if "(" in rest and rest.endswith(")"):
        rest, _, inside = rest[:-1].partition("(")
        name = collapse_spaces(inside) or None
    code = strip_accents(collapse_spaces(rest)).upper().replace(" ", "-")
    if not code or len(code) > _TRACK_CODE_MAX or not re.fullmatch(r"[A-Z0-9][A-Z0-9&/-]*", code):
        return None
    return code, name


def read_academic_year(text: str) -> str | None:
    """The year of a year line: "Ecoles et Chiffres de l'année 2019/2020 :" → "2019/2020".

    Only text that announces a year ("année", "chiffres", "year") counts, so a date inside a
    sentence is not taken for one. The pair is returned as written: whether the years are
    consecutive is checked by the interpreter, which reports it.
    """
    folded = fold(text)
    if not any(word in folded for word in _YEAR_WORDS):
        return None
    match = _YEAR.search(folded)
    if match is None:
        return None
    first, second = match.groups()
    if len(second) == 2:
        second = first[:2] + second
    return f"{first}/{second}"
