"""Which stored policy a candidate is about, and on which side, as suggestions an editor confirms.

A policy is suggested from the words (stemmed) a candidate shares with the policy's title, summary and topic
names, each word weighted by how distinctive it is among the policies (inverse document frequency) and by
where it was found: in the candidate, in its sentence, in its paragraph; the whole article adds a small prior
for the policies it is about. Nothing is suggested when the best policy scores low, shares fewer than two title
words with the candidate's surroundings, or is barely ahead of the next. A position is suggested only from
explicit words of support or opposition in the candidate itself, and only as ±1: how strongly is the editor's
call.
"""

import functools
import itertools
import math
import re
from collections import Counter
from dataclasses import dataclass

from api.intake.knowledge import Knowledge, KnownPolicy
from api.intake.lexicon import STOPWORDS

_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")
_SUPPORT = re.compile(
    r"\b(?:support(?:s|ed|ing)?|back(?:s|ed|ing)?|welcome[sd]?|in favou?r of|endorse[sd]?|champion(?:s|ed)?|"
    r"the right (?:approach|thing)|determined to|committed to)\b",
    re.I,
)
_OPPOSE = re.compile(
    r"\b(?:oppose[sd]?|opposing|against|reject(?:s|ed|ing)?|rule[sd]? out|ruling out|condemn(?:s|ed)?|"
    r"criticis(?:e|es|ed)|criticiz(?:e|es|ed)|said no|not interested|no interest|waste of money|gimmick)\b",
    re.I,
)
_SUFFIXES = (
    ("ational", "ate"),
    ("ations", ""),
    ("ation", ""),
    ("ments", ""),
    ("ment", ""),
    ("ness", ""),
    ("ings", ""),
    ("ing", ""),
    ("ies", "y"),
    ("ied", "y"),
    ("edly", ""),
    ("ed", ""),
    ("als", ""),
    ("al", ""),
    ("sses", "ss"),
    ("es", ""),
    ("s", ""),
)
_LEVELS = (1.0, 0.5, 0.2)
"""Weight of a word found in the candidate, in its sentence, in its paragraph."""
_MINIMUM_SCORE = 8.0
_MARGIN = 1.5
_PRIOR = 0.5
_PAIR = 1.5


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light stemmer: "removal", "removing", "removed" and "remove" are one word; so are "hub" and "hubs"."""
    word = word.lower().replace("\u2019", "'")
    if word.endswith("'s"):
        word = word[:-2]
    if word.endswith(("ss", "us", "is")) or len(word) <= 3:
        return word
    if len(word) == 4:
        return word[:-1] if word.endswith("s") else word
    for suffix, replacement in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) + len(replacement) >= 4:
            word = word[: -len(suffix)] + replacement
            break
    return word[:-1] if word.endswith("e") and len(word) > 4 else word


def stems(text: str) -> list[str]:
    return [stem(word) for word in _WORD.findall(text)]


def content_stems(text: str) -> list[str]:
    return [stem(word) for word in _WORD.findall(text) if word.lower() not in STOPWORDS and not word.isdigit()]


@dataclass(frozen=True, slots=True)
class Suggestion:
    policy: str | None
    position: int | None
    reason: str


@dataclass(frozen=True, slots=True)
class _Profile:
    policy: KnownPolicy
    title: frozenset[str]
    other: frozenset[str]
    title_sequence: tuple[str, ...]
    title_pairs: frozenset[tuple[str, str]]
    """Neighbouring words of the title ("return hub"): a phrase of the title counts more than its words apart."""


class PolicyMatcher:
    def __init__(self, knowledge: Knowledge) -> None:
        self.profiles = []
        for policy in knowledge.policies:
            words = content_stems(policy.title)
            title = frozenset(words)
            other = frozenset(content_stems(policy.summary + " " + " ".join(policy.topics))) - title
            pairs = frozenset(itertools.pairwise(words))
            self.profiles.append(_Profile(policy, title, other, tuple(stems(policy.title)), pairs))
        count = len(self.profiles) or 1
        frequency: Counter[str] = Counter()
        for profile in self.profiles:
            frequency.update(profile.title | profile.other)
        self.weight = {word: math.log((count + 1) / (seen + 0.5)) for word, seen in frequency.items()}
        self.prior: dict[str, float] = {}

    def names_policy(self, phrase: tuple[str, ...]) -> bool:
        """Whether the words (stemmed) run, in order, through a policy's title: a quoted term, not a quote."""
        length = len(phrase)
        for profile in self.profiles:
            sequence = profile.title_sequence
            if any(sequence[i : i + length] == phrase for i in range(len(sequence) - length + 1)):
                return True
        return False

    def read_article(self, text: str) -> None:
        """The article's own weight on each policy: how much of its title and summary the whole text shares."""
        words = Counter(content_stems(text))
        raw = {
            profile.policy.slug: sum(self.weight[w] * min(words[w], 5) for w in profile.title)
            + 0.3 * sum(self.weight[w] * min(words[w], 5) for w in profile.other)
            for profile in self.profiles
        }
        top = max(raw.values(), default=0.0) or 1.0
        self.prior = {slug: value / top for slug, value in raw.items()}

    def suggest(self, levels: tuple[str, str, str]) -> Suggestion:
        """``levels``: the candidate's text, its sentence, its paragraph."""
        seen: dict[str, float] = {}
        pairs: dict[tuple[str, str], float] = {}
        for text, weight in zip(levels, _LEVELS, strict=True):
            words = content_stems(text)
            for word in words:
                seen[word] = max(seen.get(word, 0.0), weight)
            for pair in itertools.pairwise(words):
                pairs[pair] = max(pairs.get(pair, 0.0), weight)
        scored = []
        for profile in self.profiles:
            in_title = sorted(w for w in profile.title if w in seen)
            in_other = sorted(w for w in profile.other if w in seen)
            score = 2 * sum(self.weight[w] * seen[w] for w in in_title)
            score += 0.6 * sum(self.weight[w] * seen[w] for w in in_other)
            score += _PAIR * sum(weight for pair, weight in pairs.items() if pair in profile.title_pairs)
            score *= 1 + _PRIOR * self.prior.get(profile.policy.slug, 0.0)
            scored.append((score, profile, in_title, in_other))
        scored.sort(key=lambda item: (-item[0], item[1].policy.slug))
        if not scored or scored[0][0] < _MINIMUM_SCORE or len(scored[0][2]) < 2:
            return Suggestion(None, None, "no policy's title, summary or topics share enough words with it")
        score, profile, in_title, in_other = scored[0]
        if len(scored) > 1 and scored[1][0] * _MARGIN > score:
            other = scored[1][1].policy.slug
            return Suggestion(
                None, None, f"as close to {profile.policy.slug} as to {other} (shared words: {', '.join(in_title)})"
            )
        reason = f"{profile.policy.slug}: shares {', '.join(in_title)} with its title"
        if in_other:
            reason += f" and {', '.join(in_other[:6])} with its summary or topics"
        position, why = _position(levels[0])
        return Suggestion(profile.policy.slug, position, f"{reason}; {why}")


def _position(text: str) -> tuple[int | None, str]:
    support = sorted({m.group(0).lower() for m in _SUPPORT.finditer(text)})
    oppose = sorted({m.group(0).lower() for m in _OPPOSE.finditer(text)})
    if support and not oppose:
        return 1, f"position +1 from '{support[0]}' (how strongly is for the editor)"
    if oppose and not support:
        return -1, f"position -1 from '{oppose[0]}' (how strongly is for the editor)"
    if support and oppose:
        return None, "no position: words of both support and opposition"
    return None, "no position: no explicit words of support or opposition"
