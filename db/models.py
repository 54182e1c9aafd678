"""ORM models: actors and their roles, policies and topics, sources, stances and evidence."""

import enum
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Computed,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Identity,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    column,
    false,
    func,
    literal,
)
from sqlalchemy import text as sql_text
from sqlalchemy.dialects.postgresql import JSONB, TSVECTOR, ExcludeConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, Timestamped
from db.enums import (
    ActorKind,
    Ambiguity,
    DatePrecision,
    EvidenceKind,
    KeyScope,
    PolicyRelationKind,
    SourceKind,
    VoteOption,
)

SLUG_PATTERN = "^[a-z0-9]+(-[a-z0-9]+)*$"
DIVISION_FIELDS = "division_number, division_chamber, division_question, declared_ayes, declared_noes"
"""The columns a `parliamentary_division` source has, all of them, and no other kind of source has."""
TEXT_SEARCH_CONFIG = "positions"
SEARCH_VECTOR_FUNCTION = "positions_tsvector"
"""SQL function (migration 0004) building a stored tsvector: ``to_tsvector`` for texts up to 20,000 characters,
and for longer ones a vector whose word positions stay exact within overlapping windows (PostgreSQL caps
positions at 16,383, which would otherwise break phrase search late in a long text)."""
SCHEME_PATTERN = "^[a-z0-9][a-z0-9_.-]*$"


def enum_column(enum_class: type[enum.Enum], name: str) -> Enum:
    """A VARCHAR column with a CHECK constraint listing the enum's values."""
    return Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


def slug_column() -> Mapped[str]:
    return mapped_column(String(160), unique=True, nullable=False)


def slug_check() -> CheckConstraint:
    return CheckConstraint(f"slug ~ '{SLUG_PATTERN}'", name="slug_format")


class Actor(Timestamped, Base):
    __tablename__ = "actor"
    __table_args__ = (
        slug_check(),
        CheckConstraint("country ~ '^[A-Z]{2}$'", name="country_format"),
        CheckConstraint(
            "(speaks_for_organisation_id IS NULL) = (speaks_for_title IS NULL)", name="speaks_for_complete"
        ),
        Index("ix_actor_name_trgm", "name", postgresql_using="gin", postgresql_ops={"name": "gin_trgm_ops"}),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    slug: Mapped[str] = slug_column()
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    kind: Mapped[ActorKind] = mapped_column(enum_column(ActorKind, "actor_kind"), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, server_default="")
    country: Mapped[str | None] = mapped_column(String(2))
    # An office or institution that speaks for an office: its stances are that office holder's (`attribution=holder`).
    speaks_for_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("actor.id"))
    speaks_for_title: Mapped[str | None] = mapped_column(String(200))

    aliases: Mapped[list["ActorAlias"]] = relationship(
        lazy="raise", order_by="ActorAlias.alias", back_populates="actor"
    )
    roles: Mapped[list["ActorRole"]] = relationship(
        lazy="raise",
        foreign_keys="ActorRole.actor_id",
        order_by="ActorRole.started_on",
        back_populates="actor",
    )


class ActorAlias(Timestamped, Base):
    __tablename__ = "actor_alias"
    __table_args__ = (
        UniqueConstraint("actor_id", "alias"),
        Index("ix_actor_alias_alias_trgm", "alias", postgresql_using="gin", postgresql_ops={"alias": "gin_trgm_ops"}),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("actor.id", ondelete="CASCADE"), nullable=False)
    alias: Mapped[str] = mapped_column(String(200), nullable=False)

    actor: Mapped[Actor] = relationship(lazy="raise", back_populates="aliases")


class ActorRole(Timestamped, Base):
    """A Popolo-style membership: an actor holding a role in an organisation over a period."""

    __tablename__ = "actor_role"
    __table_args__ = (
        UniqueConstraint("actor_id", "title", "organisation_id", "started_on", postgresql_nulls_not_distinct=True),
        CheckConstraint("ended_on IS NULL OR started_on IS NULL OR ended_on >= started_on", name="period_order"),
        Index("ix_actor_role_organisation_id", "organisation_id"),
        # one holder at a time of a sole-holder office (migration 0008; periods are half-open)
        ExcludeConstraint(
            (column("organisation_id"), "="),
            (column("title"), "="),
            (func.daterange(column("started_on"), column("ended_on"), literal("[)")), "&&"),
            name="ex_actor_role_one_holder_at_a_time",
            using="gist",
            where=sql_text("sole_holder"),
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("actor.id", ondelete="CASCADE"), nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("actor.id"))
    started_on: Mapped[date | None] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    sole_holder: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=false())

    actor: Mapped[Actor] = relationship(lazy="raise", foreign_keys=[actor_id], back_populates="roles")
    organisation: Mapped[Actor | None] = relationship(lazy="raise", foreign_keys=[organisation_id])


policy_topic = Table(
    "policy_topic",
    Base.metadata,
    Column("policy_id", ForeignKey("policy.id", ondelete="CASCADE"), primary_key=True),
    Column("topic_id", ForeignKey("topic.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_policy_topic_topic_id", "topic_id"),
)


class Topic(Timestamped, Base):
    __tablename__ = "topic"
    __table_args__ = (slug_check(),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    slug: Mapped[str] = slug_column()
    name: Mapped[str] = mapped_column(String(200), nullable=False)


class Policy(Timestamped, Base):
    __tablename__ = "policy"
    __table_args__ = (slug_check(),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    slug: Mapped[str] = slug_column()
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    summary: Mapped[str] = mapped_column(Text, nullable=False, server_default="")
    jurisdiction: Mapped[str] = mapped_column(String(32), nullable=False)

    topics: Mapped[list[Topic]] = relationship(secondary=policy_topic, lazy="raise", order_by=Topic.slug)


class PolicyRelation(Timestamped, Base):
    __tablename__ = "policy_relation"
    __table_args__ = (
        UniqueConstraint("subject_policy_id", "object_policy_id", "kind"),
        CheckConstraint("subject_policy_id <> object_policy_id", name="distinct_policies"),
        Index("ix_policy_relation_object_policy_id", "object_policy_id"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    subject_policy_id: Mapped[int] = mapped_column(ForeignKey("policy.id", ondelete="CASCADE"), nullable=False)
    object_policy_id: Mapped[int] = mapped_column(ForeignKey("policy.id", ondelete="CASCADE"), nullable=False)
    kind: Mapped[PolicyRelationKind] = mapped_column(
        enum_column(PolicyRelationKind, "policy_relation_kind"), nullable=False
    )
    note: Mapped[str] = mapped_column(Text, nullable=False, server_default="")

    subject: Mapped[Policy] = relationship(lazy="raise", foreign_keys=[subject_policy_id])
    object: Mapped[Policy] = relationship(lazy="raise", foreign_keys=[object_policy_id])


class Source(Timestamped, Base):
    __tablename__ = "source"
    __table_args__ = (
        slug_check(),
        CheckConstraint("content_sha256 ~ '^[0-9a-f]{64}$'", name="content_sha256_format"),
        CheckConstraint("url IS NULL OR url ~ '^https?://'", name="url_scheme"),
        CheckConstraint(
            f"num_nonnulls({DIVISION_FIELDS}, published_on) = "
            "CASE WHEN kind = 'parliamentary_division' THEN 6 ELSE num_nonnulls(published_on) END",
            name="division_fields",
        ),
        CheckConstraint("division_number > 0 AND declared_ayes >= 0 AND declared_noes >= 0", name="division_numbers"),
        Index("ix_source_published_on", "published_on"),
        Index("ix_source_search_vector", "search_vector", postgresql_using="gin"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    slug: Mapped[str] = slug_column()
    kind: Mapped[SourceKind] = mapped_column(enum_column(SourceKind, "source_kind"), nullable=False)
    title: Mapped[str] = mapped_column(String(500), nullable=False)
    title_inferred: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default="false")
    publisher: Mapped[str | None] = mapped_column(String(200))
    publisher_inferred: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default="false")
    author: Mapped[str | None] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(String(2000))
    published_on: Mapped[date | None] = mapped_column(Date)
    published_on_precision: Mapped[DatePrecision] = mapped_column(
        enum_column(DatePrecision, "date_precision"), nullable=False, server_default="day"
    )
    published_on_inferred: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default="false")
    provenance_note: Mapped[str] = mapped_column(Text, nullable=False, server_default="")
    content_sha256: Mapped[str | None] = mapped_column(String(64))
    text: Mapped[str | None] = mapped_column(Text)
    search_vector: Mapped[str] = mapped_column(
        TSVECTOR, Computed(f"{SEARCH_VECTOR_FUNCTION}(title || ' ' || coalesce(text, ''))", persisted=True)
    )
    # A parliamentary division's facts (null for every other kind): its number in the chamber's series, the
    # chamber, the question put, and the totals the chamber declared (tellers not counted).
    division_number: Mapped[int | None] = mapped_column(Integer)
    division_chamber: Mapped[str | None] = mapped_column(String(200))
    division_question: Mapped[str | None] = mapped_column(Text)
    declared_ayes: Mapped[int | None] = mapped_column(Integer)
    declared_noes: Mapped[int | None] = mapped_column(Integer)


class DivisionPolicy(Timestamped, Base):
    """How a division's votes bear on a policy, stated once: an aye means `aye_position`, a no the opposite."""

    __tablename__ = "division_policy"
    __table_args__ = (
        UniqueConstraint("source_id", "policy_id"),
        CheckConstraint("aye_position IN (-2, -1, 1, 2)", name="aye_position_range"),
        Index("ix_division_policy_policy_id", "policy_id"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id", ondelete="CASCADE"), nullable=False)
    policy_id: Mapped[int] = mapped_column(ForeignKey("policy.id", ondelete="CASCADE"), nullable=False)
    aye_position: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    note: Mapped[str] = mapped_column(Text, nullable=False, server_default="")


class Stance(Timestamped, Base):
    """An actor's position on a policy as stated on a date."""

    __tablename__ = "stance"
    __table_args__ = (
        slug_check(),
        CheckConstraint("position BETWEEN -2 AND 2", name="position_range"),
        CheckConstraint("(position IS NULL) <> (ambiguity IS NULL)", name="position_or_ambiguity"),
        CheckConstraint("(retracted_at IS NULL) = (retraction_reason IS NULL)", name="retraction_has_reason"),
        Index("ix_stance_actor_policy_stated", "actor_id", "policy_id", "stated_on", "id"),
        Index("ix_stance_policy_stated", "policy_id", "stated_on", "id"),
        Index("ix_stance_stated_on_id", "stated_on", "id"),
        Index("ix_stance_search_vector", "search_vector", postgresql_using="gin"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    slug: Mapped[str] = slug_column()
    actor_id: Mapped[int] = mapped_column(ForeignKey("actor.id"), nullable=False)
    policy_id: Mapped[int] = mapped_column(ForeignKey("policy.id"), nullable=False)
    position: Mapped[int | None] = mapped_column(SmallInteger)
    ambiguity: Mapped[Ambiguity | None] = mapped_column(enum_column(Ambiguity, "ambiguity"))
    stated_on: Mapped[date] = mapped_column(Date, nullable=False)
    stated_on_precision: Mapped[DatePrecision] = mapped_column(
        enum_column(DatePrecision, "date_precision"), nullable=False, server_default="day"
    )
    stated_on_inferred: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default="false")
    summary: Mapped[str] = mapped_column(Text, nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False, server_default="1")
    retracted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    retraction_reason: Mapped[str | None] = mapped_column(Text)
    search_vector: Mapped[str] = mapped_column(
        TSVECTOR, Computed(f"to_tsvector('{TEXT_SEARCH_CONFIG}'::regconfig, summary)", persisted=True)
    )

    actor: Mapped[Actor] = relationship(lazy="raise")
    policy: Mapped[Policy] = relationship(lazy="raise")
    evidence: Mapped[list["Evidence"]] = relationship(lazy="raise", order_by="Evidence.id", back_populates="stance")


class Evidence(Timestamped, Base):
    """A verbatim quote, a marked paraphrase or a reported action backing a stance, from one source."""

    __tablename__ = "evidence"
    __table_args__ = (
        slug_check(),
        CheckConstraint("length(btrim(text)) > 0", name="text_not_blank"),
        CheckConstraint("(char_start IS NULL) = (char_end IS NULL)", name="offsets_paired"),
        CheckConstraint("char_start IS NULL OR (char_start >= 0 AND char_end > char_start)", name="offsets_order"),
        CheckConstraint("(kind = 'recorded_vote') = (vote_option IS NOT NULL)", name="vote_option_on_votes"),
        Index("ix_evidence_stance_id", "stance_id"),
        # the same-day rule's lookup (does a stance rest on a vote cast?), small as it holds recorded votes only
        Index(
            "ix_evidence_vote_stance_id",
            "stance_id",
            "vote_option",
            postgresql_where=sql_text("kind = 'recorded_vote'"),
        ),
        Index("ix_evidence_source_id", "source_id"),
        Index("ix_evidence_speaker_actor_id", "speaker_actor_id"),
        Index("ix_evidence_search_vector", "search_vector", postgresql_using="gin"),
        # article intake's duplicate check: pg_trgm similarity of a candidate to stored evidence (migration 0007)
        Index("ix_evidence_text_trgm", "text", postgresql_using="gin", postgresql_ops={"text": "gin_trgm_ops"}),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    slug: Mapped[str] = slug_column()
    stance_id: Mapped[int] = mapped_column(ForeignKey("stance.id"), nullable=False)
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id"), nullable=False)
    kind: Mapped[EvidenceKind] = mapped_column(enum_column(EvidenceKind, "evidence_kind"), nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    speaker_actor_id: Mapped[int | None] = mapped_column(ForeignKey("actor.id"))
    char_start: Mapped[int | None] = mapped_column(BigInteger)
    char_end: Mapped[int | None] = mapped_column(BigInteger)
    version: Mapped[int] = mapped_column(Integer, nullable=False, server_default="1")
    search_vector: Mapped[str] = mapped_column(TSVECTOR, Computed(f"{SEARCH_VECTOR_FUNCTION}(text)", persisted=True))
    # How the voter (the speaker, or the stance's actor) is recorded in the division (the source); votes only.
    vote_option: Mapped[VoteOption | None] = mapped_column(enum_column(VoteOption, "vote_option"))

    stance: Mapped[Stance] = relationship(lazy="raise", back_populates="evidence")
    source: Mapped[Source] = relationship(lazy="raise")
    speaker: Mapped[Actor | None] = relationship(lazy="raise")


def _identifier_table(owner: str) -> Table:
    """External identifiers of one kind of record: ``{scheme, identifier}``, unique per scheme and kind."""
    return Table(
        f"{owner}_identifier",
        Base.metadata,
        Column("id", BigInteger, Identity(), primary_key=True),
        Column(f"{owner}_id", ForeignKey(f"{owner}.id", ondelete="CASCADE"), nullable=False),
        Column("scheme", String(64), nullable=False),
        Column("identifier", String(500), nullable=False),
        Column("created_at", DateTime(timezone=True), server_default=func.now(), nullable=False),
        Column("updated_at", DateTime(timezone=True), server_default=func.now(), nullable=False),
        UniqueConstraint("scheme", "identifier"),
        CheckConstraint(f"scheme ~ '{SCHEME_PATTERN}'", name="scheme_format"),
        CheckConstraint("length(btrim(identifier)) > 0", name="identifier_not_blank"),
        Index(f"ix_{owner}_identifier_{owner}_id", f"{owner}_id"),
    )


actor_identifier = _identifier_table("actor")
policy_identifier = _identifier_table("policy")
source_identifier = _identifier_table("source")


class DataVersion(Base):
    """One row counting every write to the data tables (bumped by statement-level triggers).

    Comparison responses derive their ETag from it, so any write invalidates every cached answer.
    """

    __tablename__ = "data_version"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(BigInteger, nullable=False, server_default="0")
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, server_default=func.now())


class ApiKey(Timestamped, Base):
    """An editor's or admin's API key: only its SHA-256 hash is stored; `prefix` identifies it in lists."""

    __tablename__ = "api_key"
    __table_args__ = (CheckConstraint("rate_limit IS NULL OR rate_limit > 0", name="rate_limit_positive"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True, nullable=False)
    prefix: Mapped[str] = mapped_column(String(16), unique=True, nullable=False)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    scope: Mapped[KeyScope] = mapped_column(enum_column(KeyScope, "key_scope"), nullable=False)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    rate_limit: Mapped[int | None] = mapped_column(Integer)
    """Writes per minute for this key; null: the server's ``POSITIONS_WRITE_RATE_LIMIT``."""


HISTORY_TABLES = frozenset(
    {"topic", "actor", "actor_role", "policy", "policy_relation", "source", "division_policy", "stance", "evidence"}
)
"""The tables whose row changes the revision trigger records (each row's history is in ``revision``)."""


class Revision(Base):
    """One recorded change (written by a row trigger): what a row was, what it became, who, when and why."""

    __tablename__ = "revision"
    __table_args__ = (
        CheckConstraint("action IN ('create', 'update', 'delete')", name="action_kind"),
        Index("ix_revision_entity", "entity_type", "entity_id", "id"),
        Index("ix_revision_entity_recorded", "entity_type", "recorded_at", "id"),
        Index("ix_revision_import_id", "import_id"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    entity_type: Mapped[str] = mapped_column(String(32), nullable=False)
    entity_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    action: Mapped[str] = mapped_column(String(16), nullable=False)
    before: Mapped[dict[str, object] | None] = mapped_column(JSONB)
    after: Mapped[dict[str, object] | None] = mapped_column(JSONB)
    author: Mapped[str] = mapped_column(String(100), nullable=False)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, server_default=func.now())
    reason: Mapped[str | None] = mapped_column(Text)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("import_job.id"))
    """The import that made this change (one import, one batch of revisions), if any."""


class ImportJob(Timestamped, Base):
    """One bulk import: its state, options, counts per record type and the records it rejected."""

    __tablename__ = "import_job"
    __table_args__ = (CheckConstraint("state IN ('pending', 'running', 'succeeded', 'failed')", name="state_kind"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    state: Mapped[str] = mapped_column(String(16), nullable=False)
    author: Mapped[str] = mapped_column(String(100), nullable=False)
    api_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_key.id", ondelete="SET NULL"))
    format: Mapped[str] = mapped_column(String(16), nullable=False, server_default="bundle")
    partial: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default="false")
    dry_run: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default="false")
    records: Mapped[int] = mapped_column(BigInteger, nullable=False, server_default="0")
    counts: Mapped[dict[str, object]] = mapped_column(JSONB, nullable=False, server_default="{}")
    errors: Mapped[list[object]] = mapped_column(JSONB, nullable=False, server_default="[]")
    detail: Mapped[str] = mapped_column(Text, nullable=False, server_default="")
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class IdempotencyRecord(Timestamped, Base):
    """The first response to a POST carrying an `Idempotency-Key`, replayed for retries with the same body."""

    __tablename__ = "idempotency_record"

    api_key_id: Mapped[int] = mapped_column(ForeignKey("api_key.id", ondelete="CASCADE"), primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(200), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    status_code: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    response_body: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)


class RateLimitWindow(Base):
    """Writes counted per key per fixed window, shared by every server process."""

    __tablename__ = "rate_limit_window"

    api_key_id: Mapped[int] = mapped_column(ForeignKey("api_key.id", ondelete="CASCADE"), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(DateTime(timezone=True), primary_key=True)
    request_count: Mapped[int] = mapped_column(Integer, nullable=False)
