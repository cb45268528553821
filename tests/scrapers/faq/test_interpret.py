"""Reading the page like a careful human: schools, parents, programmes, offers, findings."""

from __future__ import annotations

import pytest

from scrapers.faq.errors import SourceError
from scrapers.faq.interpret.catalogue import Catalogue, OfferKey
from scrapers.faq.interpret.reader import interpret_page
from scrapers.faq.read.source import read_seed
from scrapers.faq.read.walk import parse_page
from service.db.models import LinkRole, OfferKind
from tests.scrapers.faq.pages import REVISION_2021, faq_page

SICOM = "filiere-signal-image-communication-multimedia-sicom@ense3+phelma"


def _read(text: str) -> Catalogue:
    return interpret_page(parse_page(text))


@pytest.fixture(scope="module")
def seed() -> Catalogue:
    return _read(read_seed().text)


def _findings(catalogue: Catalogue) -> list[tuple[str, int | None, str | None]]:
    return [(f.kind, f.line, f.school_slug) for f in catalogue.findings]


def test_the_seed_lists_16_partners_in_4_countries(seed: Catalogue) -> None:
    partners = [school for school in seed.schools.values() if school.is_partner]
    by_country: dict[str, int] = {}
    for school in partners:
        by_country[school.country_code] = by_country.get(school.country_code, 0) + 1
    assert by_country == {"FI": 1, "CA": 1, "IT": 1, "FR": 13}
    assert seed.countries == {"FI", "CA", "IT", "FR"}


def test_parent_institutions_are_schools_but_not_partners(seed: Catalogue) -> None:
    parents = {slug: s.name for slug, s in seed.schools.items() if not s.is_partner}
    assert parents == {
        "grenoble-inp": "Grenoble INP",
        "bordeaux-inp": "Bordeaux INP",
        "toulouse-inp": "Toulouse INP",
    }
    children = {slug: s.parent_slug for slug, s in seed.schools.items() if s.parent_slug}
    assert children == {
        "esisar": "grenoble-inp",  # written "Greoble INP"
        "phelma": "grenoble-inp",
        "ensimag": "grenoble-inp",
        "ense3": "grenoble-inp",
        "enseirb-matmeca": "bordeaux-inp",
        "enseeiht": "toulouse-inp",
    }


def test_names_acronyms_and_cities_come_out_of_the_link_texts(seed: Catalogue) -> None:
    ensim, eilco = seed.schools["ensim"], seed.schools["eilco"]
    assert (ensim.name, ensim.short_name, ensim.city) == (
        "Ecole Nationale d'Ingénieurs du Mans",
        "ENSIM",
        None,
    )
    assert (eilco.name, eilco.short_name, eilco.city) == (
        "École d'ingénieur de l'Université de Côte d'Opale",
        "EILCO",
        "Calais",
    )
    assert seed.schools["aalto-university"].website == "https://www.aalto.fi/en"
    assert seed.schools["phelma"].website == "https://phelma.grenoble-inp.fr/"
    assert seed.schools["enseirb-matmeca"].website is None  # its only link is Esisar's


def test_only_aalto_has_known_places_in_2019_2020(seed: Catalogue) -> None:
    known = {key: places for key, places in seed.offers.items() if places is not None}
    assert known == {
        (
            "aalto-university",
            "master-of-science-in-technology@aalto-university",
            OfferKind.EXCHANGE,
            "2019/2020",
            "",
        ): 2
    }
    assert len(seed.offers) == 16
    unknown = [key for key, places in seed.offers.items() if places is None]
    assert all(kind is None and year == "2019/2020" for _, _, kind, year, _ in unknown)


def test_phelma_and_ense3_share_one_sicom_programme(seed: Catalogue) -> None:
    assert list(seed.programmes) == [
        "master-of-science-in-technology@aalto-university",
        SICOM,
        "science-du-numerique@enseeiht",
        "cursus-icm@ecole-des-mines-saint-etienne",
    ]
    sicom = seed.programmes[SICOM]
    assert sicom.school_slugs == ("ense3", "phelma")
    assert sicom.name == "Filière Signal, Image, Communication, Multimédia (SICOM)"
    offers = [key[0] for key in seed.offers if key[1] == SICOM]
    assert offers == ["phelma", "ense3"]
    programme_links = sorted(key[0] for key in seed.links if key[2] == SICOM)
    assert [url.split("/")[2] for url in programme_links] == [
        "ense3.grenoble-inp.fr",
        "phelma.grenoble-inp.fr",
    ]


def test_the_seed_findings_point_at_their_lines(seed: Catalogue) -> None:
    assert _findings(seed) == [
        ("country_name_corrected", 17, None),
        ("name_corrected", 27, None),
        ("url_fragment", 29, "phelma"),
        ("non_ascii_url", 39, "isima"),
        ("link_to_other_school", 41, "enseirb-matmeca"),
        ("duplicate_link", 41, "enseirb-matmeca"),
        ("plain_http_link", 43, "ensim"),
        ("plain_http_link", 45, "enseeiht"),
    ]
    finalde = seed.findings[0]
    assert finalde.message == "'Finalde' read as Finlande (FI)"
    flagged = seed.findings[4]
    assert flagged.detail == {
        "url": "https://esisar.grenoble-inp.fr/fr/formation/cycle-ingenieur-1",
        "other_schools": ["esisar", "grenoble-inp"],
    }
    assert flagged.link_key == (
        "https://esisar.grenoble-inp.fr/fr/formation/cycle-ingenieur-1",
        "enseirb-matmeca",
        None,
    )


def test_selection_rules_and_tracks_of_the_seed(seed: Catalogue) -> None:
    assert seed.rules is not None
    assert [(r.track, r.semesters, r.criteria) for r in seed.rules] == [
        (None, ("S1", "S2"), ("grades", "motivation")),
        ("ISEM", ("S1", "S2", "S3"), ("grades", "motivation")),
    ]
    assert seed.tracks == {"ISEM": None}


def test_a_later_revision_gives_every_count() -> None:
    catalogue = _read(REVISION_2021)
    EX, DD, EITHER = (  # noqa: N806
        OfferKind.EXCHANGE,
        OfferKind.DOUBLE_DEGREE,
        OfferKind.EXCHANGE_OR_DOUBLE_DEGREE,
    )
    offers: dict[OfferKey, int | None] = dict(catalogue.offers)
    year = "2020/2021"
    mines = "ecole-des-mines-saint-etienne"
    assert offers == {
        ("aalto-university", "master-of-science-in-technology@aalto-university", EX, year, ""): 3,
        ("universite-de-sherbrooke", None, DD, year, ""): 2,
        ("universite-de-sherbrooke", None, EX, year, ""): 1,
        ("phelma", SICOM, EITHER, year, ""): 1,
        ("ense3", SICOM, EITHER, year, ""): 1,
        ("ensiie", None, EX, year, ""): 2,
        (mines, f"cursus-icm@{mines}", DD, year, ""): 2,
        (mines, f"cursus-ismin-parcours-embedded-systems@{mines}", EX, year, ""): 1,
        ("ensim", None, None, year, ""): None,
        ("ensiie", None, DD, year, "IEL"): 1,
        ("eilco", None, DD, year, "IEL"): 2,
        ("eilco", None, EX, year, "IEL"): 2,
        ("university-of-calabria", None, EX, year, "ISEM"): 1,
    }
    assert catalogue.tracks == {"IEL": None, "ISEM": None}
    assert catalogue.academic_year == year


def test_the_same_school_twice_is_one_school_with_several_offers() -> None:
    catalogue = _read(REVISION_2021)
    assert sum(1 for slug in catalogue.schools if slug == "ensiie") == 1
    mines = catalogue.schools["ecole-des-mines-saint-etienne"]
    # Gardanne is named for the ISMIN cursus only: a campus, not the school's city.
    assert mines.city is None
    assert _findings(catalogue) == [("campus_city", 31, "ecole-des-mines-saint-etienne")]
    ismin = (
        "https://www.mines-stetienne.fr/formation/ismin/",
        None,
        "cursus-ismin-parcours-embedded-systems@ecole-des-mines-saint-etienne",
    )
    assert catalogue.links[ismin] is LinkRole.PROGRAMME_PAGE
    assert catalogue.schools["eilco"].city == "Calais"


def test_repeated_and_merged_items() -> None:
    page = faq_page(
        "## Mobilités en commun :\n\nEcoles et Chiffres de l'année 2020/2021 :\n\n* France\n"
        "    * [ENSIIE, France](https://www.ensiie.fr/) : 2 échanges\n"
        "    * [ENSIIE, France](https://www.ensiie.fr/) : 2 échanges\n"
        "    * [Mines Alès, Alès, France](https://www.imt-mines-ales.fr/) : 1 échange\n"
        "    * [Mines Alès, Pau, France](https://www.imt-mines-ales.fr/pau) : 2 échanges\n"
    )
    catalogue = _read(page)
    places = {key[0]: value for key, value in catalogue.offers.items()}
    assert places == {"ensiie": 2, "mines-ales": 3}
    assert [(f.kind, f.line) for f in catalogue.findings] == [
        ("duplicate_item", 15),
        ("offers_merged", 17),
        ("campus_city", 16),
    ]


def test_what_cannot_be_read_is_a_finding_with_its_line() -> None:
    page = faq_page(
        "## Mobilités en commun :\n\nEcoles et Chiffres de l'année 2020/2021 :\n\n"
        "* Atlantide\n    * [École Inconnue](https://inconnue.example/) : 2 échanges\n"
        "* France\n    * [ESIEE Paris, France](https://www.esiee.fr/) : bientôt\n"
        "    * Université sans lien, France\n\n"
        "## Mobilités fléchées :\n\n* France\n    * [ENSIIE, France](https://www.ensiie.fr/)\n"
    )
    catalogue = _read(page)
    assert [(f.kind, f.line) for f in catalogue.findings] == [
        ("unknown_country", 13),
        ("unparsed_item", 14),
        ("unparsed_count", 16),
        ("item_without_link", 17),
        ("missing_track", 22),
    ]
    esiee = ("esiee-paris", None, None, "2020/2021", "")
    assert catalogue.offers[esiee] is None
    assert "universite-sans-lien" in catalogue.schools


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "## Mobilités en commun :\n\n* France\n    * [ENSIIE, France](https://www.ensiie.fr/)\n",
            "gives no academic year",
        ),
        (
            (
                "## Mobilités en commun :\n\nChiffres de l'année 2019/2021 :\n\n"
                "* France\n    * [ENSIIE, France](https://www.ensiie.fr/)\n"
            ),
            "line 11: academic year 2019/2021 is not two consecutive years",
        ),
    ],
)
def test_offers_need_a_valid_academic_year(body: str, message: str) -> None:
    with pytest.raises(SourceError, match=message):
        _read(faq_page(body))
