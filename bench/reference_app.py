"""The reference endpoint: what the data of ``GET /v1/compare/actors`` costs with no framework at all.

A raw ASGI app (``granian --interface asgi bench.reference_app:app``): for ``?actors=a,b&as_of=YYYY-MM-DD`` it
runs one query on an asyncpg pool and answers the rows as a JSON array of objects encoded by msgspec. The
query is the very SQL text the app sends for the same request, with the same parameters: ``bench.run`` records
it by calling ``api.comparisons.queries.actor_comparison_data`` and hands it over in ``BENCH_REFERENCE_SQL``
(``$1`` the day, ``$2`` the actor slugs): one round trip per request, as the app's. No routing, validation,
ETag, dependency injection, response models or logging; nothing from the app is imported, so its memory is a
floor too.
"""

import os
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any
from urllib.parse import parse_qs

import asyncpg
import msgspec

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

ENCODER = msgspec.json.Encoder()
JSON_HEADERS = [(b"content-type", b"application/json")]


def dsn() -> str:
    url = os.environ["DATABASE_URL"]
    return "postgresql://" + url.split("://", 1)[1]


class ReferenceApp:
    def __init__(self) -> None:
        self.pool: asyncpg.Pool | None = None
        self.sql = ""

    async def lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                size = int(os.environ.get("POSITIONS_DB_POOL_SIZE", "16"))
                # the same fixed-size pool as the app's engine (pool_size, no overflow)
                # and the same plan_cache_mode (db.engine), so PostgreSQL plans the query as for the app
                self.pool = await asyncpg.create_pool(
                    dsn(), min_size=size, max_size=size, server_settings={"plan_cache_mode": "force_custom_plan"}
                )
                self.sql = os.environ["BENCH_REFERENCE_SQL"]
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self.pool is not None:
                    await self.pool.close()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.lifespan(receive, send)
            return
        query = parse_qs(scope["query_string"].decode())
        if "actors" not in query or self.pool is None:
            await self.respond(send, 200, b'{"status":"ok"}')  # readiness probe
            return
        slugs = query["actors"][0].split(",")
        as_of = date.fromisoformat(query["as_of"][0])
        async with self.pool.acquire() as connection:
            rows = await connection.fetch(self.sql, as_of, slugs)
        await self.respond(send, 200, ENCODER.encode([dict(row) for row in rows]))

    @staticmethod
    async def respond(send: Send, status: int, body: bytes) -> None:
        headers = [*JSON_HEADERS, (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


app = ReferenceApp()
