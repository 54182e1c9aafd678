"""The FastAPI reference's response models and the one function that maps its rows into them.

Plain pydantic v2 models, as a FastAPI user would declare them for ``GET /v1/compare/actors``: the requested
actors, and each effective stance with its actor, policy and evidence (each piece with its source and speaker):
every column the comparison query returns, which is what the lean reference answers as flat rows. Apart from
pydantic, nothing here needs the ``bench-fastapi`` group, so the tests check the mapping without FastAPI.
"""

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from pydantic import BaseModel


class ActorOut(BaseModel):
    slug: str
    name: str
    kind: str


class PolicyOut(BaseModel):
    slug: str
    title: str


class SourceOut(BaseModel):
    slug: str
    title: str
    publisher: str | None
    author: str | None
    url: str | None
    published_on: date | None
    published_on_precision: str
    published_on_inferred: bool


class EvidenceOut(BaseModel):
    slug: str
    kind: str
    text: str
    char_start: int | None
    char_end: int | None
    vote_option: str | None
    speaker: ActorOut | None
    source: SourceOut | None


class StanceOut(BaseModel):
    slug: str
    actor: ActorOut
    policy: PolicyOut
    position: int | None
    ambiguity: str | None
    stated_on: date
    stated_on_precision: str
    stated_on_inferred: bool
    summary: str
    retracted_on: date | None
    evidence: list[EvidenceOut]


class ComparisonOut(BaseModel):
    as_of: date
    actors: list[ActorOut]
    stances: list[StanceOut]


Row = Mapping[str, Any]


def evidence_from_row(row: Row) -> EvidenceOut:
    speaker = None
    if row["speaker_slug"] is not None:
        speaker = ActorOut(slug=row["speaker_slug"], name=row["speaker_name"], kind=row["speaker_kind"])
    source = None
    if row["source_slug"] is not None:
        source = SourceOut(
            slug=row["source_slug"],
            title=row["source_title"],
            publisher=row["publisher"],
            author=row["author"],
            url=row["url"],
            published_on=row["published_on"],
            published_on_precision=row["published_on_precision"],
            published_on_inferred=row["published_on_inferred"],
        )
    return EvidenceOut(
        slug=row["evidence_slug"],
        kind=row["evidence_kind"],
        text=row["evidence_text"],
        char_start=row["char_start"],
        char_end=row["char_end"],
        vote_option=row["vote_option"],
        speaker=speaker,
        source=source,
    )


def comparison_from_rows(as_of: date, actors: Iterable[Row], rows: Iterable[Row]) -> ComparisonOut:
    """The answer from the actor rows (``slug``, ``name``, ``kind``) and the comparison query's rows (one per
    stance and piece of evidence, stances without evidence once with null evidence columns)."""
    stances: dict[str, StanceOut] = {}
    for row in rows:
        stance = stances.get(row["slug"])
        if stance is None:
            stance = stances[row["slug"]] = StanceOut(
                slug=row["slug"],
                actor=ActorOut(slug=row["actor_slug"], name=row["actor_name"], kind=row["actor_kind"]),
                policy=PolicyOut(slug=row["policy_slug"], title=row["policy_title"]),
                position=row["position"],
                ambiguity=row["ambiguity"],
                stated_on=row["stated_on"],
                stated_on_precision=row["stated_on_precision"],
                stated_on_inferred=row["stated_on_inferred"],
                summary=row["summary"],
                retracted_on=row["retracted_on"],
                evidence=[],
            )
        if row["evidence_slug"] is not None:
            stance.evidence.append(evidence_from_row(row))
    return ComparisonOut(
        as_of=as_of,
        actors=[ActorOut(slug=a["slug"], name=a["name"], kind=a["kind"]) for a in actors],
        stances=list(stances.values()),
    )
