"""External identifiers, topic history, the role rule with the organisation, search over long texts.

- ``actor_identifier``, ``policy_identifier``, ``source_identifier``: ``{scheme, identifier}`` pairs (e.g.
  ``parlparse`` / ``uk.org.publicwhip/person/10001``), unique per scheme within each kind of record. Writes
  to them bump the data version like every data table.
- ``topic`` gets the revision triggers (topics now have write endpoints); existing topics get a ``create``
  revision by ``migration``, as revision 0002 gave the other tables.
- The role rule "no two roles with the same title and start date" becomes (actor, title, organisation,
  start date): a member of four committees from the same day is four roles.
- ``positions_tsvector(text)``: the stored search vector of evidence and (new) of sources. PostgreSQL caps
  word positions at 16,383 and keeps at most 256 positions per lexeme, so ``to_tsvector`` of a 20,000-word
  speech puts every later word at 16,383 and a phrase there is never found. Texts up to 20,000 characters
  keep the plain ``to_tsvector``; a longer one is cut into windows of 1,200 words overlapping by 200, each
  window's positions are exact and placed in one of ten slots of 1,600 positions (windows reuse the slots
  in turn). Every word is in the vector, and a phrase of up to 200 words is found wherever it is.
- ``source.search_vector`` over the title and the stored text, with a GIN index, for ``q=`` on sources.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

IDENTIFIER_OWNERS = ("actor", "policy", "source")

POSITIONS_TSVECTOR = r"""
CREATE FUNCTION positions_tsvector(document text) RETURNS tsvector
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    words text[];
    first_word integer := 1;
    slot integer := 0;
    parts text[] := '{}';
BEGIN
    IF document IS NULL OR length(document) <= 20000 THEN
        RETURN to_tsvector('positions'::regconfig, coalesce(document, ''));
    END IF;
    words := regexp_split_to_array(btrim(document), '\s+');
    WHILE first_word <= cardinality(words) LOOP
        parts := parts || (
            SELECT string_agg(
                '''' || replace(replace(v.lexeme, '\', '\\'), '''', '''''') || ''':'
                    || array_to_string(ARRAY(SELECT slot * 1600 + least(p, 1600) FROM unnest(v.positions) AS p), ','),
                ' ')
            FROM unnest(to_tsvector('positions'::regconfig,
                                    array_to_string(words[first_word:first_word + 1199], ' '))) AS v
        );
        first_word := first_word + 1000;
        slot := (slot + 1) % 10;
    END LOOP;
    RETURN coalesce(array_to_string(parts, ' '), '')::tsvector;
END
$$
"""


def _version_triggers(table: str) -> None:
    for event, transition in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
        op.execute(
            f"CREATE TRIGGER {table}_{event.lower()}_bumps_version AFTER {event} ON {table} "
            f"REFERENCING {transition} TABLE AS changed_rows "
            "FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version()"
        )


def upgrade() -> None:
    for owner in IDENTIFIER_OWNERS:
        table = f"{owner}_identifier"
        op.create_table(
            table,
            sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
            sa.Column(f"{owner}_id", sa.BigInteger(), nullable=False),
            sa.Column("scheme", sa.String(length=64), nullable=False),
            sa.Column("identifier", sa.String(length=500), nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
            sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
            sa.CheckConstraint("scheme ~ '^[a-z0-9][a-z0-9_.-]*$'", name=op.f(f"ck_{table}_scheme_format")),
            sa.CheckConstraint("length(btrim(identifier)) > 0", name=op.f(f"ck_{table}_identifier_not_blank")),
            sa.ForeignKeyConstraint(
                [f"{owner}_id"], [f"{owner}.id"], name=op.f(f"fk_{table}_{owner}_id_{owner}"), ondelete="CASCADE"
            ),
            sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
            sa.UniqueConstraint("scheme", "identifier", name=op.f(f"uq_{table}_scheme_identifier")),
        )
        op.create_index(f"ix_{table}_{owner}_id", table, [f"{owner}_id"], unique=False)
        _version_triggers(table)

    op.execute(
        "INSERT INTO revision (entity_type, entity_id, action, before, after, author, recorded_at) "
        "SELECT 'topic', t.id, 'create', NULL, to_jsonb(t), 'migration', t.created_at FROM topic t ORDER BY t.id"
    )
    op.execute(
        "CREATE TRIGGER topic_records_insert_delete AFTER INSERT OR DELETE ON topic "
        "FOR EACH ROW EXECUTE FUNCTION record_revision()"
    )
    op.execute(
        "CREATE TRIGGER topic_records_update AFTER UPDATE ON topic "
        "FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION record_revision()"
    )

    op.drop_constraint("uq_actor_role_actor_id_title_started_on", "actor_role", type_="unique")
    op.create_unique_constraint(
        "uq_actor_role_actor_id_title_organisation_id_started_on",
        "actor_role",
        ["actor_id", "title", "organisation_id", "started_on"],
        postgresql_nulls_not_distinct=True,
    )

    op.execute(POSITIONS_TSVECTOR)
    op.drop_index("ix_evidence_search_vector", table_name="evidence", postgresql_using="gin")
    op.drop_column("evidence", "search_vector")
    op.add_column(
        "evidence",
        sa.Column(
            "search_vector",
            postgresql.TSVECTOR(),
            sa.Computed("positions_tsvector(text)", persisted=True),
            nullable=True,
        ),
    )
    op.create_index("ix_evidence_search_vector", "evidence", ["search_vector"], unique=False, postgresql_using="gin")
    op.add_column(
        "source",
        sa.Column(
            "search_vector",
            postgresql.TSVECTOR(),
            sa.Computed("positions_tsvector(title || ' ' || coalesce(text, ''))", persisted=True),
            nullable=True,
        ),
    )
    op.create_index("ix_source_search_vector", "source", ["search_vector"], unique=False, postgresql_using="gin")


def downgrade() -> None:
    op.drop_index("ix_source_search_vector", table_name="source", postgresql_using="gin")
    op.drop_column("source", "search_vector")
    op.drop_index("ix_evidence_search_vector", table_name="evidence", postgresql_using="gin")
    op.drop_column("evidence", "search_vector")
    op.add_column(
        "evidence",
        sa.Column(
            "search_vector",
            postgresql.TSVECTOR(),
            sa.Computed("to_tsvector('positions'::regconfig, text)", persisted=True),
            nullable=True,
        ),
    )
    op.create_index("ix_evidence_search_vector", "evidence", ["search_vector"], unique=False, postgresql_using="gin")
    op.execute("DROP FUNCTION positions_tsvector(text)")

    # Roles that differ only by organisation cannot survive the older, narrower rule: keep the first of each.
    op.execute(
        "DELETE FROM actor_role r USING actor_role k WHERE k.actor_id = r.actor_id AND k.title = r.title "
        "AND k.started_on IS NOT DISTINCT FROM r.started_on AND k.id < r.id"
    )
    op.drop_constraint("uq_actor_role_actor_id_title_organisation_id_started_on", "actor_role", type_="unique")
    op.create_unique_constraint(
        "uq_actor_role_actor_id_title_started_on",
        "actor_role",
        ["actor_id", "title", "started_on"],
        postgresql_nulls_not_distinct=True,
    )

    op.execute("DROP TRIGGER IF EXISTS topic_records_update ON topic")
    op.execute("DROP TRIGGER IF EXISTS topic_records_insert_delete ON topic")
    op.execute("DELETE FROM revision WHERE entity_type = 'topic'")

    for owner in reversed(IDENTIFIER_OWNERS):
        table = f"{owner}_identifier"
        for event in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_{event}_bumps_version ON {table}")
        op.drop_index(f"ix_{table}_{owner}_id", table_name=table)
        op.drop_table(table)
