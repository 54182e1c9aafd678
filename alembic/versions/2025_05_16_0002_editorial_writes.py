"""Editorial writes: API keys, revision history with authors, idempotency records, write rate limits.

Also a `version` counter on stances and evidence (their ETag for `If-Match`) and an optional stored text on
sources (direct quotes must occur in it when present). Every change to actors, roles, policies, relations,
sources, stances and evidence is recorded by a row trigger in `revision`, with the author taken from the
transaction setting `positions.author`; existing rows get a `create` revision dated at their creation.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

HISTORY_TABLES = ("actor", "actor_role", "policy", "policy_relation", "source", "stance", "evidence")


def upgrade() -> None:
    op.create_table(
        "api_key",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column(
            "scope",
            sa.Enum("editor", "admin", name="key_scope", native_enum=False, create_constraint=True, length=32),
            nullable=False,
        ),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_key")),
        sa.UniqueConstraint("name", name=op.f("uq_api_key_name")),
        sa.UniqueConstraint("prefix", name=op.f("uq_api_key_prefix")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_api_key_key_hash")),
    )
    op.create_table(
        "revision",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("entity_type", sa.String(length=32), nullable=False),
        sa.Column("entity_id", sa.BigInteger(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("before", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("after", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("author", sa.String(length=100), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("action IN ('create', 'update', 'delete')", name=op.f("ck_revision_action_kind")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_revision")),
    )
    op.create_index("ix_revision_entity", "revision", ["entity_type", "entity_id", "id"], unique=False)
    op.create_index("ix_revision_entity_recorded", "revision", ["entity_type", "recorded_at", "id"], unique=False)
    op.create_table(
        "idempotency_record",
        sa.Column("api_key_id", sa.BigInteger(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.SmallInteger(), nullable=False),
        sa.Column("response_body", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["api_key_id"], ["api_key.id"], name=op.f("fk_idempotency_record_api_key_id_api_key"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("api_key_id", "idempotency_key", name=op.f("pk_idempotency_record")),
    )
    op.create_table(
        "rate_limit_window",
        sa.Column("api_key_id", sa.BigInteger(), nullable=False),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("request_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["api_key_id"], ["api_key.id"], name=op.f("fk_rate_limit_window_api_key_id_api_key"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("api_key_id", "window_start", name=op.f("pk_rate_limit_window")),
    )
    op.add_column("stance", sa.Column("version", sa.Integer(), server_default="1", nullable=False))
    op.add_column("evidence", sa.Column("version", sa.Integer(), server_default="1", nullable=False))
    op.add_column("source", sa.Column("text", sa.Text(), nullable=True))

    op.execute(
        """
        CREATE FUNCTION record_revision() RETURNS trigger LANGUAGE plpgsql AS $$
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
    )
    for table in HISTORY_TABLES:
        op.execute(
            f"INSERT INTO revision (entity_type, entity_id, action, before, after, author, recorded_at) "
            f"SELECT '{table}', t.id, 'create', NULL, to_jsonb(t) - 'search_vector', 'migration', t.created_at "
            f"FROM {table} t ORDER BY t.id"
        )
        op.execute(
            f"CREATE TRIGGER {table}_records_insert_delete AFTER INSERT OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION record_revision()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_records_update AFTER UPDATE ON {table} "
            "FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION record_revision()"
        )


def downgrade() -> None:
    for table in HISTORY_TABLES:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_records_update ON {table}")
        op.execute(f"DROP TRIGGER IF EXISTS {table}_records_insert_delete ON {table}")
    op.execute("DROP FUNCTION IF EXISTS record_revision()")
    op.drop_column("source", "text")
    op.drop_column("evidence", "version")
    op.drop_column("stance", "version")
    op.drop_table("rate_limit_window")
    op.drop_table("idempotency_record")
    op.drop_index("ix_revision_entity_recorded", table_name="revision")
    op.drop_index("ix_revision_entity", table_name="revision")
    op.drop_table("revision")
    op.drop_table("api_key")
