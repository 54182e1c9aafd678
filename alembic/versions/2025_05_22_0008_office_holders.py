"""Office-aware attribution: roles of a single-holder office may not overlap in time (an exclusion constraint over
the date range, btree_gist), and an office or institution actor can say which office it speaks for (Downing
Street and the PM's spokesman for the Prime Minister), so its stances can be attributed to the holder.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    op.add_column("actor_role", sa.Column("sole_holder", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.execute(
        "ALTER TABLE actor_role ADD CONSTRAINT ex_actor_role_one_holder_at_a_time EXCLUDE USING gist "
        "(organisation_id WITH =, title WITH =, daterange(started_on, ended_on, '[)') WITH &&) WHERE (sole_holder)"
    )
    op.add_column("actor", sa.Column("speaks_for_organisation_id", sa.BigInteger(), nullable=True))
    op.add_column("actor", sa.Column("speaks_for_title", sa.String(length=200), nullable=True))
    op.create_foreign_key(
        "fk_actor_speaks_for_organisation_id_actor", "actor", "actor", ["speaks_for_organisation_id"], ["id"]
    )
    op.create_check_constraint(
        "ck_actor_speaks_for_complete",
        "actor",
        "(speaks_for_organisation_id IS NULL) = (speaks_for_title IS NULL)",
    )


def downgrade() -> None:
    op.drop_constraint("ck_actor_speaks_for_complete", "actor", type_="check")
    op.drop_constraint("fk_actor_speaks_for_organisation_id_actor", "actor", type_="foreignkey")
    op.drop_column("actor", "speaks_for_title")
    op.drop_column("actor", "speaks_for_organisation_id")
    op.execute("ALTER TABLE actor_role DROP CONSTRAINT ex_actor_role_one_holder_at_a_time")
    op.drop_column("actor_role", "sole_holder")
