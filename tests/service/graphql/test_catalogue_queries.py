"""The catalogue through the schema: countries, schools, programmes, offers, exact values."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tests.sample_catalogue import build_sample_catalogue
from tests.service.graphql.conftest import Execute, data_of


async def test_the_nested_tree_lists_current_partners_and_offers(
    session: AsyncSession, execute: Execute
) -> None:
    await build_sample_catalogue(session)
    data = await data_of(
        execute,
        """{ countries { code name schools { name programmes { name offers {
             kind places academicYear homeTracks { code } } } } } }""",
    )
    sicom = "Signal, Image, Communication, Multimédia (SICOM)"
    assert data == {
        "countries": [
            {
                "code": "CA",
                "name": "Canada",
                "schools": [{"name": "Université de Sherbrooke", "programmes": []}],
            },
            {
                "code": "FI",
                "name": "Finlande",
                "schools": [
                    {
                        "name": "Aalto University",
                        "programmes": [
                            {
                                "name": "Master of Science in Technology",
                                "offers": [
                                    {
                                        "kind": "EXCHANGE",
                                        "places": 2,
                                        "academicYear": "2019/2020",
                                        "homeTracks": [],
                                    }
                                ],
                            }
                        ],
                    }
                ],
            },
            {
                "code": "FR",
                "name": "France",
                "schools": [
                    {
                        "name": "Ense3",
                        "programmes": [
                            {
                                "name": sicom,
                                "offers": [
                                    {
                                        "kind": "EXCHANGE",
                                        "places": 0,
                                        "academicYear": "2019/2020",
                                        "homeTracks": [],
                                    }
                                ],
                            }
                        ],
                    },
                    {"name": "Ensimag", "programmes": []},
                    {
                        "name": "Phelma",
                        "programmes": [
                            {
                                "name": sicom,
                                "offers": [
                                    {
                                        "kind": "DOUBLE_DEGREE",
                                        "places": 1,
                                        "academicYear": "2019/2020",
                                        "homeTracks": [{"code": "ISEM"}],
                                    }
                                ],
                            }
                        ],
                    },
                    {"name": "Télécom Saint-Etienne", "programmes": []},
                ],
            },
        ]
    }


async def test_country_names_come_in_french_or_english(
    session: AsyncSession, execute: Execute
) -> None:
    await build_sample_catalogue(session)
    data = await data_of(
        execute, '{ country(code: "fi") { code fr: name en: name(lang: EN) schools { slug } } }'
    )
    assert data == {
        "country": {
            "code": "FI",
            "fr": "Finlande",
            "en": "Finland",
            "schools": [{"slug": "aalto-university"}],
        }
    }


async def test_unknown_country_code_and_slug_are_null(
    session: AsyncSession, execute: Execute
) -> None:
    await build_sample_catalogue(session)
    data = await data_of(
        execute, '{ country(code: "ZZ") { code } school(slug: "no-such-school") { name } }'
    )
    assert data == {"country": None, "school": None}


async def test_countries_filter_by_code_and_by_partners(
    session: AsyncSession, execute: Execute
) -> None:
    await build_sample_catalogue(session)
    await data_of(execute, "{ countries { code } }")
    data = await data_of(
        execute,
        """{ some: countries(filter: {codes: ["fr", "ca", "jp"]}) { code }
             all: countries { code } }""",
    )
    assert data == {
        "some": [{"code": "CA"}, {"code": "FR"}],
        "all": [{"code": "CA"}, {"code": "FI"}, {"code": "FR"}],
    }


async def test_a_parent_is_reached_through_its_schools_not_listed_as_a_partner(
    session: AsyncSession, execute: Execute
) -> None:
    await build_sample_catalogue(session)
    data = await data_of(
        execute,
        """{ school(slug: "phelma") { isPartner country { code }
               parent { slug name isPartner city parent { slug } } } }""",
    )
    assert data == {
        "school": {
            "isPartner": True,
            "country": {"code": "FR"},
            "parent": {
                "slug": "grenoble-inp",
                "name": "Grenoble INP",
                "isPartner": False,
                "city": "Grenoble",
                "parent": None,
            },
        }
    }


async def test_a_shared_programme_lists_both_schools_and_all_their_offers(
    session: AsyncSession, execute: Execute
) -> None:
    await build_sample_catalogue(session)
    data = await data_of(
        execute,
        """{ offers(filter: {kinds: [DOUBLE_DEGREE]}) { programme {
               key schools { slug } offers { kind school { slug } } } } }""",
    )
    programme = data["offers"][0]["programme"]
    assert programme["key"] == "sicom-phelma-ense3"
    assert programme["schools"] == [{"slug": "ense3"}, {"slug": "phelma"}]
    # Reached from Phelma's offer, the programme's offers are Phelma's.
    assert programme["offers"] == [{"kind": "DOUBLE_DEGREE", "school": {"slug": "phelma"}}]


async def test_retired_offers_appear_only_when_asked_for(
    session: AsyncSession, execute: Execute
) -> None:
    await build_sample_catalogue(session)
    data = await data_of(
        execute,
        """{ school(slug: "ensimag") {
               current: offers { academicYear places retiredAt }
               all: offers(includeRetired: true) { academicYear places retiredAt } } }""",
    )
    assert data == {
        "school": {
            "current": [{"academicYear": "2019/2020", "places": 3, "retiredAt": None}],
            "all": [
                {"academicYear": "2019/2020", "places": 3, "retiredAt": None},
                {
                    "academicYear": "2018/2019",
                    "places": 1,
                    "retiredAt": "2021-09-01T00:00:00+00:00",
                },
            ],
        }
    }


async def test_a_retired_school_is_left_out_but_reachable_by_slug(
    session: AsyncSession, execute: Execute
) -> None:
    await build_sample_catalogue(session)
    data = await data_of(
        execute,
        """{ country(code: "FR") { schools { slug } }
             school(slug: "ensiie") { name retiredAt } }""",
    )
    assert "ensiie" not in [school["slug"] for school in data["country"]["schools"]]
    assert data["school"] == {"name": "ENSIIE", "retiredAt": "2021-09-01T00:00:00+00:00"}


async def test_unknown_kind_and_places_are_null(session: AsyncSession, execute: Execute) -> None:
    await build_sample_catalogue(session)
    data = await data_of(
        execute, '{ school(slug: "universite-de-sherbrooke") { offers { kind places } } }'
    )
    assert data == {"school": {"offers": [{"kind": None, "places": None}]}}


async def test_links_of_a_school(session: AsyncSession, execute: Execute) -> None:
    await build_sample_catalogue(session)
    data = await data_of(
        execute, '{ school(slug: "aalto-university") { website links { url role } } }'
    )
    assert data == {
        "school": {
            "website": None,
            "links": [{"url": "https://www.aalto.fi/en", "role": "HOMEPAGE"}],
        }
    }


def _offers(data: dict[str, Any]) -> list[tuple[str, str | None, int | None, list[str]]]:
    return [
        (
            offer["school"]["slug"],
            offer["kind"],
            offer["places"],
            [track["code"] for track in offer["homeTracks"]],
        )
        for offer in data["offers"]
    ]


OFFERS = """query($filter: OfferFilter) {
  offers(filter: $filter) { kind places school { slug } homeTracks { code } }
}"""


async def test_a_track_filter_returns_offers_open_to_all_plus_those_reserved_to_it(
    session: AsyncSession, execute: Execute
) -> None:
    await build_sample_catalogue(session)
    data = await data_of(execute, OFFERS, {"filter": {"homeTrack": "isem"}})
    assert sorted(_offers(data)) == [
        ("aalto-university", "EXCHANGE", 2, []),
        ("ense3", "EXCHANGE", 0, []),
        ("phelma", "DOUBLE_DEGREE", 1, ["ISEM"]),
        ("telecom-saint-etienne", "EXCHANGE_OR_DOUBLE_DEGREE", 1, ["IEL", "ISEM"]),
        ("universite-de-sherbrooke", None, None, []),
    ]
    data = await data_of(execute, OFFERS, {"filter": {"homeTrack": "IEL"}})
    assert sorted(_offers(data)) == [
        ("aalto-university", "EXCHANGE", 2, []),
        ("ense3", "EXCHANGE", 0, []),
        ("ensimag", "EXCHANGE", 3, ["IEL"]),
        ("telecom-saint-etienne", "EXCHANGE_OR_DOUBLE_DEGREE", 1, ["IEL", "ISEM"]),
        ("universite-de-sherbrooke", None, None, []),
    ]


async def test_offers_filter_by_kind_year_country_and_places(
    session: AsyncSession, execute: Execute
) -> None:
    await build_sample_catalogue(session)
    cases: list[tuple[dict[str, Any], list[tuple[str, str | None, int | None, list[str]]]]] = [
        (
            {"kinds": ["EXCHANGE_OR_DOUBLE_DEGREE", "DOUBLE_DEGREE"]},
            [
                ("phelma", "DOUBLE_DEGREE", 1, ["ISEM"]),
                ("telecom-saint-etienne", "EXCHANGE_OR_DOUBLE_DEGREE", 1, ["IEL", "ISEM"]),
            ],
        ),
        ({"countryCode": "fi"}, [("aalto-university", "EXCHANGE", 2, [])]),
        ({"hasPlaces": False}, [("ense3", "EXCHANGE", 0, [])]),
        ({"academicYear": "2018/2019"}, []),
        ({"academicYear": "2018/2019", "includeRetired": True}, [("ensimag", "EXCHANGE", 1, [])]),
        (
            {"countryCode": "FR", "kinds": ["EXCHANGE"], "includeRetired": True},
            [
                ("ense3", "EXCHANGE", 0, []),
                ("ensiie", "EXCHANGE", 2, []),
                ("ensimag", "EXCHANGE", 1, []),
                ("ensimag", "EXCHANGE", 3, ["IEL"]),
            ],
        ),
        (
            {"hasPlaces": True, "countryCode": "FR"},
            [
                ("ensimag", "EXCHANGE", 3, ["IEL"]),
                ("phelma", "DOUBLE_DEGREE", 1, ["ISEM"]),
                ("telecom-saint-etienne", "EXCHANGE_OR_DOUBLE_DEGREE", 1, ["IEL", "ISEM"]),
            ],
        ),
    ]
    for offer_filter, expected in cases:
        data = await data_of(execute, OFFERS, {"filter": offer_filter})
        assert sorted(_offers(data)) == expected, offer_filter
