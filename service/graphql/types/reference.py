"""Home tracks, the selection rules that apply to them, and links (with their health)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from service.catalogue import HomeTrackRecord, LinkRecord, SelectionRuleRecord, record_from
from service.graphql.context import GraphQLInfo
from service.graphql.errors import bad_input
from service.graphql.global_id import format_global_id
from service.graphql.relation_rows import Parent
from service.graphql.types.enums import LinkRole
from service.graphql.types.link_health import LinkCheck, LinkHealth
from service.graphql.types.node import Node

if TYPE_CHECKING:
    from service.graphql.types.link_checks import LinkCheckConnection

#: Most checks ``Link.checks`` gives (the history keeps one per link per run).
MAX_LINK_CHECKS = 50
DEFAULT_LINK_CHECKS = 10


@strawberry.type(description='A track ("filière") of the home school: ISEM, IEL, …')
class HomeTrack(Node):
    code: str = strawberry.field(description='Upper-case code: "ISEM".')
    name: str | None = strawberry.field(description="Full name, when known.")

    @strawberry.field(name="id", description="Stable, opaque global id.")
    def global_id(self) -> strawberry.ID:
        return strawberry.ID(format_global_id("HomeTrack", self.code))

    @strawberry.field(
        description="The selection rule in force for this track: its own, else the general one."
    )
    async def selection_rule(self, info: GraphQLInfo) -> SelectionRule | None:
        found = await info.context.relations.related(
            "HomeTrack", "selectionRule", Parent(self.code)
        )
        return SelectionRule.from_row(found[0].row) if found else None

    @classmethod
    def from_record(cls, record: HomeTrackRecord) -> HomeTrack:
        return cls(code=record.code, name=record.name)

    @classmethod
    def from_row(cls, row: Mapping[Any, Any]) -> HomeTrack:
        return cls.from_record(record_from(HomeTrackRecord, row))


@strawberry.type(description="How students are selected, for every track or for one.")
class SelectionRule(Node):
    id: strawberry.Private[int]
    home_track_code: strawberry.Private[str | None]
    semesters: list[str] = strawberry.field(
        description='Semesters whose grades count, in order: ["S1", "S2"].'
    )
    criteria: list[str] = strawberry.field(
        description='What is assessed besides grades, e.g. ["grades", "motivation"].'
    )
    source_text: str = strawberry.field(description="The sentence of the source it was read from.")

    @strawberry.field(name="id", description="Stable, opaque global id.")
    def global_id(self) -> strawberry.ID:
        return strawberry.ID(format_global_id("SelectionRule", self.id))

    @strawberry.field(description="The track this rule is specific to; null: every track.")
    async def home_track(self, info: GraphQLInfo) -> HomeTrack | None:
        found = await info.context.relations.related("SelectionRule", "homeTrack", Parent(self.id))
        return HomeTrack.from_row(found[0].row) if found else None

    @classmethod
    def from_row(cls, row: Mapping[Any, Any]) -> SelectionRule:
        return cls.from_record(record_from(SelectionRuleRecord, row))

    @classmethod
    def from_record(cls, record: SelectionRuleRecord) -> SelectionRule:
        return cls(
            id=record.id,
            home_track_code=record.home_track_code,
            semesters=list(record.semesters),
            criteria=list(record.criteria),
            source_text=record.source_text,
        )


@strawberry.type(description="A web page the curated catalogue gives for a school or programme.")
class Link(Node):
    id: strawberry.Private[int]
    url: str = strawberry.field(description="The address, as curated.")
    role: LinkRole = strawberry.field(description="What the page is for.")

    @strawberry.field(name="id", description="Stable, opaque global id.")
    def global_id(self) -> strawberry.ID:
        return strawberry.ID(format_global_id("Link", self.id))

    @strawberry.field(
        description="The current state of its address, from the latest sync; null until a "
        "sync has checked it."
    )
    async def health(self, info: GraphQLInfo) -> LinkHealth | None:
        row = await info.context.loaders.health_of_link.load(self.id)
        return None if row is None else LinkHealth.from_row(row)

    @strawberry.field(
        description="Its latest visits by sync runs, newest first.",
        deprecation_reason="Use `checksConnection`: the same visits, paged both ways and "
        "counted. `checks` is removed in the next release.",
    )
    async def checks(
        self,
        info: GraphQLInfo,
        last: Annotated[
            int,
            strawberry.argument(description=f"How many, from 0 to {MAX_LINK_CHECKS}."),
        ] = DEFAULT_LINK_CHECKS,
    ) -> list[LinkCheck]:
        if not 0 <= last <= MAX_LINK_CHECKS:
            raise bad_input(f"`last` must be between 0 and {MAX_LINK_CHECKS}.")
        rows = await info.context.loaders.checks_of_link.load((self.id, last))
        return [LinkCheck.from_row(row) for row in rows]

    @strawberry.field(description="Its visits by sync runs, newest first, a page at a time.")
    def checks_connection(
        self,
        info: GraphQLInfo,
        first: Annotated[
            int | None,
            strawberry.argument(
                description="Page size from the start (or from `after`), from 0 to the "
                "server's maximum; 20 when neither `first` nor `last` is given."
            ),
        ] = None,
        after: Annotated[
            str | None, strawberry.argument(description="Start after this cursor (`endCursor`).")
        ] = None,
        last: Annotated[
            int | None,
            strawberry.argument(description="Page size from the end (or from `before`)."),
        ] = None,
        before: Annotated[
            str | None, strawberry.argument(description="End before this cursor (`startCursor`).")
        ] = None,
    ) -> Annotated[LinkCheckConnection, strawberry.lazy("service.graphql.types.link_checks")]:
        # Imported here: connections import the catalogue types, which import this module.
        from service.graphql.types.link_checks import page_checks

        # A future of the connection (see page_checks), which graphql-core awaits.
        return page_checks(info, self.id, first, after, last, before)  # type: ignore[return-value]

    @classmethod
    def from_record(cls, record: LinkRecord) -> Link:
        return cls(id=record.id, url=record.url, role=LinkRole[record.role.name])
