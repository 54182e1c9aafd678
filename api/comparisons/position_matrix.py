"""Every actor's effective position on every policy as of a day, computed once per data version and kept in
the process, so that ranking all actors against one is arithmetic, not a query over every stance.

The matrix is one query (the effective-stance rule of ``queries.EFFECTIVE_CTE`` over all stances: a few
seconds at a million stances) and, per actor and policy, one byte of position (a position + 2, or ``NO_POSITION``)
and the effective stance's id and day (8 + 4 bytes, for the evidence strength of the pairs an answer lists):
5.2 MB for 2,000 actors and 200 policies. A few of them (by data version and day) are kept, least recently used
first out; a write changes the data version, so a stale matrix is never used, only left to age out. Concurrent
requests for a matrix being built wait for that one build.
"""

from __future__ import annotations

import asyncio
from array import array
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import asyncpg

from api.comparisons.queries import ALIGNMENT_MATRIX_SQL, matrix_sql
from api.comparisons.strength import (
    ORDER,
    EvidenceCounts,
    EvidenceStrength,
    StrengthLabel,
    combined_label,
    stance_label,
)
from api.evidence.rows import ACTOR_KINDS
from api.refs import ActorRef

NO_POSITION = 255
KINDS = ("direct_quote", "paraphrase", "reported_action", "recorded_vote")
NONE = (0, 0, 0, 0)
KEPT = 4
"""How many matrices (data version, day) a process keeps."""


@dataclass(frozen=True, slots=True)
class Alignment:
    """How another actor's positions relate to one actor's on the policies where both have one."""

    actor_id: int
    actor: ActorRef
    compared: int
    distance: int
    agree: int
    disagree: int


@dataclass(frozen=True, slots=True)
class PositionMatrix:
    """Positions by actor id: ``rows[actor_id][policy_index[policy_id]]`` is position + 2 or ``NO_POSITION``;
    ``stances`` and ``days`` hold, at the same index, the effective stance's id and its day (an ordinal)."""

    as_of: date
    policy_index: dict[int, int]
    rows: dict[int, bytes]
    stances: dict[int, array[int]]
    days: dict[int, array[int]]
    actors: dict[int, ActorRef]

    def alignments(self, actor_id: int, *, kind: str | None, min_shared: int) -> list[Alignment]:
        """How every other actor's positions relate to ``actor_id``'s on the policies where both have one."""
        mine = self.rows.get(actor_id)
        if mine is None:
            return []
        shared = [(index, value - 2) for index, value in enumerate(mine) if value != NO_POSITION]
        found = []
        for other_id, row in self.rows.items():
            actor = self.actors[other_id]
            if other_id == actor_id or (kind is not None and actor.kind.value != kind):
                continue
            compared = distance = agree = disagree = 0
            for index, position in shared:
                value = row[index]
                if value == NO_POSITION:
                    continue
                other = value - 2
                compared += 1
                distance += abs(position - other)
                product = position * other
                if product > 0 or position == other == 0:
                    agree += 1
                elif product < 0:
                    disagree += 1
            if compared >= min_shared:
                found.append(Alignment(other_id, actor, compared, distance, agree, disagree))
        return found

    def stance_ids(self, actor_ids: Iterable[int]) -> list[int]:
        """The effective stances of these actors (to read their evidence counts)."""
        return [stance for actor_id in actor_ids for stance in self.stances.get(actor_id, ()) if stance]

    def pair_strength(self, actor_id: int, other_id: int, evidence: Mapping[int, Sequence[int]]) -> EvidenceStrength:
        """What the two actors' agreement score rests on: both stances on every policy where both have a position,
        each policy as strong as the weaker stance (``stance_label``), the score labelled by ``combined_label``.
        ``evidence`` holds the stances' evidence items by kind (``queries.evidence_counts``)."""
        mine, theirs = self.rows[actor_id], self.rows[other_id]
        sides = ((self.stances[actor_id], self.days[actor_id]), (self.stances[other_id], self.days[other_id]))
        today = self.as_of.toordinal()
        counts = [0, 0, 0, 0]
        compared = weak = strong = 0
        first = last = 0
        for index, value in enumerate(mine):
            if value == NO_POSITION or theirs[index] == NO_POSITION:
                continue
            compared += 1
            weakest = StrengthLabel.STRONG
            for stances, days in sides:
                items = evidence.get(stances[index], NONE)
                day = days[index]
                total = sum(items)
                label = stance_label(total, items[0] + items[3], today - day if total else None)
                weakest = min(weakest, label, key=ORDER.__getitem__)
                if total:
                    first = day if not first else min(first, day)
                    last = max(last, day)
                    for kind in range(4):
                        counts[kind] += items[kind]
            weak += weakest is StrengthLabel.WEAK
            strong += weakest is StrengthLabel.STRONG
        return EvidenceStrength(
            label=combined_label(compared, weak, strong),
            stances=2 * compared,
            evidence=EvidenceCounts(**dict(zip(KINDS, counts, strict=True))),
            evidence_from=date.fromordinal(first) if last else None,
            evidence_to=date.fromordinal(last) if last else None,
            newest_age_days=today - last if last else None,
        )


async def load_matrix(connection: asyncpg.Connection, as_of: date) -> PositionMatrix:
    policy_index: dict[int, int] = {}
    cells: dict[int, bytearray] = {}
    stances: dict[int, array[int]] = {}
    days: dict[int, array[int]] = {}
    actors: dict[int, ActorRef] = {}
    rows = await connection.fetch(matrix_sql(ALIGNMENT_MATRIX_SQL), [as_of])
    for row in rows:
        policy_index.setdefault(row["policy_id"], len(policy_index))
    width = len(policy_index)
    for row in rows:
        actor_id = row["actor_id"]
        cell = cells.get(actor_id)
        if cell is None:
            cell = cells[actor_id] = bytearray([NO_POSITION]) * width
            stances[actor_id] = array("q", bytes(8 * width))
            days[actor_id] = array("i", bytes(4 * width))
            actors[actor_id] = ActorRef(slug=row["slug"], name=row["name"], kind=ACTOR_KINDS[row["kind"]])
        index = policy_index[row["policy_id"]]
        cell[index] = row["position"] + 2
        stances[actor_id][index] = row["id"]
        days[actor_id][index] = row["stated_on"].toordinal()
    return PositionMatrix(
        as_of=as_of,
        policy_index=policy_index,
        rows={key: bytes(value) for key, value in cells.items()},
        stances=stances,
        days=days,
        actors=actors,
    )


class PositionMatrices:
    """The matrices of this process, by (data version, day); at most ``KEPT``, least recently used out first."""

    def __init__(self, kept: int = KEPT) -> None:
        self.kept = kept
        self._built: OrderedDict[tuple[int, date], PositionMatrix] = OrderedDict()
        self._building: dict[tuple[int, date], asyncio.Future[PositionMatrix]] = {}
        self.builds = 0

    async def get(self, connection: asyncpg.Connection, version: int, as_of: date) -> PositionMatrix:
        key = (version, as_of)
        matrix = self._built.get(key)
        if matrix is not None:
            self._built.move_to_end(key)
            return matrix
        pending = self._building.get(key)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[PositionMatrix] = asyncio.get_running_loop().create_future()
        self._building[key] = future
        try:
            matrix = await load_matrix(connection, as_of)
        except BaseException as error:
            future.set_exception(error)
            future.exception()  # retrieved: waiters re-raise it, nobody else needs to
            raise
        finally:
            del self._building[key]
        self.builds += 1
        future.set_result(matrix)
        self._built[key] = matrix
        while len(self._built) > self.kept:
            self._built.popitem(last=False)
        return matrix
