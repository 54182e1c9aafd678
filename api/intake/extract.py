"""From an article's text to candidate evidence: quotations with their speakers, and reported speech.

Deterministic rules over the text and the database's knowledge of actors, aliases, roles and policies; see
``METHOD`` (also returned by the API) for the method in words.
"""

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import date

from api.intake.cues import Cue, find_cues
from api.intake.knowledge import Knowledge
from api.intake.lexicon import JOURNALIST_NOUNS, POSTPOSED_FOLLOWERS, STOPWORDS
from api.intake.mentions import ActorIndex, Mention, MentionFinder, Speaker
from api.intake.policies import PolicyMatcher, Suggestion
from api.intake.policies import stem as _stem
from api.intake.quotes import QuoteSpan, find_quotes
from api.intake.speakers import SpeakerResolver
from api.intake.text import Document, front_matter, paragraphs, split_sentences
from api.intake.tokens import tokenize
from api.quotes import normalise

METHOD = (
    "Rule-based and deterministic, with nothing downloaded: quotation marks (curly and straight, double and "
    "single, apostrophes told apart) give the direct quotes, one per paragraph when a quotation runs on over "
    "several; reporting verbs ('said', 'told MPs', 'insisted', 'ruled out', 'according to'; not passives, "
    "infinitives or sentence-opening participles) give the speaker, as the noun phrase before the verb (or after "
    "it, 'said Mr Smith'), a quotation's speaker carrying over to the quotations that continue it. Speakers "
    "resolve through the database's names and aliases, 'Mr'/'Sir' with a surname or first name, offices held "
    "on the article's date through actor roles ('the home secretary', 'the Albanian prime minister'), "
    "spokespeople through the role that speaks for an office ('the PM's spokesman'), anonymous sources to the "
    "matching anonymous-source actor, 'he'/'she'/'they' to the subject of the sentence or of the previous body "
    "sentences (captions and headlines skipped); anyone else is proposed by name with actor null. A quotation "
    "of a few words counts only when a reporting verb attributes it; scare quotes, slogans and terms (a phrase "
    "naming a stored policy, repeated in the article, or after 'so-called'/'what are being called'), titles, "
    "journalists' questions and quotations in captions or headlines that the body repeats are not proposed. A "
    "paraphrase is a sentence whose reporting verb has a speaker and at least two content words of reported "
    "content outside quotation marks. Policies are suggested from the words they share with the policy's "
    "title, summary and topics, a position only from explicit words of support or opposition; duplicates are "
    "stored evidence of the same kind with trigram similarity (pg_trgm) of at least 0.6, or containing or "
    "contained in the text."
)

_TERM_MARKERS = (
    re.compile(r"\bso[- ]called\s*$", re.I),
    re.compile(
        r"\b(?:is|are|was|were|be|been|being)\s+(?:now\s+)?(?:called|dubbed|termed|labelled|labeled|known as)\s*$", re.I
    ),
    re.compile(r"\b(?:dubbed|nicknamed|termed|entitled|titled|headlined|billed as|known as)\s*$", re.I),
    re.compile(r"\bthe (?:term|phrase|word|words|slogan|motto|hashtag)\s*$", re.I),
)
_QUESTION_MARKERS = re.compile(r"\b(?:asked|asking|question(?:ed)?|Q)\s*[:,]?\s*$", re.I)
_WINDOW = 400
"""Characters of context either side of a candidate that policy suggestions read."""
_SHORT = 5
"""A quotation of fewer words is a fragment: it must be attributed by a reporting verb in its sentence."""


@dataclass(slots=True)
class Candidate:
    kind: str
    start: int
    end: int
    text: str
    speaker: Speaker
    cue: str | None
    suggestion: Suggestion | None = None
    sentence: int = -1


@dataclass(slots=True)
class _Clause:
    start: int
    end: int
    speaker: Speaker
    cue: Cue


@dataclass(slots=True)
class Extraction:
    text: str
    candidates: list[Candidate]
    mentions: list[Mention]
    speakers_new: list[Speaker] = field(default_factory=list)


class Extractor:
    def __init__(self, text: str, knowledge: Knowledge, day: date, index: ActorIndex | None = None) -> None:
        self.text = text
        self.day = day
        self.index = index or ActorIndex.build(knowledge)
        self.policies = PolicyMatcher(knowledge)
        self.document = Document(text=text)

    # --- layout --------------------------------------------------------------------------------------
    def _layout(self) -> None:
        text = self.text
        fields, body_start = front_matter(text)
        self.document.front_matter = fields
        self.paragraphs = paragraphs(text, body_start)
        self.quotes = find_quotes(text, self.paragraphs)
        raw = [(q.open_mark + 1, q.raw_end) for q in self.quotes]
        starts = [s for s, _ in raw]
        sentences = []
        for number, paragraph in enumerate(self.paragraphs):
            inside = raw[bisect_left(starts, paragraph.start) : bisect_left(starts, paragraph.end)]
            sentences.extend(split_sentences(text, paragraph, number, inside))
        self.sentences = sentences
        self.sentence_starts = [sentence.start for sentence in sentences]
        self.tokens = tokenize(text, body_start)
        self.sentence_tokens: list[tuple[int, int]] = []
        position = 0
        for number, sentence in enumerate(sentences):
            while position < len(self.tokens) and self.tokens[position].start < sentence.start:
                position += 1
            first = position
            while position < len(self.tokens) and self.tokens[position].start < sentence.end:
                self.tokens[position].sentence = number
                position += 1
            self.sentence_tokens.append((first, position))
        self._mark_quoted(raw)
        self.body_text = normalise(" ".join(text[p.start : p.end] for p in self.paragraphs if p.body)).lower()

    def _mark_quoted(self, raw: list[tuple[int, int]]) -> None:
        spans = sorted(raw)
        index = 0
        for token in self.tokens:
            while index < len(spans) and spans[index][1] <= token.start:
                index += 1
            if index < len(spans) and spans[index][0] <= token.start < spans[index][1]:
                token.quoted = True

    # --- run -----------------------------------------------------------------------------------------
    def run(self) -> Extraction:
        self._layout()
        mentions = MentionFinder(self.index, self.tokens, self.day).find()
        body = [self.paragraphs[s.paragraph].body for s in self.sentences]
        self.resolver = SpeakerResolver(
            self.index, self.text, self.tokens, self.sentences, self.sentence_tokens, body, mentions
        )
        self.repeated = self._repeated_phrases()
        candidates: list[Candidate] = []
        quotes_by_sentence: dict[int, list[QuoteSpan]] = {}
        for quote in self.quotes:
            quotes_by_sentence.setdefault(self._sentence_of(quote.start), []).append(quote)
        self.previous_quote: Candidate | None = None
        for number, sentence in enumerate(self.sentences):
            floor, limit = self.sentence_tokens[number]
            cues = find_cues(self.tokens, number, floor, limit)
            state = self.resolver.state(number)
            for cue in cues:
                speaker = self.resolver.speaker_of(cue)
                if speaker is not None:
                    state.speakers.append(speaker)
            quoted = [self._quote(q, number, cues, floor, limit) for q in quotes_by_sentence.get(number, [])]
            candidates.extend(c for c in quoted if c is not None)
            candidates.extend(self._paraphrases(number, cues, floor, limit))
            del sentence
        kept = [c for c in candidates if self._keep(c)]
        self.policies.read_article(self.body_text)
        for candidate in kept:
            candidate.suggestion = self.policies.suggest(self._context(candidate))
        kept.sort(key=lambda c: (c.start, c.kind))
        return Extraction(text=self.text, candidates=kept, mentions=mentions)

    def _sentence_of(self, offset: int) -> int:
        return max(0, bisect_right(self.sentence_starts, offset) - 1)

    def _context(self, candidate: Candidate) -> tuple[str, str, str]:
        """The candidate, its sentence, its paragraph (and, for a quotation opening it, the previous one's), each
        cut to a window around the candidate so that a text without breaks costs no more than one with them."""
        sentence = self.sentences[candidate.sentence]
        paragraph = self.paragraphs[sentence.paragraph]
        start = paragraph.start
        if sentence.start == paragraph.start and sentence.paragraph > 0:
            start = self.paragraphs[sentence.paragraph - 1].start
        near = (max(sentence.start, candidate.start - _WINDOW), min(sentence.end, candidate.end + _WINDOW))
        wide = (max(start, candidate.start - 3 * _WINDOW), min(paragraph.end, candidate.end + 3 * _WINDOW))
        return candidate.text[: 4 * _WINDOW], self.text[near[0] : near[1]], self.text[wide[0] : wide[1]]

    def _keep(self, candidate: Candidate) -> bool:
        """Candidates in captions and headlines only when the body does not repeat them (propose once)."""
        paragraph = self.paragraphs[self.sentences[candidate.sentence].paragraph]
        if paragraph.body:
            return True
        words = normalise(candidate.text).lower()
        return words not in self.body_text

    # --- quotations ----------------------------------------------------------------------------------
    def _quote(self, quote: QuoteSpan, sentence: int, cues: list[Cue], floor: int, limit: int) -> Candidate | None:
        text = self.text
        words = text[quote.start : quote.end]
        count = len(re.findall(r"[^\W_]+", words))
        before = text[self.sentences[sentence].start : quote.open_mark]
        if self._is_term(quote, words, before):
            return None
        if _QUESTION_MARKERS.search(before) and words.rstrip().endswith("?"):
            return None  # a journalist's question ("Asked: 'Will you resign?'")
        attribution = self._attribute(quote, sentence, cues, floor, limit, count)
        if attribution is None:
            return None
        speaker, cue = attribution
        if speaker.name and speaker.name.lower().split()[-1] in JOURNALIST_NOUNS:
            return None
        candidate = Candidate("direct_quote", quote.start, quote.end, words, speaker, cue, sentence=sentence)
        self.previous_quote = candidate
        return candidate

    def _is_term(self, quote: QuoteSpan, words: str, before: str) -> bool:
        if any(marker.search(before) for marker in _TERM_MARKERS):
            return True
        tokens = re.findall(r"[^\W_]+(?:['\u2019][^\W_]+)*", words)
        if not tokens or len(tokens) > 12:
            return False
        content = [token for token in tokens if token.lower() not in STOPWORDS]
        if len(content) >= 2 and all(token[0].isupper() for token in content) and not re.search(r"[.!?,]\s*$", words):
            return True  # a title: "Safety of Rwanda (Asylum and Immigration) Act"
        if len(tokens) <= 4 and any(token.lower() not in STOPWORDS for token in tokens):
            stems = tuple(_stem(token) for token in tokens)
            if self.policies.names_policy(stems):
                return True
            if self.repeated.get(stems, 0) >= 2:
                return True
        return False

    def _repeated_phrases(self) -> dict[tuple[str, ...], int]:
        """How often each short quoted phrase occurs in the body outside longer quotations: a term or slogan
        recurs ("return hubs"), a speaker's words quoted once do not."""
        counts: dict[tuple[str, ...], int] = {}
        short = []
        for quote in self.quotes:
            tokens = re.findall(r"[^\W_]+(?:['\u2019][^\W_]+)*", self.text[quote.start : quote.end])
            if 1 <= len(tokens) <= 4:
                short.append(tuple(_stem(t) for t in tokens))
        if not short:
            return counts
        long_quotes = [
            (q.start, q.end) for q in self.quotes if len(re.findall(r"[^\W_]+", self.text[q.start : q.end])) > 4
        ]
        in_long = _Spans(long_quotes)
        body_tokens = [
            token
            for token in self.tokens
            if token.sentence >= 0
            and self.paragraphs[self.sentences[token.sentence].paragraph].body
            and token.is_word
            and not (token.quoted and in_long(token.start))
        ]
        stems = [_stem(token.text) for token in body_tokens]
        wanted = set(short)
        lengths = sorted({len(phrase) for phrase in wanted})
        seen: dict[tuple[str, ...], set[int]] = {}
        for i in range(len(stems)):  # every n-gram once: linear in the text, whatever the number of quotes
            for length in lengths:
                gram = tuple(stems[i : i + length])
                if len(gram) == length and gram in wanted:
                    seen.setdefault(gram, set()).add(body_tokens[i].sentence)
        return {phrase: len(found) for phrase, found in seen.items()}

    def _attribute(
        self, quote: QuoteSpan, sentence: int, cues: list[Cue], floor: int, limit: int, count: int
    ) -> tuple[Speaker, str | None] | None:
        resolver = self.resolver
        first_token = resolver.token_at_or_after(quote.open_mark + 1)
        standalone = not any(
            self.tokens[i].is_word and not self.tokens[i].quoted for i in range(floor, max(floor, first_token - 1))
        ) or self.text[self.sentences[sentence].start : quote.open_mark].rstrip().endswith(":")
        postposed = resolver.postposed(quote, cues, limit)
        if postposed is not None:
            speaker = resolver.speaker_of(postposed)
            return speaker or Speaker(None, None, 0.0, "no speaker found for the reporting verb"), postposed.text
        preposed = [cue for cue in cues if cue.last <= first_token]
        if preposed:
            cue = preposed[-1]
            speaker = resolver.speaker_of(cue)
            if speaker is not None:
                return speaker, cue.text
        named = resolver.colon_name(quote, floor)
        if named is not None:
            return named.speaker, "colon after a name"
        if not standalone:
            return None
        if count < _SHORT and not self._short_continuation(quote):
            return None
        return self._context_speaker(quote, sentence)

    def _short_continuation(self, quote: QuoteSpan) -> bool:
        """A short quotation standing as a sentence right after another in the same paragraph ('"It's a
        disgrace," Philp said. "They have no plan."') continues it; elsewhere a few words alone are no quote."""
        words = self.text[quote.start : quote.end]
        previous = self.previous_quote
        return (
            previous is not None
            and self.sentences[previous.sentence].paragraph == quote.paragraph
            and words[:1].isupper()
            and words.rstrip()[-1:] in {".", "!", "?"}
        )

    def _context_speaker(self, quote: QuoteSpan, sentence: int) -> tuple[Speaker, str | None]:
        previous = self.previous_quote
        if previous is not None and quote.continues:
            return _carried(previous.speaker, "continues the quotation of the previous paragraph"), None
        if previous is not None and self._recent(previous, quote, sentence):
            return _carried(previous.speaker, "follows a quotation of the same speaker"), None
        for back in range(sentence - 1, max(-1, sentence - 4), -1):
            if not self.resolver.body_sentence[back]:
                continue
            found = self.resolver.focus(back, "person")
            if found is not None:
                return (
                    Speaker(
                        found.actor, found.name, 0.55, f"named in the previous sentence ({found.name})", found.category
                    ),
                    None,
                )
            break
        return Speaker(None, None, 0.0, "no reporting verb or speaker found near the quotation"), None

    def _recent(self, previous: Candidate, quote: QuoteSpan, sentence: int) -> bool:
        """The previous quotation is in this sentence, the previous one, or ends the previous body paragraph."""
        if sentence - previous.sentence <= 1:
            return True
        gap = range(previous.sentence + 1, sentence)
        return all(not self.resolver.body_sentence[s] for s in gap) or self._quote_paragraph_run(previous, quote)

    def _quote_paragraph_run(self, previous: Candidate, quote: QuoteSpan) -> bool:
        previous_paragraph = self.sentences[previous.sentence].paragraph
        between = [p for p in self.paragraphs[previous_paragraph + 1 : quote.paragraph] if p.body]
        last_sentence = [s for s in self.sentences if s.paragraph == previous_paragraph][-1]
        return not between and last_sentence.start <= previous.start

    # --- paraphrases ---------------------------------------------------------------------------------
    def _paraphrases(self, sentence: int, cues: list[Cue], floor: int, limit: int) -> list[Candidate]:
        """One paraphrase per speaker and clause: "Mahmood said … and the Home Office revealed …" is two."""
        spoken = [(cue, speaker) for cue in cues if (speaker := self.resolver.speaker_of(cue)) and speaker.name]
        # "…, Starmer said, according to a UK government statement": the statement is where it was reported
        spoken = [item for n, item in enumerate(spoken) if n == 0 or item[0].lemma != "according to"]
        clauses: list[_Clause] = []
        for number, (cue, speaker) in enumerate(spoken):
            content = self._content(cue, floor, limit)
            if content is None:
                continue
            end = content[1]
            for later, other in spoken[number + 1 :]:
                if not _same(other, speaker):  # the next speaker's clause ends this one
                    joint = self._conjunction(cue.last, later.first)
                    end = min(end, self._trim_end(joint, cue.last) if joint is not None else later.first)
                    break
            if self._content_words(content[0], end) < 2:
                continue
            if clauses and _same(clauses[-1].speaker, speaker):
                clauses[-1].end = max(clauses[-1].end, end)
                continue
            start = self._clause_start(cue, floor)
            if number > 0:
                joint = self._conjunction(spoken[number - 1][0].last, cue.first)
                start = joint + 1 if joint is not None else start
            clauses.append(_Clause(start, end, speaker, cue))
        found = []
        span = self.sentences[sentence]
        for clause in clauses:
            if clause.end <= clause.start:
                continue
            first_char = span.start if clause.start == floor else self.tokens[clause.start].start
            last_char = _extend_closing(self.text, self.tokens[clause.end - 1].end, span.end)
            text = self.text[first_char:last_char]
            found.append(
                Candidate("paraphrase", first_char, last_char, text, clause.speaker, clause.cue.text, sentence=sentence)
            )
        return found

    def _conjunction(self, after: int, before: int) -> int | None:
        for position in range(before - 1, after - 1, -1):
            token = self.tokens[position]
            if not token.quoted and token.norm in {"and", "but", "while", "whereas", ";"}:
                return position
        return None

    def _trim_end(self, joint: int, floor: int) -> int:
        position = joint
        while position > floor and self.tokens[position - 1].norm in {",", ";"}:
            position -= 1
        return position

    def _content(self, cue: Cue, floor: int, limit: int) -> tuple[int, int] | None:
        """Token range of what the verb reports, or None when it reports a quotation only."""
        tokens = self.tokens
        if cue.lemma == "according to":
            return self._according_to(cue, floor, limit)
        if cue.lemma in {"continue", "go on"} or self.resolver.is_inverted(cue, floor):
            return None  # only carries a quotation; '"...," said the PM': what follows the verb is the speaker
        comma = self.resolver.is_postposed_report(cue, floor, limit)
        if comma is not None:
            first_word = next((i for i in range(floor, comma) if tokens[i].is_word), comma)
            # "'...,' Starmer said": the quotation is the report
            return None if tokens[first_word].quoted else (floor, comma)
        following = tokens[cue.last] if cue.last < limit else None
        if following is not None and following.norm == ":":
            return None  # introduces a quotation
        reports_nothing_more = following is None or not following.is_word or following.norm in POSTPOSED_FOLLOWERS
        if reports_nothing_more and self.resolver.postposed_cue_of_quote(cue, floor):
            return None  # "'...,' the UK government said in a statement, adding that ...": a later clause may report
        return cue.last, limit

    def _according_to(self, cue: Cue, floor: int, limit: int) -> tuple[int, int] | None:
        """ "…, according to X" reports what comes before; "According to X, …" what comes after the comma."""
        if cue.first > floor:
            return floor, cue.first
        comma = next((i for i in range(cue.last, limit) if self.tokens[i].norm == ","), None)
        return (comma + 1, limit) if comma is not None else None

    def _content_words(self, start: int, end: int) -> int:
        return sum(
            1
            for token in self.tokens[start:end]
            if token.is_word and not token.quoted and token.norm not in STOPWORDS and not token.norm.isdigit()
        )

    def _clause_start(self, cue: Cue, floor: int) -> int:
        """Where the reporting clause starts: the sentence, or after a quotation that opens it."""
        tokens = self.tokens
        position = floor
        while position < cue.first and (tokens[position].quoted or not tokens[position].is_word):
            position += 1
        if position > floor and position < cue.first:
            return position
        return floor

    def _cut_before(self, start: int, floor: int) -> int:
        """End a previous clause before "and"/", while" introducing the next speaker's clause."""
        tokens = self.tokens
        position = start - 1
        while position > floor and tokens[position].norm in {"and", "but", "while", ",", ";"}:
            position -= 1
        return position + 1


def _carried(speaker: Speaker, reason: str) -> Speaker:
    return Speaker(
        speaker.actor,
        speaker.name,
        round(max(0.0, speaker.confidence - 0.05), 2),
        f"{reason}: {speaker.reason}",
        speaker.category,
    )


class _Spans:
    """Whether an offset lies in one of sorted, non-overlapping spans (binary search)."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self.spans = sorted(spans)
        self.starts = [start for start, _ in self.spans]

    def __call__(self, offset: int) -> bool:
        index = bisect_right(self.starts, offset) - 1
        return index >= 0 and offset < self.spans[index][1]


def _same(first: Speaker, second: Speaker) -> bool:
    return first.actor == second.actor and first.name == second.name


def _extend_closing(text: str, end: int, limit: int) -> int:
    """Keep a sentence's final punctuation and closing marks with it."""
    while end < limit and text[end] in ".!?\u2026\"'\u201d\u2019)":
        end += 1
    return end


def extract(text: str, knowledge: Knowledge, day: date, index: ActorIndex | None = None) -> Extraction:
    """The candidates of ``text`` read on ``day`` (the day offices are held on)."""
    return Extractor(text, knowledge, day, index).run()
