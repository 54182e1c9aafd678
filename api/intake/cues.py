"""Reporting verbs in running text: "said", "told MPs", "insisted", "ruled out", "according to", and when a
form of one is not reporting anything ("was announced", "to announce", "Speaking to broadcasters,")."""

from dataclasses import dataclass

from api.intake.lexicon import (
    BE_FORMS,
    COMPLEMENT_FREE,
    CUE_FORMS,
    MODALS,
    NOUN_LIKE_FOLLOWERS,
    OBJECT_PREPOSITIONS,
    PHRASAL_CUES,
    SPEAK_ONLY_WITH_COMPLEMENT,
    THAT_ONLY,
    TRY_VERBS,
)
from api.intake.tokens import Token

_BASE_OK = frozenset(
    [
        "say",
        "tell",
        "insist",
        "argue",
        "claim",
        "warn",
        "admit",
        "suggest",
        "deny",
        "acknowledge",
        "agree",
        "predict",
        "complain",
        "maintain",
        "concede",
        "accuse",
        "blame",
    ]
)
"""Lemmas whose bare form reports speech after a plural subject ("Whitehall sources say")."""
TIME_WORDS = frozenset(
    [
        "also",
        "now",
        "then",
        "again",
        "still",
        "yesterday",
        "today",
        "tonight",
        "later",
        "earlier",
        "once",
        "previously",
        "already",
        "repeatedly",
        "last",
        "night",
        "week",
        "month",
        "year",
        "this",
        "morning",
        "evening",
        "afternoon",
    ]
)
"""Words that may stand between a speaker and a reporting verb ("Rama also said", "said last night")."""
_ADVERBS = TIME_WORDS | {"not", "never", "always", "often", "greeted"}
_NOUN_MARKERS = frozenset(
    ["the", "a", "an", "this", "that", "these", "those", "his", "her", "its", "their", "our", "my", "your"]
)
_CLAUSE_OPENERS = frozenset({"that", ":", "\u201c", "\u2018", '"', "'", "whether", "how", "why", "what", "if"})
_CONTRASTIVE_PREPOSITIONS = OBJECT_PREPOSITIONS | {"despite", "without", "after", "before", "by", "while"}


@dataclass(slots=True)
class Cue:
    first: int
    """Token index of the verb (the first word of a phrasal cue)."""
    last: int
    """Token index after the cue, its addressee included ("told MPs")."""
    lemma: str
    text: str
    sentence: int


def _previous_word(tokens: list[Token], index: int, floor: int) -> int | None:
    position = index - 1
    while position >= floor:
        token = tokens[position]
        if token.is_word and not token.norm.endswith("ly") and token.norm not in _ADVERBS:
            return position
        if not token.is_word:
            return None
        position -= 1
    return None


def _phrasal(tokens: list[Token], index: int) -> tuple[str, int] | None:
    for length in (3, 2):
        words = tuple(token.norm for token in tokens[index : index + length])
        if len(words) == length and words in PHRASAL_CUES:
            return PHRASAL_CUES[words], index + length
    # "ruled itself out", "ruled them out"
    if (
        tokens[index].norm in {"ruled", "rules", "ruling", "rule"}
        and index + 2 < len(tokens)
        and tokens[index + 2].norm == "out"
        and tokens[index + 1].norm in {"itself", "himself", "herself", "themselves", "it", "them"}
    ):
        return "rule out", index + 3
    return None


def _addressee_end(tokens: list[Token], index: int, limit: int) -> int:
    """After "told": the addressee ("MPs", "a joint press conference") ends before a clause, a colon or a quote."""
    position = index
    taken = 0
    while position < limit and taken < 6:
        token = tokens[position]
        if not token.is_word or token.norm in _CLAUSE_OPENERS:
            break
        if taken and token.norm in _NOUN_MARKERS | {"he", "she", "it", "they", "we", "i", "there"}:
            break
        position += 1
        taken += 1
    return position


def _complement_fits(tokens: list[Token], index: int, lemma: str, after: int, floor: int, limit: int) -> bool:
    """What some verbs need after them to report speech: "spoke of", "announced that", "called for", "hopes to"."""
    following = tokens[after].norm if after < limit else None
    if lemma in SPEAK_ONLY_WITH_COMPLEMENT:
        return False  # only as "spoke of" (phrasal)
    if lemma in THAT_ONLY:
        return following in {"that", ":", "\u201c", "\u2018", '"'}
    if lemma == "call":
        return following in {"for", "on"} or _quote_within(tokens, after, limit, 4)
    if lemma in COMPLEMENT_FREE:
        return following == ":" or _after_quote(tokens, index, floor)
    return lemma != "hope" or following in {"to", "that"}


def _bare_form_fits(norm: str, lemma: str, previous_norm: str | None) -> bool:
    """A bare form reports speech after a plural subject ("Whitehall sources say"), not as a noun ("an asylum
    claim")."""
    if norm != lemma or lemma in {"promise", "pledge", "vow"} or norm in NOUN_LIKE_FOLLOWERS:
        return True
    if lemma not in _BASE_OK or previous_norm is None:
        return False
    plural = previous_norm.endswith("s") and not previous_norm.endswith("ss")
    return previous_norm in {"they", "we", "i", "you", "who"} or plural


def _position_fits(tokens: list[Token], index: int, floor: int) -> bool:
    """Not a passive ("was announced"), an infinitive ("to announce", but "tried to suggest" is fine), after a
    modal ("will say"), a noun ("the question"), an opening participle ("Speaking to broadcasters, …") or a
    gerund after a preposition ("despite years of saying")."""
    token = tokens[index]
    previous = _previous_word(tokens, index, floor)
    previous_norm = tokens[previous].norm if previous is not None else None
    if previous is not None and previous_norm == "to":
        before_to = _previous_word(tokens, previous, floor)
        return before_to is not None and tokens[before_to].norm in TRY_VERBS
    if previous_norm in BE_FORMS or previous_norm in MODALS:
        return False
    if previous is not None and previous_norm in _NOUN_MARKERS and index - previous == 1:
        return False
    if index == floor and token.capitalised and token.norm.endswith("ed"):
        return False  # "Asked whether …, the PM replied": a participle, not the verb of the sentence
    if token.norm.endswith("ing") and (
        (previous is None and index == floor) or previous_norm in _CONTRASTIVE_PREPOSITIONS
    ):
        return False
    lemma = CUE_FORMS.get(token.norm)
    return lemma is None or _bare_form_fits(token.norm, lemma, previous_norm)  # phrasal cues have no bare form


def _valid(tokens: list[Token], index: int, lemma: str, after: int, floor: int, limit: int) -> bool:
    return _complement_fits(tokens, index, lemma, after, floor, limit) and _position_fits(tokens, index, floor)


def _quote_within(tokens: list[Token], start: int, limit: int, span: int) -> bool:
    return any(tokens[i].quoted for i in range(start, min(limit, start + span + 1)))


def _after_quote(tokens: list[Token], index: int, floor: int) -> bool:
    """A postposed attribution: the verb follows a quotation within a few tokens ("...,' he continued")."""
    return any(tokens[i].quoted for i in range(max(floor, index - 4), index))


def find_cues(tokens: list[Token], sentence: int, floor: int, limit: int) -> list[Cue]:
    """The reporting verbs of one sentence (tokens ``floor``..``limit``), outside quotations."""
    cues: list[Cue] = []
    index = floor
    while index < limit:
        token = tokens[index]
        if token.quoted or not token.is_word:
            index += 1
            continue
        phrasal = _phrasal(tokens, index)
        if phrasal is not None:
            lemma, after = phrasal
            if lemma == "according to" or _valid(tokens, index, lemma, after, floor, limit):
                text = " ".join(t.text for t in tokens[index:after])
                cues.append(Cue(index, after, lemma, text, sentence))
                index = after
                continue
        found = CUE_FORMS.get(token.norm)
        noun_like = NOUN_LIKE_FOLLOWERS.get(token.norm)
        if noun_like is not None and index + 1 < limit and tokens[index + 1].norm in noun_like[1]:
            found = noun_like[0]
        if found is not None and _valid(tokens, index, found, index + 1, floor, limit):
            after = index + 1
            if found == "tell":
                after = _addressee_end(tokens, index + 1, limit)
            text = " ".join(t.text for t in tokens[index:after])
            cues.append(Cue(index, after, found, text, sentence))
            index = after
            continue
        index += 1
    return cues
