"""API keys for tests, stored as ``positions keys create`` stores them. Import as ``from tests.keys import ...``."""

import asyncpg

from api.auth import generate_key
from db.engine import plain_url


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


async def insert_key(
    connection: asyncpg.Connection, name: str, scope: str = "editor", *, rate_limit: int | None = None
) -> dict[str, str]:
    """Store a new key named ``name`` with ``scope`` (and its own write limit per minute); return its header."""
    key = generate_key()
    await connection.execute(
        "INSERT INTO api_key (name, prefix, key_hash, scope, rate_limit) VALUES ($1, $2, $3, $4, $5)",
        name,
        key.prefix,
        key.key_hash,
        scope,
        rate_limit,
    )
    return bearer(key.secret)


async def create_key(url: str, name: str, scope: str = "editor", *, rate_limit: int | None = None) -> dict[str, str]:
    """``insert_key`` on its own connection to the database at ``url``."""
    connection = await asyncpg.connect(plain_url(url))
    try:
        return await insert_key(connection, name, scope, rate_limit=rate_limit)
    finally:
        await connection.close()
