"""Import rate: a generated bundle of N stances (one piece of evidence each) loaded into an empty database,
then a second bundle of N other stances into the database that now holds N, then the first bundle again
(every record unchanged).

    .venv/bin/python -m bench.import_rate --stances 100000 --database-url postgresql://postgres@/postgres?host=...

It creates (and drops first) the database ``positions_import_bench`` on that server, migrates it, writes the
bundles to ``bench/results/import-<N>-<words>w[-b].jsonl`` and prints, for each load, the wall time of the
import (its transaction committed: stances, evidence, revisions, indexes and the data version) and stances/s,
then times a few full-text searches (``q=``'s conditions) on the loaded database.
"""

import argparse
import asyncio
import random
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import msgspec

from api.imports.jobs import import_now
from api.migrations import upgrade_to_head
from db.engine import asyncpg_url, plain_url

WORDS = [
    "return",
    "hubs",
    "asylum",
    "seekers",
    "albania",
    "government",
    "policy",
    "minister",
    "border",
    "levy",
    "scheme",
    "talks",
    "deal",
]
RESULTS = Path(__file__).resolve().parent / "results"


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def write_bundle(path: Path, stances: int, actors: int, policies: int, words: int, prefix: str = "") -> None:
    rng = random.Random(7 + len(prefix))
    encode = msgspec.json.encode
    with path.open("wb") as out:
        out.write(encode({"type": "topic", "slug": "bench", "name": "Bench"}) + b"\n")
        for a in range(actors):
            out.write(encode({"type": "actor", "slug": f"actor-{a}", "name": f"Actor {a}", "kind": "person"}) + b"\n")
        for p in range(policies):
            policy = {"type": "policy", "slug": f"policy-{p}", "title": f"Policy {p}", "jurisdiction": "GB"}
            out.write(encode(policy) + b"\n")
        for s in range(100):
            source = {"type": "source", "slug": f"source-{s}", "kind": "news_article", "title": f"Source {s}",
                      "published_on": "2025-12-31"}  # fmt: skip
            out.write(encode(source) + b"\n")
        for i in range(stances):
            position = rng.randint(-2, 2)
            stance = {
                "type": "stance", "slug": f"stance-{prefix}{i}", "actor": f"actor-{rng.randrange(actors)}",
                "policy": f"policy-{rng.randrange(policies)}", "position": position,
                "stated_on": f"20{rng.randint(10, 24)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
                "summary": _text(rng, words),
                "evidence": [
                    {"kind": "direct_quote", "text": _text(rng, words), "source": f"source-{rng.randrange(100)}"}
                ],
            }  # fmt: skip
            out.write(encode(stance) + b"\n")


async def _load(url: str, path: Path) -> tuple[float, dict[str, object]]:
    """Seconds to import, and the stance counts."""
    conn = await asyncpg.connect(plain_url(url))
    try:
        started = time.perf_counter()
        report = await import_now(conn, path, author="bench", key_id=None, admin=True)
        return time.perf_counter() - started, msgspec.to_builtins(report.counts)["stance"]
    finally:
        await conn.close()


SEARCHES = ("border levy", '"return hubs"', "asylum -deal")


async def _search_times(url: str) -> list[tuple[str, str, float, int]]:
    """(table, query, best of five ms, rows) for stance summaries and evidence texts, as ``q=`` searches them."""
    conn = await asyncpg.connect(plain_url(url))
    try:
        await conn.execute("ANALYZE stance, evidence")
        timings = []
        for table in ("stance", "evidence"):
            condition = "t.search_vector @@ q"
            for query in SEARCHES:
                sql = (
                    f"SELECT count(*) FROM (SELECT t.id FROM {table} AS t, websearch_to_tsquery('positions', $1) AS q "
                    f"WHERE {condition} ORDER BY t.id LIMIT 100) AS page"
                )
                best, rows = float("inf"), 0
                for _ in range(5):
                    started = time.perf_counter()
                    rows = await conn.fetchval(sql, query)
                    best = min(best, time.perf_counter() - started)
                timings.append((table, query, best * 1000, rows))
        return timings
    finally:
        await conn.close()


async def _recreate(server: str, name: str) -> str:
    conn = await asyncpg.connect(plain_url(server))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return urlunsplit(urlsplit(asyncpg_url(server))._replace(path="/" + name))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stances", type=int, default=100_000)
    parser.add_argument("--actors", type=int, default=2_000)
    parser.add_argument("--policies", type=int, default=200)
    parser.add_argument("--words", type=int, default=20, help="words per summary and per quote")
    parser.add_argument("--database-url", required=True)
    args = parser.parse_args()
    RESULTS.mkdir(exist_ok=True)
    first = RESULTS / f"import-{args.stances}-{args.words}w.jsonl"
    second = RESULTS / f"import-{args.stances}-{args.words}w-b.jsonl"
    for path, prefix in ((first, ""), (second, "b-")):
        if not path.exists():
            started = time.perf_counter()
            write_bundle(path, args.stances, args.actors, args.policies, args.words, prefix)
            print(f"bundle: {path} ({path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - started:.1f} s")
    url = asyncio.run(_recreate(args.database_url, "positions_import_bench"))
    upgrade_to_head(url)
    loads = (
        ("into an empty database", first),
        (f"{args.stances:,} other stances, into the database holding {args.stances:,}", second),
        ("the first bundle again (all unchanged)", first),
    )
    for label, path in loads:
        imported, counts = asyncio.run(_load(url, path))
        print(f"{label}: {imported:.1f} s, {args.stances / imported:,.0f} stances/s; stances {counts}", flush=True)
    for table, query, ms, rows in asyncio.run(_search_times(url)):
        print(f"search {table} for {query!r}: {ms:.1f} ms (first {rows} of the matches)")


if __name__ == "__main__":
    main()
