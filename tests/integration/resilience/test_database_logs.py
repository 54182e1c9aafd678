"""Database errors are logged without the statement's parameters (an API key's hash was one of them).

A write authenticates by looking the key's hash up; this test makes that statement time out on the server
(the ``api_key`` table locked by another session, ``statement_timeout`` short), so the app answers 503 and
logs the database error. The log line names the statement but none of its parameter values.
"""

import dataclasses
import io
import logging
from collections.abc import Iterator
from typing import Any

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from api.app import create_app
from api.auth import generate_key
from api.logs import JsonFormatter
from api.settings import Settings
from db.engine import plain_url


@pytest.fixture
def error_log() -> Iterator[io.StringIO]:
    """The ``positions`` loggers' output, formatted as in production (JSON lines, tracebacks included)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("positions")
    logger.addHandler(handler)
    try:
        yield stream
    finally:
        logger.removeHandler(handler)


async def test_a_database_error_log_line_carries_no_parameter_values(databases: Any, error_log: io.StringIO) -> None:
    url = await databases.clone("logs")
    key = generate_key()
    admin = await asyncpg.connect(plain_url(url))
    try:
        await admin.execute(
            "INSERT INTO api_key (name, prefix, key_hash, scope) VALUES ('Log Editor', $1, $2, 'editor')",
            key.prefix,
            key.key_hash,
        )
        settings = dataclasses.replace(Settings.from_env(url), db_statement_timeout=0.3)
        async with AsyncTestClient(create_app(settings)) as client, admin.transaction():
            await admin.execute("LOCK TABLE api_key IN ACCESS EXCLUSIVE MODE")
            response = await client.post(
                "/v1/sources",
                headers={"Authorization": f"Bearer {key.secret}"},
                json={"slug": "a-source", "kind": "news_article", "title": "T", "publisher": "P"},
            )
        assert response.status_code == 503, response.text
        assert response.headers["retry-after"]
    finally:
        await admin.close()
    logged = error_log.getvalue()
    assert "api_key" in logged  # the statement that failed is logged...
    assert key.key_hash not in logged  # ...but not its parameters
    assert key.secret not in logged
    assert "hidden due to hide_parameters" in logged
