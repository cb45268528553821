"""Host partitions of a sync run on PostgreSQL, and the schools each partition has recorded.

A run split across workers (decision 0130) has one ``sync_partition`` row per partition: its
schools, its state, and the attempt that holds it (``holder``). Each school a partition records
adds a ``sync_partition_school`` row in that school's own transaction, so a retried partition
knows which schools are done and the run's coordinator can total the partitions' reports. Both
are bookkeeping the API never serves: they do not bump the data version.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from service.db.base import Base


class PartitionStatus(enum.StrEnum):
    #: Deferred, or given back to the queue after its worker died.
    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    DONE = "DONE"
    #: Taken back by the coordinator (its run stopped or lost its lock): no school may be written.
    REVOKED = "REVOKED"
    #: An attempt failed on a defect (``error`` says which); the schools it did not write are
    #: reported as not visited.
    FAILED = "FAILED"


class SyncPartition(Base):
    """One host partition of a run; ``holder`` names the attempt allowed to write its schools."""

    __tablename__ = "sync_partition"
    __table_args__ = (UniqueConstraint("run_id", "number"),)
    __versioned__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("sync_run.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    school_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    hosts: Mapped[int] = mapped_column(default=0)
    links: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(16), default=PartitionStatus.QUEUED.value)
    #: Attempts started (the first is 1); a retry after a worker died adds one.
    attempts: Mapped[int] = mapped_column(default=0)
    holder: Mapped[str | None] = mapped_column(String(255))
    claimed_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(Text)


class SyncPartitionSchool(Base):
    """A school a partition recorded, with its report (see :mod:`scrapers.sync.partitioned`)."""

    __tablename__ = "sync_partition_school"
    __table_args__ = (UniqueConstraint("partition_id", "school_id"),)
    __versioned__ = False

    #: In commit order, nearly: the coordinator reads the rows added since the last id it saw.
    id: Mapped[int] = mapped_column(primary_key=True)
    partition_id: Mapped[int] = mapped_column(ForeignKey("sync_partition.id", ondelete="CASCADE"))
    school_id: Mapped[int]
    #: Who wrote it (the holder of that attempt).
    holder: Mapped[str] = mapped_column(String(255))
    report: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: Whether the school's transaction changed what the API serves (the run moves the data
    #: version once for all of them, decision 0125).
    changed: Mapped[bool] = mapped_column(default=False)
