"""SQL statement budgets per request: lists embed related rows without N+1 queries.

Statements are counted with SQLAlchemy's ``after_cursor_execute`` event on the app's engine. The comparison
endpoints run on the raw asyncpg connection, which this hook does not see, so they are not covered here.
Budgets are the measured counts: a new query on one of these paths should be a deliberate change here.
"""

from collections.abc import Iterator
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import event

Client = AsyncTestClient[Litestar]


@pytest.fixture
def statements(app: Litestar, client: Client) -> Iterator[list[str]]:
    """Every SQL statement the app executes while the test runs (the engine exists once ``client`` started)."""
    engine = app.state.engine.sync_engine
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    event.listen(engine, "after_cursor_execute", record)
    yield seen
    event.remove(engine, "after_cursor_execute", record)


BUDGETS = {
    # lists: one query for the page; stances add one for all their evidence
    "/v1/actors?limit=50": 1,
    "/v1/policies?limit=50": 1,
    "/v1/topics": 1,
    "/v1/sources?limit=50": 1,
    "/v1/evidence?limit=50": 1,
    "/v1/stances?limit=50": 2,
    "/v1/stances?limit=2": 2,
    # a slug filter costs one lookup
    "/v1/stances?actor=edi-rama&limit=50": 3,
    "/v1/stances?actor=edi-rama&policy=uk-return-hubs&topic=asylum-returns": 5,
    "/v1/policies?topic=asylum-returns": 2,
    "/v1/evidence?source=starmer-first-official-visit-to-albania-2025-05&speaker=edi-rama": 3,
    # details
    "/v1/actors/edi-rama": 3,
    "/v1/policies/uk-return-hubs": 3,
    "/v1/stances/edi-rama-on-uk-return-hubs-2025-05-15": 2,
    "/v1/evidence/edi-rama-on-uk-return-hubs-2025-05-15-e2": 1,
    "/v1/sources/starmer-first-official-visit-to-albania-2025-05": 1,
    # errors stop early
    "/v1/actors/no-such-actor": 1,
    "/v1/stances?actor=nobody": 1,
    "/v1/stances?stated_from=2025-06-01&stated_to=2025-01-01": 0,
    "/health": 0,
}


@pytest.mark.parametrize(("path", "budget"), list(BUDGETS.items()), ids=list(BUDGETS))
async def test_request_stays_within_its_statement_budget(
    client: Client, statements: list[str], path: str, budget: int
) -> None:
    response = await client.get(path)

    assert response.status_code in {200, 400, 404}
    assert len(statements) <= budget, "\n\n".join(statements)


async def test_stance_list_query_count_does_not_grow_with_the_page_size(client: Client, statements: list[str]) -> None:
    small = await client.get("/v1/stances", params={"limit": 2})
    small_count = len(statements)
    statements.clear()
    large = await client.get("/v1/stances", params={"limit": 100})
    large_count = len(statements)

    assert len(small.json()["items"]) == 2
    assert len(large.json()["items"]) > 25
    assert sum(len(item["evidence"]) for item in large.json()["items"]) > 50
    assert large_count == small_count


async def test_the_counting_hook_sees_the_apps_statements(client: Client, statements: list[str]) -> None:
    response = await client.get("/v1/actors/edi-rama")

    assert response.status_code == 200
    assert any("FROM actor" in statement for statement in statements)
    assert any("FROM actor_alias" in statement for statement in statements)
