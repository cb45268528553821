"""Application and nomination deadlines, per semester, in prose, lists and tables."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from scrapers.extract.deadlines import parse_deadlines
from scrapers.extract.pipeline import extract_page
from scrapers.extract.vocabulary import AUTUMN, SPRING
from service.catalogue.fact_values import Deadline
from service.catalogue.fields import FactField
from tests.scrapers.extract.blocks_of import blocks_of

URL = "https://partner.example/exchange"


def _deadlines(body: str, *, winter: str = AUTUMN) -> dict[str, tuple[str, str | None]]:
    facts = parse_deadlines(blocks_of(f"<main>{body}</main>"), URL, winter=winter)
    deadlines = {fact.key: fact.value for fact in facts}
    assert all(isinstance(value, Deadline) for value in deadlines.values())
    return {
        key: (str(value.date), value.opens)
        for key, value in deadlines.items()
        if isinstance(value, Deadline)
    }


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            (
                "<p>A specific application form must reach us by June 1st for the autumn semester"
                " and by November 15 for the spring semester.</p>"
            ),
            {"application/autumn": ("--06-01", None), "application/spring": ("--11-15", None)},
        ),
        (
            (
                "<p>Le dossier de candidature doit être déposé avant le 1er mai 2025 pour le"
                " semestre d'automne et avant le 1er novembre 2025 pour le semestre de"
                " printemps.</p>"
            ),
            {
                "application/autumn": ("2025-05-01", None),
                "application/spring": ("2025-11-01", None),
            },
        ),
        (
            (
                "<p>L'università di appartenenza deve inviare la nomina entro il 15 maggio 2025 per"
                " il primo semestre e entro il 15 novembre 2025 per il secondo semestre.</p>"
            ),
            {
                "nomination/autumn": ("2025-05-15", None),
                "nomination/spring": ("2025-11-15", None),
            },
        ),
        (
            (
                "<p>Bewerbungsfrist für das Wintersemester: 15. Mai 2025; für das Sommersemester:"
                " 15. November 2025.</p>"
            ),
            {
                "application/autumn": ("2025-05-15", None),
                "application/spring": ("2025-11-15", None),
            },
        ),
        (
            (
                "<p>Kotikorkeakoulun tulee lähettää nimeämiset syksyn vaihtoon 1.4. mennessä ja"
                " kevään vaihtoon 1.10. mennessä.</p>"
            ),
            {"nomination/autumn": ("--04-01", None), "nomination/spring": ("--10-01", None)},
        ),
        (
            "<p>Les candidatures sont ouvertes du 1er mars au 15 avril 2025.</p>",
            {"application/any": ("2025-04-15", "2025-03-01")},
        ),
    ],
)
def test_deadlines_in_prose_take_the_semester_of_their_own_clause(
    body: str, expected: dict[str, tuple[str, str | None]]
) -> None:
    assert _deadlines(body) == expected


def test_a_list_takes_its_kind_from_the_sentence_that_introduces_it() -> None:
    body = (
        "<p><strong>Nomination deadlines</strong></p>"
        "<ul><li>Fall semester: April 30, 2025</li><li>Spring semester: October 31, 2025</li></ul>"
    )
    assert _deadlines(body) == {
        "nomination/autumn": ("2025-04-30", None),
        "nomination/spring": ("2025-10-31", None),
    }


def test_a_label_opening_a_paragraph_speaks_for_all_its_dates() -> None:
    body = (
        "<p><b>Spring term (January \u2013 May):</b> nominations until 1 October,"
        " applications until 1 November.</p>"
    )
    assert _deadlines(body) == {
        "nomination/spring": ("--10-01", None),
        "application/spring": ("--11-01", None),
    }


def test_a_table_takes_kind_and_semester_from_its_headers_either_way_round() -> None:
    semesters_as_rows = (
        "<table><thead><tr><th>Semester</th><th>Nomination deadline</th>"
        "<th>Application deadline</th></tr></thead>"
        "<tr><td>Autumn 2025</td><td>15.4.2025</td><td>1.5.2025</td></tr>"
        "<tr><td>Spring 2026</td><td>15.10.2025</td><td>1.11.2025</td></tr></table>"
    )
    semesters_as_columns = (
        "<table><tr><th></th><th>Wintersemester 2025/26</th><th>Sommersemester 2026</th></tr>"
        "<tr><th>Nominierung</th><td>15.4.2025</td><td>15.10.2025</td></tr>"
        "<tr><th>Bewerbungsschluss</th><td>1.5.2025</td><td>1.11.2025</td></tr>"
        "<tr><th>Vorlesungsbeginn</th><td>13.10.2025</td><td>13.4.2026</td></tr></table>"
    )
    expected = {
        "nomination/autumn": ("2025-04-15", None),
        "application/autumn": ("2025-05-01", None),
        "nomination/spring": ("2025-10-15", None),
        "application/spring": ("2025-11-01", None),
    }
    assert _deadlines(semesters_as_rows) == expected
    assert _deadlines(semesters_as_columns) == expected


@pytest.mark.parametrize(
    "body",
    [
        "<p>Applications open on 1 March.</p>",
        "<p>The application results are published on 1 June.</p>",
        "<p>Teaching starts on 2 September 2025; the orientation week begins on 25 August.</p>",
        (
            "<table><tr><td>Publication of selection results</td><td>Fri 3.3.</td></tr>"
            "<tr><td>Applicant's studies checked for selection</td><td>Thu 2.2.</td></tr></table>"
        ),
        "<h2>Application</h2><p>Welcome day for exchange students: 1 September 2025.</p>",
    ],
)
def test_dates_that_are_not_deadlines_are_left_out(body: str) -> None:
    assert _deadlines(body) == {}


@pytest.mark.parametrize(("winter", "semester"), [(AUTUMN, "autumn"), (SPRING, "spring")])
def test_winter_means_what_the_page_country_means(winter: str, semester: str) -> None:
    body = "<p>Date limite de dépôt des dossiers pour le trimestre d'hiver : 30 septembre 2025.</p>"
    assert _deadlines(body, winter=winter) == {f"application/{semester}": ("2025-09-30", None)}


def test_a_winter_semester_that_starts_in_october_is_the_autumn_one_on_the_whole_page() -> None:
    body = (
        "<p>Winter semester (October to February): application by 15 May 2027.</p>"
        "<p>Summer semester (March to July): application by 15 November 2027.</p>"
        "<p>Late applications are considered until 15 June 2027 for the winter semester.</p>"
    )
    assert _deadlines(body, winter=SPRING) == {
        "application/autumn": ("2027-05-15", None),
        "application/spring": ("2027-11-15", None),
        "application/autumn/2": ("2027-06-15", None),
    }


def test_an_arrival_that_names_its_month_is_a_semester_not_another_kind_of_date() -> None:
    body = (
        "<p><strong>Date limite : 31 mars</strong> pour une arrivée en septembre ; "
        "<strong>31 octobre</strong> pour une arrivée en janvier.</p>"
    )
    assert _deadlines(body) == {
        "application/autumn": ("--03-31", None),
        "application/spring": ("--10-31", None),
    }
    assert _deadlines("<p>Arrivée des étudiants : 31 août 2027.</p>") == {}


def test_a_later_round_without_a_semester_is_for_the_semester_of_the_round_before() -> None:
    body = (
        "<p>Primo round: nomination entro il 15 marzo 2027 (mobilità nel primo semestre).</p>"
        "<p>Secondo round, solo per i posti non assegnati: nomination entro il 15 maggio 2027.</p>"
        "<p>Nomination entro il 30 giugno 2027 per i programmi brevi.</p>"
    )
    assert _deadlines(body) == {
        "nomination/autumn": ("2027-03-15", None),
        "nomination/autumn/2": ("2027-05-15", None),
        "nomination/any": ("2027-06-30", None),  # not a later round: no semester inherited
    }
    other = "<p>Nomination entro il 15 marzo 2027.</p><p>Nomination entro il 15 maggio 2027.</p>"
    assert _deadlines("<p>Primo semestre.</p>" + other) == {
        "nomination/any": ("2027-03-15", None),
        "nomination/any/2": ("2027-05-15", None),
    }


def test_every_deadline_of_a_kind_and_semester_is_kept_the_first_under_its_usual_key() -> None:
    body = (
        "<p>Nominations for the autumn semester: 15 April 2025.</p>"
        "<p>Late nominations for the autumn semester: 1 May 2025.</p>"
        "<p>Nominations for the autumn semester close on 15 April 2025.</p>"
    )
    assert _deadlines(body) == {
        "nomination/autumn": ("2025-04-15", None),
        "nomination/autumn/2": ("2025-05-01", None),
    }


def test_a_deadline_keeps_its_sentence_and_headers_as_snippet() -> None:
    body = (
        "<table><thead><tr><th>Semester</th><th>Nomination deadline</th></tr></thead>"
        "<tr><td>Autumn 2025</td><td>15.4.2025</td></tr></table>"
    )
    (fact,) = parse_deadlines(blocks_of(f"<main>{body}</main>"), URL)
    assert fact.snippet == "Autumn 2025 | Nomination deadline | 15.4.2025"
    assert (fact.source_url, fact.extractor, fact.confidence) == (URL, "generic/deadlines", 0.85)


def test_dates_without_a_semester_follow_the_semesters_of_the_deadlines_before_them() -> None:
    # "… respectively": the second sentence's dates go with the first sentence's semesters.
    body = (
        "<p>Partners nominate their students by 1 May 2027 (autumn semester) or by 2 November"
        " 2027 (spring semester). The nominated students then apply by 20 May 2027 or 20"
        " November 2027 respectively.</p>"
    )
    assert _deadlines(body) == {
        "nomination/autumn": ("2027-05-01", None),
        "nomination/spring": ("2027-11-02", None),
        "application/autumn": ("2027-05-20", None),
        "application/spring": ("2027-11-20", None),
    }


def test_one_date_without_a_semester_does_not_borrow_one() -> None:
    body = (
        "<p>Nominations by 1 May 2027 (autumn) or 2 November 2027 (spring).</p>"
        "<p>Applications by 20 May 2027.</p>"
    )
    assert _deadlines(body)["application/any"] == ("2027-05-20", None)


def test_two_kinds_in_one_sentence_are_steps_and_borrow_no_semesters() -> None:
    # Decision 0326: a partner's shortlist, then each candidate's file.
    body = (
        "<p>Nominations by 1 May 2027 (autumn) or 2 November 2027 (spring).</p>"
        "<h2>Joint degree</h2><p>Partner schools send us the list of their selected candidates"
        " before 10 February 2027; each candidate then applies by 10 March 2027.</p>"
    )
    deadlines = _deadlines(body)
    assert deadlines["nomination/any"] == ("2027-02-10", None)
    assert deadlines["application/any"] == ("2027-03-10", None)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "<p>Your home coordinator nominates the selected candidates by 20 January 2027.</p>",
            {"nomination/any": ("2027-01-20", None)},
        ),
        (
            "<p>Once nominated, you have until 3 June 2027 to send your application.</p>",
            {"application/any": ("2027-06-03", None)},
        ),
        (
            (
                "<p>Les étudiants peuvent demander une chambre. Le dossier social étudiant du"
                " CROUS se remplit avant le 15 mai.</p>"
            ),
            {},
        ),
    ],
)
def test_who_is_nominated_and_what_the_date_is_about_decide_its_kind(
    body: str, expected: dict[str, tuple[str, str | None]]
) -> None:
    assert _deadlines(body) == expected


def test_a_label_opening_a_sentence_names_its_dates_semester() -> None:
    body = (
        "<p>Calendar: autumn 2027: nomination by 15 April 2027, application by 30 April 2027."
        " Spring 2028: nomination by 15 October 2027, application by 31 October 2027.</p>"
    )
    assert _deadlines(body) == {
        "nomination/autumn": ("2027-04-15", None),
        "application/autumn": ("2027-04-30", None),
        "nomination/spring": ("2027-10-15", None),
        "application/spring": ("2027-10-31", None),
    }


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            (
                "<h2>Nomination</h2><p>For the spring semester the window closes on 1 October"
                " 2027.</p>"
            ),
            {"nomination/spring": ("2027-10-01", None)},
        ),
        (
            (
                "<h2>Nomination</h2><p>Per il secondo semestre la finestra si chiude il 1 ottobre"
                " 2027.</p>"
            ),
            {"nomination/spring": ("2027-10-01", None)},
        ),
        (
            "<p>Partner universities send the list of nominated students by 30 April 2027.</p>",
            {"nomination/any": ("2027-04-30", None)},
        ),
    ],
)
def test_a_window_that_closes_and_a_list_of_nominees_are_nomination_deadlines(
    body: str, expected: dict[str, tuple[str, str | None]]
) -> None:
    assert _deadlines(body) == expected


def test_short_paragraphs_after_a_colon_read_as_a_list() -> None:
    # "<p>…is:</p><p>date for a term</p><p>date for a term</p>": paragraphs, not a list.
    body = (
        "<p>The last date to complete an application is:</p>"
        "<p>March 3 for a Fall term or Full-Year exchange</p>"
        "<p>September 17 for a Spring term exchange</p>"
    )
    assert _deadlines(body) == {
        "application/autumn": ("--03-03", None),
        "application/spring": ("--09-17", None),
    }


def test_online_registration_is_the_exchange_students_application() -> None:
    body = (
        "<h2>Online registration</h2>"
        "<ul><li>From 1 February to 28 May (autumn semester or full year)</li>"
        "<li>From 1 February to 27 November (spring semester)</li></ul>"
    )
    assert _deadlines(body) == {
        "application/autumn": ("--05-28", "--02-01"),
        "application/spring": ("--11-27", "--02-01"),
    }


def test_a_date_given_for_its_own_semester_under_a_kind_heading_is_a_deadline() -> None:
    # Decision 0350: "Coordinators please note the dates: 1 May for …" says no "by" or
    # "deadline"; the heading names the kind and each date names its semester.
    body = (
        "<h2>Nomination</h2><p>Partner coordinators, please keep these dates in mind: 15 April"
        " for the autumn semester, 15 October for the spring semester.</p>"
    )
    assert _deadlines(body) == {
        "nomination/autumn": ("--04-15", None),
        "nomination/spring": ("--10-15", None),
    }


@pytest.mark.parametrize(
    "body",
    [
        "<h2>Application</h2><p>Welcome week: 2 September for the autumn semester.</p>",
        "<h2>Application</h2><p>Our office moved to the library on 3 March 2027.</p>",
    ],
)
def test_a_date_under_a_kind_heading_needs_its_own_semester_or_a_limit(body: str) -> None:
    assert _deadlines(body) == {}


@pytest.mark.parametrize(
    ("body", "winter"),
    [
        (
            (
                "<p><strong>Autumn, or autumn and spring:</strong> your university nominates you"
                " by 1 April; you apply by 1 May.</p>"
            ),
            AUTUMN,
        ),
        (
            "<p>Fall, or Fall and Winter: nomination by 1 April; application by 1 May.</p>",
            SPRING,
        ),
        (
            (
                "<p>Fall term or both terms: nomination by 1 April, then the application by"
                " 1 May.</p>"
            ),
            SPRING,
        ),
    ],
)
def test_a_term_or_that_term_with_the_next_is_the_first_terms_deadline(
    body: str, winter: str
) -> None:
    # Decision 0350: the stay starts in the first term either way.
    assert _deadlines(body, winter=winter) == {
        "nomination/autumn": ("--04-01", None),
        "application/autumn": ("--05-01", None),
    }


@pytest.mark.parametrize(
    "note",
    [
        (
            "The deadlines above apply to the autumn semester; for the spring semester the only"
            " deadline is 31 October 2027."
        ),
        (
            "Les dates ci-dessus valent pour le semestre d'automne ; pour le semestre de printemps,"
            " date limite unique le 31 octobre 2027."
        ),
        (
            "Le scadenze sopra indicate valgono per il semestre autunnale; per il semestre"
            " primaverile la scadenza è il 31 ottobre 2027."
        ),
    ],
)
def test_a_sentence_about_the_deadlines_above_gives_them_its_semester(note: str) -> None:
    body = (
        "<h2>Deadlines by programme</h2><ul><li>Physics: application by 31 March 2027</li>"
        f"<li>Chemistry: application by 15 April 2027</li></ul><p>{note}</p>"
    )
    assert _deadlines(body) == {
        "application/autumn": ("2027-03-31", None),
        "application/autumn/2": ("2027-04-15", None),
        "application/spring": ("2027-10-31", None),
    }


def test_a_sentence_about_the_deadlines_above_speaks_for_its_own_section_only() -> None:
    body = (
        "<h2>Physics</h2><p>Application by 31 March 2027.</p>"
        "<h2>Chemistry</h2><p>Application by 15 April 2027.</p>"
        "<p>The dates above are for the spring semester.</p>"
    )
    assert _deadlines(body) == {
        "application/any": ("2027-03-31", None),
        "application/spring": ("2027-04-15", None),
    }


@pytest.mark.parametrize(
    "body",
    [
        (
            "<p>Semester A and the full year: nomination by 1 April 2027.</p>"
            "<p>Semester B only: nomination by 1 October 2027.</p>"
        ),
        (
            "<p>Désignation pour le Q1 ou l'année : avant le 1er avril 2027 ; pour le Q2"
            " seulement : avant le 1er octobre 2027.</p>"
        ),
        (
            "<p>Date limite de désignation : 1er avril 2027 pour le premier quadrimestre,"
            " 1er octobre 2027 pour le deuxième quadrimestre.</p>"
        ),
    ],
)
def test_semesters_named_by_a_letter_or_a_quadrimestre_are_the_autumn_and_spring(
    body: str,
) -> None:
    # Decision 0380: British "Semester A/B", Belgian "quadrimestre" and its "Q1/Q2".
    assert _deadlines(body) == {
        "nomination/autumn": ("2027-04-01", None),
        "nomination/spring": ("2027-10-01", None),
    }


def test_a_mise_en_candidature_is_the_home_schools_nomination() -> None:
    # Quebec offices write "mise en candidature" for a nomination (decision 0380).
    body = (
        "<h2>Dates limites</h2><p>Mise en candidature par votre université : 1er mars 2027."
        " Demande d'admission en échange : 1er avril 2027.</p>"
    )
    assert _deadlines(body) == {
        "nomination/any": ("2027-03-01", None),
        "application/any": ("2027-04-01", None),
    }


@pytest.mark.parametrize(
    "banner",
    [
        "Admission aux programmes réguliers, trimestre d'hiver : date limite le 1er novembre 2027.",
        "Regular degree programmes: apply by 15 January 2027 for the autumn.",
    ],
)
def test_the_schools_regular_admissions_give_no_exchange_deadline(banner: str) -> None:
    assert _deadlines(f"<p>{banner}</p>") == {}


def test_a_terms_own_dates_beside_its_deadlines_are_no_deadline() -> None:
    # A column of the term's dates in a schedule; "~ date" closes a period (decision 0380).
    body = (
        "<h3>Application schedule</h3><table><tr><th>Semester</th><th>Term dates</th>"
        "<th>Nomination by home university</th><th>Online application</th></tr>"
        "<tr><td>Spring 2028</td><td>2028.03.02 ~ 2028.06.19</td><td>~ 2027.10.15</td>"
        "<td>2027.10.18 ~ 2027.11.05</td></tr></table>"
    )
    assert _deadlines(body) == {
        "nomination/spring": ("2027-10-15", None),
        "application/spring": ("2027-11-05", "2027-10-18"),
    }


def test_the_end_of_a_month_is_a_deadline_beside_its_deadline_word_only() -> None:
    # Decision 0405: "by the end of", "entro la fine di", "fin … au plus tard" are limits; "at
    # the end of June" says when letters are sent.
    body = (
        "<h2>Application deadlines</h2><p>Partner schools nominate students by the end of"
        " February 2028 for the autumn semester.</p><p>Admission letters go out at the end of"
        " June for the autumn semester.</p><p>Le dossier est à déposer fin mai 2028 au plus tard"
        " pour le semestre d'automne.</p>"
    )
    assert _deadlines(body) == {
        "nomination/autumn": ("2028-02-29", None),
        "application/autumn": ("2028-05-31", None),
    }


def test_a_double_degree_tracks_deadline_without_a_semester_is_the_years() -> None:
    # Decision 0405: a track's students stay the whole year; a heading naming the exchange and
    # the double degree both says neither.
    body = (
        "<h1>Exchange and double degree students</h1><h2>Exchange</h2>"
        "<p>Applications are due on 1 May 2028.</p>"
        "<h2>Percorsi di doppio titolo</h2><h3>Ingegneria civile</h3>"
        "<p>Le candidature si chiudono il 20 febbraio 2028.</p>"
    )
    assert _deadlines(body) == {
        "application/any": ("2028-05-01", None),
        "application/year": ("2028-02-20", None),
    }


def test_a_school_that_nominates_its_candidates_sends_a_nomination() -> None:
    # Decision 0405: the candidates a school nominates are no application.
    body = (
        "<h2>Double-degree tracks</h2><p>The partner faculty nominates its candidates by"
        " 10 January 2028; the nominated students apply by 25 January 2028.</p>"
    )
    assert _deadlines(body) == {
        "nomination/year": ("2028-01-10", None),
        "application/year": ("2028-01-25", None),
    }


def test_a_middle_dot_between_two_deadlines_parts_them_as_a_semicolon_does() -> None:
    # Decision 0405: each date takes the kind of its own part of the line.
    body = (
        "<h2>Key dates</h2><p>Nomination period ends 20 April 2028 · Application period ends"
        " 5 May 2028 • Arrival 1 September 2028</p>"
    )
    assert _deadlines(body) == {
        "nomination/any": ("2028-04-20", None),
        "application/any": ("2028-05-05", None),
    }


def test_a_short_line_above_that_names_a_term_gives_the_deadlines_below_it_their_term() -> None:
    # Decision 0405: a bold line over a <br>, a label and no sentence.
    body = (
        "<h2>Dates</h2><p><strong>Spring semester (February to June)</strong><br>"
        "Nominations until 1 November 2027; applications until 20 November 2027</p>"
        "<p>Exchange students are welcome in the autumn.</p><p>Applications are due 1 May 2028.</p>"
    )
    assert _deadlines(body) == {
        "nomination/spring": ("2027-11-01", None),
        "application/spring": ("2027-11-20", None),
        "application/any": ("2028-05-01", None),
    }


@pytest.mark.parametrize(("winter", "semester"), [(AUTUMN, AUTUMN), (SPRING, SPRING)])
def test_a_winter_semester_and_the_full_year_is_the_winter_semester(
    winter: str, semester: str
) -> None:
    # Decision 0405: the label before the colon speaks for the date, not its last clause alone.
    body = (
        "<table><tr><th>Application deadline</th><td>Winter semester and full year:"
        " 30 April 2028</td></tr></table>"
    )
    assert _deadlines(body, winter=winter) == {f"application/{semester}": ("2028-04-30", None)}


@pytest.mark.parametrize(
    "label",
    ["Winter and spring terms only", "Trimestres d'hiver et printemps", "Inverno e primavera"],
)
def test_the_winter_and_spring_terms_of_a_three_term_year_are_the_spring(label: str) -> None:
    # Decision 0405: the two terms after the autumn start in January.
    body = f"<table><tr><th>{label}</th><td>Applications by 10 October 2027</td></tr></table>"
    assert _deadlines(body) == {"application/spring": ("2027-10-10", None)}


@pytest.mark.parametrize(
    ("host", "semester"),
    [("www.uni-example.pl", "autumn"), ("www.uni-example.gr", "autumn"), ("www.u.ca", "spring")],
)
def test_a_winter_semester_is_the_autumn_one_in_central_europe_and_greece(
    host: str, semester: str
) -> None:
    # Decision 0405: a year of a winter and a summer (or spring) semester.
    html = (
        "<html><body><main><h1>Incoming exchange</h1><p>Winter semester: applications by"
        " 15 June 2028.</p></main></body></html>"
    )
    facts = extract_page(html, f"https://{host}/exchange", datetime(2027, 1, 1, tzinfo=UTC)).facts
    assert {f.key for f in facts if f.field is FactField.DEADLINE} == {f"application/{semester}"}


def test_a_terms_number_ends_its_sentence() -> None:
    # Decision 0405: "semester 2." ends the nomination's sentence; the application's is its own.
    body = (
        "<h3>When to apply</h3><p>Your university nominates you by 1 May 2028 for semester 1"
        " and by 1 November 2028 for semester 2. You then fill in the form by 20 May /"
        " 20 November 2028.</p>"
    )
    assert _deadlines(body) == {
        "nomination/autumn": ("2028-05-01", None),
        "nomination/spring": ("2028-11-01", None),
        "application/autumn": ("2028-05-20", None),
        "application/spring": ("2028-11-20", None),
    }


def test_a_range_in_a_table_cell_is_the_deadline_of_its_headers() -> None:
    # Decision 0405: "du 1er au 15 mai" is a period, and a period's end is a limit.
    body = (
        "<table><tr><th></th><th>Candidature</th></tr><tr><th>Semestre d'automne</th>"
        "<td>du 1er au 20 mai 2028</td></tr></table>"
    )
    assert _deadlines(body) == {"application/autumn": ("2028-05-20", "2028-05-01")}


def test_the_deadlines_of_a_school_that_takes_students_for_a_year_only_are_the_years() -> None:
    # Decision 0405: the page's stays last a year, so a deadline without a semester is its.
    html = (
        "<html><body><main><h1>Exchange</h1><p>Exchange students join us for one full academic"
        " year. Single-semester stays are not possible.</p><p>Your home school nominates you by"
        " 1 March 2028; you apply by 31 March 2028.</p></main></body></html>"
    )
    facts = extract_page(
        html, "https://www.arch.example.fr/", datetime(2027, 1, 1, tzinfo=UTC)
    ).facts
    assert {f.key: f.value.semester for f in facts if isinstance(f.value, Deadline)} == {
        "nomination/year": "year",
        "application/year": "year",
    }


@pytest.mark.parametrize(
    "line",
    [
        "Candidatures au cycle ingénieur : jusqu'au 15 juin 2028.",
        "Call for our outgoing students: applications by 20 January 2028.",
        "Bando borse di studio DSU: domande entro il 10 settembre 2028.",
    ],
)
def test_a_degrees_admissions_an_outgoing_call_and_a_study_grant_give_no_deadline(
    line: str,
) -> None:
    # Decision 0405.
    assert _deadlines(f"<h2>Incoming students</h2><p>{line}</p>") == {}


def test_the_date_that_opens_a_news_item_is_the_items_own() -> None:
    # Decision 0405: the item's later date may still be a deadline.
    body = (
        "<h2>Announcements</h2><p>05.03.2028 \u2013 Exchange applications: deadline"
        " 30 April 2028</p>"
        "<h2>Novità</h2><p>10/02/2028 Nuovo regolamento di ateneo</p>"
    )
    assert _deadlines(body) == {"application/any": ("2028-04-30", None)}


def test_an_italian_teaching_period_named_by_its_number_is_a_semester() -> None:
    # Decision 0405: "per il primo periodo didattico" is the autumn, not a term's own dates.
    body = (
        "<h3>Nomination</h3><p>Entro il 15 aprile 2028 per il primo periodo didattico, entro il"
        " 15 ottobre 2028 per il secondo periodo didattico.</p><h3>Calendario</h3>"
        "<p>Inizio del periodo didattico: 20 settembre 2028.</p>"
    )
    assert _deadlines(body) == {
        "nomination/autumn": ("2028-04-15", None),
        "nomination/spring": ("2028-10-15", None),
    }
