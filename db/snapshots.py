"""Tables as they stood at a moment, rebuilt from the revision history (for ``as_recorded=``).

The one implementation of time travel: ``recorded_sql`` rebuilds a table's rows from ``revision``; readers
that write SQL text take ``relations(...)`` (the live table names, or those rebuilt rows as subqueries), and
SQLAlchemy statements take ``as_recorded(Model, moment)``, an alias over the same SQL.
"""

from datetime import UTC, datetime
from typing import TypeVar, cast

from sqlalchemy import SQLColumnExpression, Table, func, text
from sqlalchemy.orm import aliased

from db.base import Base
from db.models import SEARCH_VECTOR_FUNCTION

M = TypeVar("M", bound=Base)

RECORDED_TABLES = ("stance", "evidence", "actor", "policy", "source")
"""The tables ``as_recorded=`` rebuilds (aliases, topics and roles are read as they are now)."""


def recorded_moment(moment: datetime) -> datetime:
    """``moment`` in UTC, as bound to the statements. A moment whose UTC time falls outside the years 1 to 9999
    (``0001-01-01T01:00+03:05``) is before or after every revision anyway: it becomes the first or last moment
    that Python, asyncpg and PostgreSQL all accept, instead of an error."""
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        edge = datetime.min if moment.year == datetime.min.year else datetime.max
        return edge.replace(tzinfo=UTC)


def recorded_sql(table: str, parameter: str) -> str:
    """SQL for ``table``'s rows as recorded at the bind parameter ``parameter`` (latest revision at or before)."""
    if table not in RECORDED_TABLES:
        raise ValueError(table)
    return (
        f"SELECT (jsonb_populate_record(NULL::{table}, r.after)).* FROM ("
        f"SELECT DISTINCT ON (entity_id) after FROM revision WHERE entity_type = '{table}' "
        f"AND recorded_at <= {parameter} ORDER BY entity_id, id DESC) AS r WHERE r.after IS NOT NULL"
    )


def relations(parameter: str | None) -> dict[str, str]:
    """What SQL text should read for each of ``RECORDED_TABLES``: the table itself when ``parameter`` is None,
    otherwise a subquery of its rows as recorded at the timestamp bound to ``parameter`` (``$3``, ``:moment``)."""
    if parameter is None:
        return {table: table for table in RECORDED_TABLES}
    return {table: f"({recorded_sql(table, parameter)})" for table in RECORDED_TABLES}


def as_recorded(model: type[M], moment: datetime | None, *, name: str | None = None) -> type[M]:
    """``model`` itself (or an alias ``name`` of it), or an alias over its rows as recorded at ``moment``."""
    if moment is None:
        return cast(type[M], aliased(model, name=name)) if name else model
    table = model.__table__
    if not isinstance(table, Table):
        raise TypeError(model.__name__)
    alias = name or f"{table.name}_as_recorded"
    parameter = f"as_recorded_{alias}"
    snapshot = (
        text(recorded_sql(table.name, f":{parameter}"))
        .bindparams(**{parameter: recorded_moment(moment)})
        .columns(*table.c)
        .subquery(alias)
    )
    return cast(type[M], aliased(model, snapshot, adapt_on_names=True))


def search_vector(
    stored: SQLColumnExpression[str], source: SQLColumnExpression[str], moment: datetime | None
) -> SQLColumnExpression[str]:
    """The stored (indexed) tsvector, or one computed on the fly (the same function) for rows rebuilt from history."""
    if moment is None:
        return stored
    return getattr(func, SEARCH_VECTOR_FUNCTION)(source)  # type: ignore[no-any-return]


def search_vector_sql(alias: str, source: str, *, recorded: bool) -> str:
    """``search_vector`` for SQL text: ``alias``'s stored tsvector, or one computed from its ``source`` column."""
    if not recorded:
        return f"{alias}.search_vector"
    return f"{SEARCH_VECTOR_FUNCTION}({alias}.{source})"
