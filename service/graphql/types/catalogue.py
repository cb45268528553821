"""The nested catalogue: country → school → programme → offer.

Relation fields (a school's programmes, an offer's school, …) are the entries of the catalogue
table (service.graphql.compiler.relations): each names its entry and loads through the
request's ``RelationLoaders``, which write the statement from it. Links, school info and
findings, not in the table yet, load through ``service.graphql.loaders``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from service.catalogue import CountryRecord, OfferRecord, ProgrammeRecord, SchoolRecord, record_from
from service.graphql.context import GraphQLInfo
from service.graphql.global_id import format_global_id
from service.graphql.relation_rows import Child, Parent
from service.graphql.types.enums import Lang, OfferFact, OfferKind
from service.graphql.types.node import Node
from service.graphql.types.reference import HomeTrack, Link
from service.graphql.types.school_info import SchoolInfo

if TYPE_CHECKING:
    from service.graphql.types.curation import Finding


def _related(
    info: GraphQLInfo,
    type_name: str,
    field_name: str,
    parent: Parent,
    arguments: Mapping[str, Any] | None = None,
) -> Awaitable[list[Child]]:
    return info.context.relations.related(type_name, field_name, parent, arguments)


_INCLUDE_RETIRED = strawberry.argument(description="Also list offers no longer given.")


@strawberry.type(description="A country, keyed by its ISO 3166-1 alpha-2 code.")
class Country(Node):
    code: str = strawberry.field(description='ISO 3166-1 alpha-2 code, upper case: "FI".')
    name_fr: strawberry.Private[str]
    name_en: strawberry.Private[str]

    @strawberry.field(name="id", description="Stable, opaque global id.")
    def global_id(self) -> strawberry.ID:
        return strawberry.ID(format_global_id("Country", self.code))

    @strawberry.field(description="The country's name (Unicode CLDR), in French by default.")
    def name(
        self, lang: Annotated[Lang, strawberry.argument(description="The language.")] = Lang.FR
    ) -> str:
        return self.name_fr if lang is Lang.FR else self.name_en

    @strawberry.field(
        description="Its current partner schools, by slug. Parent institutions are not "
        "partners: reach them through `School.parent`."
    )
    async def schools(self, info: GraphQLInfo) -> list[School]:
        return [
            School.from_row(child.row)
            for child in await _related(info, "Country", "schools", Parent(self.code))
        ]

    @classmethod
    def from_record(cls, record: CountryRecord) -> Country:
        return cls(code=record.code, name_fr=record.name_fr, name_en=record.name_en)

    @classmethod
    def from_row(cls, row: Mapping[Any, Any]) -> Country:
        return cls.from_record(record_from(CountryRecord, row))


@strawberry.type(description="A partner school, or the parent institution of one.")
class School(Node):
    id: strawberry.Private[int]
    country_code: strawberry.Private[str]
    parent_id: strawberry.Private[int | None]
    slug: str = strawberry.field(description='Stable identifier made from the name: "ensimag".')
    name: str = strawberry.field(description="Name, as curated.")
    short_name: str | None = strawberry.field(description="Acronym or short name, when it has one.")
    city: str | None = strawberry.field(description="City, when known.")
    website: str | None = strawberry.field(description="Home page, when known.")
    is_partner: bool = strawberry.field(
        description="Listed as a partner (false for a parent institution such as Grenoble INP)."
    )
    retired_at: datetime | None = strawberry.field(
        description="When the curated page stopped listing it; null while it is listed."
    )

    @strawberry.field(name="id", description="Stable, opaque global id.")
    def global_id(self) -> strawberry.ID:
        return strawberry.ID(format_global_id("School", self.slug))

    @strawberry.field(description="The country it is in.")
    async def country(self, info: GraphQLInfo) -> Country:
        (child,) = await _related(info, "School", "country", Parent(self.id))
        return Country.from_row(child.row)

    @strawberry.field(description="The institution it belongs to (Grenoble INP for Phelma).")
    async def parent(self, info: GraphQLInfo) -> School | None:
        found = await _related(info, "School", "parent", Parent(self.id))
        return School.from_row(found[0].row) if found else None

    @strawberry.field(description="Its current programmes, by key.")
    async def programmes(self, info: GraphQLInfo) -> list[Programme]:
        children = await _related(info, "School", "programmes", Parent(self.id))
        return [Programme.from_child(child, seen_from_slug=self.slug) for child in children]

    @strawberry.field(description="Its offers, newest academic year first.")
    async def offers(
        self, info: GraphQLInfo, include_retired: Annotated[bool, _INCLUDE_RETIRED] = False
    ) -> list[Offer]:
        arguments = {"includeRetired": include_retired}
        children = await _related(info, "School", "offers", Parent(self.id), arguments)
        return [Offer.from_row(child.row) for child in children]

    @strawberry.field(
        description="The pages the curated catalogue gives for it, its programmes' pages "
        "included (a programme shared by several schools shows its pages under each)."
    )
    async def links(self, info: GraphQLInfo) -> list[Link]:
        return [
            Link.from_record(r) for r in await info.context.loaders.links_of_school.load(self.id)
        ]

    @strawberry.field(
        description="What is known about it beyond its offers (deadlines, language "
        "requirements, credits, contacts, …), each value with its source and freshness."
    )
    async def info(self, info: GraphQLInfo) -> SchoolInfo:
        return SchoolInfo.from_record(await info.context.loaders.info_of_school.load(self.id))

    @strawberry.field(description="Data-quality findings about it, from imports and syncs.")
    async def findings(
        self,
        info: GraphQLInfo,
        kinds: Annotated[
            list[str] | None, strawberry.argument(description="Only these kinds.")
        ] = None,
        include_resolved: Annotated[
            bool, strawberry.argument(description="Also list findings that were resolved.")
        ] = False,
    ) -> list[Annotated[Finding, strawberry.lazy("service.graphql.types.curation")]]:
        # Imported here: types/curation.py imports this module.
        from service.graphql.types.curation import Finding

        arguments = (None if kinds is None else tuple(kinds), include_resolved)
        records = await info.context.loaders.findings_of_school.load((self.id, arguments))
        return [Finding.from_record(record) for record in records]

    @classmethod
    def from_row(cls, row: Mapping[Any, Any]) -> School:
        return cls.from_record(record_from(SchoolRecord, row))

    @classmethod
    def from_record(cls, record: SchoolRecord) -> School:
        return cls(
            id=record.id,
            country_code=record.country_code,
            parent_id=record.parent_id,
            slug=record.slug,
            name=record.name,
            short_name=record.short_name,
            city=record.city,
            website=record.website,
            is_partner=record.is_partner,
            retired_at=record.retired_at,
        )


@strawberry.type(
    description="What a student follows at a partner (a track, a cursus, a master). "
    "One programme may be taught jointly by several schools."
)
class Programme(Node):
    id: strawberry.Private[int]
    #: Set when reached from a school (``School.programmes``, ``Offer.programme``): its offers
    #: are then that school's only.
    seen_from_school: strawberry.Private[int | None]
    key: str = strawberry.field(
        description="Natural key of the programme, the same from every school sharing it: "
        "not a cache key (use `id`)."
    )
    name: str = strawberry.field(description="Name, as curated.")
    url: str | None = strawberry.field(description="Its page, when known.")
    retired_at: datetime | None = strawberry.field(
        description="When the curated page stopped listing it; null while it is listed."
    )
    #: The slug of ``seen_from_school``, when the builder knew it (else loaded for ``id``).
    seen_from_slug: strawberry.Private[str | None] = None

    @strawberry.field(
        name="id",
        description="Stable, opaque global id. A programme reached from a school is that "
        "school's programme (its offers are the school's only), so it has its own id: the "
        "joint programme seen from Ense3 and from Phelma are two nodes.",
    )
    async def global_id(self, info: GraphQLInfo) -> strawberry.ID:
        if self.seen_from_school is None:
            return strawberry.ID(format_global_id("Programme", self.key))
        slug = self.seen_from_slug
        if slug is None:  # reached through `Offer.programme`: its school's slug
            school = await info.context.relations.by_key("School", self.seen_from_school)
            assert school is not None  # an offer's school exists (foreign key)
            slug = school["slug"]
        return strawberry.ID(format_global_id("Programme", slug, self.key))

    def parent(self) -> Parent:
        """As a parent of its relations: its id, and the school it is seen from."""
        if self.seen_from_school is None:
            return Parent(self.id)
        return Parent(self.id, (("school_id", self.seen_from_school),))

    @strawberry.field(description="The current schools teaching it (two for a joint programme).")
    async def schools(self, info: GraphQLInfo) -> list[School]:
        children = await _related(info, "Programme", "schools", self.parent())
        return [School.from_row(child.row) for child in children]

    @strawberry.field(
        description="Its offers, newest academic year first. Reached through "
        "`School.programmes` or `Offer.programme`, only that school's offers."
    )
    async def offers(
        self, info: GraphQLInfo, include_retired: Annotated[bool, _INCLUDE_RETIRED] = False
    ) -> list[Offer]:
        arguments = {"includeRetired": include_retired}
        children = await _related(info, "Programme", "offers", self.parent(), arguments)
        return [Offer.from_row(child.row) for child in children]

    @strawberry.field(description="The pages the curated catalogue gives for it.")
    async def links(self, info: GraphQLInfo) -> list[Link]:
        records = await info.context.loaders.links_of_programme.load(self.id)
        return [Link.from_record(record) for record in records]

    @classmethod
    def from_row(cls, row: Mapping[Any, Any]) -> Programme:
        """A programme seen from no school (found by its key): all its offers."""
        return cls.from_record(record_from(ProgrammeRecord, row))

    @classmethod
    def from_child(cls, child: Child, *, seen_from_slug: str | None = None) -> Programme:
        """A related row, seen from the school it carries (if any)."""
        school = dict(child.carried).get("school_id")
        record = record_from(ProgrammeRecord, child.row)
        return cls.from_record(record, seen_from_school=school, seen_from_slug=seen_from_slug)

    @classmethod
    def from_record(
        cls,
        record: ProgrammeRecord,
        *,
        seen_from_school: int | None = None,
        seen_from_slug: str | None = None,
    ) -> Programme:
        return cls(
            id=record.id,
            seen_from_school=seen_from_school,
            seen_from_slug=seen_from_slug,
            key=record.key,
            name=record.name,
            url=record.url,
            retired_at=record.retired_at,
        )


@strawberry.type(
    description="Places at a partner for one academic year, of one kind, open to every home "
    "track or reserved to some."
)
class Offer(Node):
    id: strawberry.Private[int]
    school_id: strawberry.Private[int]
    programme_id: strawberry.Private[int | None]
    kind: OfferKind | None = strawberry.field(
        description="Its kind; null when the source is silent."
    )
    places: int | None = strawberry.field(
        description="How many places; null when unknown (unknown is not zero)."
    )
    academic_year: str = strawberry.field(description='The year the places are for: "2019/2020".')
    retired_at: datetime | None = strawberry.field(
        description="When the curated page stopped giving it; null while it is given."
    )
    #: The filter's criteria this offer matched only because its school's fact is unknown.
    unknown_facts: strawberry.Private[tuple[OfferFact, ...]] = ()

    @strawberry.field(name="id", description="Stable, opaque global id.")
    def global_id(self) -> strawberry.ID:
        return strawberry.ID(format_global_id("Offer", self.id))

    @strawberry.field(
        description="The criteria of the `offersConnection` filter (`languageAtMost`, "
        "`deadlineOnOrAfter`, `semester`) this offer matched only because the catalogue does "
        "not know the fact: check them with the partner. Empty elsewhere, and when every "
        "criterion was decided."
    )
    def matched_on_unknown(self) -> list[OfferFact]:
        return list(self.unknown_facts)

    @strawberry.field(
        description="Whether a student of this home track can take it: it is open to every "
        "track, or reserved to this one among others."
    )
    async def eligible_for(
        self,
        info: GraphQLInfo,
        home_track: Annotated[str, strawberry.argument(description='A track code: "ISEM".')],
    ) -> bool:
        # Open to every track (no reservation), or reserved to this one among others.
        code = home_track.strip().upper()
        tracks = await _related(info, "Offer", "homeTracks", Parent(self.id))
        return not tracks or any(track.row["code"] == code for track in tracks)

    @strawberry.field(
        description="The home tracks it is reserved to; empty when it is open to every track."
    )
    async def home_tracks(self, info: GraphQLInfo) -> list[HomeTrack]:
        children = await _related(info, "Offer", "homeTracks", Parent(self.id))
        return [HomeTrack.from_row(child.row) for child in children]

    @strawberry.field(description="The school giving the places.")
    async def school(self, info: GraphQLInfo) -> School:
        (child,) = await _related(info, "Offer", "school", Parent(self.id))
        return School.from_row(child.row)

    @strawberry.field(description="The programme followed there, when the offer names one.")
    async def programme(self, info: GraphQLInfo) -> Programme | None:
        found = await _related(info, "Offer", "programme", Parent(self.id))
        return Programme.from_child(found[0]) if found else None

    @classmethod
    def from_row(cls, row: Mapping[Any, Any]) -> Offer:
        return cls.from_record(record_from(OfferRecord, row))

    @classmethod
    def from_record(
        cls, record: OfferRecord, *, unknown_facts: tuple[OfferFact, ...] = ()
    ) -> Offer:
        return cls(
            unknown_facts=unknown_facts,
            id=record.id,
            school_id=record.school_id,
            programme_id=record.programme_id,
            kind=None if record.kind is None else OfferKind[record.kind.name],
            places=record.places,
            academic_year=record.academic_year,
            retired_at=record.retired_at,
        )


async def school_of(info: GraphQLInfo, school_id: int | None) -> School | None:
    """The school with id ``school_id`` as served (batched with every other one asked)."""
    if school_id is None:
        return None
    row = await info.context.relations.by_key("School", school_id)
    return None if row is None else School.from_row(row)


async def existing_school(info: GraphQLInfo, school_id: int) -> School:
    """:func:`school_of` for a row whose ``school_id`` is a foreign key: the school exists."""
    school = await school_of(info, school_id)
    assert school is not None, f"no school {school_id}"
    return school
