"""Headers for a CDN: answers may be served stale while revalidating or while the API fails, and name the actors
and policies they contain (Surrogate-Key, Cache-Tag) so a purge after a write can be precise."""

from litestar import Litestar
from litestar.testing import AsyncTestClient

from api.cdn import KEY_BUDGET

Client = AsyncTestClient[Litestar]
COMPARE = "/v1/compare/actors?actors=edi-rama,keir-starmer&as_of=2025-05-15&policies=uk-return-hubs"


def directives(value: str) -> dict[str, str]:
    """`public, max-age=5` -> {"public": "", "max-age": "5"}."""
    found = {}
    for part in value.split(","):
        name, _, argument = part.strip().partition("=")
        found[name] = argument
    return found


async def test_comparisons_may_be_served_stale_while_revalidating_or_failing(client: Client) -> None:
    response = await client.get(COMPARE)
    cache = directives(response.headers["cache-control"])
    assert cache == {"public": "", "max-age": "5", "stale-while-revalidate": "60", "stale-if-error": "86400"}
    assert response.headers["vary"] == "Accept, Accept-Encoding"


async def test_an_answer_names_its_actors_and_policies_for_a_purge(client: Client) -> None:
    response = await client.get(COMPARE)
    keys = response.headers["surrogate-key"].split(" ")
    assert keys[0] == "positions"
    assert {"actor:edi-rama", "actor:keir-starmer", "policy:uk-return-hubs"} <= set(keys)
    assert "policy:uk-rwanda-scheme" not in keys  # only what the answer holds
    assert response.headers["cache-tag"].split(",") == keys
    body = response.text
    for key in keys[1:]:
        assert key.split(":", 1)[1] in body


async def test_the_csv_variant_and_a_cached_answer_carry_the_same_keys(client: Client) -> None:
    first = await client.get(COMPARE + "&format=csv")
    again = await client.get(COMPARE + "&format=csv")
    assert first.headers["surrogate-key"] == again.headers["surrogate-key"]
    assert "actor:edi-rama" in first.headers["surrogate-key"]


async def test_a_not_modified_answer_keeps_the_cache_control(client: Client) -> None:
    etag = (await client.get(COMPARE)).headers["etag"]
    response = await client.get(COMPARE, headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert "stale-while-revalidate=60" in response.headers["cache-control"]


async def test_a_large_answer_keeps_the_global_key_within_the_budget(client: Client) -> None:
    response = await client.get("/v1/policies/uk-return-hubs/timeline?family=true")
    keys = response.headers["surrogate-key"]
    assert keys.startswith("positions")
    assert len(keys) <= KEY_BUDGET


async def test_a_client_accepting_gzip_gets_the_same_answer_gzip_coded_with_its_own_etag(client: Client) -> None:
    plain = await client.get(COMPARE, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    coded = await client.get(COMPARE, headers={"Accept-Encoding": "br;q=1, gzip;q=0.8"})
    assert coded.headers["content-encoding"] == "gzip"
    assert int(coded.headers["content-length"]) < len(plain.content) / 3  # JSON compresses well
    assert coded.content == plain.content  # httpx decodes it: the same bytes
    assert coded.headers["etag"] == plain.headers["etag"][:-1] + '-gzip"'

    for etag in (plain.headers["etag"], coded.headers["etag"]):  # either validator revalidates
        again = await client.get(COMPARE, headers={"If-None-Match": etag, "Accept-Encoding": "gzip"})
        assert again.status_code == 304
        assert again.headers["etag"] == etag
    refused = await client.get(COMPARE, headers={"Accept-Encoding": "gzip;q=0"})
    assert "content-encoding" not in refused.headers
