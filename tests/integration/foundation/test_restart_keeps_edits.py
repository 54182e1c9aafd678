"""Nothing written through the API is lost when the server restarts or the seeds are loaded again.

`positions serve` loads the seed files only into an empty database; `positions seed` adds what the files
hold but never deletes, and never overwrites a record an editor has changed.
"""

import os
import subprocess
import sys
from contextlib import AbstractAsyncContextManager
from typing import Any

import asyncpg
import httpx
import pytest

from db.embedded import PROJECT_ROOT
from db.engine import plain_url
from tests.conftest import running_server
from tests.keys import create_key

pytestmark = pytest.mark.slow

EDITED_ROLES = [
    {"title": "Leader of the Labour Party", "organisation": "labour-party", "started_on": "2020-04-04"},
    {"title": "Prime Minister of the United Kingdom", "organisation": "uk-government", "started_on": "2024-07-05"},
    {"title": "Leader of the Opposition", "started_on": "2020-04-04", "ended_on": "2024-07-05"},
    {"title": "Director of Public Prosecutions", "started_on": "2008-11-01", "ended_on": "2013-11-01"},
    {"title": "Member of Parliament for Holborn and St Pancras", "started_on": "2015-05-07"},
]
EDITED_ALIASES = ["Keir Starmer", "Sir Keir", "Starmer", "Keir Rodney Starmer"]


def _env(url: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": url, "POSITIONS_LOG_LEVEL": "WARNING"}


def positions_serve(url: str) -> AbstractAsyncContextManager[str]:
    """`positions serve --migrate --seed`, exactly as an operator starts it, on a free port."""
    return running_server(
        url,
        command=lambda port: [sys.executable, "-m", "api.cli", "serve", "--migrate", "--seed", "--port", str(port)],
        ready_within=30,
    )


async def _starmer(base: str) -> dict[str, Any]:
    async with httpx.AsyncClient() as http:
        response = await http.get(base + "/v1/actors/keir-starmer")
    assert response.status_code == 200
    actor: dict[str, Any] = response.json()
    return actor


def _role_titles(actor: dict[str, Any]) -> list[tuple[str, str | None, str | None]]:
    return sorted((role["title"], role["started_on"], role["ended_on"]) for role in actor["roles"])


async def test_roles_and_aliases_written_through_the_api_survive_restarts_and_reseeding(databases: Any) -> None:
    url = await databases.empty("restart")
    async with positions_serve(url) as base:
        seeded = await _starmer(base)
        assert len(seeded["roles"]) == 2, "the first start seeds the empty database"
        auth = await create_key(url, "Desk Admin", "admin")
        async with httpx.AsyncClient(base_url=base, headers=auth) as http:
            roles = await http.put("/v1/actors/keir-starmer/roles", json={"roles": EDITED_ROLES})
            assert roles.status_code == 200, roles.text
            aliases = await http.patch("/v1/actors/keir-starmer", json={"aliases": EDITED_ALIASES})
            assert aliases.status_code == 200, aliases.text
        edited = await _starmer(base)
    assert len(edited["roles"]) == 5
    assert sorted(edited["aliases"]) == sorted(EDITED_ALIASES)

    for _ in range(2):
        async with positions_serve(url) as base:
            after_restart = await _starmer(base)
        assert _role_titles(after_restart) == _role_titles(edited)
        assert sorted(after_restart["aliases"]) == sorted(EDITED_ALIASES)

    seed = subprocess.run(  # noqa: ASYNC221  (a short CLI run)
        [sys.executable, "-m", "api.cli", "seed"], env=_env(url), cwd=PROJECT_ROOT, capture_output=True, check=False
    )
    assert seed.returncode == 0, seed.stderr.decode()
    async with positions_serve(url) as base:
        after_reseed = await _starmer(base)
    assert _role_titles(after_reseed) == _role_titles(edited), "an explicit seed run keeps the editor's roles"
    assert sorted(after_reseed["aliases"]) == sorted(EDITED_ALIASES), "and the editor's aliases"

    connection = await asyncpg.connect(plain_url(url))
    try:
        loader_changes = await connection.fetchval(
            "SELECT count(*) FROM revision "
            "WHERE entity_type IN ('actor', 'actor_role') AND author = 'seed-loader' AND action <> 'create'"
        )
    finally:
        await connection.close()
    assert loader_changes == 0, "the change feed shows no seed-loader change after the editor's"
