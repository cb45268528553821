"""Rules that read a page the same however its markup is written (decision 0396).

Each rule was found by ``bench.extraction_robustness``: the development pages rewritten in
ways that keep their facts; each test here is a rewrite the rule makes harmless.
"""

from __future__ import annotations

from datetime import UTC, datetime

from bench.devset import identities
from scrapers.extract.dom import body_of, parse_html, text_of, trailing_region
from scrapers.extract.pipeline import extract_page

URL = "https://www.ensx.fr/venir-en-echange"
FETCHED = datetime(2026, 12, 1, tzinfo=UTC)


def _facts(body: str) -> set[tuple[object, ...]]:
    html = f'<!DOCTYPE html><html lang="fr"><body>{body}</body></html>'
    return identities(extract_page(html, URL, FETCHED).facts)


def test_soft_hyphens_and_zero_width_spaces_are_not_part_of_the_text() -> None:
    root = parse_html(
        "<p>Candi&shy;dature<b>x</b>ca\u00adlen\u00addrier\u200b\ufeff<i>y</i>fin\u2060al</p>"
    )
    assert text_of(root) == "Candidaturexcalendrieryfinal"


def test_a_cue_word_broken_by_a_soft_hyphen_is_still_read() -> None:
    body = (
        "<main><h2>Calen&shy;drier</h2>"
        "<p>Date limite de candi&shy;dature\u202f: 15\u00a0avril 2027 pour le semestre "
        "d'au&shy;tomne.</p><p>Les cours sont dispensés en fran&shy;çais, niveau B2 "
        "re&shy;quis.</p></main>"
    )
    assert _facts(body) == {
        ("deadline", "application", "autumn", "2027-04-15"),
        ("language_requirement", "fr", "B2"),
    }


def test_a_boxs_heading_ends_with_the_box() -> None:
    # No <main>, the page's own headings bold paragraphs: the news card's heading, about a
    # summer school, was the nearest heading of the whole page, which then read as another
    # programme's.
    body = (
        '<div class="feed"><h2>À la une</h2><div class="card"><p>12/01/2027</p>'
        "<h3><a href=\"/ete\">Université d'été : candidatures jusqu'au 15 février 2027</a></h3>"
        "<p>Trois semaines de cours en juillet.</p></div></div>"
        "<p><strong>Dates limites de candidature</strong></p>"
        "<p>Semestre d'automne : 1er mai 2027</p>"
        "<p>Semestre de printemps : 1er novembre 2026</p>"
    )
    assert _facts(body) == {
        ("deadline", "application", "autumn", "2027-05-01"),
        ("deadline", "application", "spring", "2026-11-01"),
    }


def test_a_wrapper_holding_a_heading_alone_leaves_it_to_what_follows() -> None:
    body = (
        '<div class="block-title"><h2>Dates limites de candidature</h2></div>'
        '<div class="block-text"><ul><li>Semestre d\'automne : 1er mai 2027</li>'
        "<li>Semestre de printemps : 1er novembre 2026</li></ul></div>"
    )
    assert _facts(body) == {
        ("deadline", "application", "autumn", "2027-05-01"),
        ("deadline", "application", "spring", "2026-11-01"),
    }


_CONTENT = (
    "<main><h2>Dates limites de candidature</h2>"
    "<p>Semestre d'automne : 1er mai 2027.</p>"
    '<p>Contact : <a href="mailto:ri@ensx.fr">ri@ensx.fr</a></p></main>'
)
_CONTENT_FACTS = {
    ("deadline", "application", "autumn", "2027-05-01"),
    ("email", "ri@ensx.fr"),
}


def test_a_list_of_links_to_pages_is_a_menu_whatever_its_classes() -> None:
    menu = (
        '<div class="x1f3a"><ul><li><a href="/admissions">Admissions</a><div><ul>'
        '<li><a href="/concours">Concours : inscriptions jusqu\'au 10 janvier 2027</a></li>'
        '<li><a href="/titres">Admission sur titre : candidatures avant le 31 mars 2027</a>'
        '</li></ul></div></li><li><a href="/fle">Cours de français, niveaux A1 à C1</a></li>'
        "</ul></div>"
    )
    assert _facts(menu + _CONTENT) == _CONTENT_FACTS


def test_a_list_of_addresses_or_with_text_of_its_own_is_content() -> None:
    body = (
        '<main><h2>Contacts</h2><ul><li><a href="mailto:ri@ensx.fr">ri@ensx.fr</a></li>'
        '<li><a href="mailto:erasmus@ensx.fr">erasmus@ensx.fr</a></li></ul>'
        "<h2>Dates limites de candidature</h2><ul>"
        '<li>Semestre d\'automne : <a href="/form">formulaire</a> avant le 1er mai 2027</li>'
        '<li>Semestre de printemps : <a href="/form">formulaire</a> avant le 1er novembre 2026'
        "</li></ul></main>"
    )
    assert _facts(body) == {
        ("email", "ri@ensx.fr"),
        ("email", "erasmus@ensx.fr"),
        ("deadline", "application", "autumn", "2027-05-01"),
        ("deadline", "application", "spring", "2026-11-01"),
    }


def test_an_item_of_a_date_alone_then_a_link_is_a_teaser_whatever_its_classes() -> None:
    teasers = (
        '<div class="x9a1"><ul><li><span class="x77b2">3 mars 2027</span> '
        '<a href="/actu/mobilite">Mobilité sortante : candidatures avant le 3 mars 2027</a>'
        '</li><li><span>12/02/2027</span> \u2013 <a href="/actu/forum">Forum : candidatures '
        "jusqu'au 5 février 2027</a></li></ul></div>"
    )
    assert _facts(teasers + _CONTENT) == _CONTENT_FACTS


def test_a_date_in_bold_or_followed_by_words_of_its_own_is_content() -> None:
    body = (
        "<main><h2>Dates limites de candidature</h2><ul>"
        '<li><strong>1er mai 2027</strong> <a href="/automne">semestre d\'automne</a></li>'
        '<li><span>1er novembre 2026</span> pour le <a href="/printemps">semestre de '
        "printemps</a></li></ul></main>"
    )
    assert _facts(body) == {
        ("deadline", "application", "autumn", "2027-05-01"),
        ("deadline", "application", "spring", "2026-11-01"),
    }


def test_the_first_bold_paragraph_of_a_content_without_heading_elements_is_its_title() -> None:
    # Its <h1> and <h2>s written as bold paragraphs: the title "Venir en échange" stays above
    # "Prérequis" instead of being replaced by it, so the stay is still the exchange's.
    body = (
        "<main><p><strong>Venir en échange à l'ENSX</strong></p>"
        "<p>L'ENSX accueille chaque année une centaine d'étudiants.</p>"
        "<p><strong>Prérequis</strong></p>"
        "<p>Les étudiants peuvent venir pour un semestre ou pour une année universitaire.</p>"
        "</main>"
    )
    assert _facts(body) == {("duration", "semester", "year")}


def test_a_card_of_a_date_alone_then_a_linked_title_is_a_teaser_whatever_its_classes() -> None:
    cards = (
        '<div class="x31c"><div class="x5e0"><p class="x8d2">20 janvier 2027</p><p><a '
        'href="/actu/msc">Masters : candidatures prolongées jusqu\'au 15 mars 2027</a></p></div>'
        '<div class="x5e0"><p>12/01/2027</p><h3><a href="/actu/ete">Université d\'été : '
        "inscriptions avant le 15 février 2027</a></h3><p>Cours de français, niveau B1.</p>"
        "</div></div>"
    )
    assert _facts(cards + _CONTENT) == _CONTENT_FACTS


def test_a_date_then_a_paragraph_of_its_own_is_content() -> None:
    body = (
        "<main><h2>Dates limites de candidature</h2><div><p>1er mai 2027</p>"
        "<p>Semestre d'automne : date limite de candidature.</p></div></main>"
    )
    # Not removed: its date is read (its semester, in the next paragraph, is another matter).
    assert {fact[3] for fact in _facts(body) if fact[0] == "deadline"} == {"2027-05-01"}


_REGIONS = (
    '<div class="x01"><p><a href="/">ENSX</a> <a href="/formation">Formation</a></p></div>'
    '<div class="x02"><h1>Venir en échange à l\'ENSX</h1>'
    "<p>L'ENSX accueille chaque année une centaine d'étudiants de ses partenaires.</p>"
    "<p>Date limite de candidature : 1er mai 2027 pour le semestre d'automne.</p>"
    "<p>Bureau des relations internationales : ri@ensx.fr</p></div>"
)


def test_the_last_short_region_of_a_page_without_main_content_is_its_footer() -> None:
    footer = (
        '<div class="x03"><p>ENSX, 1 avenue de l\'Université, 38000 Grenoble</p>'
        "<p>communication@ensx.fr</p></div>"
    )
    assert _facts(_REGIONS + footer) == {
        ("deadline", "application", "autumn", "2027-05-01"),
        ("email", "ri@ensx.fr"),
    }


def test_a_last_region_as_long_as_the_content_is_not_a_footer() -> None:
    second = (
        '<div class="x03"><h2>Contacts</h2><p>Le bureau des relations internationales accueille '
        "les étudiants du lundi au vendredi, de 9 h à 17 h, au bâtiment A, premier étage, "
        "et répond aux questions sur les candidatures et le logement : erasmus@ensx.fr</p></div>"
    )
    assert ("email", "erasmus@ensx.fr") in _facts(_REGIONS + second)


def test_the_footer_by_its_place_is_found_below_the_wrappers_and_only_in_a_row_of_three() -> None:
    wrapped = parse_html(
        "<body><div><div><p>Menu</p></div><div><p>" + "Contenu de la page. " * 10 + "</p></div>"
        "<div><p>Pied de page</p></div></div></body>"
    )
    found = trailing_region(body_of(wrapped))
    assert found is not None
    assert text_of(found) == "Pied de page"
    two = parse_html("<body><div><p>Contenu de la page.</p></div><div><p>Pied</p></div></body>")
    assert trailing_region(body_of(two)) is None
