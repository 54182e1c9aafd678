"""The FastAPI reference's data path: its response models, its SQL, and one request's work on a session.

Plain pydantic v2 models, as a FastAPI user would declare them for ``GET /v1/compare/actors``: the requested
actors, and each effective stance with its actor, policy and evidence (each piece with its source and speaker):
every column the comparison query returns, which is what the lean reference answers as flat rows. Nothing here
imports FastAPI (only pydantic and SQLAlchemy), so the tests check this path without the ``bench-fastapi`` group.
"""

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from pydantic import BaseModel
from sqlalchemy import TextClause, text
from sqlalchemy.ext.asyncio import AsyncSession

ACTORS_SQL = text("SELECT id, slug, name, kind FROM actor WHERE slug = ANY(:slugs)")


def named_parameters(sql: str) -> TextClause:
    """The app's comparison SQL (asyncpg's ``$1`` the dates, ``$2`` the actor ids) as a ``text()`` clause with
    named parameters. ``CAST(... AS ...)`` rather than ``:name::type``, which ``text()`` would misread."""
    named = sql.replace("$1::date[]", "CAST(:dates AS date[])").replace("$2::bigint[]", "CAST(:actor_ids AS bigint[])")
    if "$" in named:
        raise ValueError("the comparison SQL has parameters other than $1::date[] and $2::bigint[]")
    return text(named)


def sqlalchemy_url(url: str) -> str:
    return "postgresql+asyncpg://" + url.split("://", 1)[1]


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


Row = Mapping[Any, Any]  # a SQLAlchemy RowMapping (or any mapping) of column names to values


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


async def compare_actors(
    session: AsyncSession, comparison: TextClause, slugs: Sequence[str], as_of: date
) -> ComparisonOut | None:
    """One request's work: resolve the slugs (None when one is unknown), run the comparison, build the answer."""
    found = (await session.execute(ACTORS_SQL, {"slugs": list(slugs)})).mappings().all()
    if len(found) != len(set(slugs)):
        return None
    rows = await session.execute(comparison, {"dates": [as_of], "actor_ids": [actor["id"] for actor in found]})
    by_slug = {actor["slug"]: actor for actor in found}
    return comparison_from_rows(as_of, [by_slug[slug] for slug in slugs], rows.mappings())
