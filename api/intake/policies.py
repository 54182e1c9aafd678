"""Which stored policy a candidate is about, and on which side, as suggestions an editor confirms.

A policy is suggested from the words a candidate (with its sentence) shares with the policy's title (weighted
by how distinctive each word is among the titles), summary and topic names; none when nothing matches well. A
position is suggested only from explicit words of support or opposition in the candidate itself, and only as
±1: how strongly is the editor's call.
"""

import math
import re
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
_MINIMUM_SCORE = 4.0


def stem(word: str) -> str:
    """A light stemmer: lower case, possessives and plural endings off ("hubs" → "hub", "Albania's" → "albania")."""
    word = word.lower().replace("\u2019", "'")
    if word.endswith("'s"):
        word = word[:-2]
    for suffix, replacement in (("ies", "y"), ("sses", "ss"), ("es", "e"), ("s", "")):
        if word.endswith(suffix) and len(word) > len(suffix) + 2 and not word.endswith(("ss", "us", "is")):
            return word[: -len(suffix)] + replacement
    return word


def stems(text: str) -> list[str]:
    return [stem(word) for word in _WORD.findall(text)]


def content_stems(text: str) -> set[str]:
    return {stem(word) for word in _WORD.findall(text) if word.lower() not in STOPWORDS and not word.isdigit()}


@dataclass(frozen=True, slots=True)
class Suggestion:
    policy: str | None
    position: int | None
    reason: str


@dataclass(frozen=True, slots=True)
class _Profile:
    policy: KnownPolicy
    title: frozenset[str]
    summary: frozenset[str]
    topics: frozenset[str]
    title_sequence: tuple[str, ...]


class PolicyMatcher:
    def __init__(self, knowledge: Knowledge) -> None:
        self.profiles = [
            _Profile(
                policy,
                frozenset(content_stems(policy.title)),
                frozenset(content_stems(policy.summary)),
                frozenset(content_stems(" ".join(policy.topics))),
                tuple(stems(policy.title)),
            )
            for policy in knowledge.policies
        ]
        count = len(self.profiles) or 1
        frequency: dict[str, int] = {}
        for profile in self.profiles:
            for word in profile.title | profile.summary | profile.topics:
                frequency[word] = frequency.get(word, 0) + 1
        self.weight = {word: math.log((count + 1) / (seen + 0.5)) for word, seen in frequency.items()}

    def names_policy(self, phrase: tuple[str, ...]) -> bool:
        """Whether the words (stemmed) run, in order, through a policy's title: a quoted term, not a quote."""
        length = len(phrase)
        for profile in self.profiles:
            sequence = profile.title_sequence
            if any(sequence[i : i + length] == phrase for i in range(len(sequence) - length + 1)):
                return True
        return False

    def suggest(self, text: str, context: str) -> Suggestion:
        words = content_stems(text) | content_stems(context)
        scored = []
        for profile in self.profiles:
            in_title = sorted(words & profile.title)
            in_rest = sorted((words & (profile.summary | profile.topics)) - profile.title)
            score = 2 * sum(self.weight[w] for w in in_title) + 0.5 * sum(self.weight[w] for w in in_rest)
            scored.append((score, len(in_title), profile, in_title, in_rest))
        scored.sort(key=lambda item: (-item[0], -item[1], item[2].policy.slug))
        if not scored or scored[0][0] < _MINIMUM_SCORE or scored[0][1] < 2:
            return Suggestion(None, None, "no policy's title, summary or topics share enough words with it")
        score, _, profile, in_title, in_rest = scored[0]
        if len(scored) > 1 and scored[1][0] >= 0.9 * score:
            other = scored[1][2].policy.slug
            return Suggestion(
                None, None, f"as close to {profile.policy.slug} as to {other} (shared words: {', '.join(in_title)})"
            )
        reason = f"{profile.policy.slug}: shares {', '.join(in_title)} with its title"
        if in_rest:
            reason += f" and {', '.join(in_rest[:6])} with its summary or topics"
        position, why = _position(text)
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
