"""``node(id:)`` and ``nodes(ids:)``: any cacheable object, fetched again by its global id.

Ids are grouped by type and each type fetched in one batch (one statement per type present,
whatever the number of ids). An id that is malformed, names an unknown type or an object that
does not exist answers null: a client holding an old id is not at fault.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from typing import Annotated, Any

import strawberry
from sqlalchemy import RowMapping

from service.catalogue import (
    changes_by_ids,
    findings_by_ids,
    link_checks_by_ids,
    links_by_ids,
    list_selection_rules,
    load_sync_runs,
    offers_by_ids,
    programmes_at_schools,
    programmes_by_keys,
    schools_by_slugs,
    url_health_by_ids,
)
from service.graphql.context import GraphQLInfo
from service.graphql.global_id import GlobalId, parse_global_id, parse_int_key
from service.graphql.resolvers.catalogue import check_page_size
from service.graphql.types.catalogue import Country, Offer, Programme, School
from service.graphql.types.curation import Finding
from service.graphql.types.history import Change
from service.graphql.types.link_health import LinkCheck, LinkHealth, SyncRun
from service.graphql.types.node import Node
from service.graphql.types.reference import HomeTrack, Link, SelectionRule

#: Fetches the objects of one type for a batch of parsed key parts, one answer per key.
Fetch = Callable[[GraphQLInfo, Sequence[tuple[str, ...]]], Awaitable[list[Any]]]


def _single(parts: tuple[str, ...]) -> str | None:
    return parts[0] if len(parts) == 1 else None


async def _load_each(
    info: GraphQLInfo, type_name: str, keys: Sequence[tuple[str, ...]]
) -> list[RowMapping | None]:
    """One loader batch for the single-part keys; None for the others."""
    codes = [_single(parts) for parts in keys]
    load = info.context.relations.by_key
    loaded = iter(await asyncio.gather(*(load(type_name, code) for code in codes if code)))
    return [next(loaded) if code else None for code in codes]


async def _countries(info: GraphQLInfo, keys: Sequence[tuple[str, ...]]) -> list[Any]:
    rows = await _load_each(info, "Country", keys)
    return [None if row is None else Country.from_row(row) for row in rows]


async def _home_tracks(info: GraphQLInfo, keys: Sequence[tuple[str, ...]]) -> list[Any]:
    rows = await _load_each(info, "HomeTrack", keys)
    return [None if row is None else HomeTrack.from_row(row) for row in rows]


async def _schools(info: GraphQLInfo, keys: Sequence[tuple[str, ...]]) -> list[Any]:
    slugs = [_single(parts) for parts in keys]
    found = await info.context.db.run(schools_by_slugs, [s for s in slugs if s])
    return [School.from_record(found[slug]) if slug in found else None for slug in slugs]


async def _programmes(info: GraphQLInfo, keys: Sequence[tuple[str, ...]]) -> list[Any]:
    # `Programme:<school slug>:<key>` is the programme seen from that school (its offers only);
    # `Programme:<key>` the programme itself, as search finds it.
    pairs = [(parts[0], parts[1]) for parts in keys if len(parts) == 2]
    bare = [parts[0] for parts in keys if len(parts) == 1]
    at_schools = await info.context.db.run(programmes_at_schools, pairs) if pairs else {}
    by_key = await info.context.db.run(programmes_by_keys, bare) if bare else {}
    answers: list[Any] = []
    for parts in keys:
        if len(parts) == 2 and parts in at_schools:
            school_id, record = at_schools[(parts[0], parts[1])]
            answers.append(
                Programme.from_record(record, seen_from_school=school_id, seen_from_slug=parts[0])
            )
        elif len(parts) == 1 and parts[0] in by_key:
            answers.append(Programme.from_record(by_key[parts[0]]))
        else:
            answers.append(None)
    return answers


def _by_int_id(
    fetch: Callable[..., Awaitable[dict[int, Any]]], build: Callable[[Any], Any]
) -> Fetch:
    """A ``Fetch`` for a type keyed by one integer id (``Offer:12``)."""

    async def fetch_objects(info: GraphQLInfo, keys: Sequence[tuple[str, ...]]) -> list[Any]:
        ids = [parse_int_key(parts) for parts in keys]
        wanted = [key for key in ids if key is not None]
        found = await info.context.db.run(fetch, wanted) if wanted else {}
        return [build(found[key]) if key in found else None for key in ids]

    return fetch_objects


async def _selection_rules_by_ids(session: Any, ids: Sequence[int]) -> dict[int, Any]:
    # A handful of rules: reading them all is one small statement.
    return {rule.id: rule for rule in await list_selection_rules(session) if rule.id in ids}


async def _sync_runs_by_ids(session: Any, ids: Sequence[int]) -> dict[int, Any]:
    runs = await load_sync_runs(session, ids)
    return {run.id: run for run in runs if run is not None}


_FETCHERS: dict[str, Fetch] = {
    "Country": _countries,
    "School": _schools,
    "Programme": _programmes,
    "HomeTrack": _home_tracks,
    "Offer": _by_int_id(offers_by_ids, Offer.from_record),
    "Link": _by_int_id(links_by_ids, Link.from_record),
    "Finding": _by_int_id(findings_by_ids, Finding.from_record),
    "Change": _by_int_id(changes_by_ids, Change.from_entry),
    "SelectionRule": _by_int_id(_selection_rules_by_ids, SelectionRule.from_record),
    "SyncRun": _by_int_id(_sync_runs_by_ids, SyncRun.from_row),
    "LinkCheck": _by_int_id(link_checks_by_ids, LinkCheck.from_row),
    "LinkHealth": _by_int_id(url_health_by_ids, LinkHealth.from_row),
}


async def fetch_nodes(info: GraphQLInfo, ids: Sequence[str]) -> list[Node | None]:
    """The object of each id, in order; None where there is none."""
    parsed: list[GlobalId | None] = [parse_global_id(text) for text in ids]
    positions: dict[str, list[int]] = defaultdict(list)
    for position, global_id in enumerate(parsed):
        if global_id is not None and global_id.type_name in _FETCHERS:
            positions[global_id.type_name].append(position)
    answers: list[Node | None] = [None] * len(ids)
    for type_name, where in positions.items():
        keys = [parsed[position].parts for position in where]  # type: ignore[union-attr]
        objects = await _FETCHERS[type_name](info, keys)
        for position, obj in zip(where, objects, strict=True):
            answers[position] = obj
    return answers


async def resolve_node(
    info: GraphQLInfo,
    id: Annotated[strawberry.ID, strawberry.argument(description="A global id from `id`.")],
) -> Node | None:
    return (await fetch_nodes(info, [id]))[0]


async def resolve_nodes(
    info: GraphQLInfo,
    ids: Annotated[
        list[strawberry.ID],
        strawberry.argument(description="Global ids, at most the server's page size."),
    ],
) -> list[Node | None]:
    check_page_size(info, len(ids), "ids")
    return await fetch_nodes(info, ids)
