"""A bounded soak of mixed requests (reads and writes) against a local server, sampling its memory.

    positions keys create --name soak --scope admin > /tmp/soak-key       # against the server's database
    POSITIONS_WRITE_RATE_LIMIT=1000000 positions serve --workers 2 --port 8000 &
    python -m bench.soak --base http://127.0.0.1:8000 --seconds 600 --requests 120000 \\
        --server-pid "$(pgrep -f 'positions serve')" --key-file /tmp/soak-key

Only ever talks to 127.0.0.1, and stops at ``--seconds`` or ``--requests``, whichever comes first. Prints one
line per sample: elapsed seconds, requests sent, status counts and the resident set size (MB) of each
sampled process and their sum. ``--server-pid`` samples granian's main process and its workers (its
children); ``--pids`` names processes directly.

The mix is like the outside review's: lists with varied filters and ``as_recorded``, searches, comparisons
over varied actor and policy lists (so many distinct statement texts reach the database), CSV, timelines,
conditional GETs answered 304, 404s and 400s, and, with a key, writes: stances created with evidence (a
share of them sent again with the same ``Idempotency-Key``) and corrected with ``If-Match``. The key's rate
limit must be raised for the writes to pass (``POSITIONS_WRITE_RATE_LIMIT``).
"""

import argparse
import asyncio
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

WORDS = ["rama", "starmr", "Sir Keir", "return hubs", "Rwanda", "Durres", "families", "marriage with Italy", "zzz"]


def a_day(rng: random.Random) -> str:
    return (date(2024, 1, 1) + timedelta(days=rng.randrange(700))).isoformat()


def a_moment(rng: random.Random) -> str:
    return f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:00:00Z"


@dataclass
class Catalogue:
    """What the server holds, read once at the start: the slugs the requests pick from."""

    actors: list[str]
    policies: list[str]
    topics: list[str]
    sources: list[str]
    quotes: list[tuple[str, str]]  # (text, source slug) of direct quotes: valid evidence for new stances
    created: list[str] = field(default_factory=list)  # stances this soak created, to correct and read
    etags: dict[str, str] = field(default_factory=dict)  # path -> ETag, for conditional GETs


async def catalogue(client: httpx.AsyncClient) -> Catalogue:
    async def slugs(path: str) -> list[str]:
        return [item["slug"] for item in (await client.get(path)).json()["items"]]

    evidence = (await client.get("/v1/evidence?limit=100&kind=direct_quote")).json()["items"]
    return Catalogue(
        actors=await slugs("/v1/actors?limit=100"),
        policies=await slugs("/v1/policies?limit=100"),
        topics=await slugs("/v1/topics"),
        sources=await slugs("/v1/sources?limit=100"),
        quotes=[(item["text"], item["source"]["slug"]) for item in evidence],
    )


def a_read(rng: random.Random, cat: Catalogue) -> str:
    """Lists with varied filters, searches, comparisons (JSON and CSV), timelines, 404s and 400s."""
    actors = ",".join(rng.sample(cat.actors, rng.randint(2, min(10, len(cat.actors)))))
    policies = ",".join(rng.sample(cat.policies, rng.randint(1, len(cat.policies))))
    recorded = f"&as_recorded={a_moment(rng)}" if rng.random() < 0.3 else ""
    choices = [
        f"/v1/actors?q={rng.choice(WORDS)}",
        f"/v1/actors?limit={rng.randint(1, 100)}{recorded}",
        f"/v1/stances?q={rng.choice(WORDS)}&limit={rng.randint(1, 100)}",
        f"/v1/stances?actor={rng.choice(cat.actors)}&stated_from={a_day(rng)}{recorded}",
        f"/v1/stances?policy={rng.choice(cat.policies)}&include_retracted={rng.choice(['true', 'false'])}",
        f"/v1/stances?topic={rng.choice(cat.topics)}&stated_to={a_day(rng)}&limit={rng.randint(1, 100)}",
        f"/v1/evidence?actor={rng.choice(cat.actors)}{recorded}",
        f"/v1/evidence?source={rng.choice(cat.sources)}&kind={rng.choice(['direct_quote', 'paraphrase'])}",
        f"/v1/sources?published_from={a_day(rng)}",
        f"/v1/compare/actors?actors={actors}&as_of={a_day(rng)}{recorded}",
        f"/v1/compare/actors?actors={actors}&as_of={a_day(rng)}&policies={policies}",
        f"/v1/compare/actors?actors={actors}&topic={rng.choice(cat.topics)}&format=csv",
        f"/v1/compare/dates?actor={rng.choice(cat.actors)}&from=2024-07-05&to={a_day(rng)}&policies={policies}",
        f"/v1/compare/dates?actor={rng.choice(cat.actors)}&from=2024-01-01&to={a_day(rng)}{recorded}",
        f"/v1/policies/{rng.choice(cat.policies)}/timeline",
        f"/v1/policies/{rng.choice(cat.policies)}/positions?as_of={a_day(rng)}{recorded}",
        f"/v1/policies/{rng.choice(cat.policies)}/changes?from=2024-07-05&to={a_day(rng)}",
        f"/v1/stances?as_recorded={a_moment(rng)}",
        f"/v1/changes?limit={rng.randint(1, 100)}",
        f"/v1/actors/no-such-actor-{rng.randrange(10**9)}",
        f"/v1/stances?limit={rng.randint(101, 10**6)}",
        f"/v1/compare/actors?actors={rng.choice(cat.actors)},unknown-{rng.randrange(10**9)}",
    ]
    if cat.created:
        choices.append(f"/v1/stances/{rng.choice(cat.created)}/history")
    return rng.choice(choices)


async def a_write(client: httpx.AsyncClient, rng: random.Random, cat: Catalogue, key: str, seq: int) -> list[int]:
    """A stance created (and a third of the time sent again with its Idempotency-Key), or one corrected."""
    auth = {"Authorization": f"Bearer {key}"}
    if cat.created and rng.random() < 0.5:
        slug = rng.choice(cat.created)
        current = await client.get(f"/v1/stances/{slug}")
        change: dict[str, Any] = {"summary": f"Corrected by the soak, revision {rng.randrange(10**9)}."}
        if rng.random() < 0.5:
            change["position"] = rng.randint(-2, 2)
        etag = current.headers.get("etag", '"none"')
        patched = await client.patch(f"/v1/stances/{slug}", json=change, headers={**auth, "If-Match": etag})
        return [current.status_code, patched.status_code]
    text, source = rng.choice(cat.quotes)
    actor, policy = rng.choice(cat.actors), rng.choice(cat.policies)
    slug = f"{actor}-on-{policy}-soak-{seq}"[:120]
    body = {
        "slug": slug,
        "actor": actor,
        "policy": policy,
        "position": rng.choice([-2, -1, 0, 1, 2]),
        "stated_on": a_day(rng),
        "summary": f"A stance written by the soak ({seq}).",
        "evidence": [{"kind": "direct_quote", "text": text, "source": source}],
    }
    headers = {**auth, "Idempotency-Key": f"soak-{seq}-{rng.randrange(10**9)}"}
    statuses = [(await client.post("/v1/stances", json=body, headers=headers)).status_code]
    if rng.random() < 0.33:
        statuses.append((await client.post("/v1/stances", json=body, headers=headers)).status_code)
    if statuses[0] == 201:
        cat.created.append(slug)
    return statuses


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except FileNotFoundError:
        pass
    return 0.0


def server_pids(parent: int) -> list[int]:
    """The parent and its children (granian's workers)."""
    children = {
        int(pid) for task in Path(f"/proc/{parent}/task").iterdir() for pid in (task / "children").read_text().split()
    }
    return [parent, *sorted(children)]


async def soak(args: argparse.Namespace, pids: list[int], key: str | None) -> None:
    if urlsplit(args.base).hostname not in {"127.0.0.1", "localhost"}:
        raise SystemExit("the soak only runs against 127.0.0.1")
    statuses: Counter[int] = Counter()
    sent = 0
    started = time.monotonic()
    deadline = started + args.seconds
    budget: int = args.requests
    async with httpx.AsyncClient(base_url=args.base, timeout=30) as client:
        cat = await catalogue(client)

    def more() -> bool:
        return time.monotonic() < deadline and sent < budget

    async def worker(seed: int) -> None:
        nonlocal sent
        rng = random.Random(seed)
        async with httpx.AsyncClient(base_url=args.base, timeout=30) as client:
            while more():
                try:
                    if key is not None and rng.random() < args.writes:
                        codes = await a_write(client, rng, cat, key, seed * 10**7 + sent)
                    else:
                        path = a_read(rng, cat)
                        etag = cat.etags.get(path)
                        response = await client.get(path, headers={"If-None-Match": etag} if etag else {})
                        if "etag" in response.headers and len(cat.etags) < 5000 and rng.random() < 0.5:
                            cat.etags[path] = response.headers["etag"]
                        codes = [response.status_code]
                        if rng.random() < 0.2 and cat.etags:  # a revalidation of something seen before
                            seen, tag = rng.choice(list(cat.etags.items()))
                            codes.append((await client.get(seen, headers={"If-None-Match": tag})).status_code)
                except httpx.TransportError:
                    codes = [0]
                statuses.update(codes)
                sent += len(codes)

    def line(suffix: str = "") -> str:
        memory = [rss_mb(pid) for pid in pids]
        each = " ".join(f"{mb:.1f}" for mb in memory)
        elapsed = time.monotonic() - started
        codes = dict(sorted(statuses.items()))
        return f"{elapsed:6.0f}s {sent:8d} requests {codes} rss_mb {each} = {sum(memory):.1f}{suffix}"

    async def sampler() -> None:
        while more():
            print(line(), flush=True)
            await asyncio.sleep(args.every)

    await asyncio.gather(sampler(), *(worker(seed) for seed in range(args.concurrency)))
    print(line(" (end)"), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--requests", type=int, default=200_000, help="stop after this many requests")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--server-pid", type=int, help="granian's main process: sample it and its workers")
    parser.add_argument("--pids", default="", help="comma-separated pids to sample instead")
    parser.add_argument("--every", type=float, default=15)
    parser.add_argument("--key-file", help="a file holding an editor or admin key: also send writes")
    parser.add_argument("--writes", type=float, default=0.1, help="share of operations that write (with a key)")
    args = parser.parse_args()
    pids = server_pids(args.server_pid) if args.server_pid else [int(pid) for pid in args.pids.split(",") if pid]
    key = Path(args.key_file).read_text().strip() if args.key_file else None
    asyncio.run(soak(args, pids, key))


if __name__ == "__main__":
    main()
