"""The requests a run sends: random comparisons pre-generated into files, and the checks made on them
before measuring."""

import argparse
import json
import random
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

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


def check_same_data(project: Server, reference: Server, path: str) -> str:
    """The project and the reference must return the same stances and evidence for the same request."""
    _, _, body = fetch(project.base_url + path)
    answer = json.loads(body)
    stances = {p["stance"]["slug"] for row in answer["rows"] for p in row["positions"] if p["stance"]}
    evidence = {
        e["slug"] for row in answer["rows"] for p in row["positions"] if p["stance"] for e in p["stance"]["evidence"]
    }
    _, _, body = fetch(reference.base_url + path)
    rows = json.loads(body)
    ref_stances = {row["slug"] for row in rows if row["slug"]}  # an actor without stances: one row, no stance
    ref_evidence = {row["evidence_slug"] for row in rows if row["evidence_slug"]}
    if stances != ref_stances or evidence != ref_evidence:
        raise RuntimeError(f"project and reference disagree on {path}")
    return f"{len(stances)} stances, {len(evidence)} pieces of evidence in both"


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
