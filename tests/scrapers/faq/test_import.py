"""Importing into the database (SQLite and PostgreSQL): acceptance, idempotence, safety."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bench.generate_catalogue import generate_schools, render_faq
from scrapers.faq.apply import bulk as bulk_module
from scrapers.faq.apply import writes as apply_module
from scrapers.faq.importer import content_hash, import_faq
from scrapers.faq.read.source import read_seed
from scrapers.faq.report.summary import ImportReport
from service.db.base import Base
from service.db.models import (
    Country,
    FaqRevision,
    Finding,
    FindingSeverity,
    HomeTrack,
    Link,
    Offer,
    OfferKind,
    Programme,
    School,
    SelectionRule,
    offer_home_track,
    school_programme,
)
from service.db.versioning import read_data_version
from tests.scrapers.faq.pages import (
    COMING_SOON,
    REVISION_2021,
    REVISION_2021_UPDATED,
    drop_counts,
    faq_page,
)
from tests.service.catalogue.statements import counting_statements

FIXTURES = Path(__file__).parent / "fixtures"
SICOM = "filiere-signal-image-communication-multimedia-sicom@ense3+phelma"


async def _tables(session: AsyncSession) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in primary-key order."""
    rows = {}
    for table in Base.metadata.sorted_tables:
        result = await session.execute(select(table).order_by(*table.primary_key.columns))
        rows[table.name] = [tuple(row) for row in result]
    return rows


async def _import(session: AsyncSession, text: str, **options: Any) -> ImportReport:
    report = await import_faq(session, text, **options)
    await session.commit()
    return report


async def _offers(session: AsyncSession, *, current: bool = True) -> dict[tuple[Any, ...], Any]:
    query = (
        select(
            School.slug, Programme.key, Offer.kind, Offer.academic_year, Offer.scope, Offer.places
        )
        .join(School, Offer.school_id == School.id)
        .outerjoin(Programme, Offer.programme_id == Programme.id)
        .where(Offer.retired_at.is_(None) if current else Offer.retired_at.is_not(None))
    )
    return {tuple(row[:5]): row[5] for row in await session.execute(query)}


async def test_the_seed_gives_16_partners_in_4_countries(session: AsyncSession) -> None:
    report = await _import(session, read_seed().text, source_label="seed:mobilite_dd.md")
    partners = await session.execute(
        select(School.country_code, func.count())
        .where(School.is_partner, School.retired_at.is_(None))
        .group_by(School.country_code)
    )
    assert dict(partners.all()) == {"FI": 1, "CA": 1, "IT": 1, "FR": 13}
    parents = await session.scalars(
        select(School.name).where(~School.is_partner).order_by(School.name)
    )
    assert list(parents) == ["Bordeaux INP", "Grenoble INP", "Toulouse INP"]
    countries = await session.execute(select(Country.code, Country.name_fr, Country.name_en))
    assert ("FI", "Finlande", "Finland") in countries.all()
    assert report.counts.partners_by_country == {"CA": 1, "FI": 1, "FR": 13, "IT": 1}
    assert report.counts.parents == 3


async def test_the_seed_offers_aalto_2_exchanges_and_unknown_elsewhere(
    session: AsyncSession,
) -> None:
    await _import(session, read_seed().text)
    offers = await _offers(session)
    assert len(offers) == 16
    aalto = ("aalto-university", "master-of-science-in-technology@aalto-university")
    assert offers[(*aalto, OfferKind.EXCHANGE, "2019/2020", "")] == 2
    others = {key: places for key, places in offers.items() if key[0] != "aalto-university"}
    assert set(others.values()) == {None}
    assert {key[2] for key in others} == {None}
    assert await session.scalar(select(func.count()).select_from(offer_home_track)) == 0


async def test_phelma_and_ense3_share_one_stored_sicom_programme(session: AsyncSession) -> None:
    await _import(session, read_seed().text)
    sicom = await session.scalar(select(Programme).where(Programme.key.like("filiere-signal%")))
    assert sicom is not None
    assert sicom.key == SICOM
    teaching = await session.scalars(
        select(School.slug)
        .join(school_programme, school_programme.c.school_id == School.id)
        .where(school_programme.c.programme_id == sicom.id)
        .order_by(School.slug)
    )
    assert list(teaching) == ["ense3", "phelma"]
    offering = await session.scalars(
        select(School.slug).join(Offer.school).where(Offer.programme_id == sicom.id)
    )
    assert sorted(offering) == ["ense3", "phelma"]


async def test_the_seed_findings_are_stored_with_their_subjects(session: AsyncSession) -> None:
    report = await _import(session, read_seed().text)
    revision = await session.scalar(select(FaqRevision))
    assert revision is not None
    assert (
        revision.content_hash,
        revision.title,
        revision.contributor,
        revision.academic_year,
    ) == (
        content_hash(read_seed().text),
        "Programmes de mobilité et de double-diplômation",
        "Jad Ezahraoui",
        "2019/2020",
    )
    findings = {
        f.kind: f
        for f in await session.scalars(select(Finding).where(Finding.origin == "import"))
        if f.kind in ("country_name_corrected", "link_to_other_school")
    }
    finalde = findings["country_name_corrected"]
    assert (finalde.source_line, finalde.message, finalde.revision_id, finalde.resolved_at) == (
        17,
        "'Finalde' read as Finlande (FI)",
        revision.id,
        None,
    )
    flagged = findings["link_to_other_school"]
    assert flagged.severity is FindingSeverity.ERROR
    link = await session.get_one(Link, flagged.link_id)
    school = await session.get_one(School, flagged.school_id)
    assert (school.slug, link.url, link.school_id) == (
        "enseirb-matmeca",
        "https://esisar.grenoble-inp.fr/fr/formation/cycle-ingenieur-1",
        school.id,
    )
    assert len(report.findings) == await session.scalar(select(func.count()).select_from(Finding))
    rules = await session.execute(
        select(SelectionRule.home_track_code, SelectionRule.semesters, SelectionRule.criteria)
    )
    assert sorted(rules.all(), key=lambda r: r[0] or "") == [
        (None, ["S1", "S2"], ["grades", "motivation"]),
        ("ISEM", ["S1", "S2", "S3"], ["grades", "motivation"]),
    ]


async def test_reimporting_the_same_page_changes_nothing(session: AsyncSession) -> None:
    await _import(session, read_seed().text)
    before, version = await _tables(session), await read_data_version(session)
    report = await _import(session, read_seed().text)
    assert not report.changed
    assert await _tables(session) == before
    assert await read_data_version(session) == version


async def test_a_later_revision_imports_every_count(session: AsyncSession) -> None:
    await _import(session, read_seed().text)
    report = await _import(session, REVISION_2021)
    offers = await _offers(session)
    assert len(offers) == 13
    assert offers[("eilco", None, OfferKind.DOUBLE_DEGREE, "2020/2021", "IEL")] == 2
    assert offers[("eilco", None, OfferKind.EXCHANGE, "2020/2021", "IEL")] == 2
    assert offers[("universite-de-sherbrooke", None, OfferKind.DOUBLE_DEGREE, "2020/2021", "")] == 2
    assert offers[("universite-de-sherbrooke", None, OfferKind.EXCHANGE, "2020/2021", "")] == 1
    either = OfferKind.EXCHANGE_OR_DOUBLE_DEGREE
    assert offers[("phelma", SICOM, either, "2020/2021", "")] == 1
    assert offers[("ensim", None, None, "2020/2021", "")] is None
    # The 2019/2020 offers are no longer listed: retired, kept.
    retired = await _offers(session, current=False)
    assert len(retired) == 16
    assert {key[3] for key in retired} == {"2019/2020"}
    assert (len(report.plan.offers.added), len(report.plan.offers.retired)) == (13, 16)
    tracks = await session.execute(
        select(School.slug, offer_home_track.c.home_track_code)
        .join(Offer, Offer.id == offer_home_track.c.offer_id)
        .join(School, School.id == Offer.school_id)
        .order_by(School.slug, offer_home_track.c.home_track_code)
    )
    assert tracks.all() == [
        ("eilco", "IEL"),
        ("eilco", "IEL"),
        ("ensiie", "IEL"),
        ("university-of-calabria", "ISEM"),
    ]
    assert set(await session.scalars(select(HomeTrack.code))) == {"IEL", "ISEM"}


async def test_a_newer_revision_updates_adds_and_retires(session: AsyncSession) -> None:
    await _import(session, REVISION_2021)
    report = await _import(session, REVISION_2021_UPDATED)
    aalto = (
        "aalto-university",
        "master-of-science-in-technology@aalto-university",
        OfferKind.EXCHANGE,
        "2020/2021",
        "",
    )
    assert [(c.key, c.fields) for c in report.plan.offers.changed] == [(aalto, {"places": (3, 4)})]
    assert report.plan.offers.added == [
        ("politecnico-di-milano", None, OfferKind.EXCHANGE, "2020/2021", "")
    ]
    assert [c.key for c in report.plan.offers.retired] == [("ensim", None, None, "2020/2021", "")]
    ensim = await session.scalar(select(School).where(School.slug == "ensim"))
    assert ensim is not None
    assert ensim.retired_at is not None
    ensim_offer = await session.scalar(select(Offer).where(Offer.school_id == ensim.id))
    assert ensim_offer is not None
    assert ensim_offer.retired_at is not None
    assert (await _offers(session))[aalto] == 4

    # Listed again: restored, not duplicated.
    again = await _import(session, REVISION_2021)
    assert again.plan.offers.restored == 1
    restored = await session.scalar(select(Offer).where(Offer.school_id == ensim.id))
    assert restored is not None
    assert restored.retired_at is None
    assert await session.scalar(select(func.count()).select_from(Offer)) == 14


async def test_findings_no_longer_observed_are_resolved_and_reopened(
    session: AsyncSession,
) -> None:
    await _import(session, read_seed().text)
    await _import(session, REVISION_2021)
    finalde = await session.scalar(select(Finding).where(Finding.kind == "country_name_corrected"))
    assert finalde is not None
    assert finalde.resolved_at is not None
    await _import(session, read_seed().text)
    await session.refresh(finalde)
    assert finalde.resolved_at is None


@pytest.mark.parametrize("regression", ["coming soon", "counts dropped"])
async def test_a_regression_is_recorded_and_refused_unless_forced(
    session: AsyncSession, regression: str
) -> None:
    await _import(session, REVISION_2021)
    page = COMING_SOON if regression == "coming soon" else drop_counts(REVISION_2021)
    before = await _tables(session)
    refused = await _import(session, page)
    assert refused.refused
    after = await _tables(session)
    # Only the finding is written (and the data version moves, findings being data too).
    recorded = {"finding", "data_version"}
    assert {name: rows for name, rows in after.items() if name not in recorded} == {
        name: rows for name, rows in before.items() if name not in recorded
    }
    assert len(after["finding"]) == len(before["finding"]) + 1
    severity = select(Finding.severity).where(Finding.kind == "source_regression")
    assert await session.scalar(severity) is FindingSeverity.ERROR
    detail = await session.scalar(select(Finding.detail).where(Finding.kind == "source_regression"))
    assert detail is not None
    assert detail["content_hash"] == content_hash(page)
    # Refused again: the same finding, nothing new.
    await _import(session, page)
    assert await _tables(session) == after

    forced = await _import(session, page, force=True)
    assert not forced.refused
    assert await session.scalar(severity) is FindingSeverity.WARNING
    if regression == "coming soon":
        assert await _offers(session) == {}
    else:
        assert set((await _offers(session)).values()) == {None}


async def test_a_failed_import_changes_nothing(
    session: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _import(session, read_seed().text)
    before, version = await _tables(session), await read_data_version(session)

    async def fail(*_: object, **__: object) -> None:
        raise RuntimeError("disk full")

    # Schools, programmes, offers and links are written by then; findings fail.
    monkeypatch.setattr(apply_module._Writer, "write_findings", fail)
    with pytest.raises(RuntimeError, match="disk full"):
        async with session.begin_nested():
            await import_faq(session, REVISION_2021)
    await session.commit()
    assert await _tables(session) == before
    assert await read_data_version(session) == version


async def test_a_dry_run_plans_the_same_and_writes_nothing(session: AsyncSession) -> None:
    await session.commit()
    before, version = await _tables(session), await read_data_version(session)
    dry = await _import(session, read_seed().text, dry_run=True)
    assert await _tables(session) == before
    assert await read_data_version(session) == version
    real = await _import(session, read_seed().text)
    assert (len(dry.plan.schools.added), len(dry.plan.offers.added)) == (19, 16)
    assert dry.plan.schools.added == real.plan.schools.added
    assert dry.plan.offers.added == real.plan.offers.added


async def test_the_published_html_page_gives_the_same_catalogue(session: AsyncSession) -> None:
    html = (FIXTURES / "mobilite_dd.html").read_text(encoding="utf-8")
    await _import(session, html)
    report = await _import(session, read_seed().text)
    plan = report.plan
    assert not (plan.schools)
    assert not (plan.programmes)
    assert not (plan.offers)
    assert not (plan.links)
    assert not (plan.rules)
    assert plan.new_revision  # another text, another revision
    assert {c.label for c in plan.findings.changed} <= {
        "country_name_corrected",
        "name_corrected",
        "url_fragment",
        "non_ascii_url",
        "link_to_other_school",
        "duplicate_link",
        "plain_http_link",
    }  # only their lines differ


async def test_rules_follow_the_page_and_stay_when_it_says_nothing(session: AsyncSession) -> None:
    await _import(session, REVISION_2021)
    without_isem = REVISION_2021.replace(
        " Pour le cas d'ISEM ils prennent aussi les notes du S3 en considération.", ""
    )
    report = await _import(session, without_isem)
    assert [c.key for c in report.plan.rules.retired] == ["ISEM"]
    tracks = await session.scalars(select(SelectionRule.home_track_code))
    assert list(tracks) == [None]
    no_section = without_isem.replace("## Pour qui ?", "## Divers")
    await _import(session, no_section)
    assert await session.scalar(select(func.count()).select_from(SelectionRule)) == 1


async def test_an_empty_catalogue_cannot_regress(session: AsyncSession) -> None:
    report = await _import(session, COMING_SOON)
    assert not report.refused
    assert report.regression is None
    assert await session.scalar(select(func.count()).select_from(FaqRevision)) == 1
    assert [f.kind for f in report.findings] == ["unparsed_text"]


async def test_a_reserved_offer_keeps_its_tracks_consistent_with_its_scope(
    session: AsyncSession,
) -> None:
    page = faq_page(
        "## Mobilités fléchées :\n\nEcoles et Chiffres de l'année 2020/2021 :\n\n"
        "* Filière IEL :\n    * France\n"
        "        * [ENSIIE, France](https://www.ensiie.fr/) : 1 échange\n"
    )
    await _import(session, page)
    offer = await session.scalar(select(Offer))
    assert offer is not None
    assert offer.scope == "IEL"
    codes = await session.scalars(
        select(offer_home_track.c.home_track_code).where(offer_home_track.c.offer_id == offer.id)
    )
    assert list(codes) == ["IEL"]


async def test_a_second_import_of_a_page_with_misspelt_parents_writes_nothing(
    session: AsyncSession,
) -> None:
    # 200 generated schools: enough misspelt group names for a kept name to be closer to a
    # misspelling than the one the first import read it as, once both are known.
    page = render_faq(generate_schools(200, 42), 42)
    first = await _import(session, page)
    assert first.changed
    assert any(f.kind == "name_corrected" for f in first.findings)
    version = await read_data_version(session)
    async with counting_statements(session) as sent:
        again = await _import(session, page)
    assert not again.changed
    writes = [s for s in sent if s.split(None, 1)[0].upper() in {"INSERT", "UPDATE", "DELETE"}]
    assert writes == []
    assert await read_data_version(session) == version


async def test_rows_sent_in_small_batches_are_all_written_once(
    session: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Batches of 7 rows: every table's rows span several executemany calls and end in a partial
    # batch, and offers with and without a kind (different columns) fill batches side by side.
    monkeypatch.setattr(bulk_module, "BATCH_ROWS", 7)
    page = render_faq(generate_schools(60, 8), 8)
    report = await _import(session, page)
    plan = report.plan
    counted = {
        School: len(plan.schools.added),
        Programme: len(plan.programmes.added),
        Offer: len(plan.offers.added),
        Link: len(plan.links.added),
    }
    for model, added in counted.items():
        assert added > 7
        assert await session.scalar(select(func.count()).select_from(model)) == added
    findings = await session.scalar(select(func.count()).select_from(Finding))
    assert findings == len(plan.findings.added) > 0
    pairs = await session.scalar(select(func.count()).select_from(school_programme))
    assert pairs == len(plan.programme_schools) > 7
    tracks = sum(len(key[4].split(",")) for key in plan.offers.added if key[4])
    assert await session.scalar(select(func.count()).select_from(offer_home_track)) == tracks > 0
    async with counting_statements(session) as sent:
        again = await _import(session, page)
    assert not again.changed
    assert [s for s in sent if s.split(None, 1)[0].upper() in {"INSERT", "UPDATE", "DELETE"}] == []


async def test_inserts_send_many_rows_per_statement_on_postgresql(session: AsyncSession) -> None:
    # On PostgreSQL a batch of rows is one multi-row INSERT … VALUES (decision 0276), not one
    # execution per row: 60 schools' offers fit in one batch, so in one statement.
    page = render_faq(generate_schools(60, 8), 8)
    async with counting_statements(session) as sent:
        report = await _import(session, page)
    offers = [s for s in sent if s.startswith("INSERT INTO offer ")]
    added = len(report.plan.offers.added)
    assert added > 100
    if session.get_bind().dialect.name == "postgresql":
        assert len(offers) == 1
        assert offers[0].count("), (") == added - 1
    else:
        # SQLite: one executemany of the same single-row statement.
        assert len(offers) == 1
        assert offers[0].count("), (") == 0


@pytest.mark.parametrize("parents", [True, False], ids=["with-parents", "without-parents"])
async def test_a_first_import_moves_the_data_version_once(
    session: AsyncSession, parents: bool
) -> None:
    # Its rows are inserted by Core statements on the tables, in batches (multi-row on
    # PostgreSQL): the transaction still moves the version, and only once. Without parent
    # schools the import sends no ORM statement at all (the parents' update is the only one),
    # so the version moves because the versioning hook sees a Core write by its table.
    schools = [s for s in generate_schools(60, 8) if parents or s.parent is None]
    version = await read_data_version(session)
    report = await _import(session, render_faq(schools, 8))
    assert len(report.plan.links.added) > 60
    assert await read_data_version(session) == version + 1


@pytest.mark.parametrize(
    "schools", [16, pytest.param(10_000, marks=pytest.mark.long)], ids=["16", "10000"]
)
async def test_a_second_import_of_the_same_page_writes_nothing(
    session: AsyncSession, schools: int
) -> None:
    # Issue 15: the second import of an unchanged page sends no INSERT, UPDATE or DELETE and
    # leaves the data version where the first import put it.
    page = render_faq(generate_schools(schools, 42), 42)
    first = await _import(session, page)
    assert len(first.plan.schools.added) >= schools
    version = await read_data_version(session)
    async with counting_statements(session) as sent:
        second = await _import(session, page)
    writes = [s for s in sent if s.split(None, 1)[0].upper() in {"INSERT", "UPDATE", "DELETE"}]
    assert writes == []
    assert second.plan.is_empty
    assert await read_data_version(session) == version
