"""Trusted documents: the manifest a production server runs exclusively, and how it is built.

The manifest is Apollo's persisted-query manifest format (``apollo-persisted-query-manifest``
version 1), so a manifest written by Apollo's own generator works too: one entry per
operation, its ``body`` the operation followed by the fragments it uses, its ``id`` the
SHA-256 of ``body``. ``mobility trusted-documents`` builds it from ``.graphql`` files.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    NameNode,
    OperationDefinitionNode,
    SelectionSetNode,
    Visitor,
    parse,
    print_ast,
    visit,
)

from service.errors import UserError

MANIFEST_FORMAT = "apollo-persisted-query-manifest"


class TrustedDocuments:
    """Document texts by SHA-256, loaded once from a manifest file."""

    def __init__(self, texts: Mapping[str, str]) -> None:
        self._texts = dict(texts)

    def __len__(self) -> int:
        return len(self._texts)

    def get(self, sha: str) -> str | None:
        return self._texts.get(sha)


def load_trusted_documents(path: Path) -> TrustedDocuments:
    """The manifest at ``path``; UserError when it is missing, malformed or lies about a hash."""
    try:
        manifest = orjson.loads(path.read_bytes())
    except OSError as exc:
        raise UserError(f"cannot read the trusted documents {path}: {exc.strerror}") from None
    except orjson.JSONDecodeError:
        raise UserError(f"{path}: not JSON (expected a persisted-query manifest)") from None
    if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT:
        raise UserError(f"{path}: not an {MANIFEST_FORMAT} (its `format` says otherwise)")
    texts: dict[str, str] = {}
    for number, entry in enumerate(manifest.get("operations") or (), start=1):
        body = entry.get("body") if isinstance(entry, dict) else None
        if not isinstance(body, str):
            raise UserError(f"{path}: operation {number} has no `body`")
        sha = hashlib.sha256(body.encode("utf-8")).hexdigest()
        if entry.get("id") != sha:
            # A wrong id would make the server refuse the client's hash: say it now.
            raise UserError(f"{path}: operation {number}'s `id` is not the SHA-256 of its body")
        texts[sha] = body
    return TrustedDocuments(texts)


@dataclass(frozen=True, slots=True)
class TrustedOperation:
    """One entry of the manifest."""

    name: str
    kind: str
    body: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.body.encode("utf-8")).hexdigest()


def _spreads(node: OperationDefinitionNode | FragmentDefinitionNode) -> set[str]:
    names: set[str] = set()

    class _Collect(Visitor):
        def enter_fragment_spread(self, spread: FragmentSpreadNode, *_: Any) -> None:
            names.add(spread.name.value)

    visit(node, _Collect())
    return names


_TYPENAME = FieldNode(name=NameNode(value="__typename"), arguments=(), directives=())


def add_typename(document: DocumentNode) -> DocumentNode:
    """``document`` with ``__typename`` in every selection set below the root, as Apollo
    Client adds it before sending (its cache needs it to normalise and match fragments)."""

    class _Add(Visitor):
        def leave_selection_set(
            self, node: SelectionSetNode, _key: Any, parent: Any, *_: Any
        ) -> SelectionSetNode | None:
            if isinstance(parent, OperationDefinitionNode):
                return None
            names = {s.name.value for s in node.selections if isinstance(s, FieldNode)}
            if "__typename" in names:
                return None
            return SelectionSetNode(selections=(*node.selections, _TYPENAME))

    result: DocumentNode = visit(document, _Add())
    return result


def collect_operations(documents: Iterable[tuple[str, DocumentNode]]) -> list[TrustedOperation]:
    """The named operations of ``documents`` (label, parsed file), each with its fragments.

    Fragments may live in any of the files. Raises UserError for an anonymous operation, two
    operations of one name, or a spread of an unknown fragment.
    """
    fragments: dict[str, FragmentDefinitionNode] = {}
    operations: list[tuple[str, OperationDefinitionNode]] = []
    for label, document in documents:
        for definition in document.definitions:
            if isinstance(definition, FragmentDefinitionNode):
                fragments[definition.name.value] = definition
            elif isinstance(definition, OperationDefinitionNode):
                if definition.name is None:
                    raise UserError(f"{label}: an operation has no name (clients need one)")
                operations.append((label, definition))
    result: list[TrustedOperation] = []
    seen: set[str] = set()
    for label, operation in operations:
        name = operation.name.value if operation.name else ""
        if name in seen:
            raise UserError(f"{label}: a second operation is named {name}")
        seen.add(name)
        used: list[str] = []
        pending = sorted(_spreads(operation))
        while pending:
            fragment = pending.pop(0)
            if fragment in used:
                continue
            if fragment not in fragments:
                raise UserError(f"{label}: {name} uses an unknown fragment {fragment}")
            used.append(fragment)
            pending.extend(sorted(_spreads(fragments[fragment]) - set(used)))
        parts = [print_ast(operation), *(print_ast(fragments[f]) for f in sorted(used))]
        result.append(TrustedOperation(name, operation.operation.value, "\n\n".join(parts)))
    return result


def read_documents(paths: Iterable[Path]) -> list[tuple[str, DocumentNode]]:
    """Every ``.graphql`` file under ``paths`` (files or folders), parsed, in path order."""
    files: list[Path] = []
    for path in paths:
        files.extend(sorted(path.rglob("*.graphql")) if path.is_dir() else [path])
    documents = []
    for file in files:
        try:
            documents.append((str(file), parse(file.read_text(encoding="utf-8"))))
        except GraphQLError as error:
            raise UserError(f"{file}: {error.message}") from None
    return documents


def manifest_json(operations: Iterable[TrustedOperation]) -> bytes:
    """The manifest file's bytes (indented, one operation per entry, sorted by name)."""
    entries = [
        {"id": op.sha256, "name": op.name, "type": op.kind, "body": op.body}
        for op in sorted(operations, key=lambda op: op.name)
    ]
    manifest = {"format": MANIFEST_FORMAT, "version": 1, "operations": entries}
    return orjson.dumps(manifest, option=orjson.OPT_INDENT_2) + b"\n"
