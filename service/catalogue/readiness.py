"""What a first start asks of the catalogue: was a FAQ page ever imported, did a sync ever run?

Until the first import lands, the API answers an empty catalogue (no partner at all), which a
load balancer must not mistake for a working service: ``/readyz`` says 503 with this reason.
The scheduler asks the same questions to run the import and the sync at once on a fresh
database rather than at the next cron time (decision 0054).
"""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from service.db import FaqRevision, School, SyncRun

NEVER_IMPORTED = (
    "the catalogue was never imported: the scheduler imports the FAQ page at its first start "
    "(or run `mobility import-faq`)"
)


async def catalogue_imported(session: AsyncSession) -> bool:
    """Whether a FAQ page was ever imported into this database, or it holds schools anyway.

    Schools written another way (a restored dump, a bulk load) are a catalogue too: importing
    the packaged seed over them would add partners nobody asked for.
    """
    revision = exists().where(FaqRevision.id.is_not(None))
    school = exists().where(School.id.is_not(None))
    return bool(await session.scalar(select(revision | school)))


async def sync_ever_ran(session: AsyncSession) -> bool:
    """Whether any sync run was recorded (whatever its outcome)."""
    return bool(await session.scalar(select(exists().where(SyncRun.id.is_not(None)))))
