"""The alignment list is arithmetic over a matrix of positions kept per data version: a write makes the next
list use a new matrix (never the old one), and requests arriving together for a missing matrix build it once."""

import asyncio
from collections.abc import Callable
from datetime import date
from typing import Any

import asyncpg
from litestar import Litestar
from litestar.testing import AsyncTestClient

from api.comparisons.position_matrix import PositionMatrices
from db.engine import plain_url

Client = AsyncTestClient[Litestar]
ALIGNMENT = "/v1/actors/keir-starmer/alignment?as_of=2025-06-01&min_shared=1&limit=100"


def scores(body: dict[str, Any]) -> dict[str, tuple[float, int]]:
    return {item["actor"]["slug"]: (item["score"], item["policies_compared"]) for item in body["most_aligned"]}


async def test_a_write_is_in_the_very_next_alignment_list(
    writer: Client, editor: dict[str, str], stance_body: Callable[..., dict[str, Any]]
) -> None:
    before = scores((await writer.get(ALIGNMENT)).json())
    assert "giorgia-meloni" not in before or before["giorgia-meloni"][1] < 3
    # Meloni strongly opposes the UK-Albania strategic partnership, on which Starmer has a position.
    body = stance_body("meloni-on-partnership", actor="giorgia-meloni", position=-2, stated_on="2025-05-15")
    body["summary"] = "A stance written by a test."
    created = await writer.post("/v1/stances", json=body, headers=editor)
    assert created.status_code == 201, created.text
    after = scores((await writer.get(ALIGNMENT)).json())
    compared_before = before.get("giorgia-meloni", (0.0, 0))[1]
    assert after["giorgia-meloni"][1] == compared_before + 1
    pairwise = await writer.get("/v1/compare/actors?actors=keir-starmer,giorgia-meloni&as_of=2025-06-01")
    assert after["giorgia-meloni"][0] == pairwise.json()["summary"][0]["score"]


async def test_requests_together_build_a_missing_matrix_once(db: asyncpg.Connection, write_url: str) -> None:
    matrices = PositionMatrices()
    connections = [await asyncpg.connect(plain_url(write_url)) for _ in range(4)]
    try:
        built = await asyncio.gather(*(matrices.get(c, 7, date(2025, 6, 1)) for c in connections))
    finally:
        for connection in connections:
            await connection.close()
    assert matrices.builds == 1
    assert all(matrix is built[0] for matrix in built)
    assert await matrices.get(db, 7, date(2025, 6, 1)) is built[0]  # kept
    assert await matrices.get(db, 8, date(2025, 6, 1)) is not built[0]  # another data version: another matrix
    assert matrices.builds == 2
