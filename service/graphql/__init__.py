"""The GraphQL schema: types, per-request loaders and context, the schema builder, the SDL."""

from __future__ import annotations

from typing import TYPE_CHECKING

from service.faces import lazy_face

if TYPE_CHECKING:
    from service.graphql.compiler import ReadCompiler
    from service.graphql.context import ResponseNotes, build_context
    from service.graphql.limits import LimitError
    from service.graphql.mutation import Mutation
    from service.graphql.query import Query
    from service.graphql.schema import CatalogueSchema, build_schema
    from service.graphql.sdl import SDL_PATH, schema_sdl
    from service.graphql.types.enums import DeadlineKind, Semester
    from service.graphql.types.info_values import Deadline

__all__ = [
    "SDL_PATH",
    "CatalogueSchema",
    "Deadline",
    "DeadlineKind",
    "LimitError",
    "Mutation",
    "Query",
    "ReadCompiler",
    "ResponseNotes",
    "Semester",
    "build_context",
    "build_schema",
    "schema_sdl",
]

__getattr__ = lazy_face(__name__, __file__)
