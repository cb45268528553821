"""The operations docs/frontend.md shows are valid, named operations of the committed schema."""

from __future__ import annotations

import re
from pathlib import Path

from graphql import OperationDefinitionNode, parse, validate

from service.config import Settings
from service.graphql.schema import build_schema


def test_the_frontend_page_operations_are_valid_and_named(repo_root: Path) -> None:
    page = (repo_root / "docs" / "frontend.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```graphql\n(.*?)```", page, re.DOTALL)
    assert len(blocks) == 4
    schema = build_schema(Settings(_env_file=None))._schema
    for block in blocks:
        document = parse(block)
        assert validate(schema, document) == [], block
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        assert [operation.name is not None for operation in operations] == [True], block
