"""The bundle format: JSON Lines, one record per line, each with a ``type`` and the write API's field names.

``actor`` (``POST /v1/actors``), ``role`` (one item of ``PUT /v1/actors/{slug}/roles`` plus its ``actor``),
``topic``, ``policy`` (``POST /v1/policies``), ``relation`` (one item of ``PUT /v1/policies/{slug}/relations``
plus its ``subject``), ``source`` (``POST /v1/sources``, with a division's facts, plus ``content_sha256`` for a
source whose text is not stored), ``division_policy`` (one item of ``PUT /v1/sources/{slug}/policies`` plus its
``division``) and ``stance`` (``POST /v1/stances`` with its evidence and recorded votes, plus ``retracted_at`` and
``retraction_reason``). Actors, policies and sources carry their external ``identifiers``. References are slugs,
or external identifiers (``{"scheme": ..., "identifier": ...}``, resolved by ``api.imports.references`` before
validation). Records are upserted by slug (roles by actor, title and start date; relations by subject, object
and kind; division links by division and policy), so the same bundle can be loaded twice.
"""

from datetime import datetime
from typing import Annotated

import msgspec

from api.actors.write_schemas import ActorCreate, ActorRoleInput
from api.bodies import field_errors, nul_field
from api.divisions.schemas import DivisionPolicyInput
from api.errors import InvalidField
from api.policies.write_schemas import PolicyCreate, PolicyRelationInput
from api.slugs import Slug
from api.sources.write_schemas import SourceCreate
from api.stances.write_schemas import Reason, StanceCreate

TopicName = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Sha256 = Annotated[str, msgspec.Meta(pattern="^[0-9a-f]{64}$")]


class TopicRecord(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, tag_field="type", tag="topic"):
    """A topic policies are filed under (admin)."""

    slug: Slug
    name: TopicName


class ActorRecord(ActorCreate, tag_field="type", tag="actor", kw_only=True, forbid_unknown_fields=True):
    """An actor, as ``POST /v1/actors`` takes it (admin); ``aliases`` is the complete list."""


class RoleRecord(ActorRoleInput, tag_field="type", tag="role", kw_only=True, forbid_unknown_fields=True):
    """One role of ``actor`` (admin), keyed by actor, title and start date; roles not in the bundle stay."""

    actor: Slug


class PolicyRecord(PolicyCreate, tag_field="type", tag="policy", kw_only=True, forbid_unknown_fields=True):
    """A policy, as ``POST /v1/policies`` takes it (admin); ``topics`` is the complete list."""


class RelationRecord(PolicyRelationInput, tag_field="type", tag="relation", kw_only=True, forbid_unknown_fields=True):
    """``subject`` ``kind`` ``policy`` (admin), keyed by the three; e.g. ``part_of``."""

    subject: Slug


class SourceRecord(SourceCreate, tag_field="type", tag="source", kw_only=True, forbid_unknown_fields=True):
    """A source, as ``POST /v1/sources`` takes it (editor); ``content_sha256`` only when ``text`` is not given."""

    content_sha256: Sha256 | None = None


class DivisionPolicyRecord(
    DivisionPolicyInput, tag_field="type", tag="division_policy", kw_only=True, forbid_unknown_fields=True
):
    """What ``division``'s votes mean on ``policy`` (editor), as one item of ``PUT /v1/sources/{slug}/policies``;
    keyed by the two; links not in the bundle stay."""

    division: Slug


class StanceRecord(StanceCreate, tag_field="type", tag="stance", kw_only=True, forbid_unknown_fields=True):
    """A stance with its evidence, as ``POST /v1/stances`` takes it (editor); evidence ``n`` is ``<slug>-e<n>``.

    ``retracted_at`` with ``retraction_reason`` records a retraction; a record without them never undoes one.
    """

    retracted_at: datetime | None = None
    retraction_reason: Reason | None = None


Record = (
    TopicRecord
    | ActorRecord
    | RoleRecord
    | PolicyRecord
    | RelationRecord
    | SourceRecord
    | DivisionPolicyRecord
    | StanceRecord
)
RECORD_TYPES: dict[str, type[Record]] = {
    "topic": TopicRecord,
    "actor": ActorRecord,
    "role": RoleRecord,
    "policy": PolicyRecord,
    "relation": RelationRecord,
    "source": SourceRecord,
    "division_policy": DivisionPolicyRecord,
    "stance": StanceRecord,
}
"""Every record type, in the order an import applies them (each may refer to those before it)."""
ADMIN_TYPES = frozenset({"topic", "actor", "role", "policy", "relation"})
"""Record types only an admin key may import (as with the write API); sources, division links and stances need an
editor key."""

_decoder = msgspec.json.Decoder(Record)


class RecordError(msgspec.Struct, kw_only=True):
    """A record the import could not store: its line in the bundle, its type and key, and every bad field."""

    line: int
    type: str | None
    key: str | None
    errors: list[InvalidField]


def record_key(record: object) -> str | None:
    """How a record is named in reports: its slug, or for roles and relations the fields that key them."""
    if isinstance(record, RoleRecord):
        return f"{record.actor} {record.title} {record.started_on.isoformat() if record.started_on else ''}".strip()
    if isinstance(record, RelationRecord):
        return f"{record.subject} {record.kind.value} {record.policy}"
    if isinstance(record, DivisionPolicyRecord):
        return f"{record.division} {record.policy}"
    slug = getattr(record, "slug", None) if not isinstance(record, dict) else record.get("slug")
    return slug if isinstance(slug, str) else None


def decode_line(line: int, raw: bytes) -> Record | RecordError:  # noqa: PLR0911
    """One bundle line as its record, or an error naming every bad field (as the write API's 422 would)."""
    try:
        record: Record = _decoder.decode(raw)
        if b"\\u0000" not in raw:
            return record
        nul = nul_field(msgspec.json.decode(raw))
        kind = str(record.__struct_config__.tag)
        if nul is None:
            return record
        return _error(line, kind, record_key(record), nul, "contains a NUL character")
    except (msgspec.ValidationError, msgspec.DecodeError, RecursionError, UnicodeDecodeError) as exc:
        first = exc
    try:
        value = msgspec.json.decode(raw)
    except (msgspec.DecodeError, RecursionError, UnicodeDecodeError) as exc:
        return RecordError(
            line=line,
            type=None,
            key=None,
            errors=[InvalidField(name="line", location="body", message=f"not valid JSON: {exc}")],
        )
    if not isinstance(value, dict):
        return _error(line, None, None, "line", "expected a JSON object")
    tag, key = value.get("type"), record_key(value)
    struct = RECORD_TYPES.get(tag) if isinstance(tag, str) else None
    if struct is None or not isinstance(tag, str):
        return _error(line, None, key, "type", f"expected one of {', '.join(RECORD_TYPES)}")
    fields = {name: item for name, item in value.items() if name != "type"}
    errors = field_errors(struct, fields) or [
        InvalidField(name="line", location="body", message=str(first).split(" - at `", 1)[0])
    ]
    return RecordError(line=line, type=tag, key=key, errors=errors)


def _error(line: int, kind: str | None, key: str | None, name: str, message: str) -> RecordError:
    return RecordError(
        line=line, type=kind, key=key, errors=[InvalidField(name=name, location="body", message=message)]
    )


def encode_record(record: Record) -> bytes:
    """One bundle line, with its newline."""
    return msgspec.json.encode(record) + b"\n"
