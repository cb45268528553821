"""A catalogue-wide data version, bumped by every transaction that writes.

The API answers the same query with the same bytes until the data changes, and data changes only
when an import, a sync or an admin writes. Every such write goes through an ORM session made by
``service.db.engine.create_sessionmaker``; this module makes those sessions bump
``data_version.version`` once per transaction that writes anything, so readers can key caches on
one cheap ``SELECT``. Models that change often without changing what the API serves (a lock
lease, a queue heartbeat) opt out with ``__versioned__ = False``; a model whose freshness stamps
move on every visit (when a value was last confirmed, when a URL was last checked) names them in
``__unversioned__`` (``SchoolFact.last_good_at``), and an update of those alone moves nothing.

A sync run is one change however many transactions it commits: its sessions carry a
:class:`DeferredVersion` (:func:`deferred_version_info`), which notes that something changed
instead of bumping, and the run bumps once as it closes (:func:`bump_deferred_version`),
only when something did change (``docs/decisions/0125-one-data-version-per-sync-run.md``).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import FromClause, Update, event, inspect, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, Session, SessionTransaction, mapped_column
from sqlalchemy.orm.session import ORMExecuteState
from sqlalchemy.sql.dml import UpdateBase

from service.db.base import Base
from service.db.types import utcnow

_BUMPED = "data_version_bumped"
_DEFERRED = "data_version_deferred"
_DEFER_HERE = "data_version_deferred_here"
_CHANGED_HERE = "data_version_changed_here"


@dataclass(slots=True)
class DeferredVersion:
    """Shared by the sessions of one sync run: whether any of them wrote a versioned change."""

    changed: bool = False


def deferred_version_info(deferred: DeferredVersion) -> dict[str, object]:
    """The ``info`` of sessions whose changes move the data version once, later, together."""
    return {_DEFERRED: deferred}


def deferred_here_info() -> dict[str, object]:
    """The ``info`` of sessions that note a change in their own transaction instead of bumping.

    For writers in other processes than the run's (host partitions, decision 0130): each
    school's transaction tells, with :func:`changed_here`, whether it changed something; the
    run reads that from what they committed and moves the version once.
    """
    return {_DEFER_HERE: True}


def changed_here(session: AsyncSession) -> bool:
    """Whether this session's transaction wrote a versioned change (:func:`deferred_here_info`)."""
    return bool(session.info.get(_CHANGED_HERE))


class DataVersion(Base):
    """A single row (``id = 1``) holding the catalogue's data version."""

    __tablename__ = "data_version"
    __versioned__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(default=0)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)


def _is_versioned(obj: object) -> bool:
    return getattr(type(obj), "__versioned__", True) is not False


def _bump(session: Session) -> None:
    deferred = session.info.get(_DEFERRED)
    if isinstance(deferred, DeferredVersion):
        deferred.changed = True
        return
    if session.info.get(_DEFER_HERE):
        session.info[_CHANGED_HERE] = True
        return
    if session.info.get(_BUMPED):
        return
    session.info[_BUMPED] = True
    session.connection().execute(_bump_statement())


def _bump_statement() -> Update:
    return (
        update(DataVersion)
        .where(DataVersion.id == 1)
        .values(version=DataVersion.version + 1, changed_at=utcnow())
    )


async def bump_data_version(session: AsyncSession) -> None:
    """Move the data version now, in the session's transaction (whatever its ``info`` says)."""
    await session.execute(_bump_statement())


async def bump_deferred_version(session: AsyncSession, deferred: DeferredVersion) -> bool:
    """Move the data version once for a run's deferred changes, if there were any."""
    if deferred.changed:
        await bump_data_version(session)
        deferred.changed = False
        return True
    return False


class VersionedSession(Session):
    """The sync session class behind every ``AsyncSession`` the application makes."""


def _changes_what_is_served(obj: object) -> bool:
    """A dirty object has a changed attribute that is not one of its freshness stamps."""
    stamps: frozenset[str] = getattr(type(obj), "__unversioned__", frozenset())
    state = inspect(obj)
    return any(
        attribute.key not in stamps and attribute.history.has_changes() for attribute in state.attrs
    )


def _flush_writes(session: Session) -> bool:
    if any(_is_versioned(obj) for obj in (*session.new, *session.deleted)):
        return True
    # `dirty` also holds objects whose attributes were set to the values they had.
    return any(_is_versioned(obj) and _changes_what_is_served(obj) for obj in session.dirty)


@event.listens_for(VersionedSession, "before_flush")
def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    if _flush_writes(session):
        _bump(session)


@event.listens_for(VersionedSession, "do_orm_execute")
def _on_orm_execute(state: ORMExecuteState) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    mapper = state.bind_mapper
    if mapper is not None:
        versioned = getattr(mapper.class_, "__versioned__", True) is not False
    elif isinstance(state.statement, UpdateBase):
        # A Core statement on a table (the FAQ writer's batched inserts) names no mapper.
        versioned = _table_is_versioned(state.statement.table)
    else:
        versioned = False
    if versioned:
        _bump(state.session)


@functools.cache
def _table_is_versioned(table: FromClause) -> bool:
    """Whether a write to ``table`` moves the data version: unless a model mapped to it opts out.

    A table no model is mapped to (an association table) is served through the models it joins,
    so a write to it is versioned.
    """
    return all(
        getattr(mapper.class_, "__versioned__", True) is not False
        for mapper in Base.registry.mappers
        if mapper.local_table is table
    )


@event.listens_for(VersionedSession, "after_transaction_end")
def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_BUMPED, None)
        session.info.pop(_CHANGED_HERE, None)


#: SQL: the current data version as a value of a select list, the same as
#: :func:`read_data_version` reads. A statement that selects it beside its rows read both in one
#: snapshot (the compiled read path's single statement, decision 0150).
DATA_VERSION_SQL = "coalesce((SELECT version FROM data_version WHERE id = 1), 0)"


async def read_data_version(session: AsyncSession) -> int:
    """The current data version (0 on a freshly migrated database)."""
    return (await session.scalar(select(DataVersion.version).where(DataVersion.id == 1))) or 0


async def read_data_stamp(session: AsyncSession) -> tuple[int, datetime | None]:
    """The current data version and when it last changed (feeds' ``ETag`` and ``Last-Modified``)."""
    row = (
        await session.execute(
            select(DataVersion.version, DataVersion.changed_at).where(DataVersion.id == 1)
        )
    ).first()
    return (0, None) if row is None else (row.version, row.changed_at)
