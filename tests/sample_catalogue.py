"""A small catalogue shaped like the curated FAQ page, written with the factories.

Hand-written for the tests (the real page is imported by the FAQ importer): a misspelt
country corrected by a finding, parents that are not partners, a programme shared by two
schools, offers open to every track or reserved to one, unknown kinds and places, retired
rows that lists must leave out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from service.db.models import FindingSeverity, LinkRole, OfferKind, Programme, School
from tests.factories import (
    make_finding,
    make_home_track,
    make_link,
    make_offer,
    make_programme,
    make_school,
    make_selection_rule,
)

RETIRED = datetime(2021, 9, 1, tzinfo=UTC)
#: The current partner schools (what ``schools`` lists by default), by slug.
CURRENT_PARTNERS = [
    "aalto-university",
    "ense3",
    "ensimag",
    "phelma",
    "telecom-saint-etienne",
    "universite-de-sherbrooke",
]


@dataclass(frozen=True, slots=True)
class SampleCatalogue:
    """The rows tests refer to by name."""

    aalto: School
    sherbrooke: School
    grenoble_inp: School
    phelma: School
    ense3: School
    ensimag: School
    telecom: School
    ensiie: School
    sicom: Programme


async def build_sample_catalogue(session: AsyncSession) -> SampleCatalogue:
    """Write the sample catalogue (flushed, not committed)."""
    isem = await make_home_track(session, "ISEM")
    iel = await make_home_track(session, "IEL")
    await make_selection_rule(
        session, semesters=["S1", "S2"], criteria=["grades", "motivation"], source_text="S1 et S2"
    )
    await make_selection_rule(
        session, track=isem, semesters=["S1", "S2", "S3"], source_text="ISEM: aussi S3"
    )

    aalto = await make_school(
        session, slug="aalto-university", name="Aalto University", country_code="FI", city="Espoo"
    )
    await make_link(session, url="https://www.aalto.fi/en", school=aalto, role=LinkRole.HOMEPAGE)
    msc = await make_programme(
        session, schools=[aalto], key="aalto-msc-technology", name="Master of Science in Technology"
    )
    await make_offer(session, school=aalto, programme=msc, kind=OfferKind.EXCHANGE, places=2)

    sherbrooke = await make_school(
        session,
        slug="universite-de-sherbrooke",
        name="Université de Sherbrooke",
        country_code="CA",
        city="Sherbrooke",
    )
    await make_offer(session, school=sherbrooke, kind=None, places=None)

    grenoble_inp = await make_school(
        session, slug="grenoble-inp", name="Grenoble INP", city="Grenoble", is_partner=False
    )
    phelma = await make_school(
        session, slug="phelma", name="Phelma", parent=grenoble_inp, city="Grenoble"
    )
    ense3 = await make_school(session, slug="ense3", name="Ense3", parent=grenoble_inp)
    sicom = await make_programme(
        session,
        schools=[phelma, ense3],
        key="sicom-phelma-ense3",
        name="Signal, Image, Communication, Multimédia (SICOM)",
    )
    await make_offer(
        session,
        school=phelma,
        programme=sicom,
        kind=OfferKind.DOUBLE_DEGREE,
        places=1,
        tracks=[isem],
    )
    await make_offer(session, school=ense3, programme=sicom, kind=OfferKind.EXCHANGE, places=0)
    ensimag = await make_school(
        session, slug="ensimag", name="Ensimag", short_name="ENSIMAG", parent=grenoble_inp
    )
    await make_offer(session, school=ensimag, kind=OfferKind.EXCHANGE, places=3, tracks=[iel])
    await make_offer(
        session,
        school=ensimag,
        kind=OfferKind.EXCHANGE,
        places=1,
        academic_year="2018/2019",
        retired_at=RETIRED,
    )

    telecom = await make_school(
        session,
        slug="telecom-saint-etienne",
        name="Télécom Saint-Etienne",
        city="Saint-Étienne",
    )
    await make_offer(
        session,
        school=telecom,
        kind=OfferKind.EXCHANGE_OR_DOUBLE_DEGREE,
        places=1,
        tracks=[isem, iel],
    )
    ensiie = await make_school(session, slug="ensiie", name="ENSIIE", retired_at=RETIRED)
    await make_offer(session, school=ensiie, kind=OfferKind.EXCHANGE, places=2)

    await make_finding(
        session,
        kind="country_name_corrected",
        message='Country heading "Finalde" read as Finlande.',
        detail={"heading": "Finalde", "country": "FI"},
        school=aalto,
        source_line=17,
        first_seen_at=datetime(2020, 6, 21, tzinfo=UTC),
    )
    await make_finding(
        session,
        kind="link_to_other_school",
        severity=FindingSeverity.INFO,
        message="Resolved long ago.",
        first_seen_at=datetime(2020, 6, 20, tzinfo=UTC),
        resolved_at=datetime(2020, 7, 1, tzinfo=UTC),
    )
    return SampleCatalogue(
        aalto=aalto,
        sherbrooke=sherbrooke,
        grenoble_inp=grenoble_inp,
        phelma=phelma,
        ense3=ense3,
        ensimag=ensimag,
        telecom=telecom,
        ensiie=ensiie,
        sicom=sicom,
    )
