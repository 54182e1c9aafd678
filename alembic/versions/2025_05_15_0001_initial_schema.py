"""Initial schema: actors, roles, policies, topics, relations, sources, stances, evidence.

Also the extensions and text-search configuration the schema uses, and the data-version
counter bumped by statement-level triggers on every data table (the ETag of comparisons).

Revision ID: 0001
Revises: 
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DATA_TABLES = (
    "actor", "actor_alias", "actor_role", "topic", "policy", "policy_topic",
    "policy_relation", "source", "stance", "evidence",
)


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    # English stemming over unaccented words, so "Durres" finds "Durrës".
    op.execute("CREATE TEXT SEARCH CONFIGURATION positions (COPY = pg_catalog.english)")
    op.execute(
        "ALTER TEXT SEARCH CONFIGURATION positions ALTER MAPPING FOR hword, hword_part, word "
        "WITH unaccent, english_stem"
    )
    op.create_table('actor',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('slug', sa.String(length=160), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.Enum('person', 'office', 'government', 'party', 'organisation', 'anonymous_source', name='actor_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('description', sa.Text(), server_default='', nullable=False),
    sa.Column('country', sa.String(length=2), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("country ~ '^[A-Z]{2}$'", name=op.f('ck_actor_country_format')),
    sa.CheckConstraint("slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'", name=op.f('ck_actor_slug_format')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_actor')),
    sa.UniqueConstraint('slug', name=op.f('uq_actor_slug'))
    )
    op.create_index('ix_actor_name_trgm', 'actor', ['name'], unique=False, postgresql_using='gin', postgresql_ops={'name': 'gin_trgm_ops'})
    op.create_table('data_version',
    sa.Column('id', sa.SmallInteger(), autoincrement=False, nullable=False),
    sa.Column('version', sa.BigInteger(), server_default='0', nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint('id = 1', name=op.f('ck_data_version_single_row')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_data_version'))
    )
    op.create_table('policy',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('slug', sa.String(length=160), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('summary', sa.Text(), server_default='', nullable=False),
    sa.Column('jurisdiction', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'", name=op.f('ck_policy_slug_format')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_policy')),
    sa.UniqueConstraint('slug', name=op.f('uq_policy_slug'))
    )
    op.create_table('source',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('slug', sa.String(length=160), nullable=False),
    sa.Column('kind', sa.Enum('news_article', 'news_analysis', 'press_conference', 'statement', 'social_media_post', 'parliamentary_statement', name='source_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('title_inferred', sa.Boolean(), server_default='false', nullable=False),
    sa.Column('publisher', sa.String(length=200), nullable=True),
    sa.Column('publisher_inferred', sa.Boolean(), server_default='false', nullable=False),
    sa.Column('author', sa.String(length=200), nullable=True),
    sa.Column('url', sa.String(length=2000), nullable=True),
    sa.Column('published_on', sa.Date(), nullable=True),
    sa.Column('published_on_precision', sa.Enum('day', 'month', 'year', name='date_precision', native_enum=False, create_constraint=True, length=32), server_default='day', nullable=False),
    sa.Column('published_on_inferred', sa.Boolean(), server_default='false', nullable=False),
    sa.Column('provenance_note', sa.Text(), server_default='', nullable=False),
    sa.Column('content_sha256', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("content_sha256 ~ '^[0-9a-f]{64}$'", name=op.f('ck_source_content_sha256_format')),
    sa.CheckConstraint("slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'", name=op.f('ck_source_slug_format')),
    sa.CheckConstraint("url IS NULL OR url ~ '^https?://'", name=op.f('ck_source_url_scheme')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_source')),
    sa.UniqueConstraint('slug', name=op.f('uq_source_slug'))
    )
    op.create_index('ix_source_published_on', 'source', ['published_on'], unique=False)
    op.create_table('topic',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('slug', sa.String(length=160), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'", name=op.f('ck_topic_slug_format')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_topic')),
    sa.UniqueConstraint('slug', name=op.f('uq_topic_slug'))
    )
    op.create_table('actor_alias',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('actor_id', sa.BigInteger(), nullable=False),
    sa.Column('alias', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['actor.id'], name=op.f('fk_actor_alias_actor_id_actor'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_actor_alias')),
    sa.UniqueConstraint('actor_id', 'alias', name=op.f('uq_actor_alias_actor_id_alias'))
    )
    op.create_index('ix_actor_alias_alias_trgm', 'actor_alias', ['alias'], unique=False, postgresql_using='gin', postgresql_ops={'alias': 'gin_trgm_ops'})
    op.create_table('actor_role',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('actor_id', sa.BigInteger(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('organisation_id', sa.BigInteger(), nullable=True),
    sa.Column('started_on', sa.Date(), nullable=True),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint('ended_on IS NULL OR started_on IS NULL OR ended_on >= started_on', name=op.f('ck_actor_role_period_order')),
    sa.ForeignKeyConstraint(['actor_id'], ['actor.id'], name=op.f('fk_actor_role_actor_id_actor'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['actor.id'], name=op.f('fk_actor_role_organisation_id_actor')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_actor_role')),
    sa.UniqueConstraint('actor_id', 'title', 'started_on', name=op.f('uq_actor_role_actor_id_title_started_on'), postgresql_nulls_not_distinct=True)
    )
    op.create_index('ix_actor_role_organisation_id', 'actor_role', ['organisation_id'], unique=False)
    op.create_table('policy_relation',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('subject_policy_id', sa.BigInteger(), nullable=False),
    sa.Column('object_policy_id', sa.BigInteger(), nullable=False),
    sa.Column('kind', sa.Enum('compared_with', 'successor_of', 'part_of', 'alternative_to', name='policy_relation_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('note', sa.Text(), server_default='', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint('subject_policy_id <> object_policy_id', name=op.f('ck_policy_relation_distinct_policies')),
    sa.ForeignKeyConstraint(['object_policy_id'], ['policy.id'], name=op.f('fk_policy_relation_object_policy_id_policy'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['subject_policy_id'], ['policy.id'], name=op.f('fk_policy_relation_subject_policy_id_policy'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_policy_relation')),
    sa.UniqueConstraint('subject_policy_id', 'object_policy_id', 'kind', name=op.f('uq_policy_relation_subject_policy_id_object_policy_id_kind'))
    )
    op.create_index('ix_policy_relation_object_policy_id', 'policy_relation', ['object_policy_id'], unique=False)
    op.create_table('policy_topic',
    sa.Column('policy_id', sa.BigInteger(), nullable=False),
    sa.Column('topic_id', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['policy_id'], ['policy.id'], name=op.f('fk_policy_topic_policy_id_policy'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['topic_id'], ['topic.id'], name=op.f('fk_policy_topic_topic_id_topic'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('policy_id', 'topic_id', name=op.f('pk_policy_topic'))
    )
    op.create_index('ix_policy_topic_topic_id', 'policy_topic', ['topic_id'], unique=False)
    op.create_table('stance',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('slug', sa.String(length=160), nullable=False),
    sa.Column('actor_id', sa.BigInteger(), nullable=False),
    sa.Column('policy_id', sa.BigInteger(), nullable=False),
    sa.Column('position', sa.SmallInteger(), nullable=True),
    sa.Column('ambiguity', sa.Enum('mixed', 'unclear', name='ambiguity', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('stated_on', sa.Date(), nullable=False),
    sa.Column('stated_on_precision', sa.Enum('day', 'month', 'year', name='date_precision', native_enum=False, create_constraint=True, length=32), server_default='day', nullable=False),
    sa.Column('stated_on_inferred', sa.Boolean(), server_default='false', nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('retracted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('retraction_reason', sa.Text(), nullable=True),
    sa.Column('search_vector', postgresql.TSVECTOR(), sa.Computed("to_tsvector('positions'::regconfig, summary)", persisted=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'", name=op.f('ck_stance_slug_format')),
    sa.CheckConstraint('(position IS NULL) <> (ambiguity IS NULL)', name=op.f('ck_stance_position_or_ambiguity')),
    sa.CheckConstraint('(retracted_at IS NULL) = (retraction_reason IS NULL)', name=op.f('ck_stance_retraction_has_reason')),
    sa.CheckConstraint('position BETWEEN -2 AND 2', name=op.f('ck_stance_position_range')),
    sa.ForeignKeyConstraint(['actor_id'], ['actor.id'], name=op.f('fk_stance_actor_id_actor')),
    sa.ForeignKeyConstraint(['policy_id'], ['policy.id'], name=op.f('fk_stance_policy_id_policy')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stance')),
    sa.UniqueConstraint('slug', name=op.f('uq_stance_slug'))
    )
    op.create_index('ix_stance_actor_policy_stated', 'stance', ['actor_id', 'policy_id', 'stated_on', 'id'], unique=False)
    op.create_index('ix_stance_policy_stated', 'stance', ['policy_id', 'stated_on', 'id'], unique=False)
    op.create_index('ix_stance_search_vector', 'stance', ['search_vector'], unique=False, postgresql_using='gin')
    op.create_index('ix_stance_stated_on_id', 'stance', ['stated_on', 'id'], unique=False)
    op.create_table('evidence',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('slug', sa.String(length=160), nullable=False),
    sa.Column('stance_id', sa.BigInteger(), nullable=False),
    sa.Column('source_id', sa.BigInteger(), nullable=False),
    sa.Column('kind', sa.Enum('direct_quote', 'paraphrase', 'reported_action', name='evidence_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('speaker_actor_id', sa.BigInteger(), nullable=True),
    sa.Column('char_start', sa.BigInteger(), nullable=True),
    sa.Column('char_end', sa.BigInteger(), nullable=True),
    sa.Column('search_vector', postgresql.TSVECTOR(), sa.Computed("to_tsvector('positions'::regconfig, text)", persisted=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'", name=op.f('ck_evidence_slug_format')),
    sa.CheckConstraint('(char_start IS NULL) = (char_end IS NULL)', name=op.f('ck_evidence_offsets_paired')),
    sa.CheckConstraint('char_start IS NULL OR (char_start >= 0 AND char_end > char_start)', name=op.f('ck_evidence_offsets_order')),
    sa.CheckConstraint('length(btrim(text)) > 0', name=op.f('ck_evidence_text_not_blank')),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], name=op.f('fk_evidence_source_id_source')),
    sa.ForeignKeyConstraint(['speaker_actor_id'], ['actor.id'], name=op.f('fk_evidence_speaker_actor_id_actor')),
    sa.ForeignKeyConstraint(['stance_id'], ['stance.id'], name=op.f('fk_evidence_stance_id_stance')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence')),
    sa.UniqueConstraint('slug', name=op.f('uq_evidence_slug'))
    )
    op.create_index('ix_evidence_search_vector', 'evidence', ['search_vector'], unique=False, postgresql_using='gin')
    op.create_index('ix_evidence_source_id', 'evidence', ['source_id'], unique=False)
    op.create_index('ix_evidence_speaker_actor_id', 'evidence', ['speaker_actor_id'], unique=False)
    op.create_index('ix_evidence_stance_id', 'evidence', ['stance_id'], unique=False)
    op.execute("INSERT INTO data_version (id, version) VALUES (1, 0)")
    # Statement-level triggers with transition tables: a statement that changes no row (an idempotent
    # seed load, an upsert whose values are unchanged) leaves the version, and so every ETag, alone.
    op.execute(
        """
        CREATE FUNCTION bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'TRUNCATE' OR EXISTS (SELECT 1 FROM changed_rows) THEN
                UPDATE data_version SET version = version + 1, changed_at = now() WHERE id = 1;
            END IF;
            RETURN NULL;
        END
        $$
        """
    )
    for table in DATA_TABLES:
        for event, transition in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
            op.execute(
                f"CREATE TRIGGER {table}_{event.lower()}_bumps_version AFTER {event} ON {table} "
                f"REFERENCING {transition} TABLE AS changed_rows "
                "FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version()"
            )
    # ### end Alembic commands ###


def downgrade() -> None:
    for table in DATA_TABLES:
        for event in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_{event}_bumps_version ON {table}")
    op.execute("DROP FUNCTION IF EXISTS bump_data_version()")
    op.drop_index('ix_evidence_stance_id', table_name='evidence')
    op.drop_index('ix_evidence_speaker_actor_id', table_name='evidence')
    op.drop_index('ix_evidence_source_id', table_name='evidence')
    op.drop_index('ix_evidence_search_vector', table_name='evidence', postgresql_using='gin')
    op.drop_table('evidence')
    op.drop_index('ix_stance_stated_on_id', table_name='stance')
    op.drop_index('ix_stance_search_vector', table_name='stance', postgresql_using='gin')
    op.drop_index('ix_stance_policy_stated', table_name='stance')
    op.drop_index('ix_stance_actor_policy_stated', table_name='stance')
    op.drop_table('stance')
    op.drop_index('ix_policy_topic_topic_id', table_name='policy_topic')
    op.drop_table('policy_topic')
    op.drop_index('ix_policy_relation_object_policy_id', table_name='policy_relation')
    op.drop_table('policy_relation')
    op.drop_index('ix_actor_role_organisation_id', table_name='actor_role')
    op.drop_table('actor_role')
    op.drop_index('ix_actor_alias_alias_trgm', table_name='actor_alias', postgresql_using='gin', postgresql_ops={'alias': 'gin_trgm_ops'})
    op.drop_table('actor_alias')
    op.drop_table('topic')
    op.drop_index('ix_source_published_on', table_name='source')
    op.drop_table('source')
    op.drop_table('policy')
    op.drop_table('data_version')
    op.drop_index('ix_actor_name_trgm', table_name='actor', postgresql_using='gin', postgresql_ops={'name': 'gin_trgm_ops'})
    op.drop_table('actor')
    op.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS positions")
    # ### end Alembic commands ###
