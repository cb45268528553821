"""The root ``Query``: the table of contents of the API. Resolvers live in ``resolvers/``."""

from __future__ import annotations

import strawberry

from service.graphql.resolvers.admin_queries import (
    resolve_admin_actions,
    resolve_job_requests,
    resolve_scheduler_state,
)
from service.graphql.resolvers.catalogue import (
    resolve_countries,
    resolve_country,
    resolve_offers,
    resolve_offers_connection,
    resolve_school,
    resolve_schools,
)
from service.graphql.resolvers.connections import (
    resolve_findings_connection,
    resolve_sync_runs_connection,
)
from service.graphql.resolvers.health import resolve_sync_runs
from service.graphql.resolvers.history import resolve_changes
from service.graphql.resolvers.node import resolve_node, resolve_nodes
from service.graphql.resolvers.reference import (
    resolve_findings,
    resolve_home_tracks,
    resolve_selection_rules,
)
from service.graphql.resolvers.search import resolve_search
from service.graphql.types.admin import (
    AdminActionsResult,
    JobRequestsResult,
    SchedulerStateResult,
)
from service.graphql.types.catalogue import Country, Offer, School
from service.graphql.types.connection import Connection
from service.graphql.types.curation import Finding
from service.graphql.types.history import ChangeConnection
from service.graphql.types.link_health import SyncRun
from service.graphql.types.node import Node
from service.graphql.types.offer_connection import OfferConnection
from service.graphql.types.pagination import SchoolConnection
from service.graphql.types.reference import HomeTrack, SelectionRule
from service.graphql.types.search import SearchHit


@strawberry.type(
    description="The partner-university catalogue. Lists hold what a student can act on: "
    "current partner schools and current offers, unless a filter asks for more. Absence is "
    "null (an unknown slug, an unknown number of places), never an error."
)
class Query:
    node: Node | None = strawberry.field(
        resolver=resolve_node,
        description="Any object with an `id`, fetched again by it; null when the id is "
        "unknown, malformed or its object is gone (never an error).",
    )
    nodes: list[Node | None] = strawberry.field(
        resolver=resolve_nodes,
        description="The objects of these ids, in order; null for each id `node` would "
        "answer null for.",
    )
    countries: list[Country] = strawberry.field(
        resolver=resolve_countries, description="Countries, by ISO code."
    )
    country: Country | None = strawberry.field(
        resolver=resolve_country, description="One country; null when unknown."
    )
    schools: SchoolConnection = strawberry.field(
        resolver=resolve_schools, description="Schools, a page at a time, by slug."
    )
    school: School | None = strawberry.field(
        resolver=resolve_school, description="One school, partner or parent; null when unknown."
    )
    offers: list[Offer] = strawberry.field(
        resolver=resolve_offers,
        description="Offers across schools, newest academic year first, all at once.",
        deprecation_reason="Use `offersConnection`: the same offers, paged, counted and "
        "ordered. `offers` is removed in the next release.",
    )
    offers_connection: OfferConnection = strawberry.field(
        resolver=resolve_offers_connection,
        description="Offers across schools, a page at a time, newest academic year first "
        "(or most places first).",
    )
    search: list[SearchHit] = strawberry.field(
        resolver=resolve_search,
        description="Countries (French or English names), schools (name, acronym, city, "
        "parent) and programmes matching what the user typed, best first.",
    )
    home_tracks: list[HomeTrack] = strawberry.field(
        resolver=resolve_home_tracks, description="The home school's tracks, by code."
    )
    selection_rules: list[SelectionRule] = strawberry.field(
        resolver=resolve_selection_rules,
        description="How students are selected: which semesters count, for every track or one.",
    )
    findings: list[Finding] = strawberry.field(
        resolver=resolve_findings,
        description="Data-quality findings, newest first, all at once.",
        deprecation_reason="Use `findingsConnection`: the same findings, paged and counted. "
        "`findings` is removed in the next release.",
    )
    findings_connection: Connection[Finding] = strawberry.field(
        resolver=resolve_findings_connection,
        description="Data-quality findings, newest first, a page at a time.",
    )
    sync_runs: list[SyncRun] = strawberry.field(
        resolver=resolve_sync_runs,
        description="The latest runs of the sync over the partners' pages, newest first.",
        deprecation_reason="Use `syncRunsConnection`: every run, paged and counted. "
        "`syncRuns` is removed in the next release.",
    )
    sync_runs_connection: Connection[SyncRun] = strawberry.field(
        resolver=resolve_sync_runs_connection,
        description="The runs of the sync over the partners' pages, newest first, a page at "
        "a time.",
    )
    changes: ChangeConnection = strawberry.field(
        resolver=resolve_changes,
        description="Every change of a value read from partner pages since a time, oldest "
        "first, a page at a time.",
    )

    # Admin fields: they need the admin token (`Authorization: Bearer <token>`).
    admin_actions: AdminActionsResult = strawberry.field(
        resolver=resolve_admin_actions,
        description="Admin only: the admin log, newest first: every admin action, applied, "
        "queued or rejected, with who, when and why.",
    )
    job_requests: JobRequestsResult = strawberry.field(
        resolver=resolve_job_requests,
        description="Admin only: the syncs and imports queued through the API, newest first.",
    )
    scheduler_state: SchedulerStateResult = strawberry.field(
        resolver=resolve_scheduler_state,
        description="Admin only: what the scheduler last did for each job and when it runs "
        "it next, and the schools it backs off.",
    )
