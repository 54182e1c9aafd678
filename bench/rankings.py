"""Rankings and party roll-ups at scale: the alignment list of one actor, a policy's ranked positions, party
comparisons and positions grouped by party, computed as the app
computes them (its own query, matrix and build functions over one asyncpg connection), beside the pairwise
comparison they summarise, on the bench dataset (default 1,000,000 stances, 2,000 actors, 200 policies). The
alignment list is timed in its two parts: the position matrix (built once per data version and day, by the first
request after a write) and the list from the kept matrix (every other request).

    python3 -m uv run python -m bench.rankings [--stances N] [--repeat 20] [--reuse] [--database-url URL]

Without ``--database-url`` it starts (or reuses) the embedded cluster in ``.pgdata-bench/``, tuned as
``bench.cluster`` says, and prewarms it. Prints, per operation, the median and p95 milliseconds over
``--repeat`` different actors or policies (each computed afresh: these are the uncached costs; a repeated
request is served from the response cache, see ``bench/README.md``), and how many rows each answer holds.
"""

import argparse
import asyncio
import random
import statistics
import time
from collections.abc import Awaitable, Callable

import asyncpg

from api.comparisons import build, queries
from api.comparisons.position_matrix import PositionMatrices, load_matrix
from api.comparisons.schemas import PositionOrder
from api.refs import PolicyRef
from bench.cluster import prepare_database, prewarm, server_url_for
from bench.data import LAST_DAY, Shape
from db.engine import plain_url

DATABASE = "positions_bench_rankings"


async def timed(repeat: int, make: Callable[[int], Awaitable[int]]) -> tuple[float, float, float]:
    """Median and p95 milliseconds of ``make(i)`` for i in range(repeat), and the mean size it returns."""
    times, sizes = [], []
    for i in range(repeat):
        started = time.perf_counter()
        sizes.append(await make(i))
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return statistics.median(times), p95, statistics.mean(sizes)


async def add_party_memberships(connection: asyncpg.Connection) -> int:
    """The bench data has party actors but no memberships: make every person a member of one party (by id), once."""
    await connection.execute(
        """
        INSERT INTO actor_role (actor_id, title, organisation_id)
        SELECT person.id, 'Member', party.id
        FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM actor WHERE kind = 'person') person
        JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n, count(*) OVER () AS parties
              FROM actor WHERE kind = 'party') party ON party.n = person.n % party.parties
        WHERE NOT EXISTS (SELECT 1 FROM actor_role WHERE title = 'Member')
        """
    )
    count: int = await connection.fetchval("SELECT count(*) FROM actor_role WHERE title = 'Member'")
    return count


async def run(url: str, repeat: int) -> None:
    connection = await asyncpg.connect(plain_url(url))
    try:
        rng = random.Random(7)
        actors = [row["id"] for row in await connection.fetch("SELECT id FROM actor ORDER BY id")]
        policies = [row["id"] for row in await connection.fetch("SELECT id FROM policy ORDER BY id")]
        stances = await connection.fetchval("SELECT count(*) FROM stance")
        chosen_actors = rng.sample(actors, repeat + 1)
        chosen_policies = rng.sample(policies, min(repeat, len(policies)))
        memberships = await add_party_memberships(connection)
        print(f"{stances:,} stances, {len(actors):,} actors, {len(policies):,} policies; as of {LAST_DAY}")
        print(f"{memberships:,} party memberships (every person a member of one party)")
        print(f"{'operation':<58} {'median ms':>10} {'p95 ms':>8} {'rows':>8}")

        matrices = PositionMatrices(kept=1)

        async def matrix(i: int) -> int:
            """The first alignment request after a write: the matrix of every actor's positions, built afresh."""
            built = await load_matrix(connection, LAST_DAY)
            return len(built.rows) * len(built.policy_index)

        async def alignment(i: int) -> int:
            """Every later request: arithmetic over the kept matrix, then the two ranked lists."""
            actor_id = chosen_actors[i]
            kept = await matrices.get(connection, 1, LAST_DAY)
            found = kept.alignments(actor_id, kind=None, min_shared=2)
            ranked = build.rank_alignments(found, 10)
            listed = {actor_id} | {item.actor_id for items in ranked for item in items}
            evidence = await queries.evidence_counts(connection, kept.stance_ids(listed))
            answer = build.actor_alignment(
                kept.actors[actor_id],
                LAST_DAY,
                ranked,
                lambda item: kept.pair_strength(actor_id, item.actor_id, evidence),
                actors_compared=len(found),
                min_shared=2,
            )
            return answer.actors_compared

        async def ranked(i: int) -> int:
            policy_id = chosen_policies[i % len(chosen_policies)]
            found = await queries.effective_stances(connection, [LAST_DAY], policy_ids=[policy_id])
            policy = PolicyRef(slug=str(policy_id), title="")
            positions = build.policy_positions(policy, {policy_id: policy}, LAST_DAY, found)
            return len(build.rank_positions(positions, PositionOrder.STRONGEST_SUPPORT).positions)

        parties = [row["id"] for row in await connection.fetch("SELECT id FROM actor WHERE kind = 'party' ORDER BY id")]

        def compare_parties(count: int) -> Callable[[int], Awaitable[int]]:
            async def run_one(i: int) -> int:
                chosen = rng.sample(parties, count)
                found_parties = await queries.party_members(connection, chosen, LAST_DAY)
                members = {m for group in found_parties.members.values() for m in group}
                positions = await queries.member_positions(connection, LAST_DAY, sorted(members))
                own = await queries.effective_stances(connection, [LAST_DAY], actor_ids=list(found_parties.refs))
                return len(build.party_comparison(LAST_DAY, found_parties, positions, own).rows)

            return run_one

        async def grouped(i: int) -> int:
            policy_id = chosen_policies[i % len(chosen_policies)]
            found = await queries.effective_stances(connection, [LAST_DAY], policy_ids=[policy_id])
            everyone = await queries.party_members(connection, None, LAST_DAY)
            rows = build.party_rows(everyone, LAST_DAY, found.policies, found.stances, found.stances)
            return len(rows[0].parties)

        async def pair(i: int) -> int:
            found = await queries.effective_stances(
                connection, [LAST_DAY], actor_ids=[chosen_actors[i], chosen_actors[i + 1]]
            )
            return len(found.stances)

        await matrices.get(connection, 1, LAST_DAY)  # built once, as the first request after a write does
        for label, make in (
            ("position matrix, built once per data version and day", matrix),
            ("alignment list of one actor, from the kept matrix", alignment),
            ("policy positions ranked by strongest support", ranked),
            ("compare/parties, 2 parties (members' stances rolled up)", compare_parties(2)),
            ("compare/parties, 10 parties", compare_parties(10)),
            ("policy positions grouped by party (every party)", grouped),
            ("reference: compare/actors of two actors (effective stances)", pair),
        ):
            median, p95, rows = await timed(repeat, make)
            print(f"{label:<58} {median:>10.1f} {p95:>8.1f} {rows:>8.0f}")
    finally:
        await connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stances", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--reuse", action="store_true", help="reuse the loaded database when its shape matches")
    parser.add_argument("--database-url", help="a server to create the bench database on (default: embedded)")
    args = parser.parse_args()
    server_url, pg_pid = server_url_for(args)
    url, _ = prepare_database(server_url, DATABASE, Shape(stances=args.stances), args.reuse, pg_pid)
    prewarm(url)
    asyncio.run(run(url, args.repeat))


if __name__ == "__main__":
    main()
