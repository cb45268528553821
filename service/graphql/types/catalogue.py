"""The nested catalogue: country → school → programme → offer.

Relation fields (a school's programmes, an offer's school, …) read what the root resolver
prefetched (service.graphql.prefetch); their loading is declared at the end of this module.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Hashable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from service.catalogue.records import CountryRecord, OfferRecord, ProgrammeRecord, SchoolRecord
from service.graphql.context import GraphQLInfo
from service.graphql.global_id import format_global_id
from service.graphql.prefetch import (
    Prefetched,
    Relation,
    build_many,
    build_one,
    register_relations,
    relation_value,
)
from service.graphql.types.enums import Lang, OfferFact, OfferKind
from service.graphql.types.node import Node
from service.graphql.types.reference import HomeTrack, Link
from service.graphql.types.school_info import SchoolInfo

if TYPE_CHECKING:
    from service.graphql.types.curation import Finding

_INCLUDE_RETIRED = strawberry.argument(description="Also list offers no longer given.")


@strawberry.type(description="A country, keyed by its ISO 3166-1 alpha-2 code.")
class Country(Node):
    code: str = strawberry.field(description='ISO 3166-1 alpha-2 code, upper case: "FI".')
    name_fr: strawberry.Private[str]
    name_en: strawberry.Private[str]
    prefetched: strawberry.Private[Prefetched] = dataclasses.field(default_factory=dict)

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
    def schools(self, info: GraphQLInfo) -> list[School]:
        return relation_value(self, info, "schools")

    @classmethod
    def from_record(cls, record: CountryRecord) -> Country:
        return cls(code=record.code, name_fr=record.name_fr, name_en=record.name_en)


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
    prefetched: strawberry.Private[Prefetched] = dataclasses.field(default_factory=dict)

    @strawberry.field(name="id", description="Stable, opaque global id.")
    def global_id(self) -> strawberry.ID:
        return strawberry.ID(format_global_id("School", self.slug))

    @strawberry.field(description="The country it is in.")
    def country(self, info: GraphQLInfo) -> Country:
        return relation_value(self, info, "country")

    @strawberry.field(description="The institution it belongs to (Grenoble INP for Phelma).")
    def parent(self, info: GraphQLInfo) -> School | None:
        return relation_value(self, info, "parent")

    @strawberry.field(description="Its current programmes, by key.")
    def programmes(self, info: GraphQLInfo) -> list[Programme]:
        return relation_value(self, info, "programmes")

    @strawberry.field(description="Its offers, newest academic year first.")
    def offers(
        self, info: GraphQLInfo, include_retired: Annotated[bool, _INCLUDE_RETIRED] = False
    ) -> list[Offer]:
        return relation_value(self, info, "offers", include_retired)

    @strawberry.field(
        description="The pages the curated catalogue gives for it, its programmes' pages "
        "included (a programme shared by several schools shows its pages under each)."
    )
    def links(self, info: GraphQLInfo) -> list[Link]:
        return relation_value(self, info, "links")

    @strawberry.field(
        description="What is known about it beyond its offers (deadlines, language "
        "requirements, credits, contacts, …), each value with its source and freshness."
    )
    def info(self, info: GraphQLInfo) -> SchoolInfo:
        return relation_value(self, info, "info")

    # Loaded as declared beside `Finding` (types/curation.py), which imports this module.
    @strawberry.field(description="Data-quality findings about it, from imports and syncs.")
    def findings(
        self,
        info: GraphQLInfo,
        kinds: Annotated[
            list[str] | None, strawberry.argument(description="Only these kinds.")
        ] = None,
        include_resolved: Annotated[
            bool, strawberry.argument(description="Also list findings that were resolved.")
        ] = False,
    ) -> list[Annotated[Finding, strawberry.lazy("service.graphql.types.curation")]]:
        arguments = (None if kinds is None else tuple(kinds), include_resolved)
        return relation_value(self, info, "findings", arguments)

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
    prefetched: strawberry.Private[Prefetched] = dataclasses.field(default_factory=dict)

    @strawberry.field(
        name="id",
        description="Stable, opaque global id. A programme reached from a school is that "
        "school's programme (its offers are the school's only), so it has its own id: the "
        "joint programme seen from Ense3 and from Phelma are two nodes.",
    )
    def global_id(self, info: GraphQLInfo) -> strawberry.ID:
        if self.seen_from_school is None:
            return strawberry.ID(format_global_id("Programme", self.key))
        if self.seen_from_slug is not None:
            return strawberry.ID(format_global_id("Programme", self.seen_from_slug, self.key))
        return relation_value(self, info, "id")

    @strawberry.field(description="The current schools teaching it (two for a joint programme).")
    def schools(self, info: GraphQLInfo) -> list[School]:
        return relation_value(self, info, "schools")

    @strawberry.field(
        description="Its offers, newest academic year first. Reached through "
        "`School.programmes` or `Offer.programme`, only that school's offers."
    )
    def offers(
        self, info: GraphQLInfo, include_retired: Annotated[bool, _INCLUDE_RETIRED] = False
    ) -> list[Offer]:
        return relation_value(self, info, "offers", include_retired)

    @strawberry.field(description="The pages the curated catalogue gives for it.")
    def links(self, info: GraphQLInfo) -> list[Link]:
        return relation_value(self, info, "links")

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
    prefetched: strawberry.Private[Prefetched] = dataclasses.field(default_factory=dict)

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
    def eligible_for(
        self,
        info: GraphQLInfo,
        home_track: Annotated[str, strawberry.argument(description='A track code: "ISEM".')],
    ) -> bool:
        return relation_value(self, info, "eligibleFor", home_track.strip().upper())

    @strawberry.field(
        description="The home tracks it is reserved to; empty when it is open to every track."
    )
    def home_tracks(self, info: GraphQLInfo) -> list[HomeTrack]:
        return relation_value(self, info, "homeTracks")

    @strawberry.field(description="The school giving the places.")
    def school(self, info: GraphQLInfo) -> School:
        return relation_value(self, info, "school")

    @strawberry.field(description="The programme followed there, when the offer names one.")
    def programme(self, info: GraphQLInfo) -> Programme | None:
        return relation_value(self, info, "programme")

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


def _include_retired(arguments: Mapping[str, Any]) -> Hashable:
    return arguments.get("includeRetired") is True


def _programme_offers(
    programme: Programme, records: list[OfferRecord], _arguments: Hashable
) -> list[Offer]:
    school = programme.seen_from_school
    return [
        Offer.from_record(record)
        for record in records
        if school is None or record.school_id == school
    ]


register_relations(
    Country,
    {
        "schools": Relation(
            loader=lambda loaders: loaders.partner_schools_of_country,
            key=lambda country, _: country.code,
            build=build_many(School.from_record),
        )
    },
)
register_relations(
    School,
    {
        "country": Relation(
            loader=lambda loaders: loaders.country,
            key=lambda school, _: school.country_code,
            build=build_one(Country.from_record),
        ),
        "parent": Relation(
            loader=lambda loaders: loaders.school,
            key=lambda school, _: school.parent_id,
            build=build_one(School.from_record),
        ),
        "programmes": Relation(
            loader=lambda loaders: loaders.programmes_of_school,
            key=lambda school, _: school.id,
            build=lambda school, records, _: [
                Programme.from_record(
                    record, seen_from_school=school.id, seen_from_slug=school.slug
                )
                for record in records
            ],
        ),
        "offers": Relation(
            loader=lambda loaders: loaders.offers_of_school,
            key=lambda school, include_retired: (school.id, include_retired),
            build=build_many(Offer.from_record),
            argument_key=_include_retired,
        ),
        "links": Relation(
            loader=lambda loaders: loaders.links_of_school,
            key=lambda school, _: school.id,
            build=build_many(Link.from_record),
        ),
        "info": Relation(
            loader=lambda loaders: loaders.info_of_school,
            key=lambda school, _: school.id,
            build=lambda _school, record, _: SchoolInfo.from_record(record),
        ),
    },
)
register_relations(
    Programme,
    {
        # Only for a programme reached through `Offer.programme`: its school's slug.
        "id": Relation(
            loader=lambda loaders: loaders.school,
            key=lambda programme, _: (
                None if programme.seen_from_slug is not None else programme.seen_from_school
            ),
            build=lambda programme, record, _: strawberry.ID(
                format_global_id("Programme", record.slug, programme.key)
            ),
        ),
        "schools": Relation(
            loader=lambda loaders: loaders.schools_of_programme,
            key=lambda programme, _: programme.id,
            build=build_many(School.from_record),
        ),
        "offers": Relation(
            loader=lambda loaders: loaders.offers_of_programme,
            key=lambda programme, include_retired: (programme.id, include_retired),
            build=_programme_offers,
            argument_key=_include_retired,
        ),
        "links": Relation(
            loader=lambda loaders: loaders.links_of_programme,
            key=lambda programme, _: programme.id,
            build=build_many(Link.from_record),
        ),
    },
)


def _track_argument(arguments: Mapping[str, Any]) -> Hashable:
    track = arguments.get("homeTrack")
    return track.strip().upper() if isinstance(track, str) else None


register_relations(
    Offer,
    {
        "eligibleFor": Relation(
            loader=lambda loaders: loaders.home_tracks_of_offer,
            key=lambda offer, _: offer.id,
            # Open to every track (no reservation), or reserved to this one among others.
            build=lambda _offer, records, track: (
                not records or any(record.code == track for record in records)
            ),
            argument_key=_track_argument,
        ),
        "homeTracks": Relation(
            loader=lambda loaders: loaders.home_tracks_of_offer,
            key=lambda offer, _: offer.id,
            build=build_many(HomeTrack.from_record),
        ),
        "school": Relation(
            loader=lambda loaders: loaders.school,
            key=lambda offer, _: offer.school_id,
            build=build_one(School.from_record),
        ),
        "programme": Relation(
            loader=lambda loaders: loaders.programme,
            key=lambda offer, _: offer.programme_id,
            build=lambda offer, record, _: (
                None
                if record is None
                else Programme.from_record(record, seen_from_school=offer.school_id)
            ),
        ),
    },
)
