"""SQL statement budgets per request: lists embed related rows without N+1 queries.

Statements are counted twice over: with SQLAlchemy's ``after_cursor_execute`` event on the app's engine, and,
for the comparison endpoints, which run on the raw asyncpg connection that this event does not see, by
wrapping the query methods of ``asyncpg.Connection`` (SQLAlchemy's own statements go through prepared
statements, not these methods, so nothing is counted twice; only its ``BEGIN;``/``ROLLBACK;`` pass through
``execute``). Budgets are the measured counts of queries, apart from the transaction around them (a comparison
of several statements runs in one read-only snapshot: its ``BEGIN``/``ROLLBACK`` are pinned by a test of their
own): a new query on one of these paths should be a deliberate change here.
"""

from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import asyncpg
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import event

from api.response_cache import ResponseCache

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


SNAPSHOT_BEGIN = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;"
TRANSACTION_CONTROL = {"BEGIN;", "ROLLBACK;", "COMMIT;", SNAPSHOT_BEGIN}


def queries_only(statements: list[str]) -> list[str]:
    return [statement for statement in statements if statement not in TRANSACTION_CONTROL]


ASYNCPG_QUERY_METHODS = ("execute", "executemany", "fetch", "fetchrow", "fetchval", "fetchmany")


@pytest.fixture
def pg_statements(client: Client, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every statement sent through an asyncpg connection's query methods while the test runs."""
    seen: list[str] = []

    def counting(method: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        async def counted(self: asyncpg.Connection, query: str, *args: Any, **kwargs: Any) -> Any:
            seen.append(query)
            return await method(self, query, *args, **kwargs)

        return counted

    for name in ASYNCPG_QUERY_METHODS:
        monkeypatch.setattr(asyncpg.Connection, name, counting(getattr(asyncpg.Connection, name)))
    return seen


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


COMPARE_ACTORS = "/v1/compare/actors?actors=edi-rama,keir-starmer&as_of=2025-05-15"
COMPARE_DATES = "/v1/compare/dates?actor=keir-starmer&from=2024-07-05&to=2025-05-16"

# The comparison endpoints, on the raw asyncpg connection; each count is exact (a hook that saw nothing would fail).
ASYNCPG_BUDGETS = {
    # the data version, the actors and their stances in one statement
    COMPARE_ACTORS: 1,
    COMPARE_ACTORS + "&format=csv": 1,
    COMPARE_ACTORS + "&as_recorded=2030-01-01T00:00:00Z": 1,
    COMPARE_ACTORS.replace("edi-rama,keir-starmer", "edi-rama,keir-starmer,chris-philp,downing-street"): 1,
    # with filters: the data version and the actors in one round trip, each filter's slugs, then the stances
    COMPARE_ACTORS + "&policies=uk-return-hubs,uk-rwanda-scheme": 3,
    COMPARE_ACTORS + "&topic=asylum-returns": 3,
    COMPARE_ACTORS + "&policies=uk-return-hubs&topic=asylum-returns": 4,
    COMPARE_DATES: 2,
    COMPARE_DATES + "&format=csv": 2,
    COMPARE_DATES + "&policies=uk-offshoring-asylum-seekers": 3,
    # per policy: the data version, the policy, then its stances
    "/v1/policies/uk-return-hubs/positions?as_of=2025-05-16": 3,
    "/v1/policies/uk-return-hubs/timeline": 3,
    "/v1/policies/uk-return-hubs/timeline?include_retracted=true&format=csv": 3,
    "/v1/policies/uk-offshoring-asylum-seekers/changes?from=2024-07-05&to=2025-05-16": 3,
    # errors stop early
    "/v1/compare/actors?actors=edi-rama,nobody": 1,
    "/v1/compare/actors?actors=edi-rama,keir-starmer&policies=nothing-like-this": 2,
    "/v1/policies/no-such-policy/positions": 2,
    "/v1/compare/dates?actor=keir-starmer&from=2025-05-16&to=2024-07-05": 0,
}


@pytest.fixture
def empty_response_cache(client: Client) -> Iterator[ResponseCache]:
    """The session app's response cache emptied for the test (and put back after): each answer is computed."""
    kept = client.app.state.response_cache
    client.app.state.response_cache = ResponseCache(max_bytes=1 << 24)
    try:
        yield client.app.state.response_cache
    finally:
        client.app.state.response_cache = kept


@pytest.mark.parametrize(("path", "budget"), list(ASYNCPG_BUDGETS.items()), ids=list(ASYNCPG_BUDGETS))
async def test_comparison_sends_exactly_its_asyncpg_statements(
    client: Client,
    statements: list[str],
    pg_statements: list[str],
    path: str,
    budget: int,
    empty_response_cache: ResponseCache,
) -> None:
    response = await client.get(path)

    assert response.status_code in {200, 400, 404}, response.text
    assert len(queries_only(pg_statements)) == budget, "\n\n".join(pg_statements)
    assert statements == []  # nothing through SQLAlchemy besides


@pytest.mark.parametrize(
    "path",
    [
        COMPARE_ACTORS + "&topic=asylum-returns",
        COMPARE_ACTORS + "&attribution=holder",
        COMPARE_DATES,
        "/v1/policies/uk-return-hubs/positions?as_of=2025-05-16",
    ],
)
async def test_a_comparison_of_several_statements_reads_one_snapshot(
    client: Client, pg_statements: list[str], empty_response_cache: ResponseCache, path: str
) -> None:
    """The data version its ETag is made of and the data it shows come from one read-only snapshot (also on a
    replica that replays writes meanwhile): one transaction around every query."""
    response = await client.get(path)

    assert response.status_code == 200
    assert pg_statements[0] == SNAPSHOT_BEGIN
    assert pg_statements[-1] in {"ROLLBACK;", "COMMIT;"}
    assert len(queries_only(pg_statements)) == len(pg_statements) - 2 > 1


async def test_a_comparison_in_one_statement_needs_no_transaction(
    client: Client, pg_statements: list[str], empty_response_cache: ResponseCache
) -> None:
    """The common compare/actors reads the data version with the data in one statement: one snapshot already."""
    response = await client.get(COMPARE_ACTORS)

    assert response.status_code == 200
    assert len(pg_statements) == 1
    assert "data_version" in pg_statements[0]


async def test_a_repeated_comparison_costs_one_asyncpg_statement(
    client: Client, pg_statements: list[str], empty_response_cache: ResponseCache
) -> None:
    first = await client.get(COMPARE_ACTORS)
    pg_statements.clear()
    again = await client.get(COMPARE_ACTORS)

    assert again.content == first.content
    assert len(queries_only(pg_statements)) == 1  # the data version (and the actors): the answer comes from the cache
    assert empty_response_cache.hits == 1


async def test_a_current_etag_costs_one_asyncpg_statement(client: Client, pg_statements: list[str]) -> None:
    etag = (await client.get(COMPARE_ACTORS)).headers["etag"]
    pg_statements.clear()

    response = await client.get(COMPARE_ACTORS, headers={"If-None-Match": etag})

    assert response.status_code == 304
    assert len(queries_only(pg_statements)) == 1, pg_statements


async def test_comparison_statement_count_does_not_grow_with_the_actors(
    client: Client, pg_statements: list[str], empty_response_cache: ResponseCache
) -> None:
    await client.get(COMPARE_ACTORS)
    two = len(queries_only(pg_statements))
    pg_statements.clear()
    ten = ",".join(actor["slug"] for actor in (await client.get("/v1/actors", params={"limit": 10})).json()["items"])
    pg_statements.clear()

    response = await client.get("/v1/compare/actors", params={"actors": ten, "as_of": "2025-05-15"})

    assert response.status_code == 200
    assert len(queries_only(pg_statements)) == two


async def test_the_asyncpg_hook_does_not_see_sqlalchemys_statements(
    client: Client, statements: list[str], pg_statements: list[str]
) -> None:
    response = await client.get("/v1/stances", params={"limit": 5})

    assert response.status_code == 200
    assert len(statements) == 2
    assert [s for s in pg_statements if s not in TRANSACTION_CONTROL] == []
