"""`positions seed --check`: a strong position (±2) rests on the actor's own words or acts.

Flagged: a ±2 resting only on paraphrase, or only on other people's words about the actor. Not flagged: a direct
quote of the actor, a quote of someone who holds a role in the actor organisation on the day, a reported
action of the actor's own, and any ±1, 0 or mixed/unclear stance. The shipped data has no findings.
"""

import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import yaml

from db.enums import ActorKind, Ambiguity, EvidenceKind
from seeds.check import check_dataset
from seeds.loader import read_dataset
from seeds.schema import SeedActor, SeedDataset, SeedEvidence, SeedRole, SeedStance

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = read_dataset()
STANCE_DAY = date(2025, 5, 15)

DIRECT, PARAPHRASE, ACTION = EvidenceKind.DIRECT_QUOTE, EvidenceKind.PARAPHRASE, EvidenceKind.REPORTED_ACTION


def stance(position: int | None, *evidence: tuple[EvidenceKind, str | None]) -> SeedStance:
    return SeedStance(
        slug="party-on-policy-2025-05-15",
        actor="party",
        policy="policy",
        position=position,
        ambiguity=None if position is not None else Ambiguity.UNCLEAR,
        stated_on=STANCE_DAY,
        summary="A summary.",
        evidence=[
            SeedEvidence(kind=kind, text="Words.", source="source", speaker=speaker) for kind, speaker in evidence
        ],
    )


def dataset(*stances: SeedStance) -> SeedDataset:
    spokesman = SeedActor(
        slug="spokesman",
        name="Spokesman",
        kind=ActorKind.PERSON,
        roles=[SeedRole(title="Spokesman", organisation="party", started_on=date(2024, 1, 1), ended_on=None)],
    )
    former = SeedActor(
        slug="former-spokesman",
        name="Former spokesman",
        kind=ActorKind.PERSON,
        roles=[SeedRole(title="Spokesman", organisation="party", started_on=None, ended_on=date(2024, 12, 31))],
    )
    return SeedDataset(
        sources=[], actors=[spokesman, former], topics=[], policies=[], relations=[], stances=list(stances)
    )


def messages(*stances: SeedStance) -> list[str]:
    return [str(finding) for finding in check_dataset(dataset(*stances))]


def test_the_shipped_data_has_no_findings() -> None:
    assert [str(finding) for finding in check_dataset(SHIPPED)] == []


@pytest.mark.parametrize("position", [2, -2])
def test_a_strong_position_on_paraphrase_only_is_flagged(position: int) -> None:
    (message,) = messages(stance(position, (PARAPHRASE, None), (PARAPHRASE, "spokesman")))
    assert message.startswith("stances.yaml: stance party-on-policy-2025-05-15: ")
    assert f"{position:+d} rests only on paraphrase" in message


def test_a_strong_position_on_someone_elses_words_only_is_flagged() -> None:
    (message,) = messages(stance(2, (DIRECT, "someone-else"), (ACTION, "someone-else"), (PARAPHRASE, "another")))
    assert "+2 rests only on someone else's words about party (another, someone-else)" in message


def test_a_quote_from_someone_who_no_longer_speaks_for_the_actor_is_someone_elses() -> None:
    (message,) = messages(stance(-2, (DIRECT, "former-spokesman")))
    assert "someone else's words about party (former-spokesman)" in message


@pytest.mark.parametrize(
    "evidence",
    [
        [(DIRECT, None)],  # the actor's own words
        [(DIRECT, "spokesman"), (PARAPHRASE, None)],  # someone holding a role in the actor, on the day
        [(ACTION, None), (PARAPHRASE, "someone-else")],  # the actor's own act, as reported
    ],
    ids=["own-quote", "spokesman-quote", "own-action"],
)
def test_a_strong_position_in_the_actors_own_voice_passes(evidence: list[tuple[EvidenceKind, str | None]]) -> None:
    assert messages(stance(2, *evidence)) == []


@pytest.mark.parametrize("position", [1, 0, -1, None])
def test_weaker_positions_may_rest_on_paraphrase(position: int | None) -> None:
    assert messages(stance(position, (PARAPHRASE, "someone-else"))) == []


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    return subprocess.run(
        [sys.executable, "-m", "api.cli", "seed", "--check", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_cli_check_of_the_shipped_data_exits_0_without_a_database_url() -> None:
    result = run_cli()
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""
    assert f"seed check: {len(SHIPPED.stances)} stances, 0 findings" in result.stderr


def test_cli_check_prints_each_finding_and_exits_1(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "seeds" / "data", data)
    document = yaml.safe_load((data / "stances.yaml").read_text(encoding="utf-8"))
    meloni = next(s for s in document["stances"] if s["slug"] == "giorgia-meloni-on-italy-albania-migrant-centres-2024")
    meloni["position"] = 2
    (data / "stances.yaml").write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")

    result = run_cli("--data-dir", str(data))

    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "stances.yaml: stance giorgia-meloni-on-italy-albania-migrant-centres-2024: +2 rests only on paraphrase, "
        "with no direct quote or reported action of giorgia-meloni's own; use ±1, or cite the actor's own words"
    ]
    assert "1 finding" in result.stderr
