"""ECTS credits per semester (minimum, maximum, usual) and the duration of a stay."""

from __future__ import annotations

import pytest

from scrapers.extract.credits import parse_credits, parse_duration
from tests.scrapers.extract.blocks_of import blocks_of

URL = "https://x.example/"


def _credits(body: str) -> dict[str, dict[str, object]]:
    return {
        f.key: dict(f.value.to_json())
        for f in parse_credits(blocks_of(f"<main>{body}</main>"), URL)
    }


def _per_semester(
    low: int | None = None,
    high: int | None = None,
    typical: int | None = None,
    *,
    per: str = "semester",
) -> dict[str, dict[str, object]]:
    return {per: {"per": per, "min": low, "max": high, "typical": typical}}


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            (
                "<p>Students must register for at least 15 ECTS credits per semester. The maximum"
                " number of credits per semester is 30 ECTS.</p>"
            ),
            _per_semester(15, 30),
        ),
        (
            "<p>Les étudiants suivent entre 20 et 30 crédits ECTS par semestre.</p>",
            _per_semester(20, 30),
        ),
        ("<p>Mindestens 20 und höchstens 30 ECTS-Punkte pro Semester.</p>", _per_semester(20, 30)),
        (
            "<p>Il Learning Agreement comprende almeno 20 crediti ECTS per semestre.</p>",
            _per_semester(20),
        ),
        ("<p>Vähintään 20 opintopistettä lukukaudessa.</p>", _per_semester(20)),
        ("<p>Un minimum de 12 crédits ECTS par trimestre.</p>", _per_semester(12)),
        (
            "<p>The full workload at Aalto is 30 ECTS credits per semester.</p>",
            _per_semester(typical=30),
        ),
        (
            "<p>Up to 60 ECTS per academic year.</p>",
            {"year": {"per": "year", "min": None, "max": 60, "typical": None}},
        ),
        (
            "<p>At least 20 ECTS credits per semester. A typical semester is 30 ECTS.</p>",
            _per_semester(20, typical=30),
        ),
        ("<p>Un semestre d'échange représente 30 ECTS.</p>", _per_semester(typical=30)),
        (
            "<p>A full semester load is 30 ECTS, and 60 ECTS for the full year.</p>",
            {
                **_per_semester(typical=30),
                "year": {"per": "year", "min": None, "max": None, "typical": 60},
            },
        ),
        (
            "<p>A learning agreement of 30 ECTS per semester, or 60 ECTS for the full year.</p>",
            {
                **_per_semester(typical=30),
                "year": {"per": "year", "min": None, "max": None, "typical": 60},
            },
        ),
    ],
)
def test_credits_are_read_with_their_bounds_and_unit(
    body: str, expected: dict[str, dict[str, object]]
) -> None:
    assert _credits(body) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "Last year our exchange students earned an average of 26 ECTS per semester.",
        "Our exchange students earn a median of 28 ECTS per semester.",
        "91% of exchange students complete 30 ECTS per semester.",
        "En 2025, les étudiants accueillis ont validé en moyenne 28 crédits ECTS par semestre.",
        "26 CFU medi per semestre maturati dagli studenti in corso.",
    ],
)
def test_a_statistic_of_what_students_earned_is_not_the_offer(sentence: str) -> None:
    # Decision 0261: the offer's figure stays, the statistic beside it is not read.
    body = f"<p>The study plan holds at least 20 ECTS per semester. {sentence}</p>"
    assert _credits(body) == _per_semester(20)


def test_an_average_load_without_what_was_earned_is_the_usual_load() -> None:
    body = "<p>Gli studenti seguono in media 30 crediti ECTS per semestre.</p>"
    assert _credits(body) == _per_semester(typical=30)


def test_a_box_of_key_figures_gives_no_credits() -> None:
    body = "<h2>L'université en chiffres</h2><ul><li>28 crédits ECTS par semestre</li></ul>"
    assert _credits(body) == {}


@pytest.mark.parametrize(
    "body",
    [
        "<p>Un projet de 10 ECTS et des cours électifs, soit 30 ECTS au total par semestre.</p>",
        "<p>Each semester is a project worth 15 ECTS plus courses, 30 ECTS in total.</p>",
    ],
)
def test_the_total_a_sentence_states_is_the_load_not_its_parts(body: str) -> None:
    assert _credits(body) == _per_semester(typical=30)


def test_a_range_may_name_both_bounds() -> None:
    body = "<p>Almeno 20 e al massimo 35 crediti ECTS per semestre.</p>"
    assert _credits(body) == _per_semester(20, 35)


def test_credits_without_a_unit_of_time_are_prerequisites_not_loads() -> None:
    assert _credits("<p>At least 60 ECTS must be completed before the exchange.</p>") == {}


def test_credits_spread_over_sentences_keep_both_sentences_as_snippet() -> None:
    body = (
        "<p>Students must register for at least 15 ECTS credits per semester. The maximum"
        " number of credits per semester is 30 ECTS.</p>"
    )
    (fact,) = parse_credits(blocks_of(f"<main>{body}</main>"), URL)
    assert fact.snippet == (
        "Students must register for at least 15 ECTS credits per semester. … The maximum"
        " number of credits per semester is 30 ECTS."
    )


@pytest.mark.parametrize(
    ("body", "options"),
    [
        ("<p>Exchange students can stay for one or two semesters.</p>", ["semester", "year"]),
        (
            "<p>Il soggiorno può durare un semestre o un intero anno accademico.</p>",
            ["semester", "year"],
        ),
        (
            "<p>Vaihtoon voi tulla yhdeksi lukukaudeksi tai koko lukuvuodeksi.</p>",
            ["semester", "year"],
        ),
        ("<p>Les étudiants en échange viennent pour un semestre.</p>", ["semester"]),
        (
            "<h1>Venir en échange</h1><p>Pour un semestre ou une année complète.</p>",
            ["semester", "year"],
        ),
    ],
)
def test_duration_options_are_read_where_a_stay_is_the_subject(
    body: str, options: list[str]
) -> None:
    (fact,) = parse_duration(blocks_of(f"<main>{body}</main>"), URL)
    assert fact.value.to_json() == {"options": options}


def test_one_or_two_semesters_is_a_stay_even_without_stay_wording() -> None:
    body = "<p>Vous souhaitez passer un ou deux semestres à l'UCO ?</p>"
    (fact,) = parse_duration(blocks_of(f"<main>{body}</main>"), URL)
    assert fact.value.to_json() == {"options": ["semester", "year"]}


def test_a_room_for_one_semester_is_housing_not_a_stay() -> None:
    body = "<p>Exchange students are guaranteed a room for one semester.</p>"
    assert parse_duration(blocks_of(f"<main>{body}</main>"), URL) == []


def test_a_semester_mentioned_outside_a_stay_is_not_a_duration() -> None:
    body = "<p>The full workload is 30 ECTS per semester; one semester of French is offered.</p>"
    assert parse_duration(blocks_of(f"<main>{body}</main>"), URL) == []


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "<p>The study plan holds 30 ECTS per semester, and at least 24.</p>",
            _per_semester(low=24, typical=30),
        ),
        (
            "<p>Au moins 20 crédits ECTS par semestre, et pas plus de 33.</p>",
            _per_semester(low=20, high=33),
        ),
        (
            "<p>Up to 32 ECTS per semester, 64 for the full year.</p>",
            {
                **_per_semester(high=32),
                "year": {"per": "year", "min": None, "max": 64, "typical": None},
            },
        ),
        # A bound word just before a number is that number's, not the load's before it.
        (
            "<p>Take 30 ECTS per semester (minimum 18 ECTS).</p>",
            _per_semester(low=18, typical=30),
        ),
        # A number with neither a bound nor a unit of its own is not a number of credits.
        ("<p>At least 20 ECTS per semester, in 4 courses.</p>", _per_semester(low=20)),
    ],
)
def test_a_number_said_without_its_unit_after_credits_is_a_bound_of_them(
    body: str, expected: dict[str, dict[str, object]]
) -> None:
    assert _credits(body) == expected


@pytest.mark.parametrize(
    ("body", "options"),
    [
        (
            "<p>Si accettano mobilità semestrali e, per i master, mobilità annuali.</p>",
            ["semester", "year"],
        ),
        ("<p>We welcome semester-long exchanges only.</p>", ["semester"]),
    ],
)
def test_a_stay_named_by_its_adjective_is_a_duration(body: str, options: list[str]) -> None:
    (fact,) = parse_duration(blocks_of(f"<main>{body}</main>"), URL)
    assert fact.value.to_json() == {"options": options}


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "<p>A standard semester is 30 ECTS. Each student must enrol for at least 18 ECTS.</p>",
            _per_semester(18, None, 30),
        ),
        (
            "<p>Plan on 30 ECTS per semester.</p><p>Your study plan may not exceed 36 ECTS.</p>",
            _per_semester(None, 36, 30),
        ),
        (
            "<p>One semester is 30 ECTS. We advise taking between 24 and 33 ECTS.</p>",
            _per_semester(24, 33, 30),
        ),
    ],
)
def test_a_bound_said_after_the_sections_load_is_that_loads(
    body: str, expected: dict[str, dict[str, object]]
) -> None:
    # Decision 0326: the bound's sentence names no unit of its own.
    assert _credits(body) == expected


@pytest.mark.parametrize(
    "body",
    [
        (
            "<p>Students take 30 ECTS per semester. Applicants must have completed at least"
            " 60 ECTS.</p>"
        ),
        "<p>Students take 30 ECTS per semester.</p><p>Applicants need a minimum of 90 ECTS.</p>",
        (
            "<h2>Load</h2><p>Students take 30 ECTS per semester.</p><h2>Admission</h2>"
            "<p>You need at least 20 ECTS.</p>"
        ),
    ],
)
def test_a_prerequisite_or_another_sections_bound_is_not_the_loads(body: str) -> None:
    assert _credits(body) == _per_semester(None, None, 30)


def test_a_period_named_before_its_figure_in_brackets_is_what_the_figure_is_per() -> None:
    assert _credits("<p>Uno semestre (30 CFU) oppure un anno accademico (60 CFU).</p>") == {
        **_per_semester(None, None, 30),
        "year": {"per": "year", "min": None, "max": None, "typical": 60},
    }


@pytest.mark.parametrize(
    "body",
    [
        (
            "<p>A two-week Spanish course (5 ECTS) takes place before each semester.</p>"
            "<p>Students take 30 ECTS per semester.</p>"
        ),
        (
            "<p>Un corso di italiano (3 CFU) si tiene prima di ogni semestre.</p>"
            "<p>Gli studenti seguono 30 CFU per semestre.</p>"
        ),
    ],
)
def test_a_course_held_before_each_semester_is_not_a_load_per_semester(body: str) -> None:
    # Decision 0350: "before each semester" says when, not what a figure is per.
    assert _credits(body) == _per_semester(typical=30)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("<p>In one semester you may take up to 36 ECTS and no fewer than 15.</p>", (15, 36)),
        ("<p>En un semestre, un étudiant suit au plus 33 crédits ECTS.</p>", (None, 33)),
    ],
)
def test_in_a_semester_is_what_the_credits_are_per(
    body: str, expected: tuple[int | None, int | None]
) -> None:
    assert _credits(body) == _per_semester(*expected)


@pytest.mark.parametrize(
    "body",
    [
        "<p>We expect 30 ECTS per semester, i.e. 60 ECTS per academic year.</p>",
        "<p>Il piano prevede 30 CFU per semestre, cioè 60 CFU per l'anno accademico.</p>",
        "<p>Comptez 30 crédits ECTS par semestre et 60 pour l'année universitaire.</p>",
        "<p>Plan 30 ECTS per term, 60 for the year.</p>",
    ],
)
def test_a_load_restated_per_year_is_a_second_load_not_a_total_of_parts(body: str) -> None:
    # Decision 0350: "ovvero", "i.e." before a figure per another unit restate the load.
    assert _credits(body) == {
        **_per_semester(typical=30),
        "year": {"per": "year", "min": None, "max": None, "typical": 60},
    }


@pytest.mark.parametrize(
    "body",
    [
        "<p>Exchange students may come for the autumn term, the spring term or both.</p>",
        "<p>Exchange students join us in semester 1, in semester 2, or for both.</p>",
        (
            "<p>Les étudiants en échange viennent au semestre d'automne, au semestre de printemps"
            " ou les deux.</p>"
        ),
        "<p>È possibile un soggiorno semestrale o annuale.</p>",
        "<h2>Durée</h2><p>Semestre ou année universitaire.</p>",
    ],
)
def test_a_term_or_both_and_a_semester_or_a_year_are_both_options(body: str) -> None:
    # Decision 0350.
    (fact,) = parse_duration(blocks_of(f"<main>{body}</main>"), URL)
    assert fact.value.to_json() == {"options": ["semester", "year"]}


def test_a_semester_or_a_year_outside_a_stay_is_not_a_duration() -> None:
    body = "<p>Last year 85 students went abroad for a semester or a year.</p>"
    assert parse_duration(blocks_of(f"<main>{body}</main>"), URL) == []


@pytest.mark.parametrize(
    "body",
    [
        "<p>Partner students may spend Semester B, Semester A or both terms with us.</p>",
        "<p>L'échange dure un quadrimestre ou une année académique.</p>",
        "<p>Les étudiants en échange viennent un trimestre ou deux trimestres consécutifs.</p>",
        "<p>Gli studenti possono frequentare un semestre oppure l'intero anno accademico.</p>",
    ],
)
def test_quadrimestres_trimestres_and_lettered_semesters_are_stays_of_a_term(body: str) -> None:
    # Decision 0380: Belgian quadrimestres, Quebec trimestres, British "Semester A/B", and the
    # Italian "frequentare" (to attend) of a stay.
    (fact,) = parse_duration(blocks_of(f"<main>{body}</main>"), URL)
    assert fact.value.to_json() == {"options": ["semester", "year"]}


def test_attending_a_course_for_a_semester_is_no_stay() -> None:
    body = "<p>Per frequentare il corso di italiano del secondo semestre serve il livello A2.</p>"
    assert parse_duration(blocks_of(f"<main>{body}</main>"), URL) == []


def test_a_bound_after_a_semicolon_and_an_italian_is_is_the_loads() -> None:
    # "il massimo consentito è di 36 CFU": "è" is no "e" (and) that would cut "massimo" from
    # its number (decision 0380).
    body = "<p>Il carico normale è di 30 CFU a semestre; il massimo consentito è di 36 CFU.</p>"
    assert _credits(body) == _per_semester(high=36, typical=30)


def test_credits_per_quadrimestre_and_the_usual_load_are_per_semester() -> None:
    # Belgian universities count their year in quadrimestres (decision 0380).
    body = (
        "<p>Le contrat d'études compte au minimum 24 et au maximum 33 crédits ECTS par"
        " quadrimestre ; la charge habituelle est de 30 crédits.</p>"
    )
    assert _credits(body) == _per_semester(low=24, high=33, typical=30)


@pytest.mark.parametrize(
    "body",
    [
        "<p>Au moins 18 crédits ECTS par semestre, dont au plus 8 crédits de stage.</p>",
        "<p>At least 18 ECTS per semester, of which no more than 8 ECTS in language courses.</p>",
        "<p>Almeno 18 CFU a semestre, di cui al massimo 8 CFU di tirocinio.</p>",
    ],
)
def test_a_bound_on_a_part_of_the_load_is_not_the_loads(body: str) -> None:
    # "dont" / "of which" / "di cui" bound a part of the load, not the load (decision 0380).
    assert _credits(body) == _per_semester(low=18)


@pytest.mark.parametrize(
    "body",
    [
        (
            "<p>A Swedish course for beginners (level A1, 5 ECTS) runs in each semester."
            " The load is 30 ECTS per semester.</p>"
        ),
        (
            "<p>Un cours de français (niveau A2, 3 crédits ECTS) est proposé chaque semestre."
            " La charge normale est de 30 crédits ECTS par semestre.</p>"
        ),
    ],
)
def test_a_courses_credits_in_brackets_are_not_the_load(body: str) -> None:
    # Decision 0380: the brackets beside a course give that course's credits.
    assert _credits(body) == _per_semester(typical=30)


def test_a_load_restated_in_brackets_after_courses_is_still_the_load() -> None:
    body = "<p>Students pick courses worth 30 ECTS per semester (60 ECTS per year).</p>"
    assert _credits(body) == {
        **_per_semester(typical=30),
        "year": {"per": "year", "min": None, "max": None, "typical": 60},
    }


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # "ne peut dépasser" without its "pas" is a maximum.
        (
            "<p>Le programme d'études ne peut dépasser 34 crédits ECTS par semestre.</p>",
            _per_semester(high=34),
        ),
        # "for one semester" says what the load is per.
        (
            (
                "<p>28 ECTS is the normal load for one semester. You may take up to 36 ECTS per"
                " semester.</p>"
            ),
            _per_semester(high=36, typical=28),
        ),
        # A term equated with its load, with where it is spent between them.
        (
            "<p>Un semestre à l'École Alpha correspond à 30 crédits ECTS.</p>",
            _per_semester(typical=30),
        ),
        (
            "<p>Il primo anno vale 60 CFU, stage compreso.</p>",
            _per_semester(typical=60, per="year"),
        ),
        # The bound after "dont" is the part's, not the year's.
        (
            "<p>L'année d'échange vaut 60 crédits ECTS, dont 20 au minimum en atelier.</p>",
            _per_semester(typical=60, per="year"),
        ),
        # A whole year named, its credits in brackets a few words after it.
        (
            (
                "<p>Students spend the whole final year at our campus in Lyon (60 ECTS, project"
                " included).</p>"
            ),
            _per_semester(typical=60, per="year"),
        ),
        # A range with "un minimo di … a un massimo di …".
        (
            (
                "<p>Il piano di studi comprende da un minimo di 18 a un massimo di 32 CFU per"
                " semestre.</p>"
            ),
            _per_semester(18, 32),
        ),
        # "cioè" restates the minimum per year: a minimum too.
        (
            (
                "<p>Lo studente deve conseguire almeno 24 CFU per semestre, cioè 48 CFU per l'anno"
                " intero.</p>"
            ),
            {**_per_semester(low=24), **_per_semester(low=48, per="year")},
        ),
        # Credits on a page that never names ECTS are a school's own (Quebec).
        ("<p>Un programme à temps plein compte de 12 à 15 crédits par trimestre.</p>", {}),
        (
            "<p>La charge est de 30 crédits par semestre (système ECTS).</p>",
            _per_semester(typical=30),
        ),
        # A seminar's credits in brackets are the seminar's.
        (
            (
                "<p>Ogni semestre il centro organizza il seminario «Scrivere una tesi» (3 CFU"
                " per chi lo riconosce).</p>"
            ),
            {},
        ),
        # A course unit's credits bound no load.
        (
            (
                "<p>Le contrat d'études compte au plus 30 crédits ECTS par semestre. Les modules"
                " valent de 3 à 6 crédits.</p>"
            ),
            _per_semester(high=30),
        ),
    ],
)
def test_credits_rules_of_batches_9_and_10(body: str, expected: dict[str, object]) -> None:
    assert _credits(body) == expected


@pytest.mark.parametrize(
    ("body", "options"),
    [
        # Decision 0405: "or (for) the (whole) year" after a named term or two.
        (
            (
                "<p>Partner students join us for the autumn term (September to December), the"
                " spring term (January to May) or the whole academic year.</p>"
            ),
            ["semester", "year"],
        ),
        (
            "<p>On peut venir pour un semestre ou pour l'année universitaire.</p>",
            ["semester", "year"],
        ),
        ("<p>Si può venire per un semestre o per l'anno intero.</p>", ["semester", "year"]),
        ("<p>Guests may come for one, two or three quarters.</p>", ["semester", "year"]),
        (
            (
                "<table><tr><th>Length of stay</th><td>A single term (autumn or spring) or a full"
                " year</td></tr></table>"
            ),
            ["semester", "year"],
        ),
        (
            (
                "<p>Nous accueillons les étudiants d'échange pour une année complète.</p>"
                "<p>Les séjours d'un semestre ne sont pas possibles.</p>"
            ),
            ["year"],
        ),
        ("<p>One-semester stays are not possible; exchanges last a full year.</p>", []),
    ],
)
def test_stays_offered_side_by_side_or_refused(body: str, options: list[str]) -> None:
    facts = parse_duration(blocks_of(f"<main>{body}</main>"), URL)
    assert [fact.value.to_json()["options"] for fact in facts] == ([options] if options else [])


def test_a_table_of_figures_under_a_header_of_students_is_no_stay() -> None:
    # Decision 0405: only a header naming a stay's length makes its cell a stay.
    body = "<table><tr><th>Exchange students</th><td>650 a year</td></tr></table>"
    assert parse_duration(blocks_of(f"<main>{body}</main>"), URL) == []
