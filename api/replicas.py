"""Read replicas (``DATABASE_READ_URL``): how far behind each one is, and which server a read goes to.

Writes always go to the primary (``DATABASE_URL``). A read goes to a *usable* replica, otherwise to the primary
(``api.database.read_connection`` is the one place that chooses):

- **Lag.** Each process checks every ``replica_check_interval`` seconds, in the background and never per request:
  it samples the primary's ``pg_current_wal_lsn()``, then asks each replica how far it has replayed
  (``pg_last_wal_replay_lsn()``). A replica's lag is the time since the newest sample it has replayed (it then
  held everything the primary had written at that moment): about 0 while it keeps up, growing while replay is
  paused or slow, whatever the clocks of the two hosts say, and also when the primary is idle. Between checks the
  lag is taken to grow with the clock. A replica is usable while that lag is at most ``replica_max_lag``.
- **Down.** A replica whose check fails, or which refuses a request's connection, is not used until a check
  reaches it again; the request itself is answered by the primary.
- **Read-your-writes.** A write answers with its commit's LSN (``Positions-LSN`` header and ``positions_lsn``
  cookie). A read carrying one (header or cookie) goes to a replica that has replayed it; when none has yet, it
  waits up to ``replica_lsn_wait`` seconds for one to, and otherwise goes to the primary.
- When the primary itself cannot be sampled, a replica that answers stays usable: it is then the only server
  that can answer reads at all.
"""

import asyncio
import logging
import math
import random
import re
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import asyncpg
from litestar import Request
from litestar.datastructures import MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.types import Message, Scope
from sqlalchemy.ext.asyncio import AsyncEngine

from api.metrics import DB_READS, REPLICA_LAG_SECONDS, REPLICA_USABLE
from api.settings import Settings
from db.engine import plain_url

LSN_HEADER = "Positions-LSN"
LSN_COOKIE = "positions_lsn"
READ_FROM_HEADER = "Positions-Read-From"
READ_METHODS = frozenset({"GET", "HEAD"})

# The position a server has reached, as bytes from the start of the WAL: the replay position on a replica, the
# write position on a server that is not in recovery (a primary named as a replica is always caught up).
REACHED_LSN_SQL = (
    "SELECT pg_wal_lsn_diff(CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() "
    "ELSE pg_current_wal_lsn() END, '0/0')::bigint"
)
PRIMARY_LSN_SQL = "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint"
# After a commit: the end of the WAL inserted so far, so at or past the commit record (also with
# synchronous_commit off, when the record may not be written out yet).
COMMIT_LSN_SQL = "SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')::bigint"

_LSN = re.compile(r"^([0-9A-Fa-f]{1,8})/([0-9A-Fa-f]{1,8})$")

log = logging.getLogger("positions.replicas")


def parse_lsn(text: str | None) -> int | None:
    """``16/B374D848`` as a number; ``None`` for anything else (a malformed hint is ignored, not an error)."""
    match = _LSN.match(text.strip()) if text else None
    return (int(match[1], 16) << 32) | int(match[2], 16) if match else None


def format_lsn(value: int) -> str:
    """A WAL position in PostgreSQL's own notation, e.g. ``0/3000148``."""
    return f"{value >> 32:X}/{value & 0xFFFFFFFF:X}"


def requested_lsn(request: Request[Any, Any, Any]) -> int | None:
    """The LSN of a write this reader must see: the ``Positions-LSN`` header, else the cookie; the later of both."""
    found = [parse_lsn(request.headers.get(LSN_HEADER)), parse_lsn(request.cookies.get(LSN_COOKIE))]
    values = [value for value in found if value is not None]
    return max(values) if values else None


def label_of(url: str) -> str:
    """A replica's name in logs and metrics: host, port and database, never the credentials."""
    parts = urlsplit(plain_url(url))
    host = parts.hostname or ""
    if not host:  # a Unix socket: postgresql://user@/db?host=/path
        host = next((q.removeprefix("host=") for q in parts.query.split("&") if q.startswith("host=")), "local")
    port = f":{parts.port}" if parts.port else ""
    return f"{host}{port}{parts.path}"


@dataclass(eq=False)
class Replica:
    """One replica: its engine (the pool requests read from) and what the last check found."""

    url: str
    label: str
    engine: AsyncEngine
    reached_lsn: int = 0
    lag: float | None = None
    """Seconds behind the primary at ``checked_at``; ``None`` when unknown (no sample replayed, or unreachable)."""
    reachable: bool = False
    checked_at: float = 0.0
    probe: asyncpg.Connection | None = None

    def usable(self, now: float, max_lag: float, primary_known: bool) -> bool:
        if not self.reachable:
            return False
        if not primary_known:
            return True
        return self.lag is not None and self.lag + (now - self.checked_at) <= max_lag


@dataclass(eq=False)
class ReplicaSet:
    """The replicas of one process, the primary's WAL positions sampled by the checks, and the checker task."""

    primary_url: str
    replicas: list[Replica]
    settings: Settings
    samples: deque[tuple[float, int]] = field(default_factory=deque)
    primary_known: bool = True
    primary_probe: asyncpg.Connection | None = None
    task: asyncio.Task[None] | None = None

    # -- choosing ---------------------------------------------------------------------------------------------

    def usable(self) -> list[Replica]:
        now = time.monotonic()
        return [r for r in self.replicas if r.usable(now, self.settings.replica_max_lag, self.primary_known)]

    def pick(self, wanted: int | None, excluded: list[Replica]) -> Replica | None:
        """A usable replica: any (at random) without ``wanted``; else one already past it, else the furthest."""
        candidates = [r for r in self.usable() if r not in excluded]
        if not candidates:
            return None
        if wanted is None:
            return random.choice(candidates)  # noqa: S311  (spreading load, not security)
        ready = [r for r in candidates if r.reached_lsn >= wanted]
        return random.choice(ready) if ready else max(candidates, key=lambda r: r.reached_lsn)  # noqa: S311

    def mark_down(self, replica: Replica, reason: BaseException) -> None:
        """A request could not use ``replica``: no reads go to it until a check reaches it again."""
        if replica.reachable:
            log.warning("replica %s unavailable: %s", replica.label, type(reason).__name__)
        replica.reachable = False
        REPLICA_USABLE.labels(replica=replica.label).set(0)

    async def reached(self, replica: Replica, driver: asyncpg.Connection) -> int:
        """Ask the replica how far it has replayed (a round trip that also proves the connection works)."""
        value = await driver.fetchval(REACHED_LSN_SQL, timeout=self.settings.db_connect_timeout)
        replica.reached_lsn = max(replica.reached_lsn, int(value or 0))
        return replica.reached_lsn

    async def wait_for(self, replica: Replica, driver: asyncpg.Connection, wanted: int, deadline: float) -> bool:
        """Whether the replica reaches ``wanted`` by ``deadline`` (``loop.time()``), polling on ``driver``."""
        loop = asyncio.get_running_loop()
        delay = 0.002
        while await self.reached(replica, driver) < wanted:
            remaining = deadline - loop.time()
            if remaining <= 0:
                return False
            await asyncio.sleep(min(delay, remaining))
            delay = min(delay * 2, 0.025)
        return True

    # -- checking ---------------------------------------------------------------------------------------------

    async def check(self) -> None:
        """One round of checks: sample the primary, then every replica at once."""
        self.primary_known = await self._sample_primary()
        await asyncio.gather(*(self._check_replica(replica) for replica in self.replicas))

    async def run(self) -> None:
        while True:
            await asyncio.sleep(self.settings.replica_check_interval)
            try:
                await self.check()
            except Exception:  # a check must never stop the checker
                log.exception("replica check failed")

    async def _connect(self, url: str) -> asyncpg.Connection:
        connection: asyncpg.Connection = await asyncpg.connect(
            plain_url(url),
            timeout=self.settings.db_connect_timeout,
            server_settings={"application_name": "positions-replica-check"},
        )
        return connection

    async def _sample_primary(self) -> bool:
        try:
            if self.primary_probe is None or self.primary_probe.is_closed():
                self.primary_probe = await self._connect(self.primary_url)
            lsn = int(await self.primary_probe.fetchval(PRIMARY_LSN_SQL, timeout=self.settings.db_connect_timeout))
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError):
            await _close(self.primary_probe)
            self.primary_probe = None
            return False
        now = time.monotonic()
        self.samples.append((now, lsn))
        keep = self.settings.replica_max_lag + 2 * self.settings.replica_check_interval
        while len(self.samples) > 1 and self.samples[0][0] < now - keep:
            self.samples.popleft()
        return True

    async def _check_replica(self, replica: Replica) -> None:
        try:
            if replica.probe is None or replica.probe.is_closed():
                replica.probe = await self._connect(replica.url)
            reached = await self.reached(replica, replica.probe)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as exc:
            await _close(replica.probe)
            replica.probe = None
            replica.lag = None
            self.mark_down(replica, exc)
            return
        now = time.monotonic()
        replica.lag = self._lag(reached, now)
        if not replica.reachable:
            log.info("replica %s reachable (lag %s s)", replica.label, replica.lag)
        replica.reachable = True
        replica.checked_at = now
        REPLICA_LAG_SECONDS.labels(replica=replica.label).set(-1 if replica.lag is None else replica.lag)
        usable = replica.usable(now, self.settings.replica_max_lag, self.primary_known)
        REPLICA_USABLE.labels(replica=replica.label).set(1 if usable else 0)

    def _lag(self, reached: int, now: float) -> float | None:
        """Seconds since the newest sample of the primary that ``reached`` covers; ``None`` if it covers none kept."""
        for taken_at, lsn in reversed(self.samples):
            if lsn <= reached:
                return now - taken_at
        return None

    async def close(self) -> None:
        if self.task is not None:
            self.task.cancel()
            await asyncio.gather(self.task, return_exceptions=True)
        for probe in [self.primary_probe, *(r.probe for r in self.replicas)]:
            await _close(probe)
        for replica in self.replicas:
            await replica.engine.dispose()


async def _close(connection: asyncpg.Connection | None) -> None:
    if connection is not None and not connection.is_closed():
        try:
            await asyncio.wait_for(connection.close(), timeout=1)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError):
            connection.terminate()


def served(request: Request[Any, Any, Any], by: str, reason: str) -> None:
    """Record which server answers this read (the ``Positions-Read-From`` header and the reads metric)."""
    request.state.read_from = by
    DB_READS.labels(served_by=by, reason=reason).inc()


def cookie_max_age(settings: Settings) -> int:
    """Seconds the LSN cookie lives: by then every replica still in use has replayed the write."""
    return math.ceil(settings.replica_max_lag + settings.replica_check_interval) + 1


async def replica_headers(message: Message, scope: Scope) -> None:
    """``before_send``: the commit LSN of a write (header and cookie) and which server answered a read."""
    if scope["type"] != ScopeType.HTTP or message["type"] != "http.response.start":
        return
    state = scope.get("state", {})
    headers = MutableScopeHeaders.from_message(message)
    lsn: int | None = state.get("commit_lsn")
    if lsn is not None and message["status"] < 400:
        settings: Settings = scope["litestar_app"].state.settings
        text = format_lsn(lsn)
        headers[LSN_HEADER] = text
        headers.add(
            "Set-Cookie", f"{LSN_COOKIE}={text}; Max-Age={cookie_max_age(settings)}; Path=/; HttpOnly; SameSite=Lax"
        )
    read_from: str | None = state.get("read_from")
    if read_from is not None:
        headers[READ_FROM_HEADER] = read_from
