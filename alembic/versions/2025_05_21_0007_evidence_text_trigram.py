"""A trigram index on evidence text, so article intake finds stored evidence with the same or nearly the same
words (`pg_trgm` similarity and word similarity) without reading every row.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_evidence_text_trgm",
        "evidence",
        ["text"],
        unique=False,
        postgresql_using="gin",
        postgresql_ops={"text": "gin_trgm_ops"},
    )


def downgrade() -> None:
    op.drop_index(
        "ix_evidence_text_trgm",
        table_name="evidence",
        postgresql_using="gin",
        postgresql_ops={"text": "gin_trgm_ops"},
    )
