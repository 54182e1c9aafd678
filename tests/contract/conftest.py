"""A live server of its own for fuzzing: Schemathesis writes to its database, with an admin key."""

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from tests.conftest import DatabaseFactory, running_server
from tests.keys import create_key


@dataclass(frozen=True, slots=True)
class FuzzTarget:
    base_url: str
    headers: dict[str, str]


@pytest.fixture(scope="session")
async def fuzz_target(databases: DatabaseFactory) -> AsyncIterator[FuzzTarget]:
    url = await databases.clone("fuzz")
    headers = await create_key(url, "fuzzer", "admin")
    async with running_server(url, {"POSITIONS_WRITE_RATE_LIMIT": "1000000"}) as base:
        yield FuzzTarget(base_url=base, headers=headers)
