"""Response shapes for actors."""

from datetime import date

import msgspec

from api.identifiers import ExternalIdentifier
from api.refs import ActorRef
from db.enums import ActorKind


class ActorSummary(msgspec.Struct, kw_only=True):
    """An actor in a list."""

    slug: str
    name: str
    kind: ActorKind
    country: str | None
    description: str
    identifiers: list[ExternalIdentifier]


class ActorRoleItem(msgspec.Struct, kw_only=True):
    """A role held over a period (Popolo membership); open-ended when `ended_on` is null, which is otherwise the
    first day it is no longer held. `sole_holder`: one holder at a time (periods of holders never overlap)."""

    title: str
    organisation: ActorRef | None
    started_on: date | None
    ended_on: date | None
    sole_holder: bool


class OfficeRef(msgspec.Struct, kw_only=True):
    """An office: the role `title` in the `organisation` actor."""

    organisation: ActorRef
    title: str


class ActorDetail(msgspec.Struct, kw_only=True):
    """An actor with its aliases and roles over time."""

    slug: str
    name: str
    kind: ActorKind
    country: str | None
    description: str
    identifiers: list[ExternalIdentifier]
    aliases: list[str]
    roles: list[ActorRoleItem]
    speaks_for: OfficeRef | None
    """The office whose holder this office's stances are attributed to with `attribution=holder`."""


class ActorPage(msgspec.Struct, kw_only=True):
    """One page of actors; pass `next_cursor` as `cursor` for the next page (null on the last page)."""

    items: list[ActorSummary]
    next_cursor: str | None
