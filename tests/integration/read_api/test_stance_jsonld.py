"""A stance as schema.org JSON-LD, expanded offline with pyld against a local copy of the context: a Claim for
the position, a Quotation per direct quote spoken by its speaker and part of its source (a NewsArticle), a
CreativeWork marked by genre for a paraphrase; the JSON answer stays as it was."""

import json
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from pyld import jsonld

Client = AsyncTestClient[Litestar]
SCHEMA = "http://schema.org/"
CONTEXT = json.loads((Path(__file__).parents[2] / "data" / "schemaorg-context.jsonld").read_text(encoding="utf-8"))
LD = {"Accept": "application/ld+json"}


def offline_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """The schema.org context from the tests' copy; any other URL is an error, never a network fetch."""
    if url.rstrip("/") in {"https://schema.org", "http://schema.org"}:
        return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url, "document": CONTEXT}
    raise jsonld.JsonLdError(f"refusing to fetch {url}", "loading document failed")


def expand(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    expanded = jsonld.expand(document, {"documentLoader": offline_loader})
    return {node["@id"]: node for node in expanded}


def types(node: dict[str, Any]) -> set[str]:
    return {t.removeprefix(SCHEMA) for t in node["@type"]}


def value(node: dict[str, Any], prop: str) -> Any:
    (item,) = node[SCHEMA + prop]
    return item.get("@value", item.get("@id"))


async def test_a_stance_with_direct_quotes_is_a_claim_with_quotations(client: Client) -> None:
    slug = "edi-rama-on-uk-return-hubs-2025-05-15"
    stored = (await client.get(f"/v1/stances/{slug}")).json()
    response = await client.get(f"/v1/stances/{slug}", headers=LD)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/ld+json")
    assert response.headers["vary"] == "Accept"
    nodes = expand(response.json())

    base = str(response.url).split("/v1/")[0]
    claim = nodes[f"{base}/v1/stances/{slug}"]
    assert types(claim) == {"Claim"}
    assert value(claim, "text") == stored["summary"]
    assert value(claim, "author") == f"{base}/v1/actors/edi-rama"
    assert value(claim, "about") == f"{base}/v1/policies/uk-return-hubs"
    assert types(nodes[f"{base}/v1/actors/edi-rama"]) == {"Person"}
    assert len(claim[SCHEMA + "appearance"]) == len(stored["evidence"])

    quotes = [item for item in stored["evidence"] if item["kind"] == "direct_quote"]
    assert quotes
    for item in quotes:
        quotation = nodes[f"{base}/v1/evidence/{item['slug']}"]
        assert types(quotation) == {"Quotation"}
        assert value(quotation, "text") == item["text"]  # exactly as stored
        speaker = (item["speaker"] or stored["actor"])["slug"]
        assert value(quotation, "spokenByCharacter") == f"{base}/v1/actors/{speaker}"
        source = nodes[value(quotation, "isPartOf")]
        assert types(source) == {"NewsArticle"}
        assert value(source, "headline") == item["source"]["title"]
        if item["source"]["published_on"] is None:
            assert SCHEMA + "datePublished" not in source  # never guessed
        assert quotation[SCHEMA + "dateCreated"][0]["@type"] == SCHEMA + "Date"


async def test_a_paraphrase_is_not_a_quotation(client: Client) -> None:
    stances = (await client.get("/v1/stances?limit=100")).json()["items"]
    with_paraphrase = next(s for s in stances if any(e["kind"] == "paraphrase" for e in s["evidence"]))
    response = await client.get(f"/v1/stances/{with_paraphrase['slug']}", headers=LD)
    base = str(response.url).split("/v1/")[0]
    nodes = expand(response.json())
    for item in with_paraphrase["evidence"]:
        node = nodes[f"{base}/v1/evidence/{item['slug']}"]
        if item["kind"] == "paraphrase":
            assert types(node) == {"CreativeWork"}
            assert value(node, "genre") == "paraphrase"
            assert SCHEMA + "spokenByCharacter" not in node


async def test_the_position_is_a_property_value_from_minus_two_to_two(client: Client) -> None:
    response = await client.get("/v1/stances/edi-rama-on-uk-albania-return-hub-hosting-2025-05-15", headers=LD)
    base = str(response.url).split("/v1/")[0]
    claim = expand(response.json())[f"{base}/v1/stances/edi-rama-on-uk-albania-return-hub-hosting-2025-05-15"]
    (position,) = claim[SCHEMA + "additionalProperty"]
    assert value(position, "name") == "position"
    assert value(position, "value") == -2
    assert (value(position, "minValue"), value(position, "maxValue")) == (-2, 2)


@pytest.mark.parametrize("accept", [None, "application/json", "*/*"])
async def test_json_stays_the_default(client: Client, accept: str | None) -> None:
    headers = {"Accept": accept} if accept else {}
    response = await client.get("/v1/stances/edi-rama-on-uk-return-hubs-2025-05-15", headers=headers)
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["slug"] == "edi-rama-on-uk-return-hubs-2025-05-15"


async def test_each_representation_has_its_own_etag(client: Client) -> None:
    path = "/v1/stances/edi-rama-on-uk-return-hubs-2025-05-15"
    as_json = (await client.get(path)).headers["etag"]
    as_ld = (await client.get(path, headers=LD)).headers["etag"]
    assert as_json != as_ld


async def test_a_month_precise_stance_is_dated_to_its_month_not_an_invented_day(client: Client) -> None:
    stances = (await client.get("/v1/stances?limit=100")).json()["items"]
    monthly = next(s for s in stances if s["stated_on_precision"] == "month")
    response = await client.get(f"/v1/stances/{monthly['slug']}", headers=LD)
    base = str(response.url).split("/v1/")[0]
    claim = expand(response.json())[f"{base}/v1/stances/{monthly['slug']}"]
    assert value(claim, "dateCreated") == monthly["stated_on"][:7]


async def test_the_openapi_document_lists_json_ld_beside_json_with_a_named_schema(client: Client) -> None:
    document = (await client.get("/schema/openapi.json")).json()
    content = document["paths"]["/v1/stances/{slug}"]["get"]["responses"]["200"]["content"]
    assert content["application/json"]["schema"] == {"$ref": "#/components/schemas/StanceWithEvidence"}
    assert content["application/ld+json"]["schema"] == {"$ref": "#/components/schemas/StanceJsonLd"}
    schema = {"$ref": "#/components/schemas/StanceJsonLd", "components": document["components"]}
    example = document["components"]["schemas"]["StanceJsonLd"]["example"]
    answer = (await client.get("/v1/stances/edi-rama-on-uk-return-hubs-2025-05-15", headers=LD)).json()
    jsonschema_rs.validate(schema, answer)
    jsonschema_rs.validate(schema, example)
    example_types = [types(node) for node in jsonld.expand(example, {"documentLoader": offline_loader})]
    assert example_types == [{"Claim"}, {"Quotation"}]
    claim, quotation = example["@graph"]  # the example quotes the seed data exactly, as any quote must
    stance = (await client.get("/v1/stances/" + claim["@id"].rsplit("/", 1)[1])).json()
    assert claim["text"] == stance["summary"]
    stored = {item["slug"]: item for item in stance["evidence"]}[quotation["@id"].rsplit("/", 1)[1]]
    assert (quotation["text"], stored["kind"]) == (stored["text"], "direct_quote")
    assert quotation["isPartOf"]["@id"].endswith("/" + stored["source"]["slug"])
