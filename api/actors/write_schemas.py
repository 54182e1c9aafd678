"""Request bodies for writing actors and their roles (admin keys)."""

from datetime import date
from typing import Annotated

import msgspec

from api.identifiers import Identifiers
from api.slugs import Slug
from db.enums import ActorKind

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Country = Annotated[str, msgspec.Meta(pattern="^[A-Z]{2}$")]
Description = Annotated[str, msgspec.Meta(max_length=2000)]
Aliases = Annotated[list[Name], msgspec.Meta(max_length=50)]


class Office(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """An office: the role `title` in the `organisation` actor, e.g. `Prime Minister of the United Kingdom` in
    `uk-government`."""

    organisation: Slug
    title: Name


class ActorCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new actor: a person, office, government, party, organisation or anonymous source. `speaks_for` (for an
    office or institution) names the office whose holder its stances are attributed to with `attribution=holder`
    (Downing Street speaks for the Prime Minister)."""

    slug: Slug
    name: Name
    kind: ActorKind
    description: Description = ""
    country: Country | None = None
    aliases: Aliases = []
    identifiers: Identifiers = []
    speaks_for: Office | None = None


class ActorUpdate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A correction to an actor: only the fields given change; `aliases` and `identifiers` replace the whole list."""

    name: Name | msgspec.UnsetType = msgspec.UNSET
    kind: ActorKind | msgspec.UnsetType = msgspec.UNSET
    description: Description | msgspec.UnsetType = msgspec.UNSET
    country: Country | msgspec.UnsetType | None = msgspec.UNSET
    aliases: Aliases | msgspec.UnsetType = msgspec.UNSET
    identifiers: Identifiers | msgspec.UnsetType = msgspec.UNSET
    speaks_for: Office | msgspec.UnsetType | None = msgspec.UNSET


class ActorRoleInput(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A role held over a period (`ended_on` is the first day it is no longer held); `organisation` is the slug of
    the actor it is held in. `sole_holder`: an office one person holds at a time (a Prime Minister), whose periods
    may not overlap another holder's (409 naming the clash)."""

    title: Name
    organisation: Slug | None = None
    started_on: date | None = None
    ended_on: date | None = None
    sole_holder: bool = False


class ActorRolesReplace(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The actor's complete list of roles: roles not listed are removed, listed ones created or updated.

    No two roles may share title, organisation and start date."""

    roles: Annotated[list[ActorRoleInput], msgspec.Meta(max_length=100)]
