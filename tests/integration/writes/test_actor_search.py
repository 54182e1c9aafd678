"""`/v1/actors?q=` orders by relevance: an exact name, then an exact alias, then trigram closeness (then
similarity to the whole name, then slug); `limit` and the cursor page through that order."""

from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

Client = AsyncTestClient[Litestar]

DAVIES_LIKE: list[tuple[str, str, list[str]]] = [
    ("aaron-davidson", "Aaron Davidson", []),
    ("alan-davies", "Alan Davies", []),
    ("david-davis", "David Davis", []),
    ("dt-davies", "D. T. Davies", ["David Davies"]),
    ("davies", "Davies", []),
    ("david-davies", "David Davies", []),
    ("geraint-davies", "Geraint Davies", []),
    ("mims-davies", "Mims Davies", []),
    ("philip-davies", "Philip Davies", []),
    ("a-welsh-mp", "Welsh Member", ["Davies"]),
]


async def create_davies_like(writer: Client, admin: dict[str, str]) -> None:
    for slug, name, aliases in DAVIES_LIKE:
        body = {"slug": slug, "name": name, "kind": "person", "aliases": aliases}
        created = await writer.post("/v1/actors", json=body, headers=admin)
        assert created.status_code == 201, created.text


async def search(writer: Client, q: str, **params: Any) -> list[str]:
    page = (await writer.get("/v1/actors", params={"q": q, **params})).json()
    return [item["slug"] for item in page["items"]]


async def test_an_exact_name_then_an_exact_alias_then_the_closest(writer: Client, admin: dict[str, str]) -> None:
    await create_davies_like(writer, admin)

    davies = await search(writer, "Davies")
    assert davies[:2] == ["davies", "a-welsh-mp"]  # the exact name, then the exact alias
    # then every name with the word "Davies", by trigram similarity to the whole name (ties by slug)
    assert davies[2:8] == ["david-davies", "dt-davies", "alan-davies", "mims-davies", "philip-davies", "geraint-davies"]
    assert davies.index("david-davis") > 7  # a near miss comes after every Davies

    david_davies = await search(writer, "david davies")  # case does not matter
    assert david_davies[:2] == ["david-davies", "dt-davies"]
    assert "david-davis" in david_davies  # a near miss is still listed, further down

    # typos are still forgiven
    assert {"davies", "a-welsh-mp", "alan-davies"} <= set(await search(writer, "Davise"))


async def test_limit_and_cursor_follow_the_relevance_order(writer: Client, admin: dict[str, str]) -> None:
    await create_davies_like(writer, admin)
    everything = await search(writer, "Davies", limit=100)
    assert (await search(writer, "Davies", limit=10)) == everything[:10]

    seen: list[str] = []
    cursor: str | None = None
    while True:
        params = {"q": "Davies", "limit": "3", **({"cursor": cursor} if cursor else {})}
        page = (await writer.get("/v1/actors", params=params)).json()
        seen += [item["slug"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == everything

    # a cursor from the slug-ordered list is not one for a search
    plain = (await writer.get("/v1/actors", params={"limit": "1"})).json()
    mixed = await writer.get("/v1/actors", params={"q": "Davies", "cursor": plain["next_cursor"]})
    assert mixed.status_code == 400
