"""Link texts packing school, acronym, parent, city, country and programme in free text."""

from __future__ import annotations

import pytest

from scrapers.faq.interpret.countries import CountryResolver
from scrapers.faq.interpret.link_text import LinkText, NamedSchool, parse_link_text


@pytest.fixture(scope="module")
def resolver() -> CountryResolver:
    return CountryResolver()


SICOM = "Filière Signal, Image, Communication, Multimédia (SICOM)"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "ENSIM : Ecole Nationale d'Ingénieurs du Mans, France",
            LinkText(
                school=NamedSchool("Ecole Nationale d'Ingénieurs du Mans", short_name="ENSIM"),
                country_text="France",
                country_code="FR",
            ),
        ),
        (
            f"Phelma, Grenoble INP, France, {SICOM} - commune avec Grenoble INP - Ense3",
            LinkText(
                school=NamedSchool("Phelma", parents=("Grenoble INP",)),
                country_text="France",
                country_code="FR",
                programme=SICOM,
                partners=(NamedSchool("Ense3", parents=("Grenoble INP",)),),
            ),
        ),
        (
            (
                "Ecole des Mines Saint-Etienne, Gardanne, France , Cursus ISMIN, "
                "Parcours Embedded Systems"
            ),
            LinkText(
                school=NamedSchool("Ecole des Mines Saint-Etienne"),
                city="Gardanne",
                country_text="France",
                country_code="FR",
                programme="Cursus ISMIN, Parcours Embedded Systems",
            ),
        ),
        (
            "ENSEEIHT, Toulouse INP, France - Science du Numérique",
            LinkText(
                school=NamedSchool("ENSEEIHT", parents=("Toulouse INP",)),
                country_text="France",
                country_code="FR",
                programme="Science du Numérique",
            ),
        ),
        (
            "EILCO : École d'ingénieur de l'Université de Côte d'Opale, CALAIS, France",
            LinkText(
                school=NamedSchool(
                    "École d'ingénieur de l'Université de Côte d'Opale", short_name="EILCO"
                ),
                city="Calais",
                country_text="France",
                country_code="FR",
            ),
        ),
        (
            "Aalto University, Finlande, Master of Science in Technology",
            LinkText(
                school=NamedSchool("Aalto University"),
                country_text="Finlande",
                country_code="FI",
                programme="Master of Science in Technology",
            ),
        ),
        (
            "Université de Sherbrooke - Canada",
            LinkText(
                school=NamedSchool("Université de Sherbrooke"),
                country_text="Canada",
                country_code="CA",
            ),
        ),
        (
            "University of Calabria - Italy",
            LinkText(
                school=NamedSchool("University of Calabria"),
                country_text="Italy",
                country_code="IT",
            ),
        ),
        (
            "ENSEIRB-MATMECA, Bordeaux INP, France",
            LinkText(
                school=NamedSchool("ENSEIRB-MATMECA", parents=("Bordeaux INP",)),
                country_text="France",
                country_code="FR",
            ),
        ),
        (
            "Politecnico di Milano (POLIMI), Italie",
            LinkText(
                school=NamedSchool("Politecnico di Milano", short_name="POLIMI"),
                country_text="Italie",
                country_code="IT",
            ),
        ),
    ],
)
def test_link_texts_are_split_into_their_parts(
    resolver: CountryResolver, text: str, expected: LinkText
) -> None:
    assert parse_link_text(text, resolver) == expected


def test_a_misspelt_country_segment_is_read_with_the_heading_country(
    resolver: CountryResolver,
) -> None:
    parsed = parse_link_text("ESIEE Paris, Frnace", resolver, context_code="FR")
    assert parsed is not None
    assert (parsed.school.name, parsed.country_code, parsed.country_corrected) == (
        "ESIEE Paris",
        "FR",
        True,
    )


def test_without_a_country_the_programme_starts_at_its_first_programme_word(
    resolver: CountryResolver,
) -> None:
    parsed = parse_link_text("Ecole des Mines Saint-Etienne, Gardanne, Cursus ISMIN", resolver)
    assert parsed == LinkText(
        school=NamedSchool("Ecole des Mines Saint-Etienne"),
        city="Gardanne",
        programme="Cursus ISMIN",
    )


def test_a_known_parent_without_an_institution_word_is_a_parent(resolver: CountryResolver) -> None:
    text = "Télécom Paris, ParisTech, France"
    assert parse_link_text(text, resolver) == LinkText(
        school=NamedSchool("Télécom Paris"),
        city="ParisTech",
        country_text="France",
        country_code="FR",
    )
    parsed = parse_link_text(text, resolver, known_parents={"paristech"})
    assert parsed is not None
    assert (parsed.school.parents, parsed.city) == (("ParisTech",), None)


def test_several_schools_may_share_a_programme(resolver: CountryResolver) -> None:
    parsed = parse_link_text(
        "Phelma, France, Master X - commune avec Grenoble INP - Ense3 et Ensimag", resolver
    )
    assert parsed is not None
    assert parsed.partners == (
        NamedSchool("Ense3", parents=("Grenoble INP",)),
        NamedSchool("Ensimag"),
    )
    assert parsed.programme == "Master X"


def test_an_empty_text_is_not_a_school(resolver: CountryResolver) -> None:
    assert parse_link_text(" , ", resolver) is None
