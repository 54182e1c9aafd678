"""Request bodies for writing policies and their relations (admin keys)."""

from typing import Annotated

import msgspec

from api.identifiers import Identifiers
from api.slugs import Slug
from db.enums import PolicyRelationKind

Title = Annotated[str, msgspec.Meta(min_length=1, max_length=300)]
Summary = Annotated[str, msgspec.Meta(max_length=5000)]
Jurisdiction = Annotated[str, msgspec.Meta(pattern="^[A-Z]{2}(-[A-Z]{2})*$", max_length=32)]
Topics = Annotated[list[Slug], msgspec.Meta(max_length=20)]


class PolicyCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new policy; `topics` are existing topic slugs."""

    slug: Slug
    title: Title
    summary: Summary = ""
    jurisdiction: Jurisdiction
    topics: Topics = []
    identifiers: Identifiers = []


class PolicyUpdate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A correction to a policy: only the fields given change; `topics` and `identifiers` replace their lists."""

    title: Title | msgspec.UnsetType = msgspec.UNSET
    summary: Summary | msgspec.UnsetType = msgspec.UNSET
    jurisdiction: Jurisdiction | msgspec.UnsetType = msgspec.UNSET
    topics: Topics | msgspec.UnsetType = msgspec.UNSET
    identifiers: Identifiers | msgspec.UnsetType = msgspec.UNSET


class PolicyRelationInput(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """This policy `kind` another one, e.g. `compared_with` `uk-rwanda-scheme`."""

    kind: PolicyRelationKind
    policy: Slug
    note: Annotated[str, msgspec.Meta(max_length=2000)] = ""


class PolicyRelationsReplace(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The policy's complete list of outgoing relations: unlisted ones are removed."""

    relations: Annotated[list[PolicyRelationInput], msgspec.Meta(max_length=100)]


class TopicCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new topic, a subject area policies belong to (`topics` on a policy names it by slug)."""

    slug: Slug
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class TopicUpdate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A correction to a topic's name (its slug is its permanent public id)."""

    name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)] | msgspec.UnsetType = msgspec.UNSET
