"""The committed SDL is what the code serves, and every part of it is described."""

from __future__ import annotations

import re
from pathlib import Path

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLNamedType,
    GraphQLObjectType,
    is_introspection_type,
    is_specified_scalar_type,
    parse,
    validate,
)

from service.config import Settings
from service.graphql.schema import build_schema
from service.graphql.sdl import SDL_PATH, schema_sdl


def test_the_committed_schema_file_matches_the_code() -> None:
    committed = SDL_PATH.read_text(encoding="utf-8")
    assert committed == schema_sdl(), (
        f"{SDL_PATH} is out of date: run `mobility export-schema` and commit it"
    )


def test_settings_change_limits_never_the_sdl() -> None:
    for settings in (
        Settings(_env_file=None),
        Settings(_env_file=None, environment="production", introspection_enabled=False),
    ):
        assert build_schema(settings).as_str() + "\n" == schema_sdl()


def _ours(named: GraphQLNamedType) -> bool:
    return not (is_introspection_type(named) or is_specified_scalar_type(named))


def test_every_type_field_argument_and_value_is_described() -> None:
    schema = build_schema(Settings(_env_file=None))._schema
    undescribed: list[str] = []
    for name, named in schema.type_map.items():
        if not _ours(named):
            continue
        if not named.description:
            undescribed.append(name)
        if isinstance(named, GraphQLObjectType | GraphQLInputObjectType):
            for field_name, field in named.fields.items():
                if not field.description:
                    undescribed.append(f"{name}.{field_name}")
                for argument_name, argument in getattr(field, "args", {}).items():
                    if not argument.description:
                        undescribed.append(f"{name}.{field_name}({argument_name})")
        if isinstance(named, GraphQLEnumType):
            undescribed += [
                f"{name}.{value_name}"
                for value_name, value in named.values.items()
                if not value.description
            ]
    assert undescribed == []


def test_the_readme_examples_are_valid_queries(repo_root: Path) -> None:
    readme = (repo_root / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```graphql\n(.*?)```", readme, re.DOTALL)
    queries = [query for block in blocks for query in re.split(r"\n(?=#)", block) if "{" in query]
    assert len(queries) >= 5
    schema = build_schema(Settings(_env_file=None))._schema
    for query in queries:
        assert validate(schema, parse(query)) == [], query
