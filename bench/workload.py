"""The requests a run sends: random comparisons pre-generated into files, and the checks made on them
before measuring."""

import argparse
import json
import random
import urllib.error
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, NamedTuple

from bench.data import FIRST_DAY, LAST_DAY, Shape
from bench.servers import (
    LOG_DIR,
    Server,
)


@dataclass(frozen=True, slots=True)
class Requests:
    actors: list[str]  # /v1/compare/actors?actors=a,b&as_of=...
    dates: list[str]  # /v1/compare/dates?actor=a&from=...&to=...


def random_day(rng: random.Random) -> date:
    """A day in the last three quarters of the data's span (earlier days have little history)."""
    span = (LAST_DAY - FIRST_DAY).days
    return FIRST_DAY + timedelta(days=rng.randrange(span // 4, span + 1))


def make_requests(shape: Shape, count: int, seed: int) -> Requests:
    rng = random.Random(seed)
    actors, dates = [], []
    for _ in range(count):
        first, second = rng.sample(range(1, shape.actors + 1), 2)
        actors.append(f"/v1/compare/actors?actors=actor-{first},actor-{second}&as_of={random_day(rng).isoformat()}")
        start, end = sorted((random_day(rng), random_day(rng)))
        dates.append(
            f"/v1/compare/dates?actor=actor-{rng.randrange(1, shape.actors + 1)}&from={start.isoformat()}"
            f"&to={end.isoformat()}"
        )
    return Requests(actors, dates)


def write_lines(name: str, lines: list[str]) -> Path:
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    slug = "".join(c if c.isalnum() else "-" for c in name)
    path = LOG_DIR / f"requests-{slug}.txt"
    path.write_text("\n".join(lines) + "\n")
    return path


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def fetch_etags(server: Server, paths: list[str]) -> list[str]:
    """``path<TAB>etag`` lines: the ETag each request answers now, for the 304 scenario."""

    def one(path: str) -> str:
        status, headers, _ = fetch(server.base_url + path)
        if status != 200 or "etag" not in {key.lower() for key in headers}:
            raise RuntimeError(f"{path}: status {status} without an ETag")
        etag = next(value for key, value in headers.items() if key.lower() == "etag")
        return f"{path}\t{etag}"

    with ThreadPoolExecutor(max_workers=8) as pool:
        lines = list(pool.map(one, paths))
    status, _, _ = fetch(server.base_url + paths[0], {"If-None-Match": lines[0].split("\t")[1]})
    if status != 304:
        raise RuntimeError(f"If-None-Match with the current ETag answered {status}, not 304")
    return lines


EvidenceKey = tuple[str, str, str | None]
"""A piece of evidence: its slug, its text, its source's slug."""


class StanceContent(NamedTuple):
    actor: str
    policy: str
    position: int | None
    stated_on: str
    evidence: tuple[EvidenceKey, ...]  # sorted


Content = dict[str, StanceContent]
"""What an answer says, read the same way from every server's shape: its stances by slug."""


def app_content(answer: dict[str, Any]) -> Content:
    """The stances and evidence of the app's compare/actors answer (rows by policy, positions by actor)."""
    content: Content = {}
    for row in answer["rows"]:
        for position in row["positions"]:
            stance = position["stance"]
            if stance is None:
                continue
            evidence = sorted((e["slug"], e["text"], e["source"]["slug"]) for e in stance["evidence"])
            content[stance["slug"]] = StanceContent(
                position["actor"],
                row["policy"]["slug"],
                stance["position"],
                stance["stated_on"],
                tuple(evidence),
            )
    return content


def lean_content(rows: list[dict[str, Any]]) -> Content:
    """The same from the lean reference's flat rows (one per stance and piece of evidence)."""
    stances: dict[str, tuple[str, str, int | None, str]] = {}
    evidence: dict[str, list[EvidenceKey]] = {}
    for row in rows:
        if row["slug"] is None:  # an actor with no stance as of the day: one row, no stance
            continue
        stances[row["slug"]] = (row["actor_slug"], row["policy_slug"], row["position"], row["stated_on"])
        items = evidence.setdefault(row["slug"], [])
        if row["evidence_slug"] is not None:
            items.append((row["evidence_slug"], row["evidence_text"], row["source_slug"]))
    return {slug: StanceContent(*head, tuple(sorted(evidence[slug]))) for slug, head in stances.items()}


def fastapi_content(answer: dict[str, Any]) -> Content:
    """The same from the FastAPI reference's answer (stances with their evidence)."""
    content: Content = {}
    for stance in answer["stances"]:
        evidence = sorted((e["slug"], e["text"], e["source"] and e["source"]["slug"]) for e in stance["evidence"])
        content[stance["slug"]] = StanceContent(
            stance["actor"]["slug"],
            stance["policy"]["slug"],
            stance["position"],
            stance["stated_on"],
            tuple(evidence),
        )
    return content


CONTENT_OF: dict[str, Callable[[Any], Content]] = {
    "project": app_content,
    "reference": lean_content,
    "fastapi": fastapi_content,
}
"""How to read each server's answer, by server name."""


def first_difference(expected: Content, got: Content) -> str | None:
    """None when both say the same, else a short description of the first difference."""
    if expected == got:
        return None
    missing, extra = sorted(expected.keys() - got.keys()), sorted(got.keys() - expected.keys())
    if missing or extra:
        return f"stances missing {missing[:3]}, extra {extra[:3]}"
    slug = next(slug for slug in sorted(expected) if expected[slug] != got[slug])
    return f"stance {slug}: {expected[slug]!r} against {got[slug]!r}"


def check_same_data(servers: list[Server], paths: list[str]) -> str:
    """Every server must return the same stances and evidence for each request; the first server is the yardstick.

    Raises ``RuntimeError`` naming the request and the first difference otherwise."""
    stances = evidence = 0
    for path in paths:
        answers = []
        for server in servers:
            status, _, body = fetch(server.base_url + path)
            if status != 200:
                raise RuntimeError(f"{server.name} answered {status} to {path}")
            answers.append(CONTENT_OF[server.name](json.loads(body)))
        for server, content in zip(servers[1:], answers[1:], strict=True):
            difference = first_difference(answers[0], content)
            if difference is not None:
                raise RuntimeError(f"{servers[0].name} and {server.name} disagree on {path}: {difference}")
        stances += len(answers[0])
        evidence += sum(len(stance.evidence) for stance in answers[0].values())
    names = ", ".join(server.name for server in servers)
    return f"{len(paths)} requests, {stances} stances, {evidence} pieces of evidence, the same in {names}"


def shape_from_args(args: argparse.Namespace) -> Shape:
    """The synthetic data's shape as the command line asks for it."""
    return Shape(
        stances=args.stances,
        actors=args.actors,
        policies=args.policies,
        sources=args.sources,
        summary_words=args.summary_words,
        evidence_words=args.evidence_words,
        seed=args.seed,
    )
