"""Persisted operations: which document a request runs when it names one by its SHA-256.

Two modes (docs/decisions/0095-persisted-operations.md):

- automatic persisted queries (Apollo's protocol, the default): a request may send
  ``extensions.persistedQuery.sha256Hash`` instead of the query text. An unknown hash answers
  ``PersistedQueryNotFound`` (404, the client then resends with the text); hash and text
  together store the text once its SHA-256 is verified (400 when it does not match). The store
  is bounded in bytes, least recently used out; 0 bytes switches the protocol off
  (``PersistedQueryNotSupported``, the client then always sends the text).
- trusted documents only (``TRUSTED_DOCUMENTS_FILE``, for production): the server runs only
  the documents of a manifest built by ``mobility trusted-documents``, named by hash or sent
  as their exact text; anything else gets 400 and nothing is ever stored.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass, replace
from typing import Any

from service.config import Settings
from service.web.graphql_request import GraphQLParams, ProtocolError
from service.web.trusted_documents import TrustedDocuments, load_trusted_documents

#: Apollo's link compares these messages (or the codes) exactly.
NOT_FOUND = "PersistedQueryNotFound"
NOT_SUPPORTED = "PersistedQueryNotSupported"


class PersistedQueryError(ProtocolError):
    """A persisted-operation request that cannot run, with the code clients act on."""

    def __init__(self, status: int, message: str, code: str) -> None:
        # A hash unknown now may be stored a moment later: no cache may keep this answer.
        super().__init__(
            status,
            message,
            headers={"Cache-Control": "private, no-cache, must-revalidate"},
            code=code,
        )


def sha256_hex(text: str) -> str:
    """The hash clients send for ``text`` (SHA-256 of its UTF-8 bytes, lower-case hex)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class _Named:
    """What the request's ``extensions.persistedQuery`` says."""

    sha256: str


def _named(extensions: dict[str, Any] | None) -> _Named | None:
    if not extensions or "persistedQuery" not in extensions:
        return None
    persisted = extensions["persistedQuery"]
    if not isinstance(persisted, dict):
        raise ProtocolError(400, "`extensions.persistedQuery` must be an object.")
    if persisted.get("version") != 1:
        raise ProtocolError(400, "Only version 1 of `extensions.persistedQuery` is supported.")
    sha = persisted.get("sha256Hash")
    if not isinstance(sha, str) or len(sha) != 64:
        raise ProtocolError(400, "`extensions.persistedQuery.sha256Hash` must be 64 hex digits.")
    return _Named(sha.lower())


class PersistedQueryStore:
    """Query texts by SHA-256, at most ``max_bytes`` of them (least recently used out)."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._texts: OrderedDict[str, str] = OrderedDict()
        self._size = 0

    def __len__(self) -> int:
        return len(self._texts)

    def get(self, sha: str) -> str | None:
        text = self._texts.get(sha)
        if text is not None:
            self._texts.move_to_end(sha)
        return text

    def put(self, sha: str, text: str) -> None:
        cost = len(text.encode("utf-8")) + 64
        if cost > self.max_bytes or sha in self._texts:
            return
        self._texts[sha] = text
        self._size += cost
        while self._size > self.max_bytes:
            _, old = self._texts.popitem(last=False)
            self._size -= len(old.encode("utf-8")) + 64


class PersistedOperations:
    """Turns a request that names a document by hash into one that carries its text."""

    def __init__(self, store: PersistedQueryStore, trusted: TrustedDocuments | None) -> None:
        self.store = store
        self.trusted = trusted

    def resolve(self, params: GraphQLParams) -> GraphQLParams:
        """``params`` with the document to run; PersistedQueryError or ProtocolError if none."""
        named = _named(params.extensions)
        if self.trusted is not None:
            return self._trusted(params, named, self.trusted)
        if named is None:
            return params
        if not self.store.max_bytes:
            raise PersistedQueryError(400, NOT_SUPPORTED, "PERSISTED_QUERY_NOT_SUPPORTED")
        if not params.query:
            text = self.store.get(named.sha256)
            if text is None:
                raise PersistedQueryError(404, NOT_FOUND, "PERSISTED_QUERY_NOT_FOUND")
            return replace(params, query=text)
        if sha256_hex(params.query) != named.sha256:
            raise PersistedQueryError(
                400,
                "The query's SHA-256 is not `extensions.persistedQuery.sha256Hash`.",
                "PERSISTED_QUERY_HASH_MISMATCH",
            )
        self.store.put(named.sha256, params.query)
        return params

    def _trusted(
        self, params: GraphQLParams, named: _Named | None, trusted: TrustedDocuments
    ) -> GraphQLParams:
        sha = sha256_hex(params.query) if params.query else None
        if named is not None and sha is not None and sha != named.sha256:
            raise PersistedQueryError(
                400,
                "The query's SHA-256 is not `extensions.persistedQuery.sha256Hash`.",
                "PERSISTED_QUERY_HASH_MISMATCH",
            )
        wanted = named.sha256 if named is not None else sha
        text = trusted.get(wanted) if wanted is not None else None
        if text is not None:
            return replace(params, query=text)
        if params.query:
            raise PersistedQueryError(
                400,
                "This server runs only its trusted documents; this query is not one of them.",
                "QUERY_NOT_IN_SAFELIST",
            )
        raise PersistedQueryError(
            400,
            "This server runs only its trusted documents; no document has this hash.",
            "PERSISTED_QUERY_NOT_IN_LIST",
        )


def build_persisted_operations(settings: Settings) -> PersistedOperations:
    """The mode the settings ask for; the trusted documents are read here, at startup."""
    trusted = (
        load_trusted_documents(settings.trusted_documents_file)
        if settings.trusted_documents_file is not None
        else None
    )
    return PersistedOperations(PersistedQueryStore(settings.persisted_queries_bytes), trusted)
