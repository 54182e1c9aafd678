"""Synthetic data for the benchmark, loaded with COPY into a separate, migrated database.

The shape: ``actors`` actors, ``policies`` policies, ``sources`` sources, and ``stances`` stances spread
uniformly over every (actor, policy) pair and over 2010-2025, each with exactly one piece of evidence.
Stances are generated in date order (ids rise with ``stated_on``), as a real table grows, so one actor's
stances are scattered over the whole table. Text lengths default to the seed dataset's (about 20 words
for a summary and 20 for a quote), because the full-text indexes make the load cost grow with the number of
words.

The load drops the secondary indexes and constraints of ``stance`` and ``evidence`` (keeping the primary
keys), disables their statement-level triggers, COPYs both tables at once on two connections (each with
``FREEZE`` after a ``TRUNCATE`` in the same transaction, so no later VACUUM has to rewrite hint bits),
then recreates exactly the definitions it dropped, bumps ``data_version`` once, and runs ``VACUUM (ANALYZE)``.
"""

import asyncio
import hashlib
import json
import random
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from api.imports.rebuild import create, drop, secondary_definitions
from api.migrations import head_revision, upgrade_to_head
from db.engine import asyncpg_url, plain_url

FIRST_DAY = date(2010, 1, 1)
LAST_DAY = date(2025, 12, 31)
SPAN_DAYS = (LAST_DAY - FIRST_DAY).days + 1
CHUNK_BYTES = 1 << 20
BULK_TABLES = ("stance", "evidence")


def _split(text: str) -> tuple[str, ...]:
    return tuple(text.split())


VOCABULARY = _split(
    "asylum border return hubs migration policy government minister parliament vote budget tax reform "
    "health care hospital schools teachers pensions welfare housing rent energy prices climate emissions "
    "coal gas nuclear wind solar transport rail roads airport defence army nato alliance treaty trade "
    "tariffs customs market single union membership accession talks negotiations agreement deal plan "
    "scheme offshore processing rwanda albania italy durrës tiranë kosovo serbia european commission court "
    "rights judges ruling appeal law bill amendment reading committee inquiry report evidence figures "
    "numbers crossings boats channel smugglers gangs police security crime prisons sentences justice "
    "support oppose strongly welcome reject criticise praise condemn defend argue insist confirm deny "
    "promise pledge commit review pause scrap extend expand cut raise freeze fund invest spend borrow "
    "deficit debt growth jobs wages workers unions strike industry farmers fishing water sewage rivers "
    "universities students fees loans science research digital online safety children families carers "
    "councils mayors regions devolution scotland wales ireland referendum election campaign manifesto "
    "coalition opposition leader party members conference speech interview statement briefing press "
    "spokesperson downing street office cabinet treasury home foreign affairs said told would will must "
    "should could the a of to and in on for with that this we they it is are be not but also our their"
)
FIRST_NAMES = _split(
    "Anna Ben Clara David Elena Felix Greta Hugo Ines Jonas Kira Luca Maria Nils Olga Pablo Rosa Sami Tara "
    "Uwe Vera Will Xena Yusuf Zoe Edi Keir Giorgia Olaf Emmanuel Ursula Rishi Liz Boris Theresa Ilir Sali "
    "Lulzim Erion Blerina"
)
LAST_NAMES = _split(
    "Rama Starmer Meloni Scholz Macron Leyen Sunak Truss Johnson May Meta Berisha Basha Veliaj Braho Smith "
    "Jones Brown Taylor Wilson Davies Evans Thomas Roberts Walker Wright Hughes Green Hall Wood Clarke "
    "Jackson Hill Moore White Harris Martin Cooper Ward Morris King"
)
PUBLISHERS = (
    "BBC News",
    "The Guardian",
    "Reuters",
    "Politico",
    "Euronews",
    "Balkan Insight",
    "ANSA",
    "Le Monde",
    "Der Spiegel",
    "Financial Times",
    "The Times",
    "Sky News",
    "Associated Press",
    "Top Channel",
)
ACTOR_KINDS = ("person",) * 8 + ("party", "government")
SOURCE_KINDS = (
    "news_article",
    "news_analysis",
    "press_conference",
    "statement",
    "social_media_post",
    "parliamentary_statement",
)
EVIDENCE_KINDS = ("direct_quote", "direct_quote", "paraphrase", "reported_action")
COUNTRIES = ("GB", "AL", "IT", "DE", "FR", "BE", "XK", "RS", "IE", "NL")


@dataclass(frozen=True, slots=True)
class Shape:
    """What to generate; stored as the database's comment so ``--reuse`` can tell whether it matches."""

    stances: int = 1_000_000
    actors: int = 2_000
    policies: int = 200
    sources: int = 1_000
    topics: int = 20
    summary_words: int = 20
    evidence_words: int = 20
    seed: int = 1

    def describe(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)


@dataclass(slots=True)
class LoadReport:
    """Seconds per phase; ``stances_per_second`` counts COPY and index/constraint rebuild, not VACUUM."""

    stances: int
    generate_and_copy_s: float = 0.0
    rebuild_s: float = 0.0
    vacuum_analyze_s: float = 0.0
    small_tables_s: float = 0.0
    migrate_s: float = 0.0
    rebuild_detail: dict[str, float] = field(default_factory=dict)
    cpu_seconds: float | None = None  # PostgreSQL's, during the load (local cluster only)
    client_cpu_seconds: float = 0.0  # this process's: generating rows and feeding COPY

    @property
    def cpu_per_stance_us(self) -> float:
        return ((self.cpu_seconds or 0.0) + self.client_cpu_seconds) * 1e6 / self.stances

    def cpu_bound_rate(self, cores: int) -> float:
        """Stances/s if the load had ``cores`` cores to itself and kept them all busy."""
        return cores * 1e6 / self.cpu_per_stance_us if self.cpu_per_stance_us else 0.0

    @property
    def load_s(self) -> float:
        return self.small_tables_s + self.generate_and_copy_s + self.rebuild_s

    @property
    def stances_per_second(self) -> float:
        return self.stances / self.load_s if self.load_s else 0.0


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def _words(rng: random.Random, count: int) -> str:
    words = rng.choices(VOCABULARY, k=count)
    words[0] = words[0].capitalize()
    return " ".join(words) + "."


def _text_pool(rng: random.Random, mean_words: int, size: int = 4096) -> list[str]:
    """Distinct texts of mean_words ± 40%; rows pick from the pool (PostgreSQL still indexes every row)."""
    low, high = max(1, round(mean_words * 0.6)), max(1, round(mean_words * 1.4))
    return [_words(rng, rng.randint(low, high)) for _ in range(size)]


def _days() -> tuple[list[str], list[str]]:
    """ISO text of every day in the range, and of the first of its month."""
    days = [FIRST_DAY + timedelta(days=offset) for offset in range(SPAN_DAYS + 800)]
    return [day.isoformat() for day in days], [day.replace(day=1).isoformat() for day in days]


def _chunks(lines: Iterator[str]) -> Iterator[bytes]:
    buffer: list[str] = []
    size = 0
    for line in lines:
        buffer.append(line)
        size += len(line)
        if size >= CHUNK_BYTES:
            yield "".join(buffer).encode()
            buffer, size = [], 0
    if buffer:
        yield "".join(buffer).encode()


async def _paced(chunks: Iterator[bytes]) -> AsyncIterator[bytes]:
    """Hand chunks to COPY, yielding to the event loop so the other table's COPY is fed meanwhile."""
    for chunk in chunks:
        yield chunk
        await asyncio.sleep(0)


STANCE_COLUMNS = (
    "id",
    "slug",
    "actor_id",
    "policy_id",
    "position",
    "ambiguity",
    "stated_on",
    "stated_on_precision",
    "stated_on_inferred",
    "summary",
    "retracted_at",
    "retraction_reason",
)
EVIDENCE_COLUMNS = (
    "id",
    "slug",
    "stance_id",
    "source_id",
    "kind",
    "text",
    "speaker_actor_id",
    "char_start",
    "char_end",
)


def stance_lines(shape: Shape) -> Iterator[str]:
    """COPY text rows for ``stance``: dates rise with the id; actor and policy uniform over all pairs."""
    rng = random.Random(shape.seed * 1_000_003 + 1)
    summaries = _text_pool(rng, shape.summary_words)
    days, months = _days()
    n, actors, policies, pool = shape.stances, shape.actors, shape.policies, len(summaries)
    for i in range(1, n + 1):
        offset = (i - 1) * SPAN_DAYS // n
        actor = rng.randrange(actors) + 1
        policy = rng.randrange(policies) + 1
        roll = rng.random()
        if roll < 0.92:
            position, ambiguity = str(rng.randrange(5) - 2), "\\N"
        else:
            position, ambiguity = "\\N", ("mixed" if roll < 0.96 else "unclear")
        if roll < 0.05:
            stated_on, precision = months[offset], "month"
        else:
            stated_on, precision = days[offset], "day"
        inferred = "t" if rng.random() < 0.03 else "f"
        if rng.random() < 0.02:
            retracted_at, reason = f"{days[offset + rng.randrange(1, 700)]} 12:00:00+00", "Withdrawn by the speaker."
        else:
            retracted_at, reason = "\\N", "\\N"
        yield (
            f"{i}\tstance-{i}\t{actor}\t{policy}\t{position}\t{ambiguity}\t{stated_on}\t{precision}\t{inferred}\t"
            f"{summaries[rng.randrange(pool)]}\t{retracted_at}\t{reason}\n"
        )


def evidence_lines(shape: Shape) -> Iterator[str]:
    """COPY text rows for ``evidence``: one per stance, with the same id."""
    rng = random.Random(shape.seed * 1_000_003 + 2)
    texts = _text_pool(rng, shape.evidence_words)
    pool, sources, actors = len(texts), shape.sources, shape.actors
    for i in range(1, shape.stances + 1):
        text = texts[rng.randrange(pool)]
        roll = rng.random()
        speaker = str(rng.randrange(actors) + 1) if roll < 0.1 else "\\N"
        if roll < 0.3:
            start = rng.randrange(5000)
            offsets = f"{start}\t{start + len(text)}"
        else:
            offsets = "\\N\t\\N"
        yield (
            f"{i}\tevidence-{i}\t{i}\t{rng.randrange(sources) + 1}\t{EVIDENCE_KINDS[rng.randrange(4)]}\t{text}\t"
            f"{speaker}\t{offsets}\n"
        )


async def _load_small_tables(connection: asyncpg.Connection, shape: Shape) -> None:
    rng = random.Random(shape.seed)
    sources = []
    for i in range(1, shape.sources + 1):
        slug = f"source-{i}"
        published = FIRST_DAY + timedelta(days=rng.randrange(SPAN_DAYS))
        sources.append(
            (
                i,
                slug,
                rng.choice(SOURCE_KINDS),
                _words(rng, rng.randint(6, 14)).rstrip("."),
                rng.choice(PUBLISHERS),
                None if rng.random() < 0.4 else " ".join(rng.sample(LAST_NAMES, 2)),
                f"https://news.example.org/{published.year}/{slug}",
                published,
                rng.random() < 0.05,
                hashlib.sha256(slug.encode()).hexdigest(),
            )
        )
    await connection.copy_records_to_table(
        "source",
        records=sources,
        columns=[
            "id",
            "slug",
            "kind",
            "title",
            "publisher",
            "author",
            "url",
            "published_on",
            "published_on_inferred",
            "content_sha256",
        ],
    )
    actors = [
        (
            i,
            f"actor-{i}",
            f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
            rng.choice(ACTOR_KINDS),
            rng.choice(COUNTRIES),
        )
        for i in range(1, shape.actors + 1)
    ]
    await connection.copy_records_to_table("actor", records=actors, columns=["id", "slug", "name", "kind", "country"])
    policies = [
        (i, f"policy-{i}", _words(rng, rng.randint(4, 9)).rstrip("."), _words(rng, 25), rng.choice(COUNTRIES))
        for i in range(1, shape.policies + 1)
    ]
    await connection.copy_records_to_table(
        "policy", records=policies, columns=["id", "slug", "title", "summary", "jurisdiction"]
    )
    topics = [(i, f"topic-{i}", _words(rng, 2).rstrip(".")) for i in range(1, shape.topics + 1)]
    await connection.copy_records_to_table("topic", records=topics, columns=["id", "slug", "name"])
    links = [(p, (p % shape.topics) + 1) for p in range(1, shape.policies + 1)]
    await connection.copy_records_to_table("policy_topic", records=links, columns=["policy_id", "topic_id"])


async def _copy_frozen(
    connection: asyncpg.Connection,
    table: str,
    columns: tuple[str, ...],
    lines: Callable[[Shape], Iterator[str]],
    shape: Shape,
) -> None:
    async with connection.transaction():
        await connection.execute(f'TRUNCATE "{table}"')
        await connection.copy_to_table(table, source=_paced(_chunks(lines(shape))), columns=list(columns), freeze=True)


async def _session(connection: asyncpg.Connection) -> None:
    await connection.execute("SET synchronous_commit = off")
    await connection.execute("SET maintenance_work_mem = '512MB'")


async def load(url: str, shape: Shape, report: LoadReport, cpu: Callable[[], float] | None = None) -> None:
    """Fill a freshly migrated database; both bulk tables are COPYed at once on two connections.

    ``cpu`` returns the database server's CPU seconds so far, when it runs on this machine.
    """
    first = await asyncpg.connect(plain_url(url))
    second = await asyncpg.connect(plain_url(url))
    try:
        for connection in (first, second):
            await _session(connection)
        cpu_before, client_before = cpu() if cpu else 0.0, time.process_time()
        started = time.perf_counter()
        await _load_small_tables(first, shape)
        report.small_tables_s = time.perf_counter() - started

        definitions = await secondary_definitions(first, BULK_TABLES, foreign_keys=True)
        for table in BULK_TABLES:
            await first.execute(f'ALTER TABLE "{table}" DISABLE TRIGGER USER')
        await drop(first, definitions)

        started = time.perf_counter()
        await asyncio.gather(
            _copy_frozen(first, "stance", STANCE_COLUMNS, stance_lines, shape),
            _copy_frozen(second, "evidence", EVIDENCE_COLUMNS, evidence_lines, shape),
        )
        report.generate_and_copy_s = time.perf_counter() - started

        started = time.perf_counter()
        timings: dict[str, float] = {}

        async def rebuild(connection: asyncpg.Connection, table: str) -> None:
            for item in definitions:
                if item.table == table and item.kind != "foreign_key":
                    await create(connection, item, timings)

        await asyncio.gather(rebuild(first, "stance"), rebuild(second, "evidence"))
        for item in definitions:
            if item.kind == "foreign_key":
                await create(first, item, timings)
        report.rebuild_s = time.perf_counter() - started
        report.rebuild_detail = timings
        report.client_cpu_seconds = time.process_time() - client_before
        if cpu:
            report.cpu_seconds = cpu() - cpu_before

        for table in BULK_TABLES:
            await first.execute(f'ALTER TABLE "{table}" ENABLE TRIGGER USER')
        await first.execute("UPDATE data_version SET version = version + 1, changed_at = now() WHERE id = 1")
        for table in ("source", "actor", "policy", "topic", "stance", "evidence"):
            await first.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM \"{table}\"))"
            )

        started = time.perf_counter()
        await asyncio.gather(first.execute("VACUUM (ANALYZE) stance"), second.execute("VACUUM (ANALYZE) evidence"))
        await first.execute("VACUUM (ANALYZE) source, actor, policy, topic, policy_topic, data_version")
        report.vacuum_analyze_s = time.perf_counter() - started
    finally:
        await first.close()
        await second.close()


async def _stored_shape(admin: asyncpg.Connection, name: str) -> str | None:
    comment: str | None = await admin.fetchval(
        "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = $1", name
    )
    return comment


async def _at_head(url: str) -> bool:
    """Whether the database is migrated to the app's current head (the schema may have moved on since the load)."""
    connection = await asyncpg.connect(plain_url(url))
    try:
        current = await connection.fetchval("SELECT version_num FROM alembic_version")
    finally:
        await connection.close()
    return bool(current == head_revision())


async def prepare(
    server_url: str, name: str, shape: Shape, *, reuse: bool, cpu: Callable[[], float] | None = None
) -> tuple[str, LoadReport | None]:
    """The URL of database ``name`` holding ``shape``: reused when asked and it matches, otherwise rebuilt."""
    url = asyncpg_url(with_database(server_url, name))
    admin = await asyncpg.connect(plain_url(server_url))
    try:
        if reuse and await _stored_shape(admin, name) == shape.describe() and await _at_head(url):
            return url, None
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    report = LoadReport(stances=shape.stances)
    started = time.perf_counter()
    await asyncio.to_thread(upgrade_to_head, url)  # Alembic runs its own event loop
    report.migrate_s = time.perf_counter() - started
    await load(url, shape, report, cpu)
    admin = await asyncpg.connect(plain_url(server_url))
    try:
        comment = shape.describe().replace("'", "''")
        await admin.execute(f"COMMENT ON DATABASE \"{name}\" IS '{comment}'")
    finally:
        await admin.close()
    return url, report
