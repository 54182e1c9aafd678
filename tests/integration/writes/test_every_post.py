"""Topics have write endpoints; `Idempotency-Key` works on every POST; the role rule includes the organisation;
a racing create answers in plain words, never with an internal constraint name."""

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

import asyncpg
import httpx
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from api.errors import CONSTRAINT_MEANINGS
from db import models  # noqa: F401  (registers every table on Base.metadata)
from db.base import Base
from tests.problems import assert_problem

Client = AsyncTestClient[Litestar]
InThread = Callable[[Coroutine[Any, Any, httpx.Response]], Awaitable[httpx.Response]]
LockWaiters = Callable[[asyncpg.Connection, int], Awaitable[None]]

# --- topics -----------------------------------------------------------------------------------------------


async def test_an_admin_creates_reads_and_renames_a_topic(
    writer: Client, admin: dict[str, str], editor: dict[str, str], db: asyncpg.Connection
) -> None:
    body = {"slug": "parliamentary-votes", "name": "Parliamentary votes"}
    assert_problem(await writer.post("/v1/topics", json=body), 401, "unauthorized")
    assert_problem(await writer.post("/v1/topics", json=body, headers=editor), 403, "forbidden")

    created = await writer.post("/v1/topics", json=body, headers=admin)
    assert created.status_code == 201, created.text
    assert created.json() == body
    assert created.headers["location"] == "/v1/topics/parliamentary-votes"
    assert (await writer.get("/v1/topics/parliamentary-votes")).json() == body
    assert body in (await writer.get("/v1/topics")).json()["items"]
    assert_problem(await writer.post("/v1/topics", json=body, headers=admin), 409, "conflict")

    renamed = await writer.patch("/v1/topics/parliamentary-votes", json={"name": "Votes in Parliament"}, headers=admin)
    assert renamed.json() == {"slug": "parliamentary-votes", "name": "Votes in Parliament"}
    # a policy can use it at once
    policy = await writer.patch("/v1/policies/uk-return-hubs", json={"topics": ["parliamentary-votes"]}, headers=admin)
    assert [topic["slug"] for topic in policy.json()["topics"]] == ["parliamentary-votes"]
    # recorded with its author, like every other write
    revisions = await db.fetch(
        "SELECT action, author FROM revision WHERE entity_type = 'topic' AND after->>'slug' = $1 ORDER BY id",
        "parliamentary-votes",
    )
    assert [tuple(row) for row in revisions] == [("create", "Module Admin"), ("update", "Module Admin")]


async def test_unknown_topics_and_bad_bodies(writer: Client, admin: dict[str, str]) -> None:
    assert_problem(await writer.get("/v1/topics/no-such-topic"), 404, "unknown-slug")
    assert_problem(await writer.patch("/v1/topics/no-such-topic", json={"name": "X"}, headers=admin), 404)
    body = assert_problem(
        await writer.post("/v1/topics", json={"slug": "Bad Slug", "name": ""}, headers=admin), 422, "validation-failed"
    )
    assert {error["name"] for error in body["errors"]} == {"slug", "name"}


# --- Idempotency-Key on every POST --------------------------------------------------------------------------


POSTS: list[tuple[str, str, dict[str, Any]]] = [
    ("/v1/actors", "admin", {"slug": "ann-member", "name": "Ann Member", "kind": "person"}),
    ("/v1/policies", "admin", {"slug": "uk-test-policy", "title": "A test policy", "jurisdiction": "GB"}),
    ("/v1/sources", "editor", {"slug": "a-test-source", "kind": "statement", "title": "A statement"}),
    ("/v1/topics", "admin", {"slug": "a-test-topic", "name": "A test topic"}),
]


@pytest.mark.parametrize(("path", "scope", "body"), POSTS, ids=[path for path, _, _ in POSTS])
async def test_every_create_replays_a_retry_with_the_same_idempotency_key(
    writer: Client,
    admin: dict[str, str],
    editor: dict[str, str],
    db: asyncpg.Connection,
    path: str,
    scope: str,
    body: dict[str, Any],
) -> None:
    headers = {**(admin if scope == "admin" else editor), "Idempotency-Key": f"create-{body['slug']}"}
    first = await writer.post(path, json=body, headers=headers)
    assert first.status_code == 201, first.text
    assert first.headers["location"] == f"{path}/{body['slug']}"
    version = await db.fetchval("SELECT version FROM data_version")

    retry = await writer.post(path, json=body, headers=headers)
    assert (retry.status_code, retry.content) == (201, first.content)
    assert retry.headers["idempotent-replayed"] == "true"
    assert retry.headers["location"] == first.headers["location"]
    assert await db.fetchval("SELECT version FROM data_version") == version  # nothing written again

    other = await writer.post(path, json={**body, "slug": "another-slug"}, headers=headers)
    assert_problem(other, 422, "validation-failed")
    # without the key, the same body is a second create: the slug is taken
    detail = assert_problem(
        await writer.post(path, json=body, headers={"Authorization": headers["Authorization"]}), 409
    )
    assert "already exists" in detail["detail"]


async def test_a_retraction_replays_with_its_idempotency_key(writer: Client, editor: dict[str, str]) -> None:
    slug = "keir-starmer-on-uk-return-hubs-2025-05-15"
    etag = (await writer.get(f"/v1/stances/{slug}")).headers["etag"]
    headers = {**editor, "If-Match": etag, "Idempotency-Key": "retract-1"}
    body = {"reason": "Recorded against the wrong policy."}
    first = await writer.post(f"/v1/stances/{slug}/retraction", json=body, headers=headers)
    assert first.status_code == 200, first.text
    assert first.json()["retracted"] is True
    # the retry's If-Match is stale now, yet it gets the first answer instead of a 412
    retry = await writer.post(f"/v1/stances/{slug}/retraction", json=body, headers=headers)
    assert (retry.status_code, retry.content) == (200, first.content)
    assert retry.headers["idempotent-replayed"] == "true"
    assert retry.headers["etag"] == first.headers["etag"]
    stale = await writer.post(f"/v1/stances/{slug}/retraction", json=body, headers={**editor, "If-Match": etag})
    assert_problem(stale, 412, "precondition-failed")


# --- no constraint names in problems ----------------------------------------------------------------------


async def test_racing_creates_with_different_keys_get_a_plain_words_409(
    writer: Client, admin: dict[str, str], db: asyncpg.Connection, in_thread: InThread, lock_waiters: LockWaiters
) -> None:
    """Two creates of one slug: the second waits on the first's uncommitted row, then fails on the unique index
    (the slug check ran before the first committed). The 409 says what is wrong in plain words."""
    body = {"slug": "raced-actor", "name": "Raced", "kind": "person"}
    await db.execute("BEGIN")
    await db.execute("INSERT INTO actor (slug, name, kind) VALUES ('raced-actor', 'Raced', 'person')")
    request = asyncio.ensure_future(in_thread(writer.post("/v1/actors", json=body, headers=admin)))
    try:
        await lock_waiters(db, 1)
    finally:
        await db.execute("COMMIT")
    problem = assert_problem(await request, 409, "conflict")
    assert problem["detail"] == (
        "The write conflicts with a stored record: an actor with this slug already exists; nothing was stored."
    )
    assert "uq_" not in problem["detail"]


def test_every_unique_and_check_rule_a_write_can_break_has_plain_words() -> None:
    writable = {
        "actor", "actor_alias", "actor_role", "actor_identifier", "topic", "policy", "policy_topic",
        "policy_relation", "policy_identifier", "source", "source_identifier", "stance", "evidence",
    }  # fmt: skip
    named = {
        constraint.name
        for table in Base.metadata.sorted_tables
        if table.name in writable
        for constraint in table.constraints
        if constraint.__visit_name__ in {"unique_constraint", "primary_key_constraint"}
    }
    # a primary key on a generated id cannot clash; the composite key of policy_topic can
    assert {name for name in named if not str(name).startswith("pk_")} | {"pk_policy_topic"} <= set(CONSTRAINT_MEANINGS)


# --- roles: title, organisation and start date ---------------------------------------------------------------


async def test_a_member_of_four_committees_from_the_same_day_has_four_roles(
    writer: Client, admin: dict[str, str]
) -> None:
    committees = ["home-affairs-committee", "justice-committee", "foreign-affairs-committee", "liaison-committee"]
    for slug in committees:
        created = await writer.post(
            "/v1/actors",
            json={"slug": slug, "name": slug.replace("-", " ").title(), "kind": "organisation"},
            headers=admin,
        )
        assert created.status_code == 201, created.text
    roles = [{"title": "Member", "organisation": slug, "started_on": "2024-07-17"} for slug in committees]
    replaced = await writer.put("/v1/actors/chris-philp/roles", json={"roles": roles}, headers=admin)
    assert replaced.status_code == 200, replaced.text
    members = [role for role in replaced.json()["roles"] if role["title"] == "Member"]
    assert sorted(role["organisation"]["slug"] for role in members) == sorted(committees)

    twice = await writer.put("/v1/actors/chris-philp/roles", json={"roles": [roles[0], roles[0]]}, headers=admin)
    body = assert_problem(twice, 422, "validation-failed")
    assert body["errors"] == [
        {"name": "roles[1]", "location": "body", "message": "duplicate title, organisation and start date"}
    ]
