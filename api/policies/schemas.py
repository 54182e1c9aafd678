"""Response shapes for policies and topics."""

import enum

import msgspec

from api.identifiers import ExternalIdentifier
from api.refs import PolicyRef
from db.enums import PolicyRelationKind


class Topic(msgspec.Struct, kw_only=True):
    """A subject area policies belong to."""

    slug: str
    name: str


class TopicList(msgspec.Struct, kw_only=True):
    """Every topic, ordered by slug."""

    items: list[Topic]


class RelationDirection(enum.Enum):
    """`outgoing`: this policy is the subject (`this compared_with other`); `incoming`: it is the object."""

    OUTGOING = "outgoing"
    INCOMING = "incoming"


class PolicyRelationItem(msgspec.Struct, kw_only=True):
    """How this policy relates to another one."""

    kind: PolicyRelationKind
    direction: RelationDirection
    policy: PolicyRef
    note: str


class PolicySummary(msgspec.Struct, kw_only=True):
    """A policy in a list."""

    slug: str
    title: str
    summary: str
    jurisdiction: str
    topics: list[str]
    identifiers: list[ExternalIdentifier]


class PolicyDetail(msgspec.Struct, kw_only=True):
    """A policy with its topics and its relations to other policies."""

    slug: str
    title: str
    summary: str
    jurisdiction: str
    identifiers: list[ExternalIdentifier]
    topics: list[Topic]
    relations: list[PolicyRelationItem]


class PolicyPage(msgspec.Struct, kw_only=True):
    """One page of policies; pass `next_cursor` as `cursor` for the next page (null on the last page)."""

    items: list[PolicySummary]
    next_cursor: str | None
