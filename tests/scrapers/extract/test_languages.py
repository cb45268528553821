"""Language requirements: language with CEFR level, test scores, required or recommended."""

from __future__ import annotations

import pytest

from scrapers.extract.languages import parse_language_requirements
from tests.scrapers.extract.blocks_of import blocks_of


def _requirements(body: str) -> dict[str, dict[str, object]]:
    facts = parse_language_requirements(blocks_of(f"<main>{body}</main>"), "https://x.example/")
    return {fact.key: dict(fact.value.to_json()) for fact in facts}


def _cefr(language: str, level: str, required: bool | None) -> dict[str, object]:
    return {"language": language, "level": level, "test": None, "score": None, "required": required}


def _test(name: str, score: float, required: bool | None) -> dict[str, object]:
    return {"language": "en", "level": None, "test": name, "score": score, "required": required}


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            (
                "<ul><li>Classes taught in French: B1 level in French is required.</li>"
                "<li>Classes taught in English: A2 level in French is recommended.</li></ul>"
            ),
            {
                "fr/cefr/required": _cefr("fr", "B1", True),
                "fr/cefr/recommended": _cefr("fr", "A2", False),
            },
        ),
        (
            "<p>Niveau B2 en français exigé ; un niveau B1 en anglais est conseillé.</p>",
            {
                "fr/cefr/required": _cefr("fr", "B2", True),
                "en/cefr/recommended": _cefr("en", "B1", False),
            },
        ),
        (
            "<p>Per i corsi in italiano è consigliato un livello B1 di italiano.</p>",
            {"it/cefr/recommended": _cefr("it", "B1", False)},
        ),
        (
            (
                "<p>Deutschkenntnisse auf Niveau B1 werden empfohlen, Englischkenntnisse"
                " (mindestens B2) vorausgesetzt.</p>"
            ),
            {
                "de/cefr/recommended": _cefr("de", "B1", False),
                "en/cefr/required": _cefr("en", "B2", True),
            },
        ),
        (
            "<p>Englannin kielen taito vähintään tasolla B2 vaaditaan.</p>",
            {"en/cefr/required": _cefr("en", "B2", True)},
        ),
        (
            "<p>English B2 (TOEFL iBT 90 or IELTS Academic 6.5) is required.</p>",
            {
                "en/cefr/required": _cefr("en", "B2", True),
                "en/toefl_ibt/required": _test("TOEFL iBT", 90, True),
                "en/ielts/required": _test("IELTS", 6.5, True),
            },
        ),
        (
            "<p>TOEIC: 785 points minimum. TOEFL PBT 550.</p>",
            {
                "en/toeic/required": _test("TOEIC", 785, True),
                "en/toefl_pbt/unspecified": _test("TOEFL PBT", 550, None),
            },
        ),
    ],
)
def test_levels_and_scores_go_with_their_language_and_status(
    body: str, expected: dict[str, dict[str, object]]
) -> None:
    assert _requirements(body) == expected


def test_a_level_takes_its_language_from_the_heading_when_the_sentence_has_none() -> None:
    body = "<h2>Französischkenntnisse</h2><p>Mindestens Niveau B1.</p>"
    assert _requirements(body) == {"fr/cefr/required": _cefr("fr", "B1", True)}


@pytest.mark.parametrize(
    "body",
    [
        "<p>Room B1 is in building A2.</p>",
        "<p>TOEFL iBT 150 is not a TOEFL iBT score.</p>",
        "<p>Finnish is not required.</p>",
    ],
)
def test_codes_without_a_language_and_impossible_scores_are_not_requirements(body: str) -> None:
    assert _requirements(body) == {}


def test_a_second_level_for_the_same_language_is_kept_under_a_ranked_key() -> None:
    body = (
        "<main><p>Un niveau B1 en français est exigé pour les cours de licence.</p>"
        "<p>Un niveau B2 en français est exigé pour les cours de master.</p>"
        "<p>Rappel : un niveau B1 en français est exigé.</p></main>"
    )
    assert _requirements(body) == {
        "fr/cefr/required": _cefr("fr", "B1", True),
        "fr/cefr/required/2": _cefr("fr", "B2", True),
    }


def test_a_duolingo_score_is_a_test_requirement() -> None:
    body = "<p>English: TOEFL iBT 80 or a Duolingo English Test score of 105.</p>"
    assert _requirements(body) == {
        "en/toefl_ibt/unspecified": _test("TOEFL iBT", 80, None),
        "en/duolingo/unspecified": _test("Duolingo", 105, None),
    }


@pytest.mark.parametrize(
    "body",
    [
        "<p>No certificate is needed, but a free Spanish course at level A1 is offered.</p>",
        "<p>Un cours intensif d'italien de niveau A2 est proposé en septembre.</p>",
    ],
)
def test_the_level_of_a_course_on_offer_is_not_a_requirement(body: str) -> None:
    assert _requirements(body) == {}


def test_a_course_level_that_the_clause_requires_is_still_a_requirement() -> None:
    body = "<p>Students must reach B1 in Italian, and a course is offered to help them.</p>"
    assert _requirements(body) == {"it/cefr/required": _cefr("it", "B1", True)}


@pytest.mark.parametrize(
    "body",
    [
        "<h2>Our school in figures</h2><p>85 % of our guests reach level B2 in Italian.</p>",
        "<p>Norwegian is not needed. A beginners' course in Norwegian (A1) starts in August.</p>",
    ],
)
def test_a_statistic_of_figures_and_a_beginners_course_are_not_requirements(body: str) -> None:
    # Decision 0326.
    assert _requirements(body) == {}


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            (
                "<p>For the Dutch-taught track we expect Dutch at level B2. The English-taught"
                " minors require English at level B1.</p>"
            ),
            {
                "nl/cefr/unspecified": _cefr("nl", "B2", None),
                "en/cefr/required": _cefr("en", "B1", True),
            },
        ),
        (
            (
                "<p>Per Medicina è richiesto lo spagnolo al livello C1, per Economia al livello"
                " B2. Nei corsi in inglese è richiesto il livello B2.</p>"
            ),
            {
                "es/cefr/required": _cefr("es", "C1", True),
                "es/cefr/required/2": _cefr("es", "B2", True),
                "en/cefr/required": _cefr("en", "B2", True),
            },
        ),
    ],
)
def test_a_level_ends_its_sentence_and_takes_no_language_from_the_next(
    body: str, expected: dict[str, dict[str, object]]
) -> None:
    # Decision 0350: "… level B1. The English-taught …" is two sentences, as after a word.
    assert _requirements(body) == expected


def test_the_level_of_a_course_on_offer_is_read_in_its_whole_sentence() -> None:
    # Decision 0350: the comma inside the brackets cuts the level's clause from "offered".
    body = "<p>A Swedish course for newcomers (level A1, 5 ECTS) is offered each term.</p>"
    assert _requirements(body) == {}


def test_japanese_korean_and_chinese_are_languages_a_partner_asks_for() -> None:
    # Decision 0380: East Asian partners ask for their own language at a CEFR level.
    body = (
        "<ul><li>Courses in English: IELTS 6.0.</li>"
        "<li>Courses in Japanese: Japanese at level B1 or above.</li>"
        "<li>Seminars in Chinese require Chinese at level B2.</li></ul>"
    )
    assert _requirements(body) == {
        "en/ielts/unspecified": _test("IELTS", 6, None),
        "ja/cefr/unspecified": _cefr("ja", "B1", None),
        "zh/cefr/required": _cefr("zh", "B2", True),
    }


def test_a_topik_level_is_a_korean_test_score() -> None:
    # The Test of Proficiency in Korean has six levels (decision 0380).
    body = "<p>Students taking courses in Korean need TOPIK level 3 or above.</p>"
    assert _requirements(body) == {
        "ko/topik/unspecified": {
            "language": "ko",
            "level": None,
            "test": "TOPIK",
            "score": 3,
            "required": None,
        }
    }


@pytest.mark.parametrize(
    "body",
    [
        # A level in apposition after the course it describes (decision 0380).
        "<p>Il Centro linguistico propone un corso di tedesco, livello A2 (4 CFU), ogni anno.</p>",
        "<p>We also offer a Danish course for international students, level A1, in May.</p>",
        # A level under a heading that names an intensive course.
        "<h3>Start of the intensive Spanish course</h3><p>Three weeks, levels A1 and A2.</p>",
    ],
)
def test_a_courses_level_beside_it_or_under_its_heading_is_no_requirement(body: str) -> None:
    assert _requirements(body) == {}


def test_a_required_level_after_an_offered_course_is_still_required() -> None:
    body = "<p>A German course is offered; for the lectures, level B2 in German is required.</p>"
    assert _requirements(body) == {"de/cefr/required": _cefr("de", "B2", True)}


@pytest.mark.parametrize(
    "body",
    [
        # A range of levels wider than one step is a course's or a tandem's (decision 0416).
        "<p>Our language centre teaches Spanish from A2 to C1 to every student.</p>",
        "<p>Corsi di tedesco per studenti internazionali (livelli A1 - B2) a ogni semestre.</p>",
        "<p>Ateliers de conversation en anglais, de A1 à C2, chaque jeudi.</p>",
        # A score the school's own students work towards is a goal.
        "<p>Nos ingénieurs préparent le TOEFL et visent 95 points avant le diplôme.</p>",
        "<p>Our graduates aim for C1 in German by the end of the programme.</p>",
    ],
)
def test_ranges_of_levels_and_goals_are_no_requirement(body: str) -> None:
    assert _requirements(body) == {}


def test_a_level_range_of_one_step_or_a_required_goal_stays_a_requirement() -> None:
    body = (
        "<p>Exchange students need English at B1-B2.</p>"
        "<p>Pour viser le master, un niveau B2 en français est exigé.</p>"
    )
    assert set(_requirements(body)) == {
        "en/cefr/unspecified",
        "en/cefr/unspecified/2",
        "fr/cefr/required",
    }
