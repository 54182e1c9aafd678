"""The shape of the seed files, validated record by record so errors name the file and the record."""

from datetime import date
from typing import Annotated

import msgspec

from db.enums import ActorKind, Ambiguity, DatePrecision, EvidenceKind, PolicyRelationKind, SourceKind

Slug = Annotated[str, msgspec.Meta(pattern="^[a-z0-9]+(-[a-z0-9]+)*$", max_length=160)]
Text = Annotated[str, msgspec.Meta(min_length=1)]


class SeedRecord(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    pass


class SeedSource(SeedRecord, kw_only=True):
    slug: Slug
    kind: SourceKind
    title: Text
    title_inferred: bool = False
    publisher: str | None = None
    publisher_inferred: bool = False
    author: str | None = None
    url: str | None = None
    published_on: date | None = None
    published_on_precision: DatePrecision = DatePrecision.DAY
    published_on_inferred: bool = False
    provenance_note: str = ""
    file: str | None = None
    content_sha256: Annotated[str, msgspec.Meta(pattern="^[0-9a-f]{64}$")] | None = None


class SeedRole(SeedRecord, kw_only=True):
    title: Text
    organisation: Slug | None = None
    started_on: date | None = None
    ended_on: date | None = None
    sole_holder: bool = False
    """One holder at a time (a Prime Minister): the database refuses overlapping periods."""


class SeedOffice(SeedRecord, kw_only=True):
    """An office: the role `title` in the `organisation` actor (e.g. the Prime Minister in uk-government)."""

    organisation: Slug
    title: Text


class SeedActor(SeedRecord, kw_only=True):
    slug: Slug
    name: Text
    kind: ActorKind
    description: str = ""
    country: Annotated[str, msgspec.Meta(pattern="^[A-Z]{2}$")] | None = None
    aliases: list[Text] = []
    roles: list[SeedRole] = []
    speaks_for: SeedOffice | None = None
    """For an office or institution: the office whose holder its stances are attributed to (`attribution=holder`)."""


class SeedTopic(SeedRecord, kw_only=True):
    slug: Slug
    name: Text


class SeedPolicy(SeedRecord, kw_only=True):
    slug: Slug
    title: Text
    summary: str = ""
    jurisdiction: Text
    topics: list[Slug] = []


class SeedRelation(SeedRecord, kw_only=True):
    subject: Slug
    object: Slug
    kind: PolicyRelationKind
    note: str = ""


class SeedEvidence(SeedRecord, kw_only=True):
    kind: EvidenceKind
    text: Text
    source: Slug
    speaker: Slug | None = None
    char_start: int | None = None
    char_end: int | None = None


class SeedStance(SeedRecord, kw_only=True):
    slug: Slug
    actor: Slug
    policy: Slug
    position: Annotated[int, msgspec.Meta(ge=-2, le=2)] | None
    ambiguity: Ambiguity | None = None
    stated_on: date
    stated_on_precision: DatePrecision = DatePrecision.DAY
    stated_on_inferred: bool = False
    summary: Text
    evidence: Annotated[list[SeedEvidence], msgspec.Meta(min_length=1)]
    # Why the stance (or its evidence) was last corrected; recorded as the reason of the revisions the loader
    # writes when it changes a stance that is already in the database. Replace it with each new correction.
    correction_reason: Annotated[str, msgspec.Meta(min_length=1)] | None = None


class SeedDataset(msgspec.Struct, kw_only=True):
    """Everything in ``seeds/data``, validated and cross-checked."""

    sources: list[SeedSource]
    actors: list[SeedActor]
    topics: list[SeedTopic]
    policies: list[SeedPolicy]
    relations: list[SeedRelation]
    stances: list[SeedStance]
