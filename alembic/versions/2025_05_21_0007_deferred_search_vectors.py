"""Search vectors of stances and evidence computed by a trigger, and left for later by bulk imports.

- `stance.search_vector` and `evidence.search_vector` are no longer stored generated columns: a `BEFORE
  INSERT OR UPDATE OF summary|text` trigger computes them (the same functions as before), so every editorial
  write stays searchable at once. Imports switch row triggers off for their inserts (see
  `api.imports.importer`), so their rows arrive with a null vector; the search indexer (`api.search_index`)
  fills those in after the import has committed, in batches.
- A partial index over the rows still waiting (`search_vector IS NULL`) lets `q=` search them by computing
  their vectors on the fly until the indexer reaches them: a search never misses a row.
- `record_revision()` and `bump_data_version()` ignore changes made with the transaction setting
  `positions.indexing = 'on'` (the indexer's): a vector is derived data, neither an editorial change nor a
  new version of the dataset.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# table -> (text column, the SQL that makes its vector from NEW.<column>)
SEARCHED = {
    "stance": ("summary", "to_tsvector('positions'::regconfig, NEW.summary)"),
    "evidence": ("text", "positions_tsvector(NEW.text)"),
}

RECORD_REVISION = """
CREATE OR REPLACE FUNCTION record_revision() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    author text := coalesce(nullif(current_setting('positions.author', true), ''), current_user);
    reason text := nullif(current_setting('positions.reason', true), '');
    import bigint := nullif(current_setting('positions.import_id', true), '')::bigint;
BEGIN
    IF current_setting('positions.indexing', true) = 'on' THEN
        RETURN NULL;  -- the search indexer fills in vectors: not an editorial change
    END IF;
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

BUMP_DATA_VERSION = """
CREATE OR REPLACE FUNCTION bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('positions.bulk', true) = 'on' OR current_setting('positions.indexing', true) = 'on' THEN
        RETURN NULL;  -- the importer bumps the version once per import; vectors are not data
    END IF;
    IF TG_OP = 'TRUNCATE' OR EXISTS (SELECT 1 FROM changed_rows) THEN
        UPDATE data_version SET version = version + 1, changed_at = now() WHERE id = 1;
    END IF;
    RETURN NULL;
END
$$
"""

# As revision 0006 left them, restored on downgrade.
RECORD_REVISION_0006 = """
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

BUMP_DATA_VERSION_0006 = """
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


def upgrade() -> None:
    op.execute(RECORD_REVISION)
    op.execute(BUMP_DATA_VERSION)
    for table, (column, vector) in SEARCHED.items():
        op.execute(f"ALTER TABLE {table} ALTER COLUMN search_vector DROP EXPRESSION")
        op.alter_column(table, "search_vector", existing_type=postgresql.TSVECTOR(), nullable=True)
        op.execute(
            f"CREATE FUNCTION {table}_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$\n"
            "BEGIN\n"
            f"    IF TG_OP = 'INSERT' OR NEW.{column} IS DISTINCT FROM OLD.{column} OR NEW.search_vector IS NULL THEN\n"
            f"        NEW.search_vector := {vector};\n"
            "    END IF;\n"
            "    RETURN NEW;\n"
            "END\n$$"
        )
        op.execute(
            f"CREATE TRIGGER {table}_computes_search_vector BEFORE INSERT OR UPDATE OF {column} ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_search_vector()"
        )
        op.create_index(
            f"ix_{table}_search_backlog", table, ["id"], postgresql_where=sa.text("search_vector IS NULL")
        )


def downgrade() -> None:
    for table, (column, _) in SEARCHED.items():
        op.drop_index(f"ix_{table}_search_backlog", table_name=table)
        op.execute(f"DROP TRIGGER {table}_computes_search_vector ON {table}")
        op.execute(f"DROP FUNCTION {table}_search_vector()")
        op.drop_index(f"ix_{table}_search_vector", table_name=table, postgresql_using="gin")
        op.drop_column(table, "search_vector")
    op.add_column(
        "stance",
        sa.Column(
            "search_vector",
            postgresql.TSVECTOR(),
            sa.Computed("to_tsvector('positions'::regconfig, summary)", persisted=True),
            nullable=False,
        ),
    )
    op.add_column(
        "evidence",
        sa.Column(
            "search_vector", postgresql.TSVECTOR(), sa.Computed("positions_tsvector(text)", persisted=True), nullable=True
        ),
    )
    for table in SEARCHED:
        op.create_index(f"ix_{table}_search_vector", table, ["search_vector"], unique=False, postgresql_using="gin")
    op.execute(BUMP_DATA_VERSION_0006)
    op.execute(RECORD_REVISION_0006)
