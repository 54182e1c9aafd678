"""A bounded soak of mixed requests against a local server, sampling the server processes' memory.

    python3 -m uv run python -m bench.soak --base http://127.0.0.1:8000 --seconds 300 --pids 1234,1235

Only ever talks to 127.0.0.1. Prints one line per sample: elapsed seconds, requests sent, status counts and
the resident set size (MB) of each given process (the granian workers: ``pgrep -P <granian pid>``).
"""

import argparse
import asyncio
import random
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import httpx

ACTORS = ["edi-rama", "keir-starmer", "chris-philp", "downing-street", "giorgia-meloni", "shabana-mahmood"]
POLICIES = ["uk-return-hubs", "uk-rwanda-scheme", "uk-offshoring-asylum-seekers", "italy-albania-migrant-centres"]
WORDS = ["rama", "starmr", "Sir Keir", "return hubs", "Rwanda", "Durres", "families", "marriage with Italy", "zzz"]


def a_day(rng: random.Random) -> str:
    return (date(2024, 1, 1) + timedelta(days=rng.randrange(700))).isoformat()


def a_path(rng: random.Random) -> str:
    """A mix like the review's soak: lists, searches, comparisons (JSON and CSV), timelines, 404s and 400s."""
    pair = ",".join(rng.sample(ACTORS, rng.choice([2, 2, 3])))
    choices = [
        f"/v1/actors?q={rng.choice(WORDS)}",
        "/v1/actors",
        f"/v1/stances?q={rng.choice(WORDS)}&limit={rng.randint(1, 100)}",
        f"/v1/evidence?actor={rng.choice(ACTORS)}",
        f"/v1/compare/actors?actors={pair}&as_of={a_day(rng)}",
        f"/v1/compare/actors?actors={pair}&as_of={a_day(rng)}&format=csv",
        f"/v1/compare/dates?actor={rng.choice(ACTORS)}&from=2024-07-05&to={a_day(rng)}",
        f"/v1/policies/{rng.choice(POLICIES)}/timeline",
        f"/v1/policies/{rng.choice(POLICIES)}/positions?as_of={a_day(rng)}",
        f"/v1/stances?as_recorded=2025-0{rng.randint(1, 9)}-01T00:00:00Z",
        f"/v1/actors/no-such-actor-{rng.randrange(10**9)}",
        f"/v1/stances?limit={rng.randint(101, 10**6)}",
        f"/v1/changes?limit={rng.randint(1, 100)}",
        f"/v1/compare/actors?actors=edi-rama,unknown-{rng.randrange(10**9)}",
    ]
    return rng.choice(choices)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def soak(base: str, seconds: float, concurrency: int, pids: list[int], every: float) -> None:
    if urlsplit(base).hostname not in {"127.0.0.1", "localhost"}:
        raise SystemExit("the soak only runs against 127.0.0.1")
    statuses: Counter[int] = Counter()
    sent = 0
    started = time.monotonic()
    deadline = started + seconds

    async def worker(seed: int) -> None:
        nonlocal sent
        rng = random.Random(seed)
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            while time.monotonic() < deadline:
                try:
                    statuses[(await client.get(a_path(rng))).status_code] += 1
                except httpx.TransportError:
                    statuses[0] += 1
                sent += 1

    async def sampler() -> None:
        while time.monotonic() < deadline:
            memory = " ".join(f"{rss_mb(pid):.1f}" for pid in pids)
            print(f"{time.monotonic() - started:6.0f}s {sent:8d} requests {dict(statuses)} rss_mb {memory}", flush=True)
            await asyncio.sleep(every)

    await asyncio.gather(sampler(), *(worker(seed) for seed in range(concurrency)))
    memory = " ".join(f"{rss_mb(pid):.1f}" for pid in pids)
    print(f"{time.monotonic() - started:6.0f}s {sent:8d} requests {dict(statuses)} rss_mb {memory} (end)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--pids", default="", help="comma-separated server worker pids to sample")
    parser.add_argument("--every", type=float, default=15)
    args = parser.parse_args()
    pids = [int(pid) for pid in args.pids.split(",") if pid]
    asyncio.run(soak(args.base, args.seconds, args.concurrency, pids, args.every))


if __name__ == "__main__":
    main()
