"""The OpenAPI document is a product: committed, stable, named, described and documented."""

import json
import re
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

COMMITTED = Path(__file__).resolve().parents[2] / "openapi" / "openapi.json"
OPERATION_ID = re.compile(r"^[a-z][a-zA-Z]+$")


@pytest.fixture(scope="module")
async def served(client: AsyncTestClient[Litestar]) -> dict[str, Any]:
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    ]


async def test_the_served_document_equals_the_committed_copy(served: dict[str, Any]) -> None:
    committed = json.loads(COMMITTED.read_text(encoding="utf-8"))
    assert served == committed, "the API contract changed: run `positions openapi -o openapi/openapi.json` and review"


async def test_every_operation_has_a_unique_camel_case_operation_id_and_a_tag(served: dict[str, Any]) -> None:
    ids = [operation["operationId"] for _, _, operation in operations(served)]
    assert len(ids) == len(set(ids))
    for method, path, operation in operations(served):
        assert OPERATION_ID.match(operation["operationId"]), (method, path)
        assert operation.get("tags"), (method, path)
        assert operation.get("summary"), (method, path)


async def test_the_reporter_operations_have_readable_ids(served: dict[str, Any]) -> None:
    ids = {operation["operationId"] for _, _, operation in operations(served)}
    assert {"listActors", "getActor", "compareActors", "compareDates", "listStances", "getPolicyTimeline"} <= ids


async def test_every_component_schema_is_named_and_described(served: dict[str, Any]) -> None:
    for name, schema in served["components"]["schemas"].items():
        assert re.match(r"^[A-Z][A-Za-z]+$", name), name
        assert schema.get("description"), f"component {name} has no description"


async def test_every_parameter_is_described(served: dict[str, Any]) -> None:
    for method, path, operation in operations(served):
        for parameter in operation.get("parameters", []):
            assert parameter.get("description"), (method, path, parameter["name"])


async def test_errors_are_documented_as_problem_details(served: dict[str, Any]) -> None:
    for method, path, operation in operations(served):
        if not path.startswith("/v1/"):
            continue
        errors = {status: spec for status, spec in operation["responses"].items() if status[0] in "45"}
        assert "503" in errors, (method, path)
        for status, spec in errors.items():
            assert list(spec["content"]) == ["application/problem+json"], (method, path, status)
            assert spec["content"]["application/problem+json"]["schema"] == {"$ref": "#/components/schemas/Problem"}


async def test_comparisons_document_csv_and_caching(served: dict[str, Any]) -> None:
    operation = served["paths"]["/v1/compare/actors"]["get"]
    assert set(operation["responses"]["200"]["content"]) == {"application/json", "text/csv"}
    assert "ETag" in operation["responses"]["200"]["headers"]
    assert "304" in operation["responses"]
