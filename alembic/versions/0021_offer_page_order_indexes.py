"""Index the current offers in each page order, and the retired schools.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-08

``offersConnection`` pages the current offers (``retired_at IS NULL``) newest academic year
first or most places first (unknown places last), then by id, and counts them for
``totalCount``. With no index in either order SQLite (and PostgreSQL) read and sorted every
current offer for a page of 20, and counted them reading each table row. Each index below
holds one order (so a walk of the index is the page's order and stops at its last row), then
``retired_at`` and the offer's school (so the page's conditions, and a count of the current
offers, read the index alone). ``retired_at`` comes after the order, not before it: PostgreSQL
takes ``IS NULL`` for a filter, not an equality that fixes the first column, and sorted every
offer over an index led by it. The retired schools are few: their partial index answers
``school_id IN (… retired)`` without reading every school, and no plan for the current ones
can take it
(docs/decisions/0410-the-offer-page-walks-an-index-in-its-order.md).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BY_YEAR = "ix_offer_academic_year_id_retired_at_school_id"
_BY_PLACES = "ix_offer_places_id_retired_at_school_id"
_RETIRED_SCHOOLS = "ix_school_retired_at"


def upgrade() -> None:
    op.create_index(
        _BY_YEAR, "offer", [sa.text("academic_year DESC"), "id", "retired_at", "school_id"]
    )
    op.create_index(
        _BY_PLACES,
        "offer",
        [sa.text("coalesce(places, -1) DESC"), "id", "retired_at", "school_id"],
    )
    retired = sa.text("retired_at IS NOT NULL")
    op.create_index(
        _RETIRED_SCHOOLS,
        "school",
        ["retired_at"],
        sqlite_where=retired,
        postgresql_where=retired,
    )


def downgrade() -> None:
    op.drop_index(_RETIRED_SCHOOLS, table_name="school")
    op.drop_index(_BY_PLACES, table_name="offer")
    op.drop_index(_BY_YEAR, table_name="offer")
