"""Two API processes on two ports over one database, with nothing between them but PostgreSQL, behave as one:
a key's rate limit is counted across both, an Idempotency-Key used on one is honoured on the other, and a write
through one is in the very next comparison read from the other, however warm its response cache."""

from contextlib import AsyncExitStack
from typing import Any

import httpx

from tests.conftest import running_server
from tests.keys import create_key

COMPARE = "/v1/compare/actors?actors=edi-rama,giorgia-meloni&as_of=2025-06-01&policies=uk-albania-strategic-partnership"


async def key_with_limit(url: str, name: str, limit: int | None) -> dict[str, str]:
    return await create_key(url, name, rate_limit=limit)


def stance(slug: str, position: int = -1) -> dict[str, Any]:
    return {
        "slug": slug,
        "actor": "giorgia-meloni",
        "policy": "uk-albania-strategic-partnership",
        "position": position,
        "stated_on": "2025-05-15",
        "summary": "A stance written by the two-process test.",
        "evidence": [
            {
                "kind": "paraphrase",
                "text": "Meloni said the partnership would not change Italy's own agreement with Albania.",
                "source": "starmer-first-official-visit-to-albania-2025-05",
            }
        ],
    }


async def test_two_processes_behave_as_one(databases: Any) -> None:
    url = await databases.clone("two_procs")
    limited = await key_with_limit(url, "Limited desk", 3)
    editor = await key_with_limit(url, "Open desk", None)
    async with AsyncExitStack() as stack:
        bases = [await stack.enter_async_context(running_server(url)) for _ in range(2)]
        a, b = [await stack.enter_async_context(httpx.AsyncClient(base_url=base)) for base in bases]

        # The rate limit (3 writes a minute for this key) is counted across both processes.
        statuses = []
        for i, http in enumerate([a, b, a, b]):
            response = await http.post("/v1/stances", json=stance(f"meloni-limited-{i}"), headers=limited)
            statuses.append(response.status_code)
        assert statuses == [201, 201, 201, 429]

        # An Idempotency-Key used on one process is replayed by the other; a different body with it is refused.
        once = editor | {"Idempotency-Key": "two-desks-1"}
        first = await a.post("/v1/stances", json=stance("meloni-once"), headers=once)
        replay = await b.post("/v1/stances", json=stance("meloni-once"), headers=once)
        assert (first.status_code, replay.status_code) == (201, 201)
        assert replay.headers["idempotent-replayed"] == "true"
        assert replay.json() == first.json()
        reused = await b.post("/v1/stances", json=stance("meloni-other"), headers=once)
        assert reused.status_code == 422

        # B's response cache is warm; a write through A is in B's very next answer.
        before = await b.get(COMPARE)
        assert (await b.get(COMPARE)).headers["etag"] == before.headers["etag"]  # served from B's cache
        correction = stance("meloni-later", position=2) | {"stated_on": "2025-05-15"}
        assert (await a.post("/v1/stances", json=correction, headers=editor)).status_code == 201
        after = await b.get(COMPARE)
        assert after.headers["etag"] != before.headers["etag"]
        [row] = after.json()["rows"]
        meloni = next(p["stance"] for p in row["positions"] if p["actor"] == "giorgia-meloni")
        assert meloni["slug"] == "meloni-later"
