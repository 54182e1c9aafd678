"""Reading an article for the API and the command line: the text to read, the day, the candidates as responses."""

import functools
from collections import Counter
from datetime import UTC, date, datetime

import anyio.to_thread
from sqlalchemy import Engine, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.intake.duplicates import find_duplicates
from api.intake.extract import METHOD, Extraction, extract
from api.intake.knowledge import Knowledge, load_knowledge
from api.intake.mentions import ActorIndex
from api.intake.schemas import (
    CandidateKind,
    IntakeCandidate,
    IntakeRequest,
    IntakeResult,
    MentionedActor,
    SpeakerSuggestion,
)
from api.intake.text import front_matter, html_to_text, looks_like_html
from api.slugs import resolve_slug
from api.sources.writes import stored_text
from db.models import DataVersion, Source


def plain_text(text: str) -> str:
    """HTML stripped to paragraphs of text; anything else as given (offsets index it unchanged)."""
    return html_to_text(text) if looks_like_html(text) else text


def reading_day(text: str, given: date | None, stored: date | None) -> date:
    """The day offices are read at: given, else the stored source's, else the front matter's ``date``, else today."""
    if given is not None:
        return given
    if stored is not None:
        return stored
    found = front_matter(text)[0].get("date", "")[:10]
    try:
        return date.fromisoformat(found)
    except ValueError:
        return datetime.now(UTC).date()


def result(extraction: Extraction, day: date, duplicates: dict[int, str]) -> IntakeResult:
    candidates = []
    for number, candidate in enumerate(extraction.candidates):
        suggestion = candidate.suggestion
        candidates.append(
            IntakeCandidate(
                kind=CandidateKind(candidate.kind),
                text=candidate.text,
                char_start=candidate.start,
                char_end=candidate.end,
                speaker=SpeakerSuggestion(
                    actor=candidate.speaker.actor,
                    name=candidate.speaker.name,
                    confidence=round(candidate.speaker.confidence, 2),
                    reason=candidate.speaker.reason,
                ),
                cue=candidate.cue,
                policy=suggestion.policy if suggestion else None,
                position=suggestion.position if suggestion else None,
                reason=suggestion.reason if suggestion else "",
                duplicate_of=duplicates.get(number),
            )
        )
    return IntakeResult(
        candidates=candidates,
        actors_mentioned=mentioned(extraction),
        method=METHOD,
        text=extraction.text,
        published_on=day,
    )


def mentioned(extraction: Extraction) -> list[MentionedActor]:
    """Stored actors the text names (outside quotations too), and new speakers by name."""
    counts: Counter[tuple[str | None, str]] = Counter()
    for mention in extraction.mentions:
        if mention.speaker.actor is not None and mention.speaker.name is not None:
            counts[(mention.speaker.actor, mention.speaker.name)] += 1
    for candidate in extraction.candidates:
        if candidate.speaker.actor is None and candidate.speaker.name:
            counts[(None, candidate.speaker.name)] += 1
    return [
        MentionedActor(actor=actor, name=name, mentions=count)
        for (actor, name), count in sorted(counts.items(), key=lambda item: (-item[1], item[0][1]))
    ]


_CACHED: dict[tuple[str, int], tuple[Knowledge, ActorIndex]] = {}
_CACHE_SIZE = 4


async def knowledge_and_index(session: AsyncSession) -> tuple[Knowledge, ActorIndex]:
    """The database's actors and policies, and the index of names built from them, kept per process until the
    data version changes (every write to actors, aliases, roles or policies bumps it): a database of thousands
    of actors is read and indexed once, not on every request."""
    version = await session.scalar(select(DataVersion.version).where(DataVersion.id == 1))
    bind = session.get_bind()
    url = bind.url if isinstance(bind, Engine) else bind.engine.url
    key = (url.render_as_string(hide_password=True), int(version or 0))
    found = _CACHED.get(key)
    if found is None:
        knowledge = await load_knowledge(session)
        found = (knowledge, ActorIndex.build(knowledge))
        while len(_CACHED) >= _CACHE_SIZE:
            _CACHED.pop(next(iter(_CACHED)))
        _CACHED[key] = found
    return found


async def read_article(session: AsyncSession, data: IntakeRequest, knowledge: Knowledge | None = None) -> IntakeResult:
    """The candidates of the request's text (or its stored source's text), with stored duplicates marked."""
    stored_day = None
    if data.source is not None:
        source_id = await resolve_slug(
            session, Source, data.source, resource="source", parameter="source", location="body"
        )
        stored_day = await session.scalar(select(Source.published_on).where(Source.id == source_id))
    text = data.text if data.text is not None else await stored_text(session, str(data.source))
    text = plain_text(text)
    day = reading_day(text, data.published_on, stored_day)
    if knowledge is None:
        known, index = await knowledge_and_index(session)
    else:
        known, index = knowledge, ActorIndex.build(knowledge)
    # CPU work (a few ms for an article, seconds for a 500,000-character text): off the event loop
    extraction = await anyio.to_thread.run_sync(functools.partial(extract, text, known, day, index))
    duplicates = await find_duplicates(session, [(c.kind == "direct_quote", c.text) for c in extraction.candidates])
    return result(extraction, day, duplicates)
