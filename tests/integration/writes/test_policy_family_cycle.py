"""A family whose relations loop back (A part of B, B part of A) still answers, each policy once."""

from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

Client = AsyncTestClient[Litestar]


async def test_a_loop_of_part_of_relations_lists_each_policy_once(writer: Client, admin: dict[str, str]) -> None:
    loop: dict[str, Any] = {"relations": [{"kind": "part_of", "policy": "uk-albania-return-hub-hosting"}]}
    response = await writer.put("/v1/policies/uk-return-hubs/relations", json=loop, headers=admin)
    assert response.status_code == 200, response.text
    family = (await writer.get("/v1/policies/uk-return-hubs/family")).json()
    assert [(m["policy"]["slug"], m["depth"]) for m in family["members"]] == [
        ("uk-return-hubs", 0),
        ("uk-albania-return-hub-hosting", 1),
    ]
    positions = await writer.get("/v1/policies/uk-return-hubs/positions?family=true&as_of=2025-05-16")
    assert positions.status_code == 200
    assert [p["slug"] for p in positions.json()["family"]] == ["uk-return-hubs", "uk-albania-return-hub-hosting"]
