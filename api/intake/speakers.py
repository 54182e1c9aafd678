"""Who said it: the subject of a reporting verb (a name, an alias, an office on the article's day, "he" resolved
back to the paragraph's or the previous sentences' speaker, a spokesperson, an anonymous source or someone new),
and for a quotation with no verb of its own, the speaker of the quotation it continues."""

from dataclasses import dataclass, field

from api.intake.cues import TIME_WORDS, Cue
from api.intake.lexicon import (
    BE_FORMS,
    CUE_FORMS,
    DOCUMENT_NOUNS,
    OBJECT_PREPOSITIONS,
    POSTPOSED_FOLLOWERS,
    SPOKESPERSON_HEADS,
)
from api.intake.mentions import (
    GROUP,
    PERSON,
    ActorIndex,
    Mention,
    Speaker,
    pronoun_category,
    resolve_phrase,
    spokesperson,
)
from api.intake.quotes import QuoteSpan
from api.intake.text import Sentence
from api.intake.tokens import Token, possessive_stem

_NP_BREAKS = frozenset(
    [
        "and",
        "but",
        "or",
        "nor",
        "that",
        "which",
        "who",
        "whom",
        "whose",
        "when",
        "while",
        "as",
        "if",
        "because",
        "although",
        "though",
        "where",
        "so",
        "than",
        "then",
        "said",
        "says",
        "told",
    ]
)
_TRANSITIVE = frozenset(
    [
        "met",
        "meets",
        "meeting",
        "hosted",
        "hosts",
        "thanked",
        "joined",
        "visited",
        "backed",
        "urged",
        "asked",
        "told",
        "greeted",
    ]
)
_SKIPPABLE = TIME_WORDS | {"has", "have", "had", "did", "does", "do", "reportedly", "firmly"}


@dataclass(slots=True)
class Attribution:
    speaker: Speaker
    cue: str | None


@dataclass(slots=True)
class SentenceState:
    """What one sentence says about who is speaking: for pronouns in the next sentences."""

    speakers: list[Speaker] = field(default_factory=list)
    subjects: list[Speaker] = field(default_factory=list)


class SpeakerResolver:
    def __init__(
        self,
        index: ActorIndex,
        text: str,
        tokens: list[Token],
        sentences: list[Sentence],
        sentence_tokens: list[tuple[int, int]],
        body_sentence: list[bool],
        mentions: list[Mention],
    ) -> None:
        self.index = index
        self.text = text
        self.tokens = tokens
        self.sentences = sentences
        self.sentence_tokens = sentence_tokens
        self.body_sentence = body_sentence
        self.mention_at: dict[int, Mention] = {}
        self.mention_ending: dict[int, Mention] = {}
        for mention in mentions:
            for position in range(mention.first, mention.last):
                self.mention_at[position] = mention
            self.mention_ending[mention.last] = mention
        self.states: dict[int, SentenceState] = {}
        self.cue_speakers: dict[int, Speaker | None] = {}

    # --- subjects ------------------------------------------------------------------------------------
    def state(self, sentence: int) -> SentenceState:
        return self.states.setdefault(sentence, SentenceState())

    def _object_position(self, mention: Mention) -> bool:
        if mention.possessive:
            return True
        position = mention.first - 1
        if position < 0:
            return False
        previous = self.tokens[position]
        if previous.norm in OBJECT_PREPOSITIONS:
            # "a statement from the UK government" still names who spoke
            before = self.tokens[position - 1].norm if position > 0 else ""
            return before not in DOCUMENT_NOUNS
        return (
            previous.norm in CUE_FORMS
            or previous.norm in _TRANSITIVE
            or (previous.norm.endswith("ed") and previous.is_word and not previous.capitalised)
        )

    def subject_mentions(self, sentence: int) -> list[Mention]:
        floor, limit = self.sentence_tokens[sentence]
        seen: list[Mention] = []
        for position in range(floor, limit):
            mention = self.mention_at.get(position)
            if (
                mention is not None
                and mention.first == position
                and not self.tokens[position].quoted
                and not self._object_position(mention)
            ):
                seen.append(mention)
        return seen

    def speaker_of(self, cue: Cue) -> Speaker | None:
        if cue.first not in self.cue_speakers:
            self.cue_speakers[cue.first] = self._speaker_of(cue)
        return self.cue_speakers[cue.first]

    def _speaker_of(self, cue: Cue) -> Speaker | None:
        floor, limit = self.sentence_tokens[cue.sentence]
        if cue.lemma == "according to":
            return self._phrase_after(cue.last, limit)
        found = self._phrase_before(cue.first, floor, cue.sentence)
        if found is None and self.is_inverted(cue, floor):
            found = self._phrase_after(cue.last, limit)  # "…,” said Mr Smith
        return found

    def is_inverted(self, cue: Cue, floor: int) -> bool:
        position = cue.first - 1
        while position >= floor and not self.tokens[position].is_word:
            if self.tokens[position].quoted or self.tokens[position].text in "\u201d\u2019\"'":
                return True
            position -= 1
        return position >= floor and self.tokens[position].quoted

    def _phrase_before(self, index: int, floor: int, sentence: int) -> Speaker | None:
        tokens = self.tokens
        position = index - 1
        while position >= floor and tokens[position].is_word and tokens[position].norm in _SKIPPABLE:
            position -= 1
        if position >= floor and tokens[position].norm == "," and tokens[index].norm.endswith("ing"):
            inherited = self._earlier_cue_speaker(sentence, index)
            if inherited is not None:
                return inherited
        while position >= floor and tokens[position].norm == ",":
            position -= 1  # "his host, Albanian PM Edi Rama, ruled out"
        if position >= floor and tokens[position].norm in {"who", "which", "that"}:
            return self._antecedent(position, floor)
        phrase_end = position + 1
        while position >= floor and tokens[position].is_word and tokens[position].norm not in _NP_BREAKS:
            if tokens[position].quoted:
                break
            position -= 1
        phrase_start = position + 1
        if phrase_start < phrase_end:
            found = self._phrase(phrase_start, phrase_end, sentence)
            if found is not None and found.actor is None and position >= floor and tokens[position].norm == ",":
                # "Jane Smith, a Labour MP, told …": the name before the description
                return self._apposed(position, floor) or found
            if found is not None:
                return found
        return self._nearest_subject(index, floor, sentence)

    def _apposed(self, comma: int, floor: int) -> Speaker | None:
        mention = self.mention_ending.get(comma)
        if mention is not None and not mention.possessive:
            return mention.speaker
        start = comma
        while start > floor and self.tokens[start - 1].is_word and self.tokens[start - 1].norm not in _NP_BREAKS:
            start -= 1
        return self._new_person(start, comma) if start < comma else None

    def _earlier_cue_speaker(self, sentence: int, index: int) -> Speaker | None:
        for cue_first, speaker in self.cue_speakers.items():
            if speaker is not None and cue_first < index and self.tokens[cue_first].sentence == sentence:
                return speaker
        return None

    def _antecedent(self, position: int, floor: int) -> Speaker | None:
        """ "Sir Keir, who branded …": the mention just before the relative pronoun."""
        position -= 1
        while position >= floor and self.tokens[position].norm == ",":
            position -= 1
        mention = self.mention_ending.get(position + 1)
        if mention is not None:
            return mention.speaker
        start = position  # "criticised by some MPs, who say …": the few words of a noun phrase before the comma
        stops = _NP_BREAKS | OBJECT_PREPOSITIONS | BE_FORMS | {"by"}
        while start >= max(floor, position - 3) and self.tokens[start].is_word and self.tokens[start].norm not in stops:
            start -= 1
        if start + 1 > position:
            return None
        words = tuple(token.norm for token in self.tokens[start + 1 : position + 1])
        written = " ".join(token.text for token in self.tokens[start + 1 : position + 1])
        return resolve_phrase(self.index, words, _strip_determiner(written))

    def _phrase(self, start: int, end: int, sentence: int) -> Speaker | None:
        """The noun phrase ``start``..``end`` just before a reporting verb."""
        tokens = self.tokens
        words = tuple(token.norm for token in tokens[start:end])
        written = " ".join(token.text for token in tokens[start:end])
        last = self.mention_ending.get(end)
        head = words[-1]
        if last is not None and last.first >= start and not last.possessive:
            return last.speaker  # a name or alias that ends the phrase ("The PM's spokesman" may be one)
        if head in SPOKESPERSON_HEADS:
            owner = None
            for position in range(start, end - 1):
                mention = self.mention_at.get(position)
                if mention is not None:
                    owner = mention
            owner_words = tuple(w for w in words[:-1] if w not in {"the", "a", "an"})
            return spokesperson(self.index, owner, owner_words, _strip_determiner(written))
        if len(words) == 1 and (category := pronoun_category(head)):
            return self.pronoun(head, category, sentence, start)
        anonymous = resolve_phrase(self.index, words, _strip_determiner(written))
        if anonymous is not None:
            return anonymous
        return self._new_person(start, end) or self._unknown_head(start, end, sentence)

    def _unknown_head(self, start: int, end: int, sentence: int) -> Speaker | None:
        """ "one senior Conservative said": a capitalised head (not the sentence's first word) is someone."""
        head = self.tokens[end - 1]
        floor, _ = self.sentence_tokens[sentence]
        if not head.capitalised or end - 1 == floor or possessive_stem(head.norm):
            return None
        written = _strip_determiner(" ".join(token.text for token in self.tokens[start:end]))
        return Speaker(None, written, 0.3, f"'{written}' is nobody the database has: a new actor?", PERSON)

    def _new_person(self, start: int, end: int) -> Speaker | None:
        """Two or more capitalised words that name nobody stored: a person to propose ("Jane Smith")."""
        tokens = self.tokens[start:end]
        names = [token for token in tokens if token.capitalised and token.is_word]
        if len(tokens) >= 2 and len(names) == len(tokens) and len(tokens) <= 4 and tokens[0].norm not in {"the"}:
            written = " ".join(token.text for token in tokens)
            return Speaker(None, written, 0.5, f"'{written}' names nobody the database has: a new actor?", PERSON)
        mention = self.mention_ending.get(end)
        if mention is not None and mention.first >= start:  # "Conservative leader Kemi Badenoch"
            return mention.speaker
        return None

    def _nearest_subject(self, index: int, floor: int, sentence: int) -> Speaker | None:
        """Further back in the clause: the nearest mention in subject position, parentheticals skipped."""
        tokens = self.tokens
        position = index - 1
        while position >= floor:
            token = tokens[position]
            if token.text in "\u2013\u2014)" and not token.quoted:
                opener = "(" if token.text == ")" else token.text
                back = position - 1
                while back >= floor and tokens[back].text != opener:
                    back -= 1
                if back >= floor:
                    position = back - 1
                    continue
            mention = self.mention_ending.get(position + 1)
            if mention is not None and not token.quoted and not self._object_position(mention):
                if len(tokens[mention.first : mention.last]) == 1 and (
                    category := pronoun_category(tokens[mention.first].norm)
                ):
                    return self.pronoun(tokens[mention.first].norm, category, sentence, mention.first)
                return mention.speaker
            category = pronoun_category(token.norm) if token.is_word and not token.quoted else None
            if category and (
                token.capitalised or position == floor or tokens[position - 1].norm in {",", "and", "but"}
            ):
                return self.pronoun(token.norm, category, sentence, position)
            position -= 1
        return None

    def _phrase_after(self, start: int, limit: int) -> Speaker | None:
        tokens = self.tokens
        end = start
        while end < limit and tokens[end].is_word and end - start < 8:
            end += 1
        for position in range(start, end):
            mention = self.mention_at.get(position)
            if mention is not None and not mention.possessive:
                return mention.speaker
        if end > start:
            words = tuple(token.norm for token in tokens[start:end])
            written = " ".join(token.text for token in tokens[start:end])
            return resolve_phrase(self.index, words, _strip_determiner(written)) or self._new_person(start, end)
        return None

    # --- pronouns ------------------------------------------------------------------------------------
    def pronoun(self, norm: str, category: str, sentence: int, position: int) -> Speaker | None:
        """ "he said": a speaker or subject earlier in the sentence, else in the previous body sentences."""
        for mention in reversed(self.subject_mentions(sentence)):
            if mention.first < position and _fits(mention.speaker, category):
                return _via(mention.speaker, f"'{norm}' refers to {mention.speaker.name} earlier in the sentence")
        looked = 0
        previous = sentence - 1
        while previous >= 0 and looked < 4:
            if not self.body_sentence[previous]:
                previous -= 1
                continue
            looked += 1
            found = self.focus(previous, category)
            if found is not None:
                return _via(found, f"'{norm}' refers to {found.name}, the subject of an earlier sentence")
            previous -= 1
        return None

    def focus(self, sentence: int, category: str) -> Speaker | None:
        state = self.states.get(sentence)
        if state is not None:
            for speaker in reversed(state.speakers):  # the latest speaker: "…, while X said. She added"
                if _fits(speaker, category):
                    return speaker
        for mention in self.subject_mentions(sentence):
            token = self.tokens[mention.first]
            if mention.last - mention.first == 1 and pronoun_category(token.norm):
                continue
            if _fits(mention.speaker, category) and mention.speaker.actor is not None:
                return mention.speaker
        return None

    # --- quotations ----------------------------------------------------------------------------------
    def postposed(self, quote: QuoteSpan, cues: list[Cue], limit: int) -> Cue | None:
        """A verb right after the quotation's closing mark: '...," Starmer said', '...,' he said'."""
        if quote.close_mark is None:
            return None
        tokens = self.tokens
        position = self._token_after(quote.close_mark)
        while position < limit and tokens[position].text in ",\u2014\u2013-\u201d\u2019\"'":
            position += 1
        for cue in cues:
            if position <= cue.first <= position + 6 and not any(
                tokens[i].quoted or tokens[i].text in ".;:!?" for i in range(position, cue.first)
            ):
                return cue
        return None

    def _token_after(self, offset: int) -> int:
        low, high = 0, len(self.tokens)
        while low < high:
            middle = (low + high) // 2
            if self.tokens[middle].start <= offset:
                low = middle + 1
            else:
                high = middle
        return low

    def token_at_or_after(self, offset: int) -> int:
        low, high = 0, len(self.tokens)
        while low < high:
            middle = (low + high) // 2
            if self.tokens[middle].start < offset:
                low = middle + 1
            else:
                high = middle
        return low

    def colon_name(self, quote: QuoteSpan, floor: int) -> Mention | None:
        """ "Rama: 'We said no'": a name, a colon, the quotation."""
        position = self.token_at_or_after(quote.open_mark) - 1
        if position < floor or self.tokens[position].norm != ":":
            return None
        mention = self.mention_ending.get(position)
        return mention if mention is not None and not mention.possessive else None

    def postposed_cue_of_quote(self, cue: Cue, floor: int) -> bool:
        """The verb attributes a quotation just before it ('"...," the UK government said')."""
        position = cue.first - 1
        steps = 0
        while position >= floor and steps < 8:
            token = self.tokens[position]
            if token.quoted:
                return True
            if token.text in ".;:!?":
                return False
            position -= 1
            steps += 1
        return False

    def is_postposed_report(self, cue: Cue, floor: int, limit: int) -> int | None:
        """ "The UK is working with Albania …, Prime Minister Sir Keir Starmer said on May 15": the comma where the
        reported clause ends, or None."""
        tokens = self.tokens
        after = cue.last
        following = tokens[after].norm if after < limit else ""
        if (
            after < limit
            and tokens[after].is_word
            and following not in POSTPOSED_FOLLOWERS
            and not following.endswith("ly")
        ):
            return None
        if after < limit and (tokens[after].norm == ":" or tokens[after].text in "\u201c\u2018\"'"):
            return None  # "Responding to ..., Rama said: '...'" introduces a quotation
        position = cue.first - 1
        while position >= floor and tokens[position].is_word and tokens[position].norm not in _NP_BREAKS:
            position -= 1
        if position < floor or tokens[position].norm != ",":
            return None
        words_before = sum(1 for token in tokens[floor:position] if token.is_word)
        return position if words_before >= 4 else None


def _fits(speaker: Speaker, category: str) -> bool:
    return speaker.category == category or (category == GROUP and speaker.category != PERSON)


def _via(speaker: Speaker, reason: str) -> Speaker:
    return Speaker(speaker.actor, speaker.name, round(min(speaker.confidence, 0.9) - 0.1, 2), reason, speaker.category)


def _strip_determiner(written: str) -> str:
    for determiner in ("The ", "the ", "A ", "a ", "An ", "an ", "One ", "one "):
        if written.startswith(determiner):
            return written[len(determiner) :]
    return written
