"""References by external identifier in a bundle: ``"actor": {"scheme": "parlparse", "identifier": "..."}``.

Wherever a record refers to an actor, policy or source by slug it may name it by an identifier instead. The
importer resolves every such reference in one step before validation: against the identifiers the bundle's own
actor, policy and source records carry (the first record giving one wins), then against those stored
(``resolve``). A line is rewritten with the slugs (``rewrite``) and then decoded and validated as any other;
an identifier nobody carries is an error naming the field and the identifier.
"""

from collections.abc import Iterable, Mapping
from typing import Any

import asyncpg

from api.errors import InvalidField

Key = tuple[str, str, str]
"""(kind of record, scheme, identifier), e.g. ``("actor", "parlparse", "uk.org.publicwhip/person/10001")``."""

FIELDS: dict[str, tuple[tuple[str, str], ...]] = {
    "role": (("actor", "actor"), ("organisation", "actor")),
    "relation": (("subject", "policy"), ("policy", "policy")),
    "division_policy": (("division", "source"), ("policy", "policy")),
    "stance": (("actor", "actor"), ("policy", "policy")),
}
"""The fields of each record type that refer to another record, with the kind they refer to."""
EVIDENCE_FIELDS = (("source", "source"), ("speaker", "actor"))
IDENTIFIED = ("actor", "policy", "source")


def _pair(value: object) -> tuple[str, str] | None:
    if isinstance(value, dict) and set(value) == {"scheme", "identifier"}:
        scheme, identifier = value["scheme"], value["identifier"]
        if isinstance(scheme, str) and isinstance(identifier, str):
            return scheme, identifier
    return None


def references(value: Mapping[str, Any]) -> list[tuple[str, Key]]:
    """The references by identifier in a decoded line: (field path, key)."""
    found: list[tuple[str, Key]] = []
    kind = value.get("type")
    for name, target in FIELDS.get(kind, ()) if isinstance(kind, str) else ():
        pair = _pair(value.get(name))
        if pair is not None:
            found.append((name, (target, *pair)))
    evidence = value.get("evidence") if kind == "stance" else None
    if isinstance(evidence, list):
        for index, item in enumerate(evidence):
            for name, target in EVIDENCE_FIELDS if isinstance(item, dict) else ():
                pair = _pair(item.get(name))
                if pair is not None:
                    found.append((f"evidence[{index}].{name}", (target, *pair)))
    return found


def rewrite(value: dict[str, Any], resolved: Mapping[Key, str]) -> list[InvalidField]:
    """Replace each reference by identifier in ``value`` with the slug it resolves to; errors for the unknown."""
    errors = []
    for path, key in references(value):
        slug = resolved.get(key)
        if slug is None:
            message = f"no {key[0]} has the identifier '{key[1]}:{key[2]}'"
            errors.append(InvalidField(name=path, location="body", message=message))
            continue
        target: dict[str, Any] = value
        name = path
        if path.startswith("evidence["):
            index, name = path[len("evidence[") :].split("].", 1)
            target = value["evidence"][int(index)]
        target[name] = slug
    return errors


async def resolve(conn: asyncpg.Connection, wanted: Iterable[Key], bundle: Mapping[Key, str]) -> dict[Key, str]:
    """The slug each wanted key names: the bundle's own records first, then the stored identifiers."""
    resolved = {key: bundle[key] for key in wanted if key in bundle}
    for kind in IDENTIFIED:
        pairs = [
            (scheme, identifier)
            for k, scheme, identifier in wanted
            if k == kind and (k, scheme, identifier) not in resolved
        ]
        if not pairs:
            continue
        rows = await conn.fetch(
            f"SELECT t.scheme, t.identifier, o.slug FROM {kind}_identifier t JOIN {kind} o ON o.id = t.{kind}_id "
            "JOIN unnest($1::text[], $2::text[]) AS w(scheme, identifier) "
            "ON w.scheme = t.scheme AND w.identifier = t.identifier",
            [scheme for scheme, _ in pairs],
            [identifier for _, identifier in pairs],
        )
        resolved.update({(kind, row["scheme"], row["identifier"]): row["slug"] for row in rows})
    return resolved
