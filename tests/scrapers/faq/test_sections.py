"""Structure words: section headings, track sub-lists, the academic-year line."""

from __future__ import annotations

import pytest

from scrapers.faq.read.page import Section
from scrapers.faq.read.sections import classify_heading, read_academic_year, read_track


@pytest.mark.parametrize(
    ("heading", "section"),
    [
        ("Pour qui ?", Section.RULES),
        ("Mobilités en commun : ", Section.OPEN),
        ("MOBILITES EN COMMUN", Section.OPEN),
        ("Mobilités fléchées :", Section.RESERVED),
        ("Mobilites flechees", Section.RESERVED),
        ("Contact", None),
        ("Mobilités", None),
    ],
)
def test_headings_open_their_section(heading: str, section: Section | None) -> None:
    assert classify_heading(heading) is section


@pytest.mark.parametrize(
    ("text", "track"),
    [
        ("Filière IEL :", ("IEL", None)),
        ("Filière ISEM:", ("ISEM", None)),
        ("filiere isem", ("ISEM", None)),
        (
            "Filière ISEM (Ingénierie des Systèmes Embarqués)",
            ("ISEM", "Ingénierie des Systèmes Embarqués"),
        ),
        ("France", None),
        ("Filière", None),
    ],
)
def test_track_sub_lists_give_the_track_code(
    text: str, track: tuple[str, str | None] | None
) -> None:
    assert read_track(text) == track


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("Ecoles et Chiffres de l'année 2019/2020 :", "2019/2020"),
        ("Écoles et chiffres de l\u2019année 2020-2021", "2020/2021"),
        ("Chiffres de l'année 2021/22", "2021/2022"),
        ("Ecoles et Chiffres de l'année 2019/2021", "2019/2021"),
        ("Mise à jour le 2020/06/21", None),
        ("Ecoles partenaires", None),
    ],
)
def test_the_year_line_gives_the_academic_year(text: str, year: str | None) -> None:
    assert read_academic_year(text) == year
