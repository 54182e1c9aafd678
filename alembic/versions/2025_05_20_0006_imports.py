"""Bulk imports: an import job per import, its id on the revisions it wrote, and a per-key write limit.

- `import_job`: one row per import (state, options, counts, errors, who, when). Synchronous imports insert it
  in their own transaction; asynchronous ones (`Prefer: respond-async`) commit it as `pending` first.
- `revision.import_id`: the import a revision belongs to, filled by the row trigger from the transaction
  setting `positions.import_id`, so the change feed can show an import as one batch.
- `api_key.rate_limit`: writes per minute for this key (null: the server's `POSITIONS_WRITE_RATE_LIMIT`).
- Bulk mode: with the transaction setting `positions.bulk = 'on'`, the row trigger records no `create`
  revisions (the importer writes them set-based, the same rows) and the statement triggers do not bump the
  data version (the importer bumps it once per import).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RECORD_REVISION_WITH_IMPORT = """
CREATE OR REPLACE FUNCTION record_revision() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    author text := coalesce(nullif(current_setting('positions.author', true), ''), current_user);
    reason text := nullif(current_setting('positions.reason', true), '');
    import bigint := nullif(current_setting('positions.import_id', true), '')::bigint;
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF current_setting('positions.bulk', true) = 'on' THEN
            RETURN NULL;  -- the importer records its creations set-based
        END IF;
        INSERT INTO revision (entity_type, entity_id, action, before, after, author, reason, import_id)
        VALUES (TG_TABLE_NAME, NEW.id, 'create', NULL, to_jsonb(NEW) - 'search_vector', author, reason, import);
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO revision (entity_type, entity_id, action, before, after, author, reason, import_id)
        VALUES (TG_TABLE_NAME, NEW.id, 'update', to_jsonb(OLD) - 'search_vector',
                to_jsonb(NEW) - 'search_vector', author, reason, import);
    ELSE
        INSERT INTO revision (entity_type, entity_id, action, before, after, author, reason, import_id)
        VALUES (TG_TABLE_NAME, OLD.id, 'delete', to_jsonb(OLD) - 'search_vector', NULL, author, reason, import);
    END IF;
    RETURN NULL;
END
$$
"""

# The function as revision 0003 left it, restored on downgrade.
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

BUMP_UNLESS_BULK = """
CREATE OR REPLACE FUNCTION bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('positions.bulk', true) = 'on' THEN
        RETURN NULL;  -- the importer bumps the version once per import
    END IF;
    IF TG_OP = 'TRUNCATE' OR EXISTS (SELECT 1 FROM changed_rows) THEN
        UPDATE data_version SET version = version + 1, changed_at = now() WHERE id = 1;
    END IF;
    RETURN NULL;
END
$$
"""

# The function as revision 0001 created it, restored on downgrade.
BUMP_ALWAYS = """
CREATE OR REPLACE FUNCTION bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' OR EXISTS (SELECT 1 FROM changed_rows) THEN
        UPDATE data_version SET version = version + 1, changed_at = now() WHERE id = 1;
    END IF;
    RETURN NULL;
END
$$
"""


def upgrade() -> None:
    op.create_table(
        "import_job",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("author", sa.String(length=100), nullable=False),
        sa.Column("api_key_id", sa.BigInteger(), nullable=True),
        sa.Column("format", sa.String(length=16), server_default="bundle", nullable=False),
        sa.Column("partial", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("dry_run", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("records", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("counts", postgresql.JSONB(astext_type=sa.Text()), server_default="{}", nullable=False),
        sa.Column("errors", postgresql.JSONB(astext_type=sa.Text()), server_default="[]", nullable=False),
        sa.Column("detail", sa.Text(), server_default="", nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "state IN ('pending', 'running', 'succeeded', 'failed')", name=op.f("ck_import_job_state_kind")
        ),
        sa.ForeignKeyConstraint(
            ["api_key_id"], ["api_key.id"], name=op.f("fk_import_job_api_key_id_api_key"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_job")),
    )
    op.add_column("revision", sa.Column("import_id", sa.BigInteger(), nullable=True))
    op.create_foreign_key(
        op.f("fk_revision_import_id_import_job"), "revision", "import_job", ["import_id"], ["id"]
    )
    op.create_index("ix_revision_import_id", "revision", ["import_id"], unique=False)
    op.add_column("api_key", sa.Column("rate_limit", sa.Integer(), nullable=True))
    op.create_check_constraint(op.f("ck_api_key_rate_limit_positive"), "api_key", "rate_limit IS NULL OR rate_limit > 0")
    op.execute(RECORD_REVISION_WITH_IMPORT)
    op.execute(BUMP_UNLESS_BULK)


def downgrade() -> None:
    op.execute(BUMP_ALWAYS)
    op.execute(RECORD_REVISION_WITH_REASON)
    op.drop_constraint(op.f("ck_api_key_rate_limit_positive"), "api_key", type_="check")
    op.drop_column("api_key", "rate_limit")
    op.drop_index("ix_revision_import_id", table_name="revision")
    op.drop_constraint(op.f("fk_revision_import_id_import_job"), "revision", type_="foreignkey")
    op.drop_column("revision", "import_id")
    op.drop_table("import_job")
