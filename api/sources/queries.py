"""SQL for sources."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.divisions.queries import division_record
from api.divisions.schemas import Division
from api.errors import UnknownSlugs
from api.identifiers import identifier_filter, identifiers_column, to_identifiers
from api.sources.schemas import SourceDetail
from db.enums import SourceKind
from db.models import TEXT_SEARCH_CONFIG, Source
from db.snapshots import as_recorded, search_vector

COLUMNS = (
    Source.slug,
    Source.kind,
    Source.title,
    Source.title_inferred,
    Source.publisher,
    Source.publisher_inferred,
    Source.author,
    Source.url,
    Source.published_on,
    Source.published_on_precision,
    Source.published_on_inferred,
    Source.provenance_note,
    Source.content_sha256,
)
DIVISION_COLUMNS = (
    Source.division_number,
    Source.division_chamber,
    Source.division_question,
    Source.declared_ayes,
    Source.declared_noes,
)


def _columns(source: type[Source] = Source) -> list[Any]:
    return [
        *(getattr(source, column.key) for column in (*COLUMNS, *DIVISION_COLUMNS)),
        source.text.is_not(None).label("has_text"),
        identifiers_column(source).label("identifiers"),
    ]


def _detail(row: Row[*tuple[Any, ...]]) -> SourceDetail:
    values = row._asdict()
    number, chamber, question, ayes, noes = (values.pop(column.key) for column in DIVISION_COLUMNS)
    values.pop("id", None)
    values["identifiers"] = to_identifiers(values["identifiers"])
    division = (
        None
        if number is None
        else Division(number=number, chamber=chamber, question=question, declared_ayes=ayes, declared_noes=noes)
    )
    return SourceDetail(**values, division=division)


async def list_sources(
    session: AsyncSession,
    *,
    q: str | None = None,
    identifier: str | None = None,
    kind: SourceKind | None,
    publisher: str | None,
    published_from: date | None,
    published_to: date | None,
    after: str | None,
    limit: int,
    as_recorded_at: datetime | None = None,
) -> list[SourceDetail]:
    source = as_recorded(Source, as_recorded_at)
    query = select(*_columns(source)).order_by(source.slug).limit(limit + 1)
    if q:
        document = source.title + " " + func.coalesce(source.text, "")
        vector = search_vector(source.search_vector, document, as_recorded_at)
        query = query.where(vector.op("@@")(func.websearch_to_tsquery(TEXT_SEARCH_CONFIG, q)))
    if identifier is not None:
        query = query.where(identifier_filter(source, identifier))
    if kind is not None:
        query = query.where(source.kind == kind)
    if publisher is not None:
        query = query.where(source.publisher.ilike(f"%{publisher}%"))
    if published_from is not None:
        query = query.where(source.published_on >= published_from)
    if published_to is not None:
        query = query.where(source.published_on <= published_to)
    if after is not None:
        query = query.where(source.slug > after)
    return [_detail(row) for row in await session.execute(query)]


async def get_source(session: AsyncSession, slug: str) -> SourceDetail:
    """One source; a division with its policy links, recorded votes and their tally."""
    row = (await session.execute(select(Source.id, *_columns()).where(Source.slug == slug))).one_or_none()
    if row is None:
        raise UnknownSlugs("source", [slug])
    detail = _detail(row)
    if detail.division is not None:
        detail.division = await division_record(session, row.id, detail.division)
    return detail
