"""A live server of its own for fuzzing: Schemathesis writes to its database, with an admin key."""

from collections.abc import AsyncIterator
from dataclasses import dataclass

import asyncpg
import pytest

from api.auth import generate_key
from db.engine import plain_url
from tests.conftest import DatabaseFactory, running_server


@dataclass(frozen=True, slots=True)
class FuzzTarget:
    base_url: str
    headers: dict[str, str]


@pytest.fixture(scope="session")
async def fuzz_target(databases: DatabaseFactory) -> AsyncIterator[FuzzTarget]:
    url = await databases.clone("fuzz")
    key = generate_key()
    connection = await asyncpg.connect(plain_url(url))
    try:
        await connection.execute(
            "INSERT INTO api_key (name, prefix, key_hash, scope) VALUES ('fuzzer', $1, $2, 'admin')",
            key.prefix,
            key.key_hash,
        )
    finally:
        await connection.close()
    async with running_server(url, {"POSITIONS_WRITE_RATE_LIMIT": "1000000"}) as base:
        yield FuzzTarget(base_url=base, headers={"Authorization": f"Bearer {key.secret}"})
