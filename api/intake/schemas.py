"""Request and response bodies of article intake: candidates read from a text, and confirming them."""

import enum
from datetime import date
from typing import Annotated

import msgspec

from api.actors.write_schemas import ActorCreate
from api.errors import InvalidField, Unprocessable
from api.slugs import Slug, StanceSlug
from api.sources.write_schemas import SourceCreate
from api.stances.write_schemas import EvidenceText, Offset, Position, Summary, check_dates
from db.enums import Ambiguity, DatePrecision, EvidenceKind

IntakeText = Annotated[str, msgspec.Meta(min_length=1, max_length=500_000)]
ShortText = Annotated[str, msgspec.Meta(min_length=1, max_length=500)]
Url = Annotated[str, msgspec.Meta(pattern="^https?://", max_length=2000)]


class CandidateKind(enum.Enum):
    """What a candidate is: the speaker's words in quotation marks, or reported speech in the article's words."""

    DIRECT_QUOTE = "direct_quote"
    PARAPHRASE = "paraphrase"


class IntakeRequest(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """An article to read: its `text` (plain text, or HTML, which is stripped to text first), or the slug of a
    stored `source` whose stored text is read when `text` is omitted. `published_on` is the day offices are read
    at ("the Home Secretary" on that day); without it, the stored source's date, a date in the text's front
    matter, or today. `title`, `publisher` and `url` are not read: they belong to the source a confirmation
    creates."""

    text: IntakeText | None = None
    title: ShortText | None = None
    publisher: ShortText | None = None
    url: Url | None = None
    published_on: date | None = None
    source: Slug | None = None

    def __post_init__(self) -> None:
        check_dates(published_on=self.published_on)
        if self.text is None and self.source is None:
            raise Unprocessable(
                "Give the article's `text`, or the `source` whose stored text to read.",
                errors=[InvalidField(name="text", location="body", message="give `text` or `source`")],
            )


class SpeakerSuggestion(msgspec.Struct, kw_only=True):
    """Who the extractor thinks spoke: a stored actor (`actor`), or a new one to propose (`actor: null` with the
    `name` as written); `name: null` when no speaker was found. `reason` says how it was resolved."""

    actor: str | None
    name: str | None
    confidence: float
    reason: str


class IntakeCandidate(msgspec.Struct, kw_only=True):
    """A candidate piece of evidence: `text` is exactly `input[char_start:char_end]` (offsets in Unicode code
    points of the text the response's `text` holds). `policy` and `position` are suggestions, null when nothing
    matches well; `reason` says what matched. `duplicate_of` is the slug of stored evidence with the same or
    nearly the same words: confirming the candidate links to it instead of storing it again."""

    kind: CandidateKind
    text: str
    char_start: int
    char_end: int
    speaker: SpeakerSuggestion
    cue: str | None
    policy: str | None
    position: int | None
    reason: str
    duplicate_of: str | None


class MentionedActor(msgspec.Struct, kw_only=True):
    """An actor the text names (by name, alias, office or as a speaker), with how often; `actor: null` for a
    speaker the database does not know yet."""

    actor: str | None
    name: str
    mentions: int


class IntakeResult(msgspec.Struct, kw_only=True):
    """The candidates in text order, the actors the text mentions, and how they were found (`method`). `text` is
    the plain text the offsets index: the request's text (or, for HTML, the text it was stripped to, or the
    stored source's text). `published_on` is the day the speakers' offices were read at."""

    candidates: list[IntakeCandidate]
    actors_mentioned: list[MentionedActor]
    method: str
    text: str
    published_on: date


class ConfirmedCandidate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A candidate an editor accepts, with their edits. Candidates with the same `actor`, `policy` and
    `stated_on` become one stance (they must agree on `position` and `ambiguity`; the first one's `summary` is
    its summary). `actor` is whose stance it is (default: the `speaker`); `speaker` is who spoke, when not the
    actor. `duplicate_of` (stored evidence) links to it when it is evidence of a stance with the same actor and
    policy, instead of storing the text again."""

    kind: EvidenceKind
    text: EvidenceText
    char_start: Offset | None = None
    char_end: Offset | None = None
    speaker: Slug | None = None
    actor: Slug | None = None
    policy: Slug
    position: Position | None
    ambiguity: Ambiguity | None = None
    summary: Summary
    stated_on: date | None = None
    stated_on_precision: DatePrecision | None = None
    stated_on_inferred: bool | None = None
    stance: StanceSlug | None = None
    duplicate_of: Slug | None = None

    def __post_init__(self) -> None:
        check_dates(stated_on=self.stated_on)


class IntakeConfirmation(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """What to store, in one transaction: a new `source` (its `text` is what every quote is checked against) or
    the slug of a stored one (`source_slug`), new `actors` to create first (an admin key is needed for those),
    and the accepted `candidates`."""

    source: SourceCreate | None = None
    source_slug: Slug | None = None
    actors: Annotated[list[ActorCreate], msgspec.Meta(max_length=50)] = []
    candidates: Annotated[list[ConfirmedCandidate], msgspec.Meta(min_length=1, max_length=200)]

    def __post_init__(self) -> None:
        if (self.source is None) == (self.source_slug is None):
            raise Unprocessable(
                "Give a new `source` or the `source_slug` of a stored one, not both.",
                errors=[InvalidField(name="source", location="body", message="give `source` or `source_slug`")],
            )


class ConfirmAction(enum.Enum):
    """What confirming a candidate did: stored it as new evidence, or linked it to stored evidence."""

    CREATED = "created"
    LINKED = "linked"


class ConfirmedEvidence(msgspec.Struct, kw_only=True):
    """One confirmed candidate (`candidate` is its index in the request): the evidence it became or links to,
    and that evidence's stance. `duplicate_of` names stored evidence with the same words on another stance."""

    candidate: int
    action: ConfirmAction
    evidence: str
    stance: str
    duplicate_of: str | None = None


class IntakeConfirmResult(msgspec.Struct, kw_only=True):
    """What the confirmation created and linked: the source, new actors, new stances, and each candidate."""

    source: str
    source_created: bool
    actors_created: list[str]
    stances_created: list[str]
    evidence: list[ConfirmedEvidence]
