"""Evidence with its source and speaker: the one SQL fragment every reader joins, and the one row→struct mapper.

Comparisons and timelines (raw asyncpg), the evidence list and detail, and the evidence embedded in stances
(SQLAlchemy ``text``) all select ``EVIDENCE_COLUMNS`` from an evidence row ``ev`` joined by
``source_and_speaker(...)``, and turn each row into an ``EvidenceItem`` with ``evidence_item``.
"""

from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from api.evidence.schemas import EvidenceItem
from api.refs import ActorRef, SourceRef
from db.enums import ActorKind, DatePrecision, EvidenceKind, VoteOption

# Enum members by stored value: a dict lookup per row instead of an Enum call (rows carry the stored strings).
ACTOR_KINDS = {member.value: member for member in ActorKind}
EVIDENCE_KINDS = {member.value: member for member in EvidenceKind}
PRECISIONS = {member.value: member for member in DatePrecision}
VOTE_OPTIONS = {member.value: member for member in VoteOption}

EVIDENCE_COLUMNS = """ev.slug AS evidence_slug, ev.kind AS evidence_kind, ev.text AS evidence_text,
       ev.char_start, ev.char_end, ev.vote_option,
       sp.slug AS speaker_slug, sp.name AS speaker_name, sp.kind AS speaker_kind,
       src.slug AS source_slug, src.title AS source_title, src.publisher, src.author, src.url,
       src.published_on, src.published_on_precision, src.published_on_inferred"""
"""The columns ``evidence_item`` reads, from ``ev`` and the ``src`` and ``sp`` of ``source_and_speaker``."""
EVIDENCE_NAMES = (
    "evidence_slug",
    "evidence_kind",
    "evidence_text",
    "char_start",
    "char_end",
    "vote_option",
    "speaker_slug",
    "speaker_name",
    "speaker_kind",
    "source_slug",
    "source_title",
    "publisher",
    "author",
    "url",
    "published_on",
    "published_on_precision",
    "published_on_inferred",
)
"""The names of ``EVIDENCE_COLUMNS`` in the order selected (``EvidenceReader`` reads them by position)."""


def source_and_speaker(tables: Mapping[str, str]) -> str:
    """Joins from an evidence row ``ev`` to its source ``src`` and its speaker ``sp`` (null when the stance's
    actor spoke); ``tables`` names the relations to read, e.g. ``db.snapshots.relations(...)``."""
    return (
        f"LEFT JOIN {tables['source']} src ON src.id = ev.source_id\n"
        f"LEFT JOIN {tables['actor']} sp ON sp.id = ev.speaker_actor_id"
    )


class Row(Protocol):
    """An asyncpg ``Record`` or a SQLAlchemy ``RowMapping``: values by column name."""

    def __getitem__(self, key: str, /) -> Any: ...  # noqa: ANN401  (a column of any type)


def actor_ref(row: Row, prefix: str) -> ActorRef:
    """The actor in the columns ``<prefix>_slug``, ``<prefix>_name``, ``<prefix>_kind``."""
    return ActorRef(slug=row[f"{prefix}_slug"], name=row[f"{prefix}_name"], kind=ACTOR_KINDS[row[f"{prefix}_kind"]])


def evidence_item(row: Row) -> EvidenceItem:
    """The evidence in a row that selected ``EVIDENCE_COLUMNS``."""
    return EvidenceItem(
        slug=row["evidence_slug"],
        kind=EVIDENCE_KINDS[row["evidence_kind"]],
        text=row["evidence_text"],
        speaker=ActorRef(slug=row["speaker_slug"], name=row["speaker_name"], kind=ACTOR_KINDS[row["speaker_kind"]])
        if row["speaker_slug"] is not None
        else None,
        source=SourceRef(
            slug=row["source_slug"],
            title=row["source_title"],
            publisher=row["publisher"],
            author=row["author"],
            url=row["url"],
            published_on=row["published_on"],
            published_on_precision=PRECISIONS[row["published_on_precision"]],
            published_on_inferred=row["published_on_inferred"],
        ),
        char_start=row["char_start"],
        char_end=row["char_end"],
        vote=None if row["vote_option"] is None else VOTE_OPTIONS[row["vote_option"]],
    )


class Positional(Protocol):
    """An asyncpg ``Record`` read by position: its column names, and its values by slice."""

    def keys(self) -> Iterable[str]: ...

    def __getitem__(self, index: slice, /) -> tuple[Any, ...]: ...


class EvidenceReader:
    """``evidence_item`` for the many rows of one answer, with less work per row: the columns are read by position
    (``EVIDENCE_COLUMNS`` selected from column ``start`` on, in the order of ``EVIDENCE_NAMES``), and the items
    citing one source (spoken by one speaker) share one ``SourceRef`` (``ActorRef``); msgspec encodes a shared
    instance wherever it is referenced, so the answer is the same."""

    __slots__ = ("_end", "_sources", "_speakers", "_start")

    def __init__(self, start: int) -> None:
        self._start = start
        self._end = start + len(EVIDENCE_NAMES)
        self._sources: dict[str, SourceRef] = {}
        self._speakers: dict[str, ActorRef] = {}

    @classmethod
    def of(cls, row: Positional) -> "EvidenceReader":
        """A reader for rows shaped like ``row`` (an asyncpg ``Record``), wherever its evidence columns are."""
        return cls(list(row.keys()).index(EVIDENCE_NAMES[0]))

    def item(self, row: Positional) -> EvidenceItem:
        """The evidence in ``row``, which selected ``EVIDENCE_COLUMNS`` from column ``start`` on."""
        (
            slug,
            kind,
            text,
            char_start,
            char_end,
            vote,
            speaker_slug,
            speaker_name,
            speaker_kind,
            source_slug,
            source_title,
            publisher,
            author,
            url,
            published_on,
            precision,
            inferred,
        ) = row[self._start : self._end]
        source = self._sources.get(source_slug)
        if source is None:
            source = self._sources[source_slug] = SourceRef(
                slug=source_slug,
                title=source_title,
                publisher=publisher,
                author=author,
                url=url,
                published_on=published_on,
                published_on_precision=PRECISIONS[precision],
                published_on_inferred=inferred,
            )
        speaker = None
        if speaker_slug is not None:
            speaker = self._speakers.get(speaker_slug)
            if speaker is None:
                speaker = self._speakers[speaker_slug] = ActorRef(
                    slug=speaker_slug, name=speaker_name, kind=ACTOR_KINDS[speaker_kind]
                )
        return EvidenceItem(
            slug=slug,
            kind=EVIDENCE_KINDS[kind],
            text=text,
            speaker=speaker,
            source=source,
            char_start=char_start,
            char_end=char_end,
            vote=None if vote is None else VOTE_OPTIONS[vote],
        )
