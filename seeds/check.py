"""Editorial checks on the seed data that a schema cannot express (``positions seed --check``).

A strong position (±2) must rest on the actor's own voice: a direct quote of the actor's own words
(evidence with no ``speaker``, which means the stance's actor spoke, or a speaker who speaks for the actor:
someone holding a role in the actor organisation on the day of the stance, like a party's spokesman), or a
reported action of the actor's own (no ``speaker``: the actor did it, e.g. scrapped a scheme or signed a
deal). A ±2 resting only on paraphrase, or only on other people's words about the actor, overstates its
evidence: it is a finding.
"""

from dataclasses import dataclass
from datetime import date

from db.enums import EvidenceKind
from seeds.schema import SeedActor, SeedDataset, SeedEvidence, SeedStance


@dataclass(frozen=True, slots=True)
class Finding:
    file: str
    record: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.record}: {self.message}"


def _spokespeople(actors: list[SeedActor]) -> dict[str, list[tuple[str, date | None, date | None]]]:
    """For each organisation actor, who holds a role in it and when: (person, started_on, ended_on)."""
    holders: dict[str, list[tuple[str, date | None, date | None]]] = {}
    for actor in actors:
        for role in actor.roles:
            if role.organisation is not None:
                holders.setdefault(role.organisation, []).append((actor.slug, role.started_on, role.ended_on))
    return holders


def _speaks_for(
    speaker: str, actor: str, on: date, holders: dict[str, list[tuple[str, date | None, date | None]]]
) -> bool:
    return any(
        person == speaker and (start is None or start <= on) and (end is None or on <= end)
        for person, start, end in holders.get(actor, [])
    )


def _own_voice(
    stance: SeedStance, evidence: SeedEvidence, holders: dict[str, list[tuple[str, date | None, date | None]]]
) -> bool:
    """Is this evidence the stance actor's own words or act (not a paraphrase, not someone else's words)?"""
    if evidence.kind is EvidenceKind.PARAPHRASE:
        return False
    if evidence.speaker is None or evidence.speaker == stance.actor:
        return True
    return evidence.kind is EvidenceKind.DIRECT_QUOTE and _speaks_for(
        evidence.speaker, stance.actor, stance.stated_on, holders
    )


def _others_only(
    stance: SeedStance, holders: dict[str, list[tuple[str, date | None, date | None]]]
) -> list[str] | None:
    """The other speakers when every piece of evidence is someone else's words about the actor, else None."""
    speakers = [e.speaker for e in stance.evidence]
    if any(s is None or s == stance.actor or _speaks_for(s, stance.actor, stance.stated_on, holders) for s in speakers):
        return None
    return sorted({s for s in speakers if s is not None})


def strong_positions_without_own_voice(data: SeedDataset) -> list[Finding]:
    """Every ±2 stance with no evidence in its actor's own voice, saying what it rests on instead."""
    holders = _spokespeople(data.actors)
    findings: list[Finding] = []
    for stance in data.stances:
        if stance.position is None or abs(stance.position) != 2:
            continue
        if any(_own_voice(stance, evidence, holders) for evidence in stance.evidence):
            continue
        others = _others_only(stance, holders)
        if others:
            speakers = ", ".join(others)
            message = f"{stance.position:+d} rests only on someone else's words about {stance.actor} ({speakers})"
        else:
            kinds = sorted({e.kind.value for e in stance.evidence})
            message = (
                f"{stance.position:+d} rests only on {' and '.join(kinds)}, with no direct quote or reported action "
                f"of {stance.actor}'s own"
            )
        findings.append(
            Finding("stances.yaml", f"stance {stance.slug}", message + "; use ±1, or cite the actor's own words")
        )
    return findings


def check_dataset(data: SeedDataset) -> list[Finding]:
    """Every finding on a dataset that has already passed ``read_dataset``'s structural checks."""
    return strong_positions_without_own_voice(data)
