"""Index the served school list's filter: served country, partner, not retired.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07

A country page filters schools on ``served_country_code``, ``is_partner`` and ``retired_at IS
NULL``. Over the index of ``served_country_code`` alone SQLite (which assumes 25 values in an
``IN (SELECT … FROM json_each(…))`` list, and ``ANALYZE`` says 503 schools a country at 10,000)
preferred a scan of every school for the page's ``totalCount``; over this one, which answers
the whole filter without reading a row, it searches one country's entries. Its first column
serves every lookup the single-column index served, which it replaces
(docs/decisions/0370-the-served-schools-are-inlined-on-sqlite.md).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_LISTING = "ix_school_served_country_code_is_partner_retired_at"


def upgrade() -> None:
    op.create_index(_LISTING, "school", ["served_country_code", "is_partner", "retired_at"])
    op.drop_index("ix_school_served_country_code", table_name="school")


def downgrade() -> None:
    op.create_index("ix_school_served_country_code", "school", ["served_country_code"])
    op.drop_index(_LISTING, table_name="school")
