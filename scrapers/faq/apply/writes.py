"""Write a :class:`Plan` to the database with bulk statements; never commits.

Inserts are executemany batches of at most ``BATCH_ROWS`` rows, built as they are sent (the rows
of a whole table never exist at once); the ids of new rows are then read back with one query per
table (``RETURNING`` with ordered rows made SQLAlchemy insert SQLite rows one by one, and splice
the results quadratically). Updates are ORM bulk updates by primary key. Statements go through the
session, so the data version is bumped once for the transaction (:mod:`service.db.versioning`);
an empty plan issues no statement at all. The catalogue is let go table by table as it is written
(its records are no longer read once their rows and ids exist; decision 0275).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from scrapers.faq.apply.bulk import (
    Values,
    change_rows,
    insert_rows,
    update_new_rows,
    update_rows,
)
from scrapers.faq.interpret import Catalogue, FindingSpec, LinkKey
from scrapers.faq.plan import (
    FINDING_ORIGIN,
    Plan,
    Snapshot,
    TablePlan,
    finding_values,
    stream_rows,
)
from service.countries import country_name
from service.db import (
    Country,
    FaqRevision,
    Finding,
    HomeTrack,
    Link,
    Offer,
    Programme,
    School,
    SelectionRule,
    offer_home_track,
    school_programme,
)


class _Writer:
    def __init__(
        self,
        session: AsyncSession,
        plan: Plan,
        catalogue: Catalogue,
        snapshot: Snapshot,
        now: datetime,
    ) -> None:
        self.session = session
        self.plan = plan
        self.catalogue = catalogue
        self.snapshot = snapshot
        self.now = now
        self.school_ids = snapshot.school_ids
        self.programme_ids = snapshot.programme_ids
        #: The existing links the findings refer to (the only link ids the writes need).
        self.link_ids = dict(snapshot.link_ids)

    def stamped(self, values: Values) -> Values:
        return {**values, "created_at": self.now, "updated_at": self.now}

    async def write_reference_data(self) -> None:
        await insert_rows(
            self.session,
            Country,
            [
                {
                    "code": code,
                    "name_fr": country_name(code, "fr"),
                    "name_en": country_name(code, "en"),
                }
                for code in self.plan.countries
            ],
        )
        await insert_rows(
            self.session,
            HomeTrack,
            [{"code": code, "name": self.catalogue.tracks.get(code)} for code in self.plan.tracks],
        )

    async def write_schools(self) -> None:
        schools = self.catalogue.schools
        added = self.plan.schools.added
        rows = (
            self.stamped(
                {
                    "slug": s.slug,
                    "name": s.name,
                    "short_name": s.short_name,
                    "city": s.city,
                    "country_code": s.country_code,
                    "website": s.website,
                    "is_partner": s.is_partner,
                }
            )
            for s in (schools[slug] for slug in added)
        )
        if added:
            await insert_rows(self.session, School, rows)
            # Streamed, slugs interned: the catalogue's slugs are, so the ids' keys are the
            # catalogue's own strings, not a second copy of every slug (decision 0207).
            result = stream_rows(self.session, select(School.slug, School.id))
            self.school_ids = {sys.intern(slug): id_ async for slug, id_ in result}
        # Parents are set once every school has an id (a parent may be new too); the rows are
        # made batch by batch as they are sent (decision 0275).
        ids = self.school_ids
        parents = (
            {"id": ids[slug], "parent_id": ids[parent]}
            for slug in added
            if (parent := schools[slug].parent_slug) is not None
        )
        await update_new_rows(self.session, School, parents)
        parent_id = ("parent_id", lambda slug: ids[slug] if slug else None)
        await update_rows(
            self.session,
            School,
            change_rows(self.plan.schools, self.now, translate={"parent_slug": parent_id}),
        )
        # Nothing later reads the schools' records: the ids stand for them (decision 0275).
        self.catalogue.schools = {}

    async def write_programmes(self) -> None:
        rows = (
            self.stamped({"key": p.key, "name": p.name, "url": p.url})
            for p in (self.catalogue.programmes[key] for key in self.plan.programmes.added)
        )
        if self.plan.programmes.added:
            await insert_rows(self.session, Programme, rows)
            result = stream_rows(self.session, select(Programme.key, Programme.id))
            self.programme_ids = {sys.intern(key): id_ async for key, id_ in result}
        await update_rows(self.session, Programme, change_rows(self.plan.programmes, self.now))
        pairs = (
            {"programme_id": self.programme_ids[key], "school_id": self.school_ids[slug]}
            for key, slug in self.plan.programme_schools
        )
        await insert_rows(self.session, school_programme, pairs)
        self.catalogue.programmes = {}

    async def write_offers(self) -> None:
        #: The new reserved offers' natural keys (by ids), to give them their tracks.
        reserved: set[tuple[int, int | None, object, str, str]] = set()

        def rows() -> Iterator[Values]:
            for key in self.plan.offers.added:
                slug, programme, kind, year, scope = key
                school_id = self.school_ids[slug]
                programme_id = self.programme_ids[programme] if programme else None
                if scope:
                    reserved.add((school_id, programme_id, kind, year, scope))
                yield self.stamped(
                    {
                        "school_id": school_id,
                        "programme_id": programme_id,
                        "kind": kind,
                        "places": self.catalogue.offers[key],
                        "academic_year": year,
                        "scope": scope,
                    }
                )

        await insert_rows(self.session, Offer, rows())
        if reserved:
            # The new reserved offers' ids, read back to give them their tracks.
            existing = stream_rows(
                self.session,
                select(
                    Offer.id,
                    Offer.school_id,
                    Offer.programme_id,
                    Offer.kind,
                    Offer.academic_year,
                    Offer.scope,
                ).where(Offer.scope != ""),
            )
            new = [
                (id_, scope)
                async for id_, school, programme, kind, year, scope in existing
                if (school, programme, kind, year, scope) in reserved
            ]
            tracks = (
                {"offer_id": id_, "home_track_code": code}
                for id_, scope in new
                for code in scope.split(",")
            )
            await insert_rows(self.session, offer_home_track, tracks)
        await update_rows(self.session, Offer, change_rows(self.plan.offers, self.now))
        self.catalogue.offers = {}

    def _finding_links(self, findings: Mapping[str, FindingSpec]) -> set[LinkKey]:
        """The links the findings to write refer to: the only ones whose ids are read back."""
        wanted = {
            link_key
            for fingerprint in self.plan.findings.added
            if (link_key := findings[fingerprint].link_key) is not None
        }
        for change in (*self.plan.findings.changed, *self.plan.findings.retired):
            if "link_key" in change.fields:
                _, new = change.fields["link_key"]
                if new is not None:
                    wanted.add(new)  # type: ignore[arg-type]
        return wanted

    async def write_links(self, findings: Mapping[str, FindingSpec]) -> None:
        added: list[LinkKey] = self.plan.links.added
        rows = (
            self.stamped(
                {
                    "url": url,
                    "role": self.catalogue.links[(url, slug, programme)],
                    "school_id": self.school_ids[slug] if slug else None,
                    "programme_id": self.programme_ids[programme] if programme else None,
                }
            )
            for url, slug, programme in added
        )
        if added:
            await insert_rows(self.session, Link, rows)
            # Only the ids the findings need, streamed: a first import of 10,000 schools
            # writes ~40,000 links and a few dozen findings about them (decision 0207).
            wanted = self._finding_links(findings)
            urls = {url for url, _, _ in wanted}
            self.link_ids = {key: self.link_ids[key] for key in wanted if key in self.link_ids}
            if urls:
                slugs = {id_: slug for slug, id_ in self.school_ids.items()}
                keys = {id_: key for key, id_ in self.programme_ids.items()}
                links = stream_rows(
                    self.session, select(Link.id, Link.url, Link.school_id, Link.programme_id)
                )
                async for id_, url, school, programme in links:
                    if url not in urls:
                        continue
                    key = (
                        url,
                        slugs.get(school) if school else None,
                        keys.get(programme) if programme else None,
                    )
                    if key in wanted:
                        self.link_ids[key] = id_
        await update_rows(self.session, Link, change_rows(self.plan.links, self.now))
        self.catalogue.links = {}

    async def write_rules(self) -> None:
        rows = [
            self.stamped(
                {
                    "home_track_code": rule.track,
                    "semesters": list(rule.semesters),
                    "criteria": list(rule.criteria),
                    "source_text": rule.source_text,
                }
            )
            for rule in self.catalogue.rules or ()
            if rule.track in self.plan.rules.added
        ]
        await insert_rows(self.session, SelectionRule, rows)
        changed = TablePlan(changed=self.plan.rules.changed)
        await update_rows(self.session, SelectionRule, change_rows(changed, self.now))
        gone = [change.id for change in self.plan.rules.retired]
        if gone:
            await self.session.execute(delete(SelectionRule).where(SelectionRule.id.in_(gone)))

    async def write_findings(
        self, findings: Mapping[str, FindingSpec], revision_id: int | None
    ) -> None:
        rows = []
        for fingerprint in self.plan.findings.added:
            finding = findings[fingerprint]
            values = finding_values(finding)
            rows.append(
                {
                    "fingerprint": fingerprint,
                    "kind": finding.kind,
                    "origin": FINDING_ORIGIN,
                    "severity": values["severity"],
                    "message": finding.message,
                    "detail": values["detail"],
                    "school_id": self._school_id(finding.school_slug),
                    "link_id": self.link_ids.get(finding.link_key) if finding.link_key else None,
                    "revision_id": revision_id,
                    "source_line": finding.line,
                    "first_seen_at": self.now,
                }
            )
        await insert_rows(self.session, Finding, rows)
        translate = {
            "school_slug": ("school_id", self._school_id),
            "link_key": ("link_id", lambda key: self.link_ids.get(key) if key else None),
        }
        await update_rows(
            self.session,
            Finding,
            change_rows(
                self.plan.findings,
                self.now,
                retired_column="resolved_at",
                translate=translate,
                stamp=False,
            ),
        )

    def _school_id(self, slug: object) -> int | None:
        return self.school_ids.get(slug) if isinstance(slug, str) else None


async def apply_plan(
    session: AsyncSession,
    plan: Plan,
    catalogue: Catalogue,
    snapshot: Snapshot,
    *,
    findings: Mapping[str, FindingSpec],
    revision: Values,
    now: datetime,
) -> None:
    """Write ``plan``; ``revision`` holds the new revision's columns (used when it is new).

    The catalogue's schools, programmes, offers and links are emptied as they are written.
    """
    writer = _Writer(session, plan, catalogue, snapshot, now)
    await writer.write_reference_data()
    await writer.write_schools()
    await writer.write_programmes()
    await writer.write_offers()
    await writer.write_links(findings)
    await writer.write_rules()
    revision_id = snapshot.revision_id
    if plan.new_revision:
        await insert_rows(session, FaqRevision, [revision])
        revision_id = await session.scalar(
            select(FaqRevision.id).where(FaqRevision.content_hash == revision["content_hash"])
        )
    await writer.write_findings(findings, revision_id)
