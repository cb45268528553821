"""The root ``search`` field: one index per data version, queried in memory."""

from __future__ import annotations

from typing import Annotated

import strawberry

from service.catalogue import load_search_documents
from service.graphql.context import GraphQLInfo
from service.graphql.errors import bad_input
from service.graphql.resolvers.catalogue import check_page_size
from service.graphql.types.search import SearchHit

MAX_SEARCH_TEXT = 200
DEFAULT_SEARCH_HITS = 10


async def resolve_search(
    info: GraphQLInfo,
    text: Annotated[
        str,
        strawberry.argument(
            description="What the user typed; accents, case and small typos do not matter."
        ),
    ],
    first: Annotated[
        int, strawberry.argument(description="How many hits at most, best first.")
    ] = DEFAULT_SEARCH_HITS,
) -> list[SearchHit]:
    limit = check_page_size(info, first)
    if len(text) > MAX_SEARCH_TEXT:
        raise bad_input(f"`text` is longer than {MAX_SEARCH_TEXT} characters.")
    context = info.context
    index = await context.search_indexes.index_for(
        context.data_version, lambda: context.db.run(load_search_documents)
    )
    return [SearchHit.from_record(hit) for hit in index.search(text, limit=limit)]
