"""Popolo JSON (https://www.popoloproject.com) in and out, through the bundle importer.

In: persons become actors of kind person (``other_names`` their aliases), organizations actors of kind party
(classification ``party``) or organisation (anything else), memberships roles: title from ``role`` or
``label`` (else "Member"), ``post_id`` kept in the title as ``<title> (post: <post_id>)``, the organization as
the role's organisation, and ``on_behalf_of_id`` a second role, "Member" of that party, over the same dates.
Every actor carries its Popolo ``id`` as an identifier of scheme ``popolo`` (or the scheme asked for) beside the
file's own identifiers. ``popolo_records`` makes the bundle records; the bundle importer loads them, so
validation, all or nothing, partial, dry run, authorship and revisions are exactly a bundle's.

Slugs are read from names (lower-case words joined by hyphens; ``-2``, ``-3`` … in file order for repeats). An
actor already carrying the Popolo id keeps its slug; a slug held by another actor is used only when that
actor has the same name and kind and no Popolo id of the scheme, so loading the same file twice changes nothing.

Out: ``export_popolo`` writes actors as persons and organizations (ids: the Popolo identifier where there is
one, else the slug) and the roles of persons as memberships; a party role titled "Member" over exactly the
dates of another role of the same person is written as that membership's ``on_behalf_of_id``.
"""

import calendar
import re
import tempfile
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import asyncpg
import msgspec

from api.identifiers import ExternalIdentifier
from api.imports.bundle import ActorRecord, Record, RoleRecord, encode_record
from api.imports.jobs import import_now
from api.imports.schemas import ImportReport
from db.enums import ActorKind

DEFAULT_SCHEME = "popolo"
MEMBER = "Member"
POST = re.compile(r"^(?P<title>.*) \(post: (?P<post>[^()]+)\)$")
SLUG_LENGTH = 150


class PopoloError(Exception):
    """The file is not Popolo JSON this importer can read; ``problems`` names each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


# What is read: lenient (Popolo files carry many more fields), numbers accepted where strings are meant.
class _Name(msgspec.Struct):
    name: str


class _Identifier(msgspec.Struct):
    scheme: str
    identifier: str | int


class _Actor(msgspec.Struct, kw_only=True):
    id: str | int
    name: str
    other_names: list[_Name] = []
    identifiers: list[_Identifier] = []
    classification: str | None = None


class _Membership(msgspec.Struct, kw_only=True):
    person_id: str | int | None = None
    organization_id: str | int | None = None
    on_behalf_of_id: str | int | None = None
    post_id: str | int | None = None
    role: str | None = None
    label: str | None = None
    start_date: str | None = None
    end_date: str | None = None


class _Document(msgspec.Struct, kw_only=True):
    persons: list[_Actor] = []
    organizations: list[_Actor] = []
    memberships: list[_Membership] = []


# What is written.
class PopoloOtherName(msgspec.Struct, kw_only=True):
    """Another name the person or organization is known by."""

    name: str


class PopoloIdentifier(msgspec.Struct, kw_only=True):
    """An id in another dataset."""

    scheme: str
    identifier: str


class PopoloPerson(msgspec.Struct, kw_only=True, omit_defaults=True):
    """A person (an actor of kind person)."""

    id: str
    name: str
    other_names: list[PopoloOtherName] = []
    identifiers: list[PopoloIdentifier] = []


class PopoloOrganization(msgspec.Struct, kw_only=True, omit_defaults=True):
    """An organization: a party, government, office or other organisation."""

    id: str
    name: str
    classification: str
    other_names: list[PopoloOtherName] = []
    identifiers: list[PopoloIdentifier] = []


class PopoloMembership(msgspec.Struct, kw_only=True, omit_defaults=True):
    """A role a person holds, in an organization, for a party (`on_behalf_of_id`), for a post."""

    person_id: str
    role: str
    organization_id: str | None = None
    on_behalf_of_id: str | None = None
    post_id: str | None = None
    start_date: date | None = None
    end_date: date | None = None


class PopoloExport(msgspec.Struct, kw_only=True):
    """The dataset's persons, organizations and memberships as Popolo JSON."""

    persons: list[PopoloPerson]
    organizations: list[PopoloOrganization]
    memberships: list[PopoloMembership]


def slugify(name: str) -> str:
    """Lower-case ASCII words of ``name`` joined by hyphens ("Diane Abbott" → ``diane-abbott``)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_name.lower())
    slug = "-".join(words)[:SLUG_LENGTH].strip("-")
    return slug or "actor"


def normalise_scheme(scheme: str) -> str:
    """A Popolo scheme as an identifier scheme: lower case, other characters as hyphens (``Wikidata``: ``wikidata``)."""
    return re.sub(r"[^a-z0-9_.-]+", "-", scheme.strip().lower()).strip("-_.")[:64]


@dataclass(frozen=True, slots=True)
class KnownActor:
    name: str
    kind: str
    popolo_id: str | None


@dataclass(slots=True)
class Existing:
    """The actors already stored: by slug, and the slug of each Popolo id of the scheme."""

    by_slug: dict[str, KnownActor] = field(default_factory=dict)
    by_popolo_id: dict[str, str] = field(default_factory=dict)


async def existing_actors(conn: asyncpg.Connection, scheme: str = DEFAULT_SCHEME) -> Existing:
    rows = await conn.fetch(
        "SELECT a.slug, a.name, a.kind, (SELECT i.identifier FROM actor_identifier i "
        "WHERE i.actor_id = a.id AND i.scheme = $1 ORDER BY i.identifier LIMIT 1) AS popolo_id FROM actor a",
        scheme,
    )
    existing = Existing()
    for row in rows:
        existing.by_slug[row["slug"]] = KnownActor(row["name"], row["kind"], row["popolo_id"])
        if row["popolo_id"] is not None:
            existing.by_popolo_id[row["popolo_id"]] = row["slug"]
    return existing


def _date(value: str | None, *, end: bool, where: str, problems: list[str]) -> date | None:
    """A Popolo date (``YYYY-MM-DD``, or ``YYYY-MM`` / ``YYYY``: the first day of a start, the last of an end)."""
    if not value:
        return None
    parts = value.split("-")
    try:
        if len(parts) == 3:
            return date.fromisoformat(value)
        year = int(parts[0])
        month = int(parts[1]) if len(parts) == 2 else (12 if end else 1)
        day = calendar.monthrange(year, month)[1] if end else 1
        return date(year, month, day)
    except (ValueError, IndexError):
        problems.append(f"{where}: not a date: {value!r}")
        return None


@dataclass(slots=True)
class PopoloBundle:
    """The bundle records made from a Popolo file, with where in the file each came from (for error reports)."""

    records: list[Record]
    origins: list[str]

    def lines(self) -> Iterable[bytes]:
        return (encode_record(record) for record in self.records)

    def origin(self, line: int) -> str:
        return self.origins[line - 1] if 0 < line <= len(self.origins) else "?"


def _identifiers(entity: _Actor, scheme: str) -> list[ExternalIdentifier]:
    pairs: list[tuple[str, str]] = [(scheme, str(entity.id).strip())]
    for item in entity.identifiers:
        pair = (normalise_scheme(item.scheme), str(item.identifier).strip())
        if pair[0] and pair[1] and pair not in pairs:
            pairs.append(pair)
    return [ExternalIdentifier(scheme=s, identifier=i) for s, i in pairs]


def _aliases(entity: _Actor) -> list[str]:
    aliases: list[str] = []
    for other in entity.other_names:
        name = other.name.strip()
        if name and name != entity.name.strip() and name not in aliases:
            aliases.append(name)
    return aliases


def _assign_slugs(entities: list[tuple[str, str, str]], existing: Existing) -> dict[str, str]:
    """The slug of each (popolo id, name, kind): the stored actor's for a known id, else one read from the name."""
    slugs: dict[str, str] = {}
    used: set[str] = set()
    for popolo_id, _name, _kind in entities:
        if popolo_id in existing.by_popolo_id:
            slugs[popolo_id] = existing.by_popolo_id[popolo_id]
            used.add(slugs[popolo_id])
    for popolo_id, name, kind in entities:
        if popolo_id in slugs:
            continue
        base, number = slugify(name), 1
        while True:
            candidate = base if number == 1 else f"{base}-{number}"
            number += 1
            known = existing.by_slug.get(candidate)
            if candidate in used or (
                known is not None and (known.name != name or known.kind != kind or known.popolo_id is not None)
            ):
                continue
            slugs[popolo_id] = candidate
            used.add(candidate)
            break
    return slugs


def _entities(document: _Document, problems: list[str]) -> list[tuple[str, str, ActorKind, _Actor, str]]:
    """(popolo id, name, kind, entity, where in the file) for each person, then each organization."""
    entities: list[tuple[str, str, ActorKind, _Actor, str]] = []
    seen: set[str] = set()
    for collection, items in (("persons", document.persons), ("organizations", document.organizations)):
        for index, entity in enumerate(items):
            popolo_id = str(entity.id).strip()
            where = f"{collection}[{index}] (id {popolo_id})"
            if popolo_id in seen:
                problems.append(f"{where}: the id is used twice")
                continue
            seen.add(popolo_id)
            kind = ActorKind.PERSON
            if collection == "organizations":
                is_party = (entity.classification or "").strip().lower() == "party"
                kind = ActorKind.PARTY if is_party else ActorKind.ORGANISATION
            entities.append((popolo_id, entity.name.strip(), kind, entity, where))
    return entities


def _ref(value: str | int | None) -> str | None:
    return str(value).strip() if value is not None else None


def _roles(
    membership: _Membership, where: str, slugs: dict[str, str], kinds: dict[str, ActorKind], problems: list[str]
) -> list[RoleRecord]:
    """The role a membership is (and the party membership its ``on_behalf_of_id`` implies)."""
    before = len(problems)
    person, organisation, party = (
        _ref(membership.person_id),
        _ref(membership.organization_id),
        _ref(membership.on_behalf_of_id),
    )
    if person is None or kinds.get(person) is not ActorKind.PERSON:
        problems.append(f"{where}: person_id {person!r} is not a person in the file")
    if organisation is not None and organisation not in slugs:
        problems.append(f"{where}: organization_id {organisation!r} is not an organization in the file")
    if party is not None and kinds.get(party) is not ActorKind.PARTY:
        problems.append(f"{where}: on_behalf_of_id {party!r} is not an organization of classification party")
    started = _date(membership.start_date, end=False, where=where, problems=problems)
    ended = _date(membership.end_date, end=True, where=where, problems=problems)
    if len(problems) > before or person is None:
        return []
    title = (membership.role or membership.label or MEMBER).strip()
    if membership.post_id is not None:
        title = f"{title} (post: {_ref(membership.post_id)})"
    actor = slugs[person]
    org_slug = slugs[organisation] if organisation is not None else None
    roles = [RoleRecord(actor=actor, title=title, organisation=org_slug, started_on=started, ended_on=ended)]
    if party is not None:
        roles.append(
            RoleRecord(actor=actor, title=MEMBER, organisation=slugs[party], started_on=started, ended_on=ended)
        )
    return roles


def popolo_records(data: bytes, existing: Existing, scheme: str = DEFAULT_SCHEME) -> PopoloBundle:
    """The bundle records (actors, then roles) for a Popolo file; ``PopoloError`` naming every problem."""
    try:
        document = msgspec.json.decode(data, type=_Document)
    except (msgspec.DecodeError, msgspec.ValidationError, RecursionError, UnicodeDecodeError) as exc:
        raise PopoloError([f"not Popolo JSON: {exc}"]) from None
    problems: list[str] = []
    entities = _entities(document, problems)
    slugs = _assign_slugs([(pid, name, kind.value) for pid, name, kind, _, _ in entities], existing)
    kinds = {pid: kind for pid, _, kind, _, _ in entities}
    bundle = PopoloBundle(records=[], origins=[])
    for popolo_id, name, kind, entity, where in entities:
        bundle.records.append(
            ActorRecord(
                slug=slugs[popolo_id],
                name=name,
                kind=kind,
                aliases=_aliases(entity),
                identifiers=_identifiers(entity, scheme),
            )
        )
        bundle.origins.append(where)
    keys: set[tuple[str, str, str | None, date | None]] = set()
    for index, membership in enumerate(document.memberships):
        where = f"memberships[{index}]"
        for role in _roles(membership, where, slugs, kinds, problems):
            key = (role.actor, role.title, role.organisation, role.started_on)
            if key not in keys:  # an explicit party membership and an on_behalf_of_id may name the same role
                keys.add(key)
                bundle.records.append(role)
                bundle.origins.append(where)
    if problems:
        raise PopoloError(problems)
    return bundle


CLASSIFICATIONS = {"party": "party", "government": "government", "office": "office", "organisation": "organisation"}


async def import_popolo(
    conn: asyncpg.Connection,
    bundle: PopoloBundle,
    *,
    author: str,
    key_id: int | None,
    admin: bool,
    partial: bool = False,
    dry_run: bool = False,
) -> ImportReport:
    """Load ``popolo_records``' bundle as any bundle is loaded (``api.imports.jobs.import_now``): raises
    ``ImportRejected`` as a bundle import does, its lines mapped to the Popolo file by ``bundle.origin``."""
    with tempfile.NamedTemporaryFile(prefix="positions-popolo-", suffix=".jsonl") as spool:
        spool.writelines(bundle.lines())
        spool.flush()
        report = await import_now(
            conn, Path(spool.name), author=author, key_id=key_id, admin=admin, partial=partial, dry_run=dry_run
        )
    return report


async def export_popolo(conn: asyncpg.Connection, scheme: str = DEFAULT_SCHEME) -> PopoloExport:
    """Persons, organizations and memberships from one consistent snapshot."""
    async with conn.transaction(isolation="repeatable_read", readonly=True):
        actors = await conn.fetch(
            "SELECT a.id, a.slug, a.name, a.kind, "
            "coalesce((SELECT array_agg(al.alias ORDER BY al.alias) FROM actor_alias al WHERE al.actor_id = a.id), "
            "'{}') AS aliases, "
            "coalesce((SELECT array_agg(ARRAY[i.scheme, i.identifier] ORDER BY i.scheme, i.identifier) "
            "FROM actor_identifier i WHERE i.actor_id = a.id), '{}') AS identifiers "
            "FROM actor a ORDER BY a.id"
        )
        roles = await conn.fetch(
            "SELECT r.id, p.id AS person, r.title, r.organisation_id, o.kind AS organisation_kind, "
            "r.started_on, r.ended_on FROM actor_role r JOIN actor p ON p.id = r.actor_id "
            "LEFT JOIN actor o ON o.id = r.organisation_id WHERE p.kind = 'person' ORDER BY r.id"
        )
    ids: dict[int, str] = {}
    persons: list[PopoloPerson] = []
    organizations: list[PopoloOrganization] = []
    for row in actors:
        pairs: list[list[str]] = [list(pair) for pair in row["identifiers"]]
        own = [value for s, value in pairs if s == scheme]
        ids[row["id"]] = own[0] if own else row["slug"]
        if row["kind"] == ActorKind.ANONYMOUS_SOURCE.value:
            continue
        identifiers = [PopoloIdentifier(scheme=s, identifier=v) for s, v in pairs if s != scheme]
        others = [PopoloOtherName(name=alias) for alias in row["aliases"]]
        if row["kind"] == ActorKind.PERSON.value:
            persons.append(
                PopoloPerson(id=ids[row["id"]], name=row["name"], other_names=others, identifiers=identifiers)
            )
        else:
            organizations.append(
                PopoloOrganization(
                    id=ids[row["id"]],
                    name=row["name"],
                    classification=CLASSIFICATIONS.get(row["kind"], row["kind"]),
                    other_names=others,
                    identifiers=identifiers,
                )
            )
    return PopoloExport(persons=persons, organizations=organizations, memberships=_memberships(roles, ids))


def _memberships(roles: list[Any], ids: dict[int, str]) -> list[PopoloMembership]:
    party_roles = {
        (row["person"], row["started_on"], row["ended_on"]): row
        for row in roles
        if row["organisation_kind"] == ActorKind.PARTY.value and row["title"] == MEMBER
    }
    folded: set[int] = set()
    memberships: list[tuple[Any, str | None]] = []
    for row in roles:
        party = None
        if row["organisation_kind"] != ActorKind.PARTY.value:
            match = party_roles.get((row["person"], row["started_on"], row["ended_on"]))
            if match is not None:
                party = ids[match["organisation_id"]]
                folded.add(match["id"])
        memberships.append((row, party))
    written: list[PopoloMembership] = []
    for row, party in memberships:
        if row["id"] in folded:
            continue
        post = POST.match(row["title"])
        written.append(
            PopoloMembership(
                person_id=ids[row["person"]],
                role=post["title"] if post else row["title"],
                organization_id=ids[row["organisation_id"]] if row["organisation_id"] is not None else None,
                on_behalf_of_id=party,
                post_id=post["post"] if post else None,
                start_date=row["started_on"],
                end_date=row["ended_on"],
            )
        )
    return written
