"""Closed vocabularies shared by the database and the API (string-valued enums)."""

import enum


class ActorKind(enum.Enum):
    """What kind of actor speaks or holds a position."""

    PERSON = "person"
    OFFICE = "office"
    GOVERNMENT = "government"
    PARTY = "party"
    ORGANISATION = "organisation"
    ANONYMOUS_SOURCE = "anonymous_source"


class PolicyRelationKind(enum.Enum):
    """How one policy relates to another."""

    COMPARED_WITH = "compared_with"
    SUCCESSOR_OF = "successor_of"
    PART_OF = "part_of"
    ALTERNATIVE_TO = "alternative_to"


class SourceKind(enum.Enum):
    """What kind of publication a source is; a `parliamentary_division` is a recorded vote of a chamber."""

    NEWS_ARTICLE = "news_article"
    NEWS_ANALYSIS = "news_analysis"
    PRESS_CONFERENCE = "press_conference"
    STATEMENT = "statement"
    SOCIAL_MEDIA_POST = "social_media_post"
    PARLIAMENTARY_STATEMENT = "parliamentary_statement"
    PARLIAMENTARY_DIVISION = "parliamentary_division"


class DatePrecision(enum.Enum):
    """How precisely a date is known: a month-precise date is stored as the first of the month."""

    DAY = "day"
    MONTH = "month"
    YEAR = "year"


class Ambiguity(enum.Enum):
    """Why a stance has no ordinal position."""

    MIXED = "mixed"
    UNCLEAR = "unclear"


class EvidenceKind(enum.Enum):
    """A verbatim quote, a marked paraphrase, a reported action, or a recorded vote in a parliamentary division."""

    DIRECT_QUOTE = "direct_quote"
    PARAPHRASE = "paraphrase"
    REPORTED_ACTION = "reported_action"
    RECORDED_VOTE = "recorded_vote"


class VoteOption(enum.Enum):
    """How a member is recorded in a division: aye or no (also by proxy), abstain, absent, or teller (uncounted)."""

    AYE = "aye"
    NO = "no"
    ABSTAIN = "abstain"
    ABSENT = "absent"
    TELLER = "teller"
    PROXY_AYE = "proxy_aye"
    PROXY_NO = "proxy_no"


class KeyScope(enum.Enum):
    """What an API key may write: `editor` sources, stances and evidence; `admin` also actors and policies."""

    EDITOR = "editor"
    ADMIN = "admin"
