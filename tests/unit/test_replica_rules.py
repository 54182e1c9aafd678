"""The rules of ``api.replicas`` that need no server: LSN notation, how lag is measured, when a replica is usable.
(``tests/integration/replicas`` shows them on a real primary and standby.)"""

import time
from collections import deque

from sqlalchemy.ext.asyncio import create_async_engine

from api.replicas import Replica, ReplicaSet, format_lsn, label_of, parse_lsn
from api.settings import Settings

URL = "postgresql+asyncpg://app:secret@replica.example:5433/positions"


def test_lsns_read_and_write_in_postgresqls_notation() -> None:
    assert parse_lsn("0/3000148") == 0x3000148
    assert parse_lsn("16/B374D848") == (0x16 << 32) | 0xB374D848
    assert format_lsn((0x16 << 32) | 0xB374D848) == "16/B374D848"
    assert format_lsn(parse_lsn("0/0") or 0) == "0/0"


def test_a_malformed_lsn_is_ignored_not_an_error() -> None:
    for text in ["", "3000148", "0/", "x/1", "0/3000148; drop", "123456789/0", None]:
        assert parse_lsn(text) is None


def test_a_replicas_name_never_carries_its_credentials() -> None:
    assert label_of(URL) == "replica.example:5433/positions"
    assert label_of("postgresql://postgres@/positions?host=/tmp/sockets&port=54332") == "/tmp/sockets/positions"


def replica_set(*samples: tuple[float, int], max_lag: float = 5.0) -> tuple[ReplicaSet, Replica]:
    replica = Replica(URL, label_of(URL), create_async_engine(URL))
    settings = Settings(database_url=URL, database_read_urls=(URL,), replica_max_lag=max_lag)
    return ReplicaSet(primary_url=URL, replicas=[replica], settings=settings, samples=deque(samples)), replica


def test_lag_is_the_time_since_the_newest_primary_position_the_replica_has_replayed() -> None:
    replicas, _ = replica_set((100.0, 1000), (100.5, 1000), (101.0, 2000), (101.5, 3000))

    assert replicas._lag(3000, now=101.5) == 0.0  # has everything the primary had at the last sample
    assert replicas._lag(2500, now=101.5) == 0.5  # has what it had at 101.0, not yet what it had at 101.5
    assert replicas._lag(1000, now=101.5) == 1.0  # an idle stretch (100.0 to 100.5) counts from its end
    assert replicas._lag(999, now=101.5) is None  # behind every sample kept: too far behind to say


def test_a_replica_is_usable_while_its_lag_plus_the_time_since_its_check_is_within_the_bound() -> None:
    _, replica = replica_set(max_lag=5.0)
    replica.reachable, replica.lag, replica.checked_at = True, 1.0, 100.0

    assert replica.usable(now=100.0, max_lag=5.0, primary_known=True)
    assert replica.usable(now=104.0, max_lag=5.0, primary_known=True)
    assert not replica.usable(now=104.5, max_lag=5.0, primary_known=True)  # no check since: assume it fell behind
    replica.lag = None
    assert not replica.usable(now=100.0, max_lag=5.0, primary_known=True)
    assert replica.usable(now=100.0, max_lag=5.0, primary_known=False)  # no primary to compare with or to read
    replica.reachable = False
    assert not replica.usable(now=100.0, max_lag=5.0, primary_known=False)


def test_a_read_with_an_lsn_prefers_a_replica_already_past_it() -> None:
    replicas, first = replica_set((100.0, 1000))
    second = Replica(URL, "second", create_async_engine(URL))
    replicas.replicas.append(second)
    for replica, reached in ((first, 1000), (second, 2000)):
        replica.reachable, replica.lag, replica.reached_lsn = True, 0.0, reached
        replica.checked_at = time.monotonic()

    assert all(replicas.pick(1500, []) is second for _ in range(20))
    assert replicas.pick(3000, []) is second  # none past it: the furthest, to wait on
    assert replicas.pick(1500, [second]) is first
    assert replicas.pick(None, [first, second]) is None
