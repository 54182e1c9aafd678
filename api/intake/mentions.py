"""Who a text names: actors by name, alias, "Mr Rama", "Sir Keir", office ("the home secretary" on the article's
day), spokesperson ("the PM's spokesman"), anonymous source ("a Whitehall insider"), or a person the database does
not know yet. Built from the database's actors, aliases and roles (``Knowledge``), never from a list of names.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from api.intake.knowledge import Knowledge, KnownActor, KnownRole
from api.intake.lexicon import (
    ANONYMOUS_HEADS,
    COUNTRIES,
    DETERMINERS,
    FIRST_NAME_HONORIFICS,
    HONORIFICS,
    PERSON_NOUNS,
    SPOKESPERSON_HEADS,
    STOPWORDS,
    TITLE_ABBREVIATIONS,
    TITLE_WORDS,
)
from api.intake.tokens import Token, possessive_stem, tokenize

PERSON = "person"
GROUP = "group"


@dataclass(slots=True)
class Speaker:
    """A resolved speaker: a stored actor, or a name to propose as a new one (``actor`` None)."""

    actor: str | None
    name: str | None
    confidence: float
    reason: str
    category: str = PERSON


@dataclass(slots=True)
class Mention:
    first: int
    """Index of its first token."""
    last: int
    """Index after its last token."""
    start: int
    end: int
    speaker: Speaker
    possessive: bool = False


@dataclass(frozen=True, slots=True)
class _Entry:
    slug: str
    how: str
    needs_capital: bool


@dataclass(frozen=True, slots=True)
class _Office:
    core: tuple[str, ...]
    holder: str
    role: KnownRole
    country: str | None
    organisation: str | None


def _norms(phrase: str) -> tuple[str, ...]:
    return tuple(token.norm for token in tokenize(phrase))


def _category(actor: KnownActor) -> str:
    return PERSON if actor.kind == "person" else GROUP


def _needs_capital(words: tuple[str, ...], original: str) -> bool:
    """A name must be written with its capital ("Labour", not "labour"), a common noun need not ("officials")."""
    stripped = original[4:] if original.lower().startswith("the ") else original
    first = words[1] if words[0] == "the" and len(words) > 1 else words[0]
    return stripped[:1].isupper() and first not in PERSON_NOUNS


@dataclass(slots=True)
class ActorIndex:
    """Phrases that name actors, offices and their holders, built once per request from ``Knowledge``."""

    knowledge: Knowledge
    actors: dict[str, KnownActor] = field(default_factory=dict)
    phrases: dict[tuple[str, ...], list[_Entry]] = field(default_factory=dict)
    offices: list[_Office] = field(default_factory=list)
    longest: int = 1
    surnames: dict[tuple[str, ...], list[str]] = field(default_factory=dict)
    """Each person's surname (words) -> who has it: read after "Mr", "Ms", "Dr", "Sir" …"""
    first_names: dict[tuple[str, ...], list[str]] = field(default_factory=dict)
    """Each person's first name -> who has it: read after "Sir" and "Dame" ("Sir Keir")."""

    @classmethod
    def build(cls, knowledge: Knowledge) -> "ActorIndex":
        index = cls(knowledge=knowledge)
        index.actors = {actor.slug: actor for actor in knowledge.actors}
        surnames: Counter[str] = Counter()
        for actor in knowledge.actors:
            words = _norms(actor.name)
            if actor.kind == "person" and len(words) >= 2:
                surnames[words[-1]] += 1
        for actor in knowledge.actors:
            index._add_offices(actor)
        index.offices.sort(key=lambda office: -len(office.core))
        cores = {office.core for office in index.offices}
        for actor in knowledge.actors:
            index._add(actor.name, actor.slug, "name")
            for alias in actor.aliases:
                if _office_like(_norms(alias), cores):
                    continue  # "the PM", "the home secretary": read as offices on the article's day
                index._add(alias, actor.slug, "alias")
                if alias.lower().startswith("the ") and len(alias) > 4:
                    index._add(alias[4:], actor.slug, "alias")
            index._add_person_forms(actor, surnames)
        return index

    def _add(
        self, phrase: str, slug: str, how: str, *, needs_capital: bool | None = None, words: tuple[str, ...] = ()
    ) -> None:
        words = words or _norms(phrase)
        if not words:
            return
        capital = _needs_capital(words, phrase) if needs_capital is None else needs_capital
        entries = self.phrases.setdefault(words, [])
        if all(entry.slug != slug for entry in entries):
            entries.append(_Entry(slug, how, capital))
        self.longest = max(self.longest, len(words))

    def _add_person_forms(self, actor: KnownActor, surnames: Counter[str]) -> None:
        words = actor.name.split()
        if actor.kind != "person" or len(words) < 2:
            return
        surname = words[-1]
        surname_words = _norms(surname)
        if surnames[surname.lower()] == 1:
            self._add(surname, actor.slug, "surname", needs_capital=True, words=surname_words)
        self.surnames.setdefault(surname_words, []).append(actor.slug)
        self.first_names.setdefault(_norms(words[0]), []).append(actor.slug)

    def _add_offices(self, actor: KnownActor) -> None:
        for role in actor.roles:
            title = role.title.lower()
            if any(head in title for head in SPOKESPERSON_HEADS):
                continue  # spokespeople are found through whom they speak for
            organisation = self.actors.get(role.organisation or "")
            country = organisation.country if organisation else actor.country
            core = title
            for joiner in (" of ", " for "):
                head, _, rest = title.partition(joiner)
                if rest and (
                    rest.removeprefix("the ") in COUNTRIES or (joiner == " of " and head.endswith("minister"))
                ):
                    core = head
                    country = COUNTRIES.get(rest.removeprefix("the "), country)
                    break
            self.offices.append(_Office(_norms(core), actor.slug, role, country, role.organisation))
            if title.startswith("secretary of state for "):
                department = title.removeprefix("secretary of state for ")
                self.offices.append(
                    _Office(_norms(f"{department} secretary"), actor.slug, role, country, role.organisation)
                )

    def office_holders(
        self, core: tuple[str, ...], day: date, country: str | None, organisation: str | None
    ) -> list[_Office]:
        return [
            office
            for office in self.offices
            if office.core == core
            and office.role.held_on(day)
            and (country is None or office.country == country)
            and (organisation is None or office.organisation == organisation)
        ]

    def spokespeople(self, owner: str | None, owner_words: tuple[str, ...]) -> list[str]:
        """Actors holding a spokesperson's role for ``owner`` (an actor), or whose title names ``owner_words``."""
        found = []
        for actor in self.knowledge.actors:
            for role in actor.roles:
                title = role.title.lower()
                if not any(head in title for head in SPOKESPERSON_HEADS):
                    continue
                if (owner and role.organisation == owner) or (owner_words and " ".join(owner_words) in title):
                    found.append(actor.slug)
        return sorted(set(found))

    def anonymous(self, words: tuple[str, ...]) -> KnownActor | None:
        """The anonymous-source actor whose name or alias reads the same, determiners aside."""
        wanted = _bare(words)
        for actor in self.knowledge.actors:
            if actor.kind != "anonymous_source":
                continue
            for phrase in (actor.name, *actor.aliases):
                if _bare(_norms(phrase)) == wanted:
                    return actor
        return None


def _name_like(token: Token) -> bool:
    """A word of a person's name: capitalised, with lower-case letters (not an all-capitals credit line)."""
    text = token.text
    return token.is_word and text[0].isupper() and any(c.islower() for c in text) and not text.isdigit()


def _office_like(words: tuple[str, ...], cores: set[tuple[str, ...]]) -> bool:
    """An alias that is only an office ("the PM", "the Albanian prime minister"): it names whoever holds it."""
    rest = [word for word in words if word not in DETERMINERS]
    while rest and rest[0] in COUNTRIES:
        rest = rest[1:]
    expanded: list[str] = []
    for word in rest:
        expanded.extend(TITLE_ABBREVIATIONS.get(word, (word,)))
    return bool(expanded) and tuple(expanded) in cores


def _bare(words: tuple[str, ...]) -> tuple[str, ...]:
    kept = [word for word in words if word not in DETERMINERS]
    if kept and kept[-1].endswith("s") and kept[-1][:-1] in PERSON_NOUNS:
        kept[-1] = kept[-1][:-1]
    return tuple(kept)


def _matches(tokens: list[Token], at: int, words: tuple[str, ...]) -> tuple[int, bool] | None:
    """Whether ``words`` start at token ``at``: (tokens used, last one possessive). Abbreviations ("PM") expand."""
    position = at
    index = 0
    while index < len(words):
        if position >= len(tokens):
            return None
        norm = tokens[position].norm
        stem = possessive_stem(norm)
        last_word = index == len(words) - 1
        expansion = TITLE_ABBREVIATIONS.get(stem if stem and last_word else norm)
        if expansion and tuple(words[index : index + len(expansion)]) == expansion:
            index += len(expansion)
            position += 1
            if index == len(words):
                return position - at, bool(stem)
            continue
        if norm == words[index]:
            index += 1
            position += 1
            continue
        if last_word and stem == words[index]:
            return position + 1 - at, True
        return None
    return position - at, False


class MentionFinder:
    """Finds the mentions of one document."""

    def __init__(self, index: ActorIndex, tokens: list[Token], day: date) -> None:
        self.index = index
        self.tokens = tokens
        self.day = day
        self.salience: Counter[str] = Counter()

    def find(self) -> list[Mention]:
        named = self._named()
        for mention in named:
            if mention.speaker.actor:
                self.salience[mention.speaker.actor] += 1
        offices = self._offices(named)
        # "the prime minister of Albania": the country names whose office it is, not a speaker of its own
        named = [m for m in named if not any(o.first <= m.first and m.last <= o.last for o in offices)]
        taken = {i for mention in named for i in range(mention.first, mention.last)}
        offices = [mention for mention in offices if not taken & set(range(mention.first, mention.last))]
        taken |= {i for mention in offices for i in range(mention.first, mention.last)}
        return sorted(named + offices + self._unknown_names(taken), key=lambda mention: mention.first)

    # --- people the database does not know -------------------------------------------------------------
    def _unknown_names(self, taken: set[int]) -> list[Mention]:
        """Runs of two to four capitalised words naming nobody stored ("Yvette Cooper", after a title), and "Ms
        Cooper" afterwards, read as the same person: people an editor may add."""
        tokens = self.tokens
        found: list[Mention] = []
        by_surname: dict[str, str] = {}
        position = 0
        while position < len(tokens):
            run = position
            while run < len(tokens) and run not in taken and _name_like(tokens[run]):
                run += 1
            if run == position:
                position += 1
                continue
            mention = self._unknown_run(position, run, by_surname)
            if mention is not None:
                found.append(mention)
            position = run
        return found

    def _unknown_run(self, start: int, end: int, by_surname: dict[str, str]) -> Mention | None:
        tokens = self.tokens
        if start > 0 and tokens[start - 1].norm == "the":
            return None  # "the Refugee Council": an organisation or a place
        first = start
        while first < end and tokens[first].norm in TITLE_WORDS:
            first += 1
        if first > start and tokens[first - 1].norm in HONORIFICS and end - first == 1:
            surname = tokens[first].text.removesuffix("\u2019s").removesuffix("'s")
            name = by_surname.get(surname, f"{tokens[first - 1].text} {surname}")
            how = f"'{self._text(first - 1, end)}'" + (f" is {name}, named earlier" if surname in by_surname else "")
            speaker = Speaker(None, name, 0.5, f"{how}: nobody the database has; a new actor?", PERSON)
            return Mention(first - 1, end, tokens[first - 1].start, tokens[end - 1].end, speaker)
        if end - first < 2 or end - first > 4:
            return None
        if first == start and self._sentence_start(start) and tokens[start].norm in STOPWORDS:
            return None
        name = self._text(first, end)
        by_surname.setdefault(tokens[end - 1].text, name)
        speaker = Speaker(None, name, 0.5, f"'{name}' names nobody the database has: a new actor?", PERSON)
        return Mention(first, end, tokens[first].start, tokens[end - 1].end, speaker)

    def _sentence_start(self, index: int) -> bool:
        return index == 0 or self.tokens[index - 1].sentence != self.tokens[index].sentence

    def _named(self) -> list[Mention]:
        found: list[Mention] = []
        position = 0
        tokens = self.tokens
        while position < len(tokens):
            mention = self._named_at(position)
            if mention is None:
                position += 1
                continue
            found.append(mention)
            position = mention.last
        return found

    def _named_at(self, at: int) -> Mention | None:
        tokens = self.tokens
        if not tokens[at].is_word:
            return None
        if tokens[at].norm in HONORIFICS and at + 1 < len(tokens) and tokens[at + 1].capitalised:
            titled = self._titled(at)
            if titled is not None:
                return titled
        for length in range(min(self.index.longest, len(tokens) - at), 0, -1):
            span = tokens[at : at + length]
            key = tuple(token.norm for token in span)
            stem = possessive_stem(key[-1])
            entries = self.index.phrases.get(key)
            possessive = False
            if entries is None and stem:
                entries = self.index.phrases.get((*key[:-1], stem))
                possessive = entries is not None
            if not entries:
                continue
            first_word = 1 if key[0] == "the" and length > 1 else 0
            entries = [e for e in entries if not e.needs_capital or span[first_word].capitalised]
            if not entries:
                continue
            return self._resolved(at, at + length, entries, possessive)
        return None

    def _titled(self, at: int) -> Mention | None:
        """ "Mr Rama", "Sir Keir", "Sir Keir Starmer", "Dr Jane Example": an honorific and a stored person's
        name, surname, or (after Sir and Dame) first name."""
        named = self._named_at(at + 1)
        if named is not None and named.speaker.actor and self.index.actors[named.speaker.actor].kind == "person":
            speaker = named.speaker
            reason = f"'{self._text(at, named.last)}' is {speaker.name} by title and name"
            return Mention(
                at,
                named.last,
                self.tokens[at].start,
                named.end,
                Speaker(speaker.actor, speaker.name, 0.9, reason, PERSON),
                named.possessive,
            )
        word = self.tokens[at + 1].norm
        stem = possessive_stem(word)
        key = (stem or word,)
        slugs = self.index.surnames.get(key, [])
        if not slugs and self.tokens[at].norm in FIRST_NAME_HONORIFICS:
            slugs = self.index.first_names.get(key, [])
        if not slugs:
            return None
        entries = [_Entry(slug, "honorific", True) for slug in sorted(set(slugs))]
        return self._resolved(at, at + 2, entries, bool(stem))

    def _text(self, first: int, last: int) -> str:
        return " ".join(token.text for token in self.tokens[first:last])

    def _resolved(self, first: int, last: int, entries: list["_Entry"], possessive: bool) -> Mention:
        text = " ".join(token.text for token in self.tokens[first:last])
        if len(entries) == 1:
            entry = entries[0]
            actor = self.index.actors[entry.slug]
            confidence = {"name": 0.95, "alias": 0.95, "honorific": 0.9, "surname": 0.85}.get(entry.how, 0.8)
            reason = {
                "name": f"named: {actor.name}",
                "alias": f"'{text}' is an alias of {actor.name}",
                "honorific": f"'{text}' is {actor.name} by title and surname",
                "surname": f"'{text}' is the surname of {actor.name}",
            }.get(entry.how, f"'{text}' names {actor.name}")
            speaker = Speaker(entry.slug, actor.name, confidence, reason, _category(actor))
        else:
            slugs = sorted(entry.slug for entry in entries)
            speaker = Speaker(None, text, 0.3, f"'{text}' could be any of {', '.join(slugs)}", PERSON)
        return Mention(first, last, self.tokens[first].start, self.tokens[last - 1].end, speaker, possessive)

    # --- offices ---------------------------------------------------------------------------------------
    def _offices(self, named: list[Mention]) -> list[Mention]:
        starts = {mention.first: mention for mention in named}
        found: list[Mention] = []
        position = 0
        cores = sorted({office.core for office in self.index.offices}, key=len, reverse=True)
        by_first: dict[str, list[tuple[str, ...]]] = {}
        for core in cores:  # "pm" starts "prime minister" too
            by_first.setdefault(core[0], []).append(core)
            for short, expansion in TITLE_ABBREVIATIONS.items():
                if core[: len(expansion)] == expansion:
                    by_first.setdefault(short, []).append(core)
        while position < len(self.tokens):
            token = self.tokens[position]
            first_word = possessive_stem(token.norm) or token.norm
            mention = self._office_at(position, by_first[first_word], starts) if first_word in by_first else None
            if mention is None:
                position += 1
                continue
            found.append(mention)
            position = mention.last
        return found

    def _office_at(self, at: int, cores: list[tuple[str, ...]], named: dict[int, Mention]) -> Mention | None:
        tokens = self.tokens
        for core in cores:
            matched = _matches(tokens, at, core)
            if matched is None:
                continue
            used, possessive = matched
            first, last = at, at + used
            if last in named:  # "Prime Minister Sir Keir Starmer": the title only introduces the name
                return None
            if self._name_follows(last):  # "Home Secretary Yvette Cooper": a name the database does not have
                return None
            country, first = self._country_before(first)
            if country is None and not possessive:
                country, last = self._country_after(last)
            if first > 0 and tokens[first - 1].norm in {"the", "a", "an"}:
                first -= 1
            return self._office_mention(core, first, last, country, possessive)
        return None

    def _name_follows(self, last: int) -> bool:
        tokens = self.tokens
        return (
            last + 1 < len(tokens)
            and _name_like(tokens[last])
            and _name_like(tokens[last + 1])
            and tokens[last].norm not in {"of", "the"}
            and tokens[last].sentence == tokens[last - 1].sentence
        )

    def _country_before(self, first: int) -> tuple[str | None, int]:
        tokens = self.tokens
        for length in (2, 1):
            start = first - length
            if start < 0:
                continue
            words = [token.norm for token in tokens[start:first]]
            stem = possessive_stem(words[-1])
            for candidate in (" ".join(words), " ".join([*words[:-1], stem]) if stem else None):
                if candidate and candidate in COUNTRIES:
                    return COUNTRIES[candidate], start
        return None, first

    def _country_after(self, last: int) -> tuple[str | None, int]:
        tokens = self.tokens
        if last >= len(tokens) or tokens[last].norm != "of":
            return None, last
        start = last + 1
        if start < len(tokens) and tokens[start].norm == "the":
            start += 1
        for length in (3, 2, 1):
            words = " ".join(token.norm for token in tokens[start : start + length])
            if start + length <= len(tokens) and words in COUNTRIES:
                return COUNTRIES[words], start + length
        return None, last

    def _office_mention(
        self, core: tuple[str, ...], first: int, last: int, country: str | None, possessive: bool
    ) -> Mention:
        text = " ".join(token.text for token in self.tokens[first:last])
        holders = self.index.office_holders(core, self.day, country, None)
        slugs = sorted({office.holder for office in holders})
        title = " ".join(core)
        when = self.day.isoformat()
        if len(slugs) == 1:
            actor = self.index.actors[slugs[0]]
            speaker = Speaker(
                actor.slug, actor.name, 0.85, f"'{text}': {actor.name} held the office of {title} on {when}", PERSON
            )
        elif slugs:
            ranked = sorted(slugs, key=lambda slug: (-self.salience[slug], slug))
            best = self.index.actors[ranked[0]]
            if self.salience[ranked[0]] > self.salience[ranked[1]]:
                speaker = Speaker(
                    best.slug,
                    best.name,
                    0.6,
                    f"'{text}': of the holders of the office of {title} on {when} ({', '.join(slugs)}), "
                    f"{best.name} is the one the article names most",
                    PERSON,
                )
            else:
                speaker = Speaker(None, text, 0.2, f"'{text}' could be any of {', '.join(slugs)}", PERSON)
        else:
            speaker = Speaker(None, text, 0.3, f"'{text}': nobody known held the office of {title} on {when}", PERSON)
        return Mention(first, last, self.tokens[first].start, self.tokens[last - 1].end, speaker, possessive)


def pronoun_category(norm: str) -> str | None:
    return {"he": PERSON, "she": PERSON, "they": GROUP, "it": GROUP}.get(norm)


def resolve_phrase(index: ActorIndex, words: tuple[str, ...], written: str) -> Speaker | None:
    """A noun phrase with no actor mention in it: a spokesperson, an anonymous source, or someone new."""
    if not words:
        return None
    head = words[-1]
    if head in SPOKESPERSON_HEADS:
        return None  # handled with the owner's mention, see ``spokesperson``
    if head in ANONYMOUS_HEADS or (head.endswith("s") and head[:-1] in ANONYMOUS_HEADS):
        actor = index.anonymous(words)
        if actor is not None:
            return Speaker(actor.slug, actor.name, 0.8, f"'{written}' matches the anonymous source {actor.name}", GROUP)
        return Speaker(None, written, 0.5, f"'{written}': an unnamed source the database does not have", GROUP)
    if head in PERSON_NOUNS or (head.endswith("s") and head[:-1] in PERSON_NOUNS):
        plural = head.endswith("s")
        return Speaker(
            None, written, 0.4, f"'{written}': speakers the database does not have", GROUP if plural else PERSON
        )
    return None


def spokesperson(index: ActorIndex, owner: Mention | None, owner_words: tuple[str, ...], written: str) -> Speaker:
    """ "The PM's spokesman", "a No 10 spokeswoman", "a spokesman for the Home Office": the actor holding a
    spokesperson's role for the owner, else the owner itself (a spokesperson speaks for it)."""
    owner_slug = owner.speaker.actor if owner else None
    expanded: tuple[str, ...] = ()
    for word in owner_words:
        stem = possessive_stem(word) or word
        expanded += TITLE_ABBREVIATIONS.get(stem, (stem,))
    found = index.spokespeople(owner_slug, expanded)
    if len(found) == 1:
        actor = index.actors[found[0]]
        whose = owner.speaker.name if owner is not None and owner.speaker.actor else " ".join(owner_words)
        return Speaker(
            actor.slug, actor.name, 0.85, f"'{written}': {actor.name} holds the spokesperson's role for {whose}", PERSON
        )
    if owner is not None and owner.speaker.actor:
        return Speaker(
            owner.speaker.actor,
            owner.speaker.name,
            0.75,
            f"'{written}' speaks for {owner.speaker.name} (no spokesperson of it is stored)",
            PERSON,
        )
    return Speaker(None, written, 0.4, f"'{written}': a spokesperson the database does not have", PERSON)
