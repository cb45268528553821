"""catalogue and curation tables

Revision ID: 0001
Revises:
Create Date: 2026-11-26

The natural-key unique indexes over nullable columns use coalesce() expressions; autogenerate
cannot reflect expression indexes on SQLite, so they are written here by hand.
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "country",
        sa.Column("code", sa.String(length=2), nullable=False),
        sa.Column("name_fr", sa.String(length=100), nullable=False),
        sa.Column("name_en", sa.String(length=100), nullable=False),
        sa.CheckConstraint(
            "length(code) = 2 AND code = upper(code)", name=op.f("ck_country_code_alpha2")
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_country")),
    )
    data_version = op.create_table(
        "data_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_version")),
    )
    op.bulk_insert(data_version, [{"id": 1, "version": 0, "changed_at": datetime.now(UTC)}])
    op.create_table(
        "faq_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=2048), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("contributor", sa.String(length=200), nullable=True),
        sa.Column("academic_year", sa.String(length=9), nullable=True),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("length(content_hash) = 64", name=op.f("ck_faq_revision_sha256_hex")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_faq_revision")),
        sa.UniqueConstraint("content_hash", name=op.f("uq_faq_revision_content_hash")),
    )
    op.create_table(
        "home_track",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.CheckConstraint(
            "code <> '' AND code = upper(code)", name=op.f("ck_home_track_code_upper")
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_home_track")),
    )
    op.create_table(
        "programme",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=True),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("key <> ''", name=op.f("ck_programme_key_not_empty")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme")),
        sa.UniqueConstraint("key", name=op.f("uq_programme_key")),
    )
    op.create_table(
        "school",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("short_name", sa.String(length=120), nullable=True),
        sa.Column("city", sa.String(length=120), nullable=True),
        sa.Column("country_code", sa.String(length=2), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("website", sa.String(length=2048), nullable=True),
        sa.Column("is_partner", sa.Boolean(), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("slug <> ''", name=op.f("ck_school_slug_not_empty")),
        sa.CheckConstraint(
            "parent_id IS NULL OR parent_id <> id", name=op.f("ck_school_not_own_parent")
        ),
        sa.ForeignKeyConstraint(
            ["country_code"], ["country.code"], name=op.f("fk_school_country_code_country")
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["school.id"], name=op.f("fk_school_parent_id_school")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_school")),
        sa.UniqueConstraint("slug", name=op.f("uq_school_slug")),
    )
    with op.batch_alter_table("school", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_school_country_code"), ["country_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_school_parent_id"), ["parent_id"], unique=False)

    op.create_table(
        "selection_rule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("home_track_code", sa.String(length=32), nullable=True),
        sa.Column("semesters", sa.JSON(), nullable=False),
        sa.Column("criteria", sa.JSON(), nullable=False),
        sa.Column("source_text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["home_track_code"],
            ["home_track.code"],
            name=op.f("fk_selection_rule_home_track_code_home_track"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_selection_rule")),
    )
    op.create_table(
        "link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "HOMEPAGE",
                "EXCHANGE_PAGE",
                "PROGRAMME_PAGE",
                "OTHER",
                name="link_role",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("school_id", sa.Integer(), nullable=True),
        sa.Column("programme_id", sa.Integer(), nullable=True),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(school_id IS NOT NULL) <> (programme_id IS NOT NULL)",
            name=op.f("ck_link_exactly_one_owner"),
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"], ["programme.id"], name=op.f("fk_link_programme_id_programme")
        ),
        sa.ForeignKeyConstraint(
            ["school_id"], ["school.id"], name=op.f("fk_link_school_id_school")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_link")),
    )
    with op.batch_alter_table("link", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_link_programme_id"), ["programme_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_link_school_id"), ["school_id"], unique=False)

    op.create_table(
        "offer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=True),
        sa.Column(
            "kind",
            sa.Enum(
                "EXCHANGE",
                "DOUBLE_DEGREE",
                "EXCHANGE_OR_DOUBLE_DEGREE",
                name="offer_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("places", sa.Integer(), nullable=True),
        sa.Column("academic_year", sa.String(length=9), nullable=False),
        sa.Column("scope", sa.String(length=200), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "length(academic_year) = 9 AND substr(academic_year, 5, 1) = '/' AND replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(substr(academic_year, 1, 4) || substr(academic_year, 6, 4), '0', ''), '1', ''), '2', ''), '3', ''), '4', ''), '5', ''), '6', ''), '7', ''), '8', ''), '9', '') = '' AND CASE WHEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(substr(academic_year, 1, 4) || substr(academic_year, 6, 4), '0', ''), '1', ''), '2', ''), '3', ''), '4', ''), '5', ''), '6', ''), '7', ''), '8', ''), '9', '') = '' THEN CAST(substr(academic_year, 6, 4) AS INTEGER) = CAST(substr(academic_year, 1, 4) AS INTEGER) + 1 ELSE 1 = 0 END",
            name=op.f("ck_offer_academic_year_consecutive"),
        ),
        sa.CheckConstraint(
            "places IS NULL OR places >= 0", name=op.f("ck_offer_places_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"], ["programme.id"], name=op.f("fk_offer_programme_id_programme")
        ),
        sa.ForeignKeyConstraint(
            ["school_id"], ["school.id"], name=op.f("fk_offer_school_id_school")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offer")),
    )
    with op.batch_alter_table("offer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_offer_programme_id"), ["programme_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_offer_school_id"), ["school_id"], unique=False)

    op.create_table(
        "school_programme",
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programme.id"],
            name=op.f("fk_school_programme_programme_id_programme"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["school.id"],
            name=op.f("fk_school_programme_school_id_school"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("school_id", "programme_id", name=op.f("pk_school_programme")),
    )
    op.create_table(
        "finding",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column(
            "severity",
            sa.Enum(
                "INFO",
                "WARNING",
                "ERROR",
                name="finding_severity",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=True),
        sa.Column("link_id", sa.Integer(), nullable=True),
        sa.Column("revision_id", sa.Integer(), nullable=True),
        sa.Column("source_line", sa.Integer(), nullable=True),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["link_id"], ["link.id"], name=op.f("fk_finding_link_id_link")),
        sa.ForeignKeyConstraint(
            ["revision_id"], ["faq_revision.id"], name=op.f("fk_finding_revision_id_faq_revision")
        ),
        sa.ForeignKeyConstraint(
            ["school_id"], ["school.id"], name=op.f("fk_finding_school_id_school")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_finding")),
        sa.UniqueConstraint("fingerprint", name=op.f("uq_finding_fingerprint")),
    )
    with op.batch_alter_table("finding", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_finding_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_finding_link_id"), ["link_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_finding_origin"), ["origin"], unique=False)
        batch_op.create_index(batch_op.f("ix_finding_school_id"), ["school_id"], unique=False)

    op.create_index(
        "uq_offer_identity",
        "offer",
        [
            "school_id",
            sa.text("coalesce(programme_id, 0)"),
            sa.text("coalesce(kind, '')"),
            "academic_year",
            "scope",
        ],
        unique=True,
    )
    op.create_index(
        "uq_link_owner_url",
        "link",
        ["url", sa.text("coalesce(school_id, 0)"), sa.text("coalesce(programme_id, 0)")],
        unique=True,
    )
    op.create_index(
        "uq_selection_rule_track",
        "selection_rule",
        [sa.text("coalesce(home_track_code, '')")],
        unique=True,
    )
    op.create_table(
        "offer_home_track",
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("home_track_code", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["home_track_code"],
            ["home_track.code"],
            name=op.f("fk_offer_home_track_home_track_code_home_track"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["offer_id"],
            ["offer.id"],
            name=op.f("fk_offer_home_track_offer_id_offer"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("offer_id", "home_track_code", name=op.f("pk_offer_home_track")),
    )


def downgrade() -> None:
    op.drop_table("offer_home_track")
    op.drop_index("uq_selection_rule_track", table_name="selection_rule")
    op.drop_index("uq_link_owner_url", table_name="link")
    op.drop_index("uq_offer_identity", table_name="offer")
    with op.batch_alter_table("finding", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_finding_school_id"))
        batch_op.drop_index(batch_op.f("ix_finding_origin"))
        batch_op.drop_index(batch_op.f("ix_finding_link_id"))
        batch_op.drop_index(batch_op.f("ix_finding_kind"))

    op.drop_table("finding")
    op.drop_table("school_programme")
    with op.batch_alter_table("offer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_offer_school_id"))
        batch_op.drop_index(batch_op.f("ix_offer_programme_id"))

    op.drop_table("offer")
    with op.batch_alter_table("link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_link_school_id"))
        batch_op.drop_index(batch_op.f("ix_link_programme_id"))

    op.drop_table("link")
    op.drop_table("selection_rule")
    with op.batch_alter_table("school", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_school_parent_id"))
        batch_op.drop_index(batch_op.f("ix_school_country_code"))

    op.drop_table("school")
    op.drop_table("programme")
    op.drop_table("home_track")
    op.drop_table("faq_revision")
    op.drop_table("data_version")
    op.drop_table("country")
