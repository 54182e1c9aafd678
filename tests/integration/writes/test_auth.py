"""API keys: reads are public, writes need a bearer key of the right scope, keys come from the CLI, the key's
name is the author of what it changes, and each key has a per-minute write budget."""

import asyncio
import dataclasses
import hashlib
import os
import re
import sys
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import asyncpg
import httpx
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from api.app import create_app
from api.settings import Settings
from db.embedded import PROJECT_ROOT

Client = AsyncTestClient[Litestar]
Problem = Callable[[httpx.Response, int], dict[str, Any]]

SEED_STANCE = "keir-starmer-on-uk-return-hubs-2025-05-15"
RATE_LIMIT_HEADER = re.compile(r"^limit=(\d+), remaining=(\d+), reset=(\d+)$")


@dataclass(frozen=True)
class CliResult:
    code: int
    stdout: str
    stderr: str


@pytest.fixture
def positions_cli(write_url: str) -> Callable[..., Any]:
    """Run ``python -m api.cli ...`` against this module's database, as an operator would."""

    async def run(*args: str) -> CliResult:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "api.cli",
            *args,
            cwd=PROJECT_ROOT,
            env={**os.environ, "DATABASE_URL": write_url},
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
        assert process.returncode is not None
        return CliResult(process.returncode, stdout.decode(), stderr.decode())

    return run


async def cli_key(positions_cli: Callable[..., Any], name: str, scope: str) -> str:
    result = await positions_cli("keys", "create", "--name", name, "--scope", scope)
    assert result.code == 0, result.stderr
    secret: str = result.stdout.strip()
    assert re.fullmatch(r"pos_[0-9a-f]{8}_[A-Za-z0-9_-]{40,}", secret), result.stdout
    return secret


def auth(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def source_body(slug: str) -> dict[str, Any]:
    return {"slug": slug, "kind": "statement", "title": f"Statement {slug}"}


# --- reads are public ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/v1/stances",
        f"/v1/stances/{SEED_STANCE}",
        f"/v1/stances/{SEED_STANCE}/history",
        f"/v1/evidence/{SEED_STANCE}-e1/history",
        "/v1/actors/keir-starmer",
        "/v1/sources",
        "/v1/changes",
        "/v1/compare/actors?actors=edi-rama,keir-starmer&as_of=2025-05-15",
    ],
)
async def test_reads_need_no_key(writer: Client, path: str) -> None:
    response = await writer.get(path)
    assert response.status_code == 200, response.text


# --- 401 -------------------------------------------------------------------------------------------------

WRITE_ROUTES = [
    ("POST", "/v1/stances"),
    ("PATCH", f"/v1/stances/{SEED_STANCE}"),
    ("POST", f"/v1/stances/{SEED_STANCE}/retraction"),
    ("PATCH", f"/v1/evidence/{SEED_STANCE}-e1"),
    ("POST", "/v1/sources"),
    ("PATCH", "/v1/sources/starmer-first-official-visit-to-albania-2025-05"),
    ("POST", "/v1/actors"),
    ("PATCH", "/v1/actors/keir-starmer"),
    ("PUT", "/v1/actors/keir-starmer/roles"),
    ("POST", "/v1/policies"),
    ("PATCH", "/v1/policies/uk-return-hubs"),
    ("PUT", "/v1/policies/uk-return-hubs/relations"),
]


@pytest.mark.parametrize(("method", "path"), WRITE_ROUTES)
async def test_every_write_without_a_key_is_a_401_with_a_bearer_challenge(
    writer: Client, problem: Problem, stored: Callable[..., Any], method: str, path: str
) -> None:
    before = await stored()
    response = await writer.request(method, path, json={})
    body = problem(response, 401)
    assert body["type"].endswith("/unauthorized")
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert await stored() == before


async def test_a_stance_post_without_authorization_is_401(
    writer: Client, problem: Problem, stance_body: Callable[..., dict[str, Any]]
) -> None:
    response = await writer.post("/v1/stances", json=stance_body("edi-rama-on-unauthenticated-2025-05-15"))
    body = problem(response, 401)
    assert "Authorization: Bearer" in body["detail"]
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert (await writer.get("/v1/stances/edi-rama-on-unauthenticated-2025-05-15")).status_code == 404


@pytest.mark.parametrize(
    "authorization",
    ["Basic dXNlcjpwYXNz", "Bearer", "Bearer    ", "pos_0000_secret"],
    ids=["basic", "bearer-without-token", "bearer-blank-token", "no-scheme"],
)
async def test_a_malformed_authorization_header_is_401(writer: Client, problem: Problem, authorization: str) -> None:
    response = await writer.post(
        "/v1/sources", json=source_body("malformed-auth"), headers={"Authorization": authorization}
    )
    problem(response, 401)
    assert response.headers["www-authenticate"].startswith("Bearer")


async def test_an_unknown_key_is_401(writer: Client, problem: Problem) -> None:
    response = await writer.post(
        "/v1/sources", json=source_body("unknown-key"), headers=auth("pos_deadbeef_" + "x" * 43)
    )
    body = problem(response, 401)
    assert body["detail"] == "Unknown API key."
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert (await writer.get("/v1/sources/unknown-key")).status_code == 404


# --- the CLI -------------------------------------------------------------------------------------------


async def test_a_cli_key_works_until_revoked_by_name(
    writer: Client, problem: Problem, positions_cli: Callable[..., Any]
) -> None:
    secret = await cli_key(positions_cli, "Revoked By Name", "editor")
    assert (await writer.post("/v1/sources", json=source_body("by-name-1"), headers=auth(secret))).status_code == 201

    revoked = await positions_cli("keys", "revoke", "Revoked By Name")
    assert revoked.code == 0, revoked.stderr
    assert "Revoked By Name" in revoked.stderr

    body = problem(await writer.post("/v1/sources", json=source_body("by-name-2"), headers=auth(secret)), 401)
    assert "revoked" in body["detail"]
    assert (await writer.get("/v1/sources/by-name-2")).status_code == 404
    again = await positions_cli("keys", "revoke", "Revoked By Name")
    assert again.code == 1
    assert "no active key" in again.stderr


async def test_a_cli_key_works_until_revoked_by_prefix(
    writer: Client, problem: Problem, positions_cli: Callable[..., Any]
) -> None:
    secret = await cli_key(positions_cli, "Revoked By Prefix", "editor")
    prefix = secret.split("_")[1]
    assert (await writer.post("/v1/sources", json=source_body("by-prefix-1"), headers=auth(secret))).status_code == 201

    revoked = await positions_cli("keys", "revoke", prefix)
    assert revoked.code == 0, revoked.stderr
    assert "Revoked By Prefix" in revoked.stderr

    body = problem(await writer.post("/v1/sources", json=source_body("by-prefix-2"), headers=auth(secret)), 401)
    assert "revoked" in body["detail"]


async def test_revoking_one_key_leaves_the_others_working(writer: Client, positions_cli: Callable[..., Any]) -> None:
    keep, _ = await asyncio.gather(
        cli_key(positions_cli, "Kept Key", "editor"), cli_key(positions_cli, "Dropped Key", "editor")
    )
    assert (await positions_cli("keys", "revoke", "Dropped Key")).code == 0
    assert (await writer.post("/v1/sources", json=source_body("kept-key"), headers=auth(keep))).status_code == 201


async def test_keys_create_refuses_a_name_already_taken(positions_cli: Callable[..., Any]) -> None:
    await cli_key(positions_cli, "Taken Name", "editor")
    second = await positions_cli("keys", "create", "--name", "Taken Name", "--scope", "admin")
    assert second.code == 1
    assert second.stdout == ""
    assert "already exists" in second.stderr


async def test_keys_list_shows_names_prefixes_and_scopes_and_never_the_secret(
    positions_cli: Callable[..., Any], db: asyncpg.Connection
) -> None:
    editor_secret, admin_secret, revoked_secret = await asyncio.gather(
        cli_key(positions_cli, "Listed Editor", "editor"),
        cli_key(positions_cli, "Listed Admin", "admin"),
        cli_key(positions_cli, "Listed Revoked", "editor"),
    )
    assert (await positions_cli("keys", "revoke", "Listed Revoked")).code == 0

    listing = await positions_cli("keys", "list")
    assert listing.code == 0, listing.stderr
    rows = {line.split("\t")[0]: line.split("\t") for line in listing.stdout.splitlines()}
    for name, secret, scope, state in (
        ("Listed Editor", editor_secret, "editor", "active"),
        ("Listed Admin", admin_secret, "admin", "active"),
        ("Listed Revoked", revoked_secret, "editor", "revoked"),
    ):
        name_, prefix, scope_, _created, state_ = rows[name]
        assert (name_, prefix, scope_) == (name, secret.split("_")[1], scope)
        assert state_.startswith(state)
        assert secret not in listing.stdout + listing.stderr
        secret_part = secret.split("_", 2)[2]
        assert secret_part not in listing.stdout + listing.stderr
        # only the hash is stored
        row = await db.fetchrow("SELECT key_hash, prefix FROM api_key WHERE name = $1", name)
        assert row is not None
        assert row["key_hash"] == hashlib.sha256(secret.encode()).hexdigest()
        assert secret_part not in (row["key_hash"] + row["prefix"])


# --- 403 and scopes -----------------------------------------------------------------------------------

ADMIN_ONLY = [
    ("POST", "/v1/actors", {"slug": "editor-made-actor", "name": "Editor Made", "kind": "person"}),
    ("PATCH", "/v1/actors/keir-starmer", {"name": "Keir"}),
    ("PUT", "/v1/actors/keir-starmer/roles", {"roles": []}),
    ("POST", "/v1/policies", {"slug": "editor-made-policy", "title": "Editor made", "jurisdiction": "GB"}),
    ("PATCH", "/v1/policies/uk-return-hubs", {"title": "Hubs"}),
    ("PUT", "/v1/policies/uk-return-hubs/relations", {"relations": []}),
]


@pytest.mark.parametrize(("method", "path", "body"), ADMIN_ONLY, ids=[f"{m} {p}" for m, p, _ in ADMIN_ONLY])
async def test_an_editor_key_on_an_admin_write_is_403(
    writer: Client,
    problem: Problem,
    stored: Callable[..., Any],
    editor: dict[str, str],
    method: str,
    path: str,
    body: dict[str, Any],
) -> None:
    before = await stored()
    response = await writer.request(method, path, json=body, headers=editor)
    assert problem(response, 403)["type"].endswith("/forbidden")
    assert await stored() == before


async def test_an_editor_cannot_create_an_actor_but_an_admin_can(
    writer: Client, problem: Problem, editor: dict[str, str], admin: dict[str, str]
) -> None:
    actor = {"slug": "jane-doe-mp", "name": "Jane Doe", "kind": "person", "country": "GB", "aliases": ["Ms Doe"]}
    problem(await writer.post("/v1/actors", json=actor, headers=editor), 403)
    assert (await writer.get("/v1/actors/jane-doe-mp")).status_code == 404

    created = await writer.post("/v1/actors", json=actor, headers=admin)
    assert created.status_code == 201, created.text
    assert created.json()["aliases"] == ["Ms Doe"]
    assert (await writer.get("/v1/actors/jane-doe-mp")).json()["name"] == "Jane Doe"


async def test_an_admin_key_may_also_make_editor_writes(writer: Client, admin: dict[str, str]) -> None:
    response = await writer.post("/v1/sources", json=source_body("admin-made-source"), headers=admin)
    assert response.status_code == 201, response.text


# --- the author -------------------------------------------------------------------------------------


async def test_the_keys_name_is_the_author_in_the_history(
    writer: Client, positions_cli: Callable[..., Any], stance_body: Callable[..., dict[str, Any]]
) -> None:
    secret = await cli_key(positions_cli, "Jane Editor", "editor")
    slug = "edi-rama-on-authored-stance-2025-05-15"
    created = await writer.post("/v1/stances", json=stance_body(slug), headers=auth(secret))
    assert created.status_code == 201, created.text

    history = (await writer.get(f"/v1/stances/{slug}/history")).json()
    assert [(r["action"], r["author"]) for r in history["revisions"]] == [("create", "Jane Editor")]
    evidence_history = (await writer.get(f"/v1/evidence/{slug}-e2/history")).json()
    assert [(r["action"], r["author"]) for r in evidence_history["revisions"]] == [("create", "Jane Editor")]

    corrected = await writer.patch(
        f"/v1/stances/{slug}",
        json={"position": 2},
        headers={**auth(secret), "If-Match": created.headers["etag"]},
    )
    assert corrected.status_code == 200, corrected.text
    history = (await writer.get(f"/v1/stances/{slug}/history")).json()
    assert [(r["action"], r["author"]) for r in history["revisions"]] == [
        ("create", "Jane Editor"),
        ("update", "Jane Editor"),
    ]


# --- rate limit -----------------------------------------------------------------------------------------


@pytest.fixture
async def limited(write_url: str) -> AsyncIterator[Client]:
    """An app allowing 3 writes per key per minute."""
    settings = dataclasses.replace(Settings.from_env(write_url), write_rate_limit=3)
    async with AsyncTestClient(create_app(settings)) as test_client:
        yield test_client


def rate_limit(response: httpx.Response) -> tuple[int, int, int]:
    match = RATE_LIMIT_HEADER.match(response.headers["ratelimit"])
    assert match, response.headers["ratelimit"]
    limit, remaining, reset = (int(group) for group in match.groups())
    assert 1 <= reset <= 60
    assert response.headers["ratelimit-policy"] == f"{limit};w=60"
    return limit, remaining, reset


async def test_the_fourth_write_in_a_minute_is_429_with_retry_after(
    limited: Client,
    problem: Problem,
    make_key: Callable[..., Any],
    db: asyncpg.Connection,
) -> None:
    # The window is a calendar minute; if the four writes straddle a minute boundary, try again with a new key
    # (it cannot happen twice in a row).
    for attempt in range(3):
        name = f"Rate Limited {attempt}"
        headers = await make_key(name, "editor")
        responses = [
            await limited.post("/v1/sources", json=source_body(f"rate-limited-{attempt}-{n}"), headers=headers)
            for n in range(4)
        ]
        windows = await db.fetchval(
            "SELECT count(*) FROM rate_limit_window w JOIN api_key k ON k.id = w.api_key_id WHERE k.name = $1", name
        )
        if windows == 1:
            break
    else:
        pytest.fail("three attempts straddled a minute boundary")

    for n, response in enumerate(responses[:3]):
        assert response.status_code == 201, response.text
        assert rate_limit(response)[:2] == (3, 2 - n)

    refused = responses[3]
    body = problem(refused, 429)
    assert body["type"].endswith("/rate-limited")
    limit, remaining, reset = rate_limit(refused)
    assert (limit, remaining) == (3, 0)
    assert refused.headers["retry-after"] == str(reset)
    assert (await limited.get(f"/v1/sources/rate-limited-{attempt}-3")).status_code == 404

    # reads are not limited, and another key has its own budget
    assert (await limited.get("/v1/sources")).status_code == 200
    other = await make_key(f"Unlimited Neighbour {attempt}", "editor")
    neighbour = await limited.post("/v1/sources", json=source_body(f"rate-neighbour-{attempt}"), headers=other)
    assert neighbour.status_code == 201, neighbour.text
    assert rate_limit(neighbour)[:2] == (3, 2)
