"""``positions export --csv DIR``: one RFC 4180 CSV per table, for spreadsheet users.

References are slugs, never internal ids; sources are their metadata (``has_text`` and ``text_length`` stand for
the stored text); every file has a header row; empty cells are nulls; dates and timestamps are ISO 8601. All
files are read from one REPEATABLE READ snapshot.
"""

import csv
from datetime import date, datetime
from pathlib import Path
from typing import Any

import asyncpg

TABLES: dict[str, str] = {
    "actors": "SELECT a.slug, a.name, a.kind, a.description, a.country, o.slug AS speaks_for_organisation, "
    "a.speaks_for_title FROM actor a LEFT JOIN actor o ON o.id = a.speaks_for_organisation_id ORDER BY a.id",
    "aliases": "SELECT a.slug AS actor, al.alias FROM actor_alias al JOIN actor a ON a.id = al.actor_id "
    "ORDER BY a.id, al.alias",
    "identifiers": "SELECT * FROM ("
    "SELECT 'actor' AS record_type, a.slug AS record, i.scheme, i.identifier FROM actor_identifier i "
    "JOIN actor a ON a.id = i.actor_id UNION ALL "
    "SELECT 'policy', p.slug, i.scheme, i.identifier FROM policy_identifier i JOIN policy p ON p.id = i.policy_id "
    "UNION ALL SELECT 'source', s.slug, i.scheme, i.identifier FROM source_identifier i "
    "JOIN source s ON s.id = i.source_id) ids ORDER BY record_type, record, scheme, identifier",
    "roles": "SELECT a.slug AS actor, r.title, o.slug AS organisation, r.started_on, r.ended_on, r.sole_holder "
    "FROM actor_role r "
    "JOIN actor a ON a.id = r.actor_id LEFT JOIN actor o ON o.id = r.organisation_id ORDER BY r.id",
    "topics": "SELECT slug, name FROM topic ORDER BY slug",
    "policies": "SELECT slug, title, summary, jurisdiction FROM policy ORDER BY id",
    "policy_topics": "SELECT p.slug AS policy, t.slug AS topic FROM policy_topic pt "
    "JOIN policy p ON p.id = pt.policy_id JOIN topic t ON t.id = pt.topic_id ORDER BY p.id, t.slug",
    "relations": "SELECT s.slug AS subject, r.kind, o.slug AS policy, r.note FROM policy_relation r "
    "JOIN policy s ON s.id = r.subject_policy_id JOIN policy o ON o.id = r.object_policy_id ORDER BY r.id",
    "sources": "SELECT slug, kind, title, title_inferred, publisher, publisher_inferred, author, url, published_on, "
    "published_on_precision, published_on_inferred, provenance_note, content_sha256, text IS NOT NULL AS has_text, "
    "length(text) AS text_length, division_number, division_chamber, division_question, declared_ayes, "
    "declared_noes FROM source ORDER BY id",
    "stances": "SELECT s.slug, a.slug AS actor, p.slug AS policy, s.position, s.ambiguity, s.stated_on, "
    "s.stated_on_precision, s.stated_on_inferred, s.summary, s.retracted_at, s.retraction_reason FROM stance s "
    "JOIN actor a ON a.id = s.actor_id JOIN policy p ON p.id = s.policy_id ORDER BY s.id",
    "evidence": "SELECT e.slug, st.slug AS stance, e.kind, e.text, src.slug AS source, sp.slug AS speaker, "
    "e.char_start, e.char_end, e.vote_option FROM evidence e JOIN stance st ON st.id = e.stance_id "
    "JOIN source src ON src.id = e.source_id LEFT JOIN actor sp ON sp.id = e.speaker_actor_id ORDER BY e.id",
}
"""Each file's name (without ``.csv``) and the query that fills it, columns in order."""


def _cell(value: Any) -> str:  # noqa: ANN401  (any column type)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


async def export_csv(conn: asyncpg.Connection, directory: Path) -> dict[str, int]:
    """Write ``<table>.csv`` for every table into ``directory`` (created if missing); the rows written per file."""
    directory.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240  (the command line's own files)
    counts: dict[str, int] = {}
    async with conn.transaction(isolation="repeatable_read", readonly=True):
        for name, query in TABLES.items():
            statement = await conn.prepare(query)
            header = [attribute.name for attribute in statement.get_attributes()]
            target = directory / f"{name}.csv"
            partial = target.with_name(target.name + ".partial")
            with partial.open("w", newline="", encoding="utf-8") as out:
                writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180: CRLF, quotes only where needed
                writer.writerow(header)
                rows = 0
                async for row in statement.cursor(prefetch=2_000):
                    writer.writerow([_cell(value) for value in row])
                    rows += 1
            partial.replace(target)
            counts[name] = rows
    return counts
