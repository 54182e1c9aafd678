"""Recorded votes: parliamentary divisions as sources, votes as evidence, and division-policy links.

- `source` gains the kind `parliamentary_division` and its facts (number, chamber, question, declared ayes and
  noes), all present on a division (with its day, `published_on`) and absent on every other kind.
- `evidence` gains the kind `recorded_vote` and `vote_option` (aye, no, abstain, absent, teller, proxy_aye,
  proxy_no), set exactly on recorded votes, and a partial index of the votes by stance (the same-day rule's
  lookup in comparisons).
- `division_policy` states once how a division's votes bear on a policy: an aye means `aye_position`, a no
  the opposite. Its changes are recorded in `revision` and bump the data version like every data table.

Enum columns are VARCHAR with a CHECK constraint listing the values (`native_enum=False`): the constraints
are replaced with the longer lists, and restored on downgrade. Downgrade refuses to run while divisions or
recorded votes are stored, rather than delete them.

Revision ID: 0004
Revises: 0003
Create Date: 2025-05-19
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SOURCE_KINDS = (
    "news_article",
    "news_analysis",
    "press_conference",
    "statement",
    "social_media_post",
    "parliamentary_statement",
)
EVIDENCE_KINDS = ("direct_quote", "paraphrase", "reported_action")
VOTE_OPTIONS = ("aye", "no", "abstain", "absent", "teller", "proxy_aye", "proxy_no")
DIVISION_FIELDS = "division_number, division_chamber, division_question, declared_ayes, declared_noes"


def _in(column: str, values: Sequence[str]) -> str:
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


def _replace_check(table: str, name: str, condition: str) -> None:
    op.drop_constraint(op.f(name), table, type_="check")
    op.create_check_constraint(op.f(name), table, condition)


def upgrade() -> None:
    _replace_check("source", "ck_source_source_kind", _in("kind", (*SOURCE_KINDS, "parliamentary_division")))
    op.add_column("source", sa.Column("division_number", sa.Integer(), nullable=True))
    op.add_column("source", sa.Column("division_chamber", sa.String(length=200), nullable=True))
    op.add_column("source", sa.Column("division_question", sa.Text(), nullable=True))
    op.add_column("source", sa.Column("declared_ayes", sa.Integer(), nullable=True))
    op.add_column("source", sa.Column("declared_noes", sa.Integer(), nullable=True))
    op.create_check_constraint(
        op.f("ck_source_division_fields"),
        "source",
        f"num_nonnulls({DIVISION_FIELDS}, published_on) = "
        "CASE WHEN kind = 'parliamentary_division' THEN 6 ELSE num_nonnulls(published_on) END",
    )
    op.create_check_constraint(
        op.f("ck_source_division_numbers"),
        "source",
        "division_number > 0 AND declared_ayes >= 0 AND declared_noes >= 0",
    )

    _replace_check("evidence", "ck_evidence_evidence_kind", _in("kind", (*EVIDENCE_KINDS, "recorded_vote")))
    op.add_column("evidence", sa.Column("vote_option", sa.String(length=32), nullable=True))
    op.create_check_constraint(op.f("ck_evidence_vote_option"), "evidence", _in("vote_option", VOTE_OPTIONS))
    op.create_check_constraint(
        op.f("ck_evidence_vote_option_on_votes"), "evidence", "(kind = 'recorded_vote') = (vote_option IS NOT NULL)"
    )
    op.create_index(
        "ix_evidence_vote_stance_id",
        "evidence",
        ["stance_id", "vote_option"],
        unique=False,
        postgresql_where=sa.text("kind = 'recorded_vote'"),
    )

    op.create_table(
        "division_policy",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("source_id", sa.BigInteger(), nullable=False),
        sa.Column("policy_id", sa.BigInteger(), nullable=False),
        sa.Column("aye_position", sa.SmallInteger(), nullable=False),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("aye_position IN (-2, -1, 1, 2)", name=op.f("ck_division_policy_aye_position_range")),
        sa.ForeignKeyConstraint(
            ["policy_id"], ["policy.id"], name=op.f("fk_division_policy_policy_id_policy"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["source.id"], name=op.f("fk_division_policy_source_id_source"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_division_policy")),
        sa.UniqueConstraint("source_id", "policy_id", name=op.f("uq_division_policy_source_id_policy_id")),
    )
    op.create_index("ix_division_policy_policy_id", "division_policy", ["policy_id"], unique=False)
    # history, as for every data table (record_revision() from 0002, with the reason from 0003)
    op.execute(
        "CREATE TRIGGER division_policy_records_insert_delete AFTER INSERT OR DELETE ON division_policy "
        "FOR EACH ROW EXECUTE FUNCTION record_revision()"
    )
    op.execute(
        "CREATE TRIGGER division_policy_records_update AFTER UPDATE ON division_policy "
        "FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION record_revision()"
    )
    # the data version (the ETag of comparisons), as for every data table (bump_data_version() from 0001)
    for event, transition in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
        op.execute(
            f"CREATE TRIGGER division_policy_{event.lower()}_bumps_version AFTER {event} ON division_policy "
            f"REFERENCING {transition} TABLE AS changed_rows "
            "FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version()"
        )


def downgrade() -> None:
    stored = (
        op.get_bind()
        .execute(
            sa.text(
                "SELECT (SELECT count(*) FROM source WHERE kind = 'parliamentary_division') "
                "+ (SELECT count(*) FROM evidence WHERE kind = 'recorded_vote')"
            )
        )
        .scalar_one()
    )
    if stored:
        raise RuntimeError(
            f"{stored} parliamentary divisions and recorded votes are stored; downgrading below 0004 would lose them"
        )
    op.drop_index("ix_division_policy_policy_id", table_name="division_policy")
    op.drop_table("division_policy")  # its triggers go with it

    op.drop_index("ix_evidence_vote_stance_id", table_name="evidence", postgresql_where=sa.text("kind = 'recorded_vote'"))
    op.drop_constraint(op.f("ck_evidence_vote_option_on_votes"), "evidence", type_="check")
    op.drop_constraint(op.f("ck_evidence_vote_option"), "evidence", type_="check")
    op.drop_column("evidence", "vote_option")
    _replace_check("evidence", "ck_evidence_evidence_kind", _in("kind", EVIDENCE_KINDS))

    op.drop_constraint(op.f("ck_source_division_numbers"), "source", type_="check")
    op.drop_constraint(op.f("ck_source_division_fields"), "source", type_="check")
    for column in ("declared_noes", "declared_ayes", "division_question", "division_chamber", "division_number"):
        op.drop_column("source", column)
    _replace_check("source", "ck_source_source_kind", _in("kind", SOURCE_KINDS))
