"""Writing sources (editor keys), each request in one transaction."""

import hashlib
from datetime import date
from typing import Any

import msgspec
from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from api.bodies import given_fields
from api.divisions.schemas import DivisionInput
from api.errors import InvalidField, NoStoredText, Unprocessable
from api.identifiers import replace_identifiers
from api.slugs import ensure_slug_free, resolve_path_slug
from api.sources.write_schemas import SourceCreate, SourceUpdate
from db.enums import DatePrecision, SourceKind
from db.models import DivisionPolicy, Evidence, Source

DIVISION = SourceKind.PARLIAMENTARY_DIVISION


def _division_columns(division: DivisionInput | None) -> dict[str, Any]:
    return {
        "division_number": division.number if division else None,
        "division_chamber": division.chamber if division else None,
        "division_question": division.question if division else None,
        "declared_ayes": division.declared_ayes if division else None,
        "declared_noes": division.declared_noes if division else None,
    }


def division_errors(
    kind: SourceKind, has_division: bool, published_on: date | None, precision: DatePrecision
) -> list[InvalidField]:
    """A division has its facts and its day; no other kind has division facts."""
    if kind is not DIVISION:
        if has_division:
            return [InvalidField(name="division", location="body", message="only a parliamentary_division has one")]
        return []
    errors = []
    if not has_division:
        errors.append(
            InvalidField(
                name="division",
                location="body",
                message="a parliamentary_division needs its number, chamber, question and declared totals",
            )
        )
    if published_on is None:
        errors.append(InvalidField(name="published_on", location="body", message="a division's day is required"))
    elif precision is not DatePrecision.DAY:
        errors.append(InvalidField(name="published_on_precision", location="body", message="a division has a day"))
    return errors


async def create_source(session: AsyncSession, data: SourceCreate) -> None:
    errors = division_errors(data.kind, data.division is not None, data.published_on, data.published_on_precision)
    if errors:
        raise Unprocessable("The source is invalid; nothing was stored.", errors=errors)
    await ensure_slug_free(session, Source, data.slug, resource="source")
    values = msgspec.structs.asdict(data)
    values.pop("division")
    identifiers = values.pop("identifiers")
    values["content_sha256"] = hashlib.sha256(data.text.encode()).hexdigest() if data.text is not None else None
    source_id = await session.scalar(
        insert(Source).values(**values, **_division_columns(data.division)).returning(Source.id)
    )
    if source_id is not None:
        await replace_identifiers(session, Source, source_id, identifiers)


async def _division_dependants(session: AsyncSession, source_id: int) -> str | None:
    """What rests on a division (its recorded votes and policy links), said in words; None when nothing does."""
    votes = await session.scalar(select(func.count()).where(Evidence.source_id == source_id))
    links = await session.scalar(select(func.count()).where(DivisionPolicy.source_id == source_id))
    if not votes and not links:
        return None
    return f"{votes} recorded votes and {links} policy links rest on this division"


async def update_source(session: AsyncSession, slug: str, data: SourceUpdate) -> None:
    source_id = await resolve_path_slug(session, Source, slug, resource="source", for_update=True)
    changes = given_fields(data)
    identifiers = changes.pop("identifiers", None)
    if not changes and identifiers is None:
        return
    current = (
        await session.execute(
            select(Source.kind, Source.published_on, Source.published_on_precision, Source.division_number).where(
                Source.id == source_id
            )
        )
    ).one()
    kind = SourceKind(changes.get("kind", current.kind))
    division: DivisionInput | msgspec.UnsetType | None = changes.pop("division", msgspec.UNSET)
    has_division = current.division_number is not None if division is msgspec.UNSET else division is not None
    if kind is not DIVISION and division is msgspec.UNSET and has_division:
        has_division, division = False, None  # a division made another kind loses its facts with it
    errors = division_errors(
        kind,
        has_division,
        changes.get("published_on", current.published_on),
        DatePrecision(changes.get("published_on_precision", current.published_on_precision)),
    )
    if current.kind is DIVISION and kind is not DIVISION:
        dependants = await _division_dependants(session, source_id)
        if dependants:
            errors.append(InvalidField(name="kind", location="body", message=dependants))
    if errors:
        raise Unprocessable("The correction is invalid; nothing was stored.", errors=errors)
    if division is not msgspec.UNSET:
        changes.update(_division_columns(division))
    # An identifiers-only change still touches the row, so it leaves a revision with its author.
    await session.execute(update(Source).where(Source.id == source_id).values(**changes, updated_at=func.now()))
    if identifiers is not None:
        await replace_identifiers(session, Source, source_id, identifiers)


async def stored_text(session: AsyncSession, slug: str) -> str:
    """A source's stored text: 404 when the source is unknown or has none."""
    source_id = await resolve_path_slug(session, Source, slug, resource="source")
    text = await session.scalar(select(Source.text).where(Source.id == source_id))
    if text is None:
        raise NoStoredText(f"Source '{slug}' has no stored text.")
    return text
