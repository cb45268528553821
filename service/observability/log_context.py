"""Ids that every log line carries while a request or a run is in progress.

The values live in a :class:`contextvars.ContextVar`, so they follow the code through ``await``
and into tasks created inside the block, and never leak between concurrent requests.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar, Token
from types import MappingProxyType

LogValue = str | int

_fields: ContextVar[Mapping[str, LogValue]] = ContextVar(
    "mobility_log_fields", default=MappingProxyType({})
)

#: What a client may send as ``X-Request-ID``; anything else is replaced by a fresh id, so that a
#: client cannot write arbitrary text (or very long text) into our logs.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")


def current_log_fields() -> Mapping[str, LogValue]:
    """The fields bound in the current context (read-only)."""
    return _fields.get()


@contextmanager
def bind_log_fields(**fields: LogValue | None) -> Iterator[None]:
    """Add ``fields`` to every log line written inside the block (``None`` values are skipped).

    Blocks nest: an inner block adds to (or overrides) the outer one and restores it on exit.
    """
    token = push_log_fields(**fields)
    try:
        yield
    finally:
        reset_log_fields(token)


def push_log_fields(**fields: LogValue | None) -> Token[Mapping[str, LogValue]]:
    """:func:`bind_log_fields` without a context manager (a request's middleware, where the
    generator cost a few µs): pass the token to :func:`reset_log_fields` when done."""
    current = _fields.get()
    # No comprehension or double unpacking: this runs once per request (decision 0321).
    merged = dict(current) if current else {}
    for key, value in fields.items():
        if value is not None:
            merged[key] = value
    return _fields.set(MappingProxyType(merged))


def reset_log_fields(token: Token[Mapping[str, LogValue]]) -> None:
    """Restore the fields bound before :func:`push_log_fields` gave ``token``."""
    _fields.reset(token)


@contextmanager
def bind_request_id(request_id: str) -> Iterator[None]:
    """Bind the id of the HTTP request being served."""
    with bind_log_fields(request_id=request_id):
        yield


@contextmanager
def bind_run_id(run_id: int | str) -> Iterator[None]:
    """Bind the id of the sync run or import in progress."""
    with bind_log_fields(run_id=run_id):
        yield


class _RandomBytes:
    """The operating system's random bytes, drawn a block at a time: ``secrets.token_hex``
    made one ``getrandom`` system call per request id (decision 0290). A forked child draws
    its own block (it must not hand out its parent's next ids)."""

    BLOCK = 4096

    def __init__(self) -> None:
        self._block = b""
        self._at = 0
        os.register_at_fork(after_in_child=self._forget)

    def take(self, count: int) -> bytes:
        if self._at + count > len(self._block):
            self._block = os.urandom(self.BLOCK)
            self._at = 0
        taken = self._block[self._at : self._at + count]
        self._at += count
        return taken

    def _forget(self) -> None:
        self._block = b""
        self._at = 0


_random = _RandomBytes()


def new_request_id() -> str:
    """A fresh random request id (16 hex characters)."""
    return _random.take(8).hex()


def accept_request_id(candidate: str | None) -> str:
    """The client's ``X-Request-ID`` when it is short and plain, a fresh id otherwise."""
    if candidate is not None and _REQUEST_ID.fullmatch(candidate):
        return candidate
    return new_request_id()
