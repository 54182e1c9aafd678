"""Prometheus metrics scraped from a real server: request counts and latency per route template and status, the
response cache's hits and misses, the pool's connections and the time of database statements."""

from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import running_server

COMPARE = "/v1/compare/actors?actors=edi-rama,keir-starmer&as_of=2025-05-15"


def samples(text: str) -> list[tuple[str, dict[str, str], float]]:
    return [
        (sample.name, sample.labels, sample.value)
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    ]


def value(found: list[tuple[str, dict[str, str], float]], name: str, **labels: str) -> float:
    return sum(v for n, got, v in found if n == name and all(got.get(k) == want for k, want in labels.items()))


async def test_metrics_count_requests_cache_pool_and_database_time(databases: Any) -> None:
    async with running_server(await databases.clone("metrics")) as base, httpx.AsyncClient(base_url=base) as http:
        assert (await http.get("/v1/actors/edi-rama")).status_code == 200
        assert (await http.get("/v1/actors/edi-rama")).status_code == 200
        assert (await http.get("/v1/actors/no-such-actor")).status_code == 404
        assert (await http.get(COMPARE)).status_code == 200  # computed: a cache miss
        assert (await http.get(COMPARE)).status_code == 200  # from the response cache: a hit
        assert (await http.get("/no/such/route")).status_code == 404  # no route: not counted
        response = await http.get("/metrics")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    found = samples(response.text)
    actor = {"method": "GET", "path": "/v1/actors/{slug}"}
    assert value(found, "positions_requests_total", **actor, status_code="200") == 2
    assert value(found, "positions_requests_total", **actor, status_code="404") == 1
    assert value(found, "positions_request_duration_seconds_count", **actor, status_code="200") == 2
    assert not any("/no/such/route" in labels.get("path", "") for _, labels, _ in found)
    assert not any(labels.get("path", "").startswith("/v1/actors/edi") for _, labels, _ in found)  # templates only
    assert value(found, "positions_response_cache_lookups_total", result="miss") >= 1
    assert value(found, "positions_response_cache_lookups_total", result="hit") >= 1
    assert value(found, "positions_db_pool_connections", state="size") > 0
    assert value(found, "positions_db_query_seconds_count", path="raw") >= 1  # the comparison's query
    assert value(found, "positions_db_query_seconds_count", path="orm") >= 1  # the actor reads


async def test_metrics_are_not_an_operation_of_the_api_document(databases: Any) -> None:
    async with running_server(await databases.clone("metrics_doc")) as base, httpx.AsyncClient(base_url=base) as http:
        document = (await http.get("/schema/openapi.json")).json()
    assert "/metrics" not in document["paths"]
