"""The packaged seed page as a test's starting catalogue: imported and committed."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from scrapers.faq.importer import import_faq
from scrapers.faq.read.source import read_seed


async def import_seed(session: AsyncSession) -> str:
    """Import the seed page into the session's database and commit; return the page's text
    (tests import edited copies of it next)."""
    seed = read_seed().text
    await import_faq(session, seed, source_label="seed")
    await session.commit()
    return seed
