"""Full-text search conditions over stances and evidence, written with the very expressions their GIN indexes
are built over (``db.models.STANCE_VECTOR``, ``EVIDENCE_VECTOR``; migration 0007) so that the planner uses
those indexes (a test reads the plans); over rows rebuilt from history (``as_recorded``) the same expressions
are simply computed."""

from sqlalchemy import ColumnElement, SQLColumnExpression, func, literal_column

from db.models import EVIDENCE_VECTOR, SEARCH_VECTOR_FUNCTION, TEXT_SEARCH_CONFIG

_CONFIG: ColumnElement[str] = literal_column(f"'{TEXT_SEARCH_CONFIG}'::regconfig")


def stance_matches(summary: SQLColumnExpression[str], tsquery: SQLColumnExpression[str]) -> ColumnElement[bool]:
    """The stance's summary matches ``tsquery`` (``STANCE_VECTOR``, through ``ix_stance_search_vector``)."""
    return func.to_tsvector(_CONFIG, summary).op("@@")(tsquery)


def evidence_matches(text: SQLColumnExpression[str], tsquery: SQLColumnExpression[str]) -> ColumnElement[bool]:
    """The evidence's text matches ``tsquery`` (``EVIDENCE_VECTOR``, through ``ix_evidence_search_vector``)."""
    return getattr(func, SEARCH_VECTOR_FUNCTION)(_CONFIG, text).op("@@")(tsquery)  # type: ignore[no-any-return]


def evidence_matches_sql(alias: str, tsquery: str) -> str:
    """``evidence_matches`` for SQL text over the evidence rows named ``alias``."""
    return f"{EVIDENCE_VECTOR.format(column=f'{alias}.text')} @@ {tsquery}"
