"""Revision reasons: why a change was made, recorded beside who made it and when.

Adds a nullable `reason` to `revision` and has the row trigger fill it from the transaction setting
`positions.reason` (unset or empty: null), the way it takes the author from `positions.author`. The seed
loader sets it for each corrected stance from the seed files' `correction_reason`.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RECORD_REVISION_WITH_REASON = """
CREATE OR REPLACE FUNCTION record_revision() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    author text := coalesce(nullif(current_setting('positions.author', true), ''), current_user);
    reason text := nullif(current_setting('positions.reason', true), '');
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO revision (entity_type, entity_id, action, before, after, author, reason)
        VALUES (TG_TABLE_NAME, NEW.id, 'create', NULL, to_jsonb(NEW) - 'search_vector', author, reason);
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO revision (entity_type, entity_id, action, before, after, author, reason)
        VALUES (TG_TABLE_NAME, NEW.id, 'update', to_jsonb(OLD) - 'search_vector',
                to_jsonb(NEW) - 'search_vector', author, reason);
    ELSE
        INSERT INTO revision (entity_type, entity_id, action, before, after, author, reason)
        VALUES (TG_TABLE_NAME, OLD.id, 'delete', to_jsonb(OLD) - 'search_vector', NULL, author, reason);
    END IF;
    RETURN NULL;
END
$$
"""

# The function as revision 0002 created it, restored on downgrade.
RECORD_REVISION_WITHOUT_REASON = """
CREATE OR REPLACE FUNCTION record_revision() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    author text := coalesce(nullif(current_setting('positions.author', true), ''), current_user);
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO revision (entity_type, entity_id, action, before, after, author)
        VALUES (TG_TABLE_NAME, NEW.id, 'create', NULL, to_jsonb(NEW) - 'search_vector', author);
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO revision (entity_type, entity_id, action, before, after, author)
        VALUES (TG_TABLE_NAME, NEW.id, 'update', to_jsonb(OLD) - 'search_vector',
                to_jsonb(NEW) - 'search_vector', author);
    ELSE
        INSERT INTO revision (entity_type, entity_id, action, before, after, author)
        VALUES (TG_TABLE_NAME, OLD.id, 'delete', to_jsonb(OLD) - 'search_vector', NULL, author);
    END IF;
    RETURN NULL;
END
$$
"""


def upgrade() -> None:
    op.add_column("revision", sa.Column("reason", sa.Text(), nullable=True))
    op.execute(RECORD_REVISION_WITH_REASON)


def downgrade() -> None:
    op.execute(RECORD_REVISION_WITHOUT_REASON)
    op.drop_column("revision", "reason")
