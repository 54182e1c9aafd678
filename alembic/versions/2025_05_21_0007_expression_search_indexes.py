"""Full-text search of stances and evidence through expression GIN indexes instead of stored vectors.

`stance.search_vector` and `evidence.search_vector` were stored generated columns: every row paid for its
vector in the heap and the WAL, and a bulk load computed each one row by row. The vectors now live only in the
GIN indexes, over the same expressions: `to_tsvector('positions', summary)` and
`positions_tsvector('positions', text)`. A load that rebuilds its indexes (``api.imports.importer``) computes
them once, in the index build, which PostgreSQL 18 runs in parallel. Searches use the indexed expression, so
the planner takes the index as before.

`positions_tsvector(config, document)` is the windowed vector of migration 0005 with the configuration as an
argument: an index expression must not depend on `search_path`, which PostgreSQL 17 and later restrict while
they build or maintain an index (the configuration's name is resolved when the index is created). The
one-argument form, which sources' stored vector uses, calls it with `positions`.

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

POSITIONS_TSVECTOR_WITH_CONFIG = r"""
CREATE FUNCTION positions_tsvector(config regconfig, document text) RETURNS tsvector
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    words text[];
    first_word integer := 1;
    slot integer := 0;
    parts text[] := '{}';
BEGIN
    IF document IS NULL OR length(document) <= 20000 THEN
        RETURN to_tsvector(config, coalesce(document, ''));
    END IF;
    words := regexp_split_to_array(btrim(document), '\s+');
    WHILE first_word <= cardinality(words) LOOP
        parts := parts || (
            SELECT string_agg(
                '''' || replace(replace(v.lexeme, '\', '\\'), '''', '''''') || ''':'
                    || array_to_string(ARRAY(SELECT slot * 1600 + least(p, 1600) FROM unnest(v.positions) AS p), ','),
                ' ')
            FROM unnest(to_tsvector(config, array_to_string(words[first_word:first_word + 1199], ' '))) AS v
        );
        first_word := first_word + 1000;
        slot := (slot + 1) % 10;
    END LOOP;
    RETURN coalesce(array_to_string(parts, ' '), '')::tsvector;
END
$$
"""

POSITIONS_TSVECTOR_DELEGATES = """
CREATE OR REPLACE FUNCTION positions_tsvector(document text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT positions_tsvector('positions'::regconfig, document) $$
"""

# As migration 0005 created it, restored on downgrade.
POSITIONS_TSVECTOR_0005 = r"""
CREATE OR REPLACE FUNCTION positions_tsvector(document text) RETURNS tsvector
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

INDEXED = {
    "stance": "to_tsvector('positions'::regconfig, summary)",
    "evidence": "positions_tsvector('positions'::regconfig, text)",
}


def upgrade() -> None:
    op.execute(POSITIONS_TSVECTOR_WITH_CONFIG)
    op.execute(POSITIONS_TSVECTOR_DELEGATES)
    for table, expression in INDEXED.items():
        op.drop_index(f"ix_{table}_search_vector", table_name=table, postgresql_using="gin")
        op.drop_column(table, "search_vector")
        op.create_index(
            f"ix_{table}_search_vector", table, [sa.text(expression)], unique=False, postgresql_using="gin"
        )


def downgrade() -> None:
    for table in INDEXED:
        op.drop_index(f"ix_{table}_search_vector", table_name=table, postgresql_using="gin")
    op.execute(POSITIONS_TSVECTOR_0005)
    op.execute("DROP FUNCTION positions_tsvector(regconfig, text)")
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
    for table in INDEXED:
        op.create_index(f"ix_{table}_search_vector", table, ["search_vector"], unique=False, postgresql_using="gin")
