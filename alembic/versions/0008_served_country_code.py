"""A maintained column for the country a school is served under: coalesce(override, curated).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01

Filtering schools by ``coalesce(<country override>, school.country_code)`` could not use an index:
every country page scanned all 10,000 schools twice (the page and its ``totalCount``).
``school.served_country_code`` holds that value and is indexed. Triggers keep it true whoever
writes (the FAQ importer, an admin override, a sync): on a school's insert or a change of its
curated country, and on every insert, update or delete in ``school_override``
(docs/decisions/0086-the-served-country-as-a-maintained-column.md).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OVERRIDE = {
    "postgresql": "SELECT o.value->>'value' FROM school_override o WHERE o.school_id = {id} "
    "AND o.field = 'country_code' AND o.key = ''",
    "sqlite": "SELECT json_extract(o.value, '$.value') FROM school_override o "
    "WHERE o.school_id = {id} AND o.field = 'country_code' AND o.key = ''",
}


def _served(dialect: str, school_id: str, curated: str) -> str:
    return f"coalesce(({_OVERRIDE[dialect].format(id=school_id)}), {curated})"


def _refresh(dialect: str, school_id: str) -> str:
    """UPDATE one school's served country from its override and curated column."""
    served = _served(dialect, school_id, "country_code")
    # Built from this module's constants only: no value from outside reaches the SQL.
    return f"UPDATE school SET served_country_code = {served} WHERE id = {school_id}"  # noqa: S608


_POSTGRES_TRIGGERS = (
    f"""CREATE FUNCTION school_served_country() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.served_country_code := {_served("postgresql", "NEW.id", "NEW.country_code")};
  RETURN NEW;
END $$""",
    (
        "CREATE TRIGGER school_served_country BEFORE INSERT OR UPDATE OF country_code ON school "
        "FOR EACH ROW EXECUTE FUNCTION school_served_country()"
    ),
    f"""CREATE FUNCTION school_override_served_country() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN {_refresh("postgresql", "OLD.school_id")}; END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN {_refresh("postgresql", "NEW.school_id")}; END IF;
  RETURN NULL;
END $$""",
    (
        "CREATE TRIGGER school_override_served_country AFTER INSERT OR UPDATE OR DELETE "
        "ON school_override FOR EACH ROW EXECUTE FUNCTION school_override_served_country()"
    ),
)

# SQLite cannot assign NEW in a trigger: each one updates the row after the fact (its triggers
# are not recursive, and the served column is not one the school's own triggers watch).
_SQLITE_TRIGGERS = (
    (
        "CREATE TRIGGER school_served_country_insert AFTER INSERT ON school BEGIN "
        f"{_refresh('sqlite', 'NEW.id')}; END"
    ),
    (
        "CREATE TRIGGER school_served_country_update AFTER UPDATE OF country_code ON school "
        f"BEGIN {_refresh('sqlite', 'NEW.id')}; END"
    ),
    (
        "CREATE TRIGGER school_override_served_country_insert AFTER INSERT ON school_override "
        f"BEGIN {_refresh('sqlite', 'NEW.school_id')}; END"
    ),
    (
        "CREATE TRIGGER school_override_served_country_update AFTER UPDATE ON school_override "
        f"BEGIN {_refresh('sqlite', 'OLD.school_id')}; {_refresh('sqlite', 'NEW.school_id')}; END"
    ),
    (
        "CREATE TRIGGER school_override_served_country_delete AFTER DELETE ON school_override "
        f"BEGIN {_refresh('sqlite', 'OLD.school_id')}; END"
    ),
)


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    with op.batch_alter_table("school", schema=None) as batch_op:
        batch_op.add_column(sa.Column("served_country_code", sa.String(length=2), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_school_served_country_code"), ["served_country_code"], unique=False
        )
    op.execute(_refresh(dialect, "school.id").removesuffix(" WHERE id = school.id"))
    for statement in _POSTGRES_TRIGGERS if dialect == "postgresql" else _SQLITE_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER school_override_served_country ON school_override")
        op.execute("DROP FUNCTION school_override_served_country()")
        op.execute("DROP TRIGGER school_served_country ON school")
        op.execute("DROP FUNCTION school_served_country()")
    else:
        for statement in _SQLITE_TRIGGERS:
            op.execute("DROP TRIGGER " + statement.split()[2])
    with op.batch_alter_table("school", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_school_served_country_code"))
        batch_op.drop_column("served_country_code")
