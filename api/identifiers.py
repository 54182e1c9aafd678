"""External identifiers: ``{scheme, identifier}`` pairs on actors, policies and sources.

An identifier names a record in another dataset (scheme ``parlparse``, identifier
``uk.org.publicwhip/person/10001``); it is unique per scheme within each kind of record. Everything about
them goes through this module: the body/response Struct, the lookup of record ids by identifier
(``ids_by_identifier``, which imports use to match records), the correlated subquery that lists a record's
identifiers, the ``identifier=scheme:identifier`` filter, and replacing a record's list (409 on a clash).
"""

from collections.abc import Collection
from typing import Annotated, Any

import msgspec
from litestar.params import Parameter
from sqlalchemy import ColumnElement, Table, and_, delete, func, insert, literal, or_, select, tuple_, type_coerce
from sqlalchemy.dialects.postgresql import JSONB, aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncSession

from api.errors import Conflict, InvalidField, InvalidParameter, Unprocessable
from db.models import SCHEME_PATTERN, Actor, Policy, Source, actor_identifier, policy_identifier, source_identifier

Scheme = Annotated[str, msgspec.Meta(pattern=SCHEME_PATTERN, min_length=1, max_length=64)]
IdentifierValue = Annotated[str, msgspec.Meta(min_length=1, max_length=500, pattern=r"^\S(.*\S)?$")]

IdentifiedModel = type[Actor] | type[Policy] | type[Source]
TABLES: dict[str, Table] = {"actor": actor_identifier, "policy": policy_identifier, "source": source_identifier}
RESOURCES = {Actor: "actor", Policy: "policy", Source: "source"}


class ExternalIdentifier(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """An id of the record in another dataset: `scheme` names the dataset (lower-case letters, digits, `.`, `_`,
    `-`), `identifier` is the id there, e.g. `{"scheme": "parlparse", "identifier": "uk.org.publicwhip/person/10001"}`.
    Unique per scheme within each kind of record."""

    scheme: Scheme
    identifier: IdentifierValue


Identifiers = Annotated[list[ExternalIdentifier], msgspec.Meta(max_length=50)]
"""A record's identifiers in a request body (a create sets them, an update replaces the whole list)."""

IdentifierFilter = Annotated[
    str | None,
    Parameter(
        description=(
            "Only the record with this external identifier, written `scheme:identifier` and split on the first "
            "colon, e.g. `parlparse:uk.org.publicwhip/person/10001`."
        ),
        # A filter, not a record: an identifier no record can carry (spaces around it) simply matches nothing.
        pattern=r"^[a-z0-9][a-z0-9_.-]{0,63}:.{1,500}$",
        max_length=565,
    ),
]


def _resource(model: IdentifiedModel) -> str:
    for base in model.__mro__:
        if base in RESOURCES:
            return RESOURCES[base]
    raise TypeError(model.__name__)


def _table(model: IdentifiedModel) -> tuple[Table, Any]:
    table = TABLES[_resource(model)]
    return table, table.c[f"{_resource(model)}_id"]


async def ids_by_identifier(
    session: AsyncSession, model: IdentifiedModel, pairs: Collection[tuple[str, str]]
) -> dict[tuple[str, str], int]:
    """The ids of the ``model`` records carrying each of ``pairs`` (``(scheme, identifier)``), for those that exist.

    One query whatever the number of pairs; pairs no record carries are absent from the answer.
    """
    if not pairs:
        return {}
    table, owner = _table(model)
    rows = await session.execute(
        select(table.c.scheme, table.c.identifier, owner).where(
            tuple_(table.c.scheme, table.c.identifier).in_([tuple(pair) for pair in pairs])
        )
    )
    return {(row.scheme, row.identifier): row[2] for row in rows}


def identifiers_column(model: IdentifiedModel) -> ColumnElement[Any]:
    """A correlated subquery: the record's identifiers as a JSON array, ordered by scheme and identifier."""
    table, owner = _table(model)
    pair = func.jsonb_build_object(literal("scheme"), table.c.scheme, literal("identifier"), table.c.identifier)
    aggregated = func.jsonb_agg(aggregate_order_by(pair, table.c.scheme, table.c.identifier))
    return type_coerce(
        select(func.coalesce(aggregated, func.jsonb_build_array())).where(owner == model.id).scalar_subquery(),
        JSONB,
    )


def to_identifiers(value: object) -> list[ExternalIdentifier]:
    """The JSON array ``identifiers_column`` selects, as Structs."""
    return msgspec.convert(value or [], list[ExternalIdentifier])


def parse_identifier(value: str, *, parameter: str = "identifier") -> tuple[str, str]:
    """``scheme:identifier``, split on the first colon (identifiers may contain colons); 400 when malformed. The
    parameter's pattern has checked the scheme; an identifier no record could carry (spaces around it) is not an
    error in a filter, it just matches nothing."""
    scheme, colon, identifier = value.partition(":")
    if not colon or not scheme or not identifier:
        raise InvalidParameter(
            parameter, "expected `scheme:identifier`, e.g. `parlparse:uk.org.publicwhip/person/10001`"
        )
    return scheme, identifier


def identifier_filter(model: IdentifiedModel, value: str) -> ColumnElement[bool]:
    """A WHERE clause: the record carries the identifier ``scheme:identifier``."""
    scheme, identifier = parse_identifier(value)
    table, owner = _table(model)
    return select(owner).where(owner == model.id, table.c.scheme == scheme, table.c.identifier == identifier).exists()


async def replace_identifiers(
    session: AsyncSession, model: IdentifiedModel, record_id: int, identifiers: list[ExternalIdentifier]
) -> None:
    """Make the record's identifiers exactly ``identifiers``: 422 on a duplicate in the list, 409 naming each
    identifier that another record of this kind already carries (nothing is stored either way)."""
    resource = _resource(model)
    table, owner = _table(model)
    pairs = [(item.scheme, item.identifier) for item in identifiers]
    duplicates = [
        InvalidField(name=f"identifiers[{index}]", location="body", message=f"duplicate identifier '{scheme}:{value}'")
        for index, (scheme, value) in enumerate(pairs)
        if (scheme, value) in pairs[:index]
    ]
    if duplicates:
        raise Unprocessable("The identifiers list names an identifier twice; nothing was stored.", errors=duplicates)
    if pairs:
        taken = await session.execute(
            select(table.c.scheme, table.c.identifier, model.slug)
            .join(model, model.id == owner)
            .where(tuple_(table.c.scheme, table.c.identifier).in_(pairs), owner != record_id)
        )
        clashes = {(row.scheme, row.identifier): row.slug for row in taken}
        if clashes:
            names = ", ".join(f"'{scheme}:{value}'" for scheme, value in clashes)
            raise Conflict(
                f"The identifier(s) {names} already belong to another {resource}; nothing was stored.",
                errors=[
                    InvalidField(
                        name=f"identifiers[{index}]",
                        location="body",
                        message=f"'{pair[0]}:{pair[1]}' already identifies {resource} '{clashes[pair]}'",
                    )
                    for index, pair in enumerate(pairs)
                    if pair in clashes
                ],
            )
    keep = [and_(table.c.scheme == scheme, table.c.identifier == value) for scheme, value in pairs]
    await session.execute(delete(table).where(owner == record_id, *([~or_(*keep)] if keep else [])))
    existing = {
        (row.scheme, row.identifier)
        for row in await session.execute(select(table.c.scheme, table.c.identifier).where(owner == record_id))
    }
    missing = [pair for pair in pairs if pair not in existing]
    if missing:
        await session.execute(
            insert(table),
            [{owner.key: record_id, "scheme": scheme, "identifier": value} for scheme, value in missing],
        )
