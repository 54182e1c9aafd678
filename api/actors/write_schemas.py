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


class ActorCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new actor: a person, office, government, party, organisation or anonymous source."""

    slug: Slug
    name: Name
    kind: ActorKind
    description: Description = ""
    country: Country | None = None
    aliases: Aliases = []
    identifiers: Identifiers = []


class ActorUpdate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A correction to an actor: only the fields given change; `aliases` and `identifiers` replace the whole list."""

    name: Name | msgspec.UnsetType = msgspec.UNSET
    kind: ActorKind | msgspec.UnsetType = msgspec.UNSET
    description: Description | msgspec.UnsetType = msgspec.UNSET
    country: Country | msgspec.UnsetType | None = msgspec.UNSET
    aliases: Aliases | msgspec.UnsetType = msgspec.UNSET
    identifiers: Identifiers | msgspec.UnsetType = msgspec.UNSET


class ActorRoleInput(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A role held over a period; `organisation` is the slug of the actor it is held in."""

    title: Name
    organisation: Slug | None = None
    started_on: date | None = None
    ended_on: date | None = None


class ActorRolesReplace(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The actor's complete list of roles: roles not listed are removed, listed ones created or updated.

    No two roles may share title, organisation and start date."""

    roles: Annotated[list[ActorRoleInput], msgspec.Meta(max_length=100)]
