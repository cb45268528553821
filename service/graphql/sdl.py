"""The schema as SDL, and where the committed copy lives (``mobility export-schema``)."""

from __future__ import annotations

from pathlib import Path

import strawberry

from service.graphql.mutation import Mutation
from service.graphql.query import Query

#: The committed SDL frontends code against; a test fails when it differs from the code.
SDL_PATH = Path(__file__).with_name("schema.graphql")


def schema_sdl() -> str:
    """The SDL of the schema (settings change limits and switches, never the SDL)."""
    return strawberry.Schema(query=Query, mutation=Mutation).as_str() + "\n"
