"""Comparisons: GET /v1/compare/actors, /v1/compare/dates, and /v1/policies/{slug}/positions|timeline|changes.

Each answers JSON or CSV (``format=csv`` or ``Accept: text/csv``), carries a strong ETag derived from the
data version, and answers ``If-None-Match`` with 304. An answer, once encoded, is kept under its ETag in the
process's response cache (``api.response_cache``) and served from there until a write changes the version.
"""

from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC, date, datetime
from typing import Annotated, Any, TypeVar

from litestar import Controller, MediaType, Request, Response, get
from litestar.openapi import ResponseSpec
from litestar.params import Parameter, QueryParameter
from litestar.serialization import encode_json

from api import cdn
from api.comparisons import build, csv_export, queries
from api.comparisons.position_matrix import PositionMatrices
from api.comparisons.schemas import (
    ATTRIBUTION_METHOD,
    PARTY_METHOD,
    ActorAlignment,
    ActorComparison,
    AttributedActor,
    Attribution,
    DateComparison,
    GroupBy,
    PartyComparison,
    PolicyChanges,
    PolicyFamily,
    PolicyPositions,
    PolicyTimeline,
    PositionOrder,
    TimelineEntry,
)
from api.database import OWN_SNAPSHOT, Pg, snapshot
from api.endpoints import endpoint
from api.errors import InvalidField, InvalidParameter, Unprocessable
from api.openapi import problem_responses
from api.params import AsRecorded, check_date_range, recorded_at, split_slugs
from api.refs import ActorRef, PolicyRef
from api.representations import (
    GZIP_MIN_BYTES,
    ResponseFormat,
    accepts_gzip,
    choose_format,
    gzip_body,
    gzip_etag,
    matches_if_none_match,
    strong_etag,
)
from api.response_cache import CachedAnswer, ResponseCache
from api.settings import Settings
from db.enums import ActorKind

MAX_ACTORS = 10
MAX_PARTIES = 10
MAX_POLICIES = 50
# One non-blank item of a comma-separated list. Unambiguous on purpose (spaces, then a first visible character,
# then the rest up to the comma): an ambiguous item pattern backtracks exponentially on a list that is too long.
LIST_ITEM = r"\s*[^,\s][^,]*"
T = TypeVar("T")

COMPARISON_ERRORS = (400, 404, 406, 422, 503)
NOT_MODIFIED = {
    304: ResponseSpec(data_container=None, description="Not modified: the `If-None-Match` ETag is current.")
}

AsOf = Annotated[
    date | None,
    Parameter(description="The day to compare as of (YYYY-MM-DD); defaults to today (UTC)."),
]
Format = Annotated[
    ResponseFormat | None,
    Parameter(description="`csv` for one flat row per actor and policy; overrides the Accept header."),
]
PoliciesFilter = Annotated[
    str | None,
    Parameter(
        description=f"Comma-separated policy slugs to restrict to (at most {MAX_POLICIES}, no duplicates).",
        # documented as a pattern, checked by split_slugs (which names the problem: empty, duplicate, too many)
        schema_extra={"pattern": rf"^{LIST_ITEM}(,{LIST_ITEM}){{0,{MAX_POLICIES - 1}}}$"},
        max_length=2000,  # keeps the longest percent-encoded URL under the server's 64 KiB limit
    ),
]
TopicFilter = Annotated[str | None, Parameter(description="Only policies with this topic slug.", max_length=160)]
PolicySlug = Annotated[str, Parameter(description="The policy's slug, e.g. `uk-return-hubs`.", max_length=160)]
AttributionParam = Annotated[
    Attribution,
    Parameter(
        description=(
            "`as_stated` (default): each stance is its actor's. `holder`: an office's stance (Downing Street) counts"
            " for the person who held the office it speaks for on the stance's day, marked `attributed_via` (see"
            " `method`)."
        )
    ),
]
Family = Annotated[
    bool,
    Parameter(
        description=(
            "Also every policy of the family: those joined below through `part_of` or `successor_of` (see "
            "`/v1/policies/{slug}/family`); each row names the policy it is about. On comparisons it widens "
            "`policies` (without `policies` every policy is compared anyway)."
        )
    ),
]


def today() -> date:
    return datetime.now(UTC).date()


async def respond(
    request: Request[Any, Any, Any],
    pg: Pg,
    representation: ResponseFormat,
    resolved: tuple[object, ...],
    compute: Callable[[], Awaitable[T]],
    to_csv: Callable[[T], str],
    filename: str,
    version: int | None = None,
    refs: Callable[[T], Iterable[ActorRef | PolicyRef]] | None = None,
) -> Response[Any]:
    """Answer 304 when the ETag is current, otherwise compute and encode in the negotiated ``representation``.

    ``version`` is the data version when the caller already fetched it with its own first query; ``refs`` gives
    the actors and policies an answer names (its purge keys) without walking it.
    """
    if version is None:
        version = await queries.data_version(pg)
    etag = strong_etag(version, request, *resolved, representation.value)
    headers = _headers(request, etag)
    if matches_if_none_match(request, etag):
        return _not_modified(request, headers)
    cache: ResponseCache | None = request.app.state.response_cache
    answer = cache.get(etag) if cache is not None else None
    if answer is None:
        body = await compute()  # raises 404 for unknown slugs, so `If-None-Match: *` cannot hide them
        answer = _encode(body, representation, to_csv, filename, refs)
        if cache is not None:
            cache.put(etag, answer)
    return _answer(request, etag, headers, answer, cache)


def _headers(request: Request[Any, Any, Any], etag: str) -> dict[str, str]:
    settings: Settings = request.app.state.settings
    return {"ETag": etag, "Cache-Control": cdn.cache_control(settings), "Vary": "Accept, Accept-Encoding"}


def _encode(
    body: T,
    representation: ResponseFormat,
    to_csv: Callable[[T], str],
    filename: str,
    refs: Callable[[T], Iterable[ActorRef | PolicyRef]] | None,
) -> CachedAnswer:
    """``body`` encoded in ``representation``, with its purge headers (from ``refs`` when given)."""
    keys = cdn.purge_headers(body, None if refs is None else refs(body))
    if representation is ResponseFormat.CSV:
        disposition = {"Content-Disposition": f'inline; filename="{filename}.csv"'}
        return CachedAnswer(to_csv(body).encode(), "text/csv", disposition | keys)  # Litestar adds the charset
    return CachedAnswer(encode_json(body), MediaType.JSON, keys)


def _not_modified(request: Request[Any, Any, Any], headers: dict[str, str]) -> Response[Any]:
    """304, naming the validator the client holds (the gzip-coded variant's when it sent that one)."""
    etag = headers["ETag"]
    if gzip_etag(etag) in request.headers.get("if-none-match", ""):
        headers = headers | {"ETag": gzip_etag(etag)}
    return Response(content=None, status_code=304, headers=headers)


def _answer(
    request: Request[Any, Any, Any],
    etag: str,
    headers: dict[str, str],
    answer: CachedAnswer,
    cache: ResponseCache | None,
) -> Response[Any]:
    """``answer``, gzip-coded when the client accepts it (compressed once per cached answer), else as it is."""
    if matches_if_none_match(request, etag, wildcard=True):
        return _not_modified(request, headers)
    headers = headers | answer.headers
    if len(answer.body) >= GZIP_MIN_BYTES and accepts_gzip(request):
        body = cache.gzipped(etag, answer) if cache is not None else gzip_body(answer.body)
        headers = headers | {"ETag": gzip_etag(etag), "Content-Encoding": "gzip"}
        return Response(content=body, media_type=answer.media_type, headers=headers)
    return Response(content=answer.body, media_type=answer.media_type, headers=headers)


VERSION_SEEN = "data_version_seen"
"""``app.state`` key: the data version this process last read, to guess whether an answer is already known."""


async def respond_in_one_statement(
    request: Request[Any, Any, Any],
    representation: ResponseFormat,
    resolved: tuple[object, ...],
    peek: Callable[[], Awaitable[int]],
    load: Callable[[], Awaitable[tuple[int, T]]],
    to_csv: Callable[[T], str],
    filename: str,
    refs: Callable[[T], Iterable[ActorRef | PolicyRef]],
) -> Response[Any]:
    """``respond`` for an answer whose data version comes with its data from one statement (``load``): one round
    trip and one snapshot, no transaction; the ETag is made of the version that statement read.

    When the answer may already be known (the request carries `If-None-Match`, or the response cache holds the
    answer at the version this process last read), ``peek`` first reads the version alone (and 404s unknown
    slugs), so a 304 or a cached answer costs one small statement and ``load`` runs only when needed.
    """
    cache: ResponseCache | None = request.app.state.response_cache
    seen: int | None = request.app.state.get(VERSION_SEEN)
    known = seen is not None and cache is not None and cache.holds(_etag(seen, request, resolved, representation))
    if known or "if-none-match" in request.headers:
        version = await peek()
        request.app.state[VERSION_SEEN] = version
        etag = _etag(version, request, resolved, representation)
        if matches_if_none_match(request, etag):
            return _not_modified(request, _headers(request, etag))
        answer = cache.get(etag) if cache is not None else None
        if answer is not None:
            return _answer(request, etag, _headers(request, etag), answer, cache)
    elif cache is not None:
        cache.count_miss()
    version, body = await load()  # raises 404 for unknown slugs, so `If-None-Match: *` cannot hide them
    request.app.state[VERSION_SEEN] = version
    etag = _etag(version, request, resolved, representation)
    headers = _headers(request, etag)
    if matches_if_none_match(request, etag):  # a write came between `peek` and `load`, and the client has it
        return _not_modified(request, headers)
    answer = _encode(body, representation, to_csv, filename, refs)
    if cache is not None:
        cache.put(etag, answer)
    return _answer(request, etag, headers, answer, cache)


def _etag(
    version: int, request: Request[Any, Any, Any], resolved: tuple[object, ...], representation: ResponseFormat
) -> str:
    return strong_etag(version, request, *resolved, representation.value)


async def _holders_for(
    pg: Pg, actors: list[tuple[int, ActorRef]], day: date
) -> tuple[list[tuple[int, ActorRef]], list[AttributedActor]]:
    """The actors to compare with `attribution=holder`: each office replaced by its holder on ``day`` (400 when two
    names end up as one person)."""
    holders = await queries.office_holders(pg, [actor_id for actor_id, _ in actors], day)
    compared: list[tuple[int, ActorRef]] = []
    attributed: list[AttributedActor] = []
    for asked_id, asked in actors:
        actor_id, ref = asked_id, asked
        if asked_id in holders:
            actor_id, ref, role = holders[asked_id]
            attributed.append(AttributedActor(office=asked, role=role, holder=ref))
        if any(ref.slug == other.slug for _, other in compared):
            message = f"with attribution=holder, two of the actors are {ref.slug} on {day}"
            raise Unprocessable(
                f"Two of the actors name one person ({message}).",
                errors=[InvalidField(name="actors", location="query", message=message)],
            )
        compared.append((actor_id, ref))
    return compared, attributed


async def _family(pg: Pg, slug: str, family: bool) -> tuple[PolicyRef, dict[int, PolicyRef]]:
    """The policy, and the policies to answer about: its whole family when asked, else the policy alone."""
    policy_id, policy = await queries.policy_ref(pg, slug)
    if not family:
        return policy, {policy_id: policy}
    return policy, {row.id: row.policy for row in await queries.policy_family(pg, [policy_id])}


async def _policy_filters(
    pg: Pg, policies: str | None, topic: str | None, family: bool = False
) -> tuple[list[int] | None, int | None]:
    policy_slugs = split_slugs(policies, name="policies", maximum=MAX_POLICIES)
    policy_ids = (
        list((await queries.resolve_ids(pg, "policy", policy_slugs, resource="policy", parameter="policies")).values())
        if policy_slugs
        else None
    )
    if family and policy_ids:
        policy_ids = sorted(row.id for row in await queries.policy_family(pg, policy_ids))
    topic_id = (
        (await queries.resolve_ids(pg, "topic", [topic], resource="topic", parameter="topic"))[topic] if topic else None
    )
    return policy_ids, topic_id


class ComparisonController(Controller):
    path = "/v1/compare"
    tags = ["comparisons"]

    @get(
        "/actors",
        operation_id="compareActors",
        opt={**endpoint(csv=True), OWN_SNAPSHOT: True},
        summary="Compare actors' positions",
        responses={**NOT_MODIFIED, **problem_responses(*COMPARISON_ERRORS)},
    )
    async def compare_actors(
        self,
        request: Request[Any, Any, Any],
        pg: Pg,
        actors: Annotated[
            str,
            Parameter(
                description=(
                    f"Comma-separated actor slugs, 2 to {MAX_ACTORS}, no duplicates, e.g. `edi-rama,keir-starmer`."
                ),
                schema_extra={"pattern": rf"^{LIST_ITEM}(,{LIST_ITEM}){{1,{MAX_ACTORS - 1}}}$"},
                max_length=1700,  # ten slugs of the longest length
            ),
        ],
        as_of: AsOf = None,
        policies: PoliciesFilter = None,
        family: Family = False,
        topic: TopicFilter = None,
        attribution: AttributionParam = Attribution.AS_STATED,
        as_recorded: AsRecorded = None,
        format: Format = None,
    ) -> Response[ActorComparison]:
        """One row per policy where any of the actors has a stance: each actor's effective stance with its
        evidence, and per pair the agreement and distance; a summary per pair and a matrix of scores.
        The effective stance is the latest stated on or before the day; on the same day, a stance that has a
        position and rests on a recorded vote cast (aye, no, proxy) outweighs the others, otherwise the one recorded
        later wins (see `method`)."""
        slugs = split_slugs(actors, name="actors", maximum=MAX_ACTORS)
        if len(slugs) < 2:
            raise InvalidParameter("actors", "name at least two actors")
        day = as_of or today()
        recorded = recorded_at(as_recorded)

        representation = choose_format(request, format)  # 406 before any query
        resolved = (day, recorded, attribution.value)
        filename = f"compare-actors-{day.isoformat()}"
        if policies is None and topic is None and attribution is Attribution.AS_STATED:
            # the common comparison: one statement (version, actors, stances), so no transaction around it

            async def peek() -> int:
                version, _ = await queries.version_and_actors(pg, slugs, parameter="actors")
                return version

            async def load() -> tuple[int, ActorComparison]:
                data = await queries.actor_comparison_data(pg, slugs, day, as_recorded=recorded)
                return data.version, build.actor_comparison(day, data.actors, data.found)

            return await respond_in_one_statement(
                request,
                representation,
                resolved,
                peek,
                load,
                csv_export.actor_comparison_csv,
                filename,
                build.actor_comparison_refs,
            )

        async with snapshot(pg):  # filters and holders take statements of their own: one snapshot for all
            version, resolved_actors = await queries.version_and_actors(pg, slugs, parameter="actors")

            async def compute() -> ActorComparison:
                policy_ids, topic_id = await _policy_filters(pg, policies, topic, family)
                holder = attribution is Attribution.HOLDER
                compared, attributed = await _holders_for(pg, resolved_actors, day) if holder else (resolved_actors, [])
                found = await queries.effective_stances(
                    pg,
                    [day],
                    actor_ids=[actor_id for actor_id, _ in compared],
                    policy_ids=policy_ids,
                    topic_id=topic_id,
                    as_recorded=recorded,
                    holder=holder,
                )
                comparison = build.actor_comparison(day, compared, found)
                if holder:
                    comparison.attributed = attributed
                    comparison.method = f"{comparison.method} {ATTRIBUTION_METHOD}"
                return comparison

            return await respond(
                request,
                pg,
                representation,
                resolved,
                compute,
                csv_export.actor_comparison_csv,
                filename,
                version=version,
                refs=build.actor_comparison_refs,
            )

    @get(
        "/parties",
        operation_id="compareParties",
        opt=endpoint(csv=True),
        summary="Compare parties' positions, rolled up from their members",
        responses={**NOT_MODIFIED, **problem_responses(*COMPARISON_ERRORS)},
    )
    async def compare_parties(
        self,
        request: Request[Any, Any, Any],
        pg: Pg,
        parties: Annotated[
            str,
            Parameter(
                description=(
                    f"Comma-separated party actor slugs, 2 to {MAX_PARTIES}, e.g. `labour-party,conservative-party`."
                ),
                schema_extra={"pattern": rf"^{LIST_ITEM}(,{LIST_ITEM}){{1,{MAX_PARTIES - 1}}}$"},
                max_length=1700,
            ),
        ],
        as_of: AsOf = None,
        policies: PoliciesFilter = None,
        family: Family = False,
        topic: TopicFilter = None,
        format: Format = None,
    ) -> Response[PartyComparison]:
        """Per policy, each party's position derived from its members' effective stances on the day (mean, spread,
        counts by side, members with a stance of members in total), the party's own stance apart, and a party x
        party agreement matrix (see `method`)."""
        # a party named twice is compared once; fewer than two different parties is a 422
        distinct = ",".join(dict.fromkeys(part.strip() for part in parties.split(",")))
        slugs = split_slugs(distinct, name="parties", maximum=MAX_PARTIES)
        if len(slugs) < 2:
            message = "name at least two different parties"
            raise Unprocessable(
                "A party comparison needs two parties or more.",
                errors=[InvalidField(name="parties", location="query", message=message)],
            )
        day = as_of or today()
        representation = choose_format(request, format)  # 406 before any query
        version, resolved = await queries.version_and_actors(pg, slugs, parameter="parties")
        not_parties = [ref.slug for _, ref in resolved if ref.kind is not ActorKind.PARTY]
        if not_parties:
            message = f"not parties: {', '.join(not_parties)}"
            raise Unprocessable(
                f"Only parties can be compared as parties ({message}).",
                errors=[InvalidField(name="parties", location="query", message=message)],
            )

        async def compute() -> PartyComparison:
            policy_ids, topic_id = await _policy_filters(pg, policies, topic, family)
            found_parties = await queries.party_members(pg, [party_id for party_id, _ in resolved], day)
            found_parties.refs = dict(resolved)  # in the order asked
            actor_ids = {actor for members in found_parties.members.values() for actor in members}
            members = await queries.member_positions(
                pg, day, sorted(actor_ids), policy_ids=policy_ids, topic_id=topic_id
            )
            own = await queries.effective_stances(
                pg, [day], actor_ids=list(found_parties.refs), policy_ids=policy_ids, topic_id=topic_id
            )
            return build.party_comparison(day, found_parties, members, own)

        return await respond(
            request,
            pg,
            representation,
            (day,),
            compute,
            csv_export.party_comparison_csv,
            f"compare-parties-{day.isoformat()}",
            version=version,
        )

    @get(
        "/dates",
        operation_id="compareDates",
        opt=endpoint(csv=True),
        summary="Compare an actor's positions between two dates",
        responses={**NOT_MODIFIED, **problem_responses(*COMPARISON_ERRORS)},
    )
    async def compare_dates(
        self,
        request: Request[Any, Any, Any],
        pg: Pg,
        actor: Annotated[str, Parameter(description="The actor's slug, e.g. `keir-starmer`.", max_length=160)],
        from_date: Annotated[date, QueryParameter(name="from", description="The earlier day (YYYY-MM-DD).")],
        to_date: Annotated[
            date, QueryParameter(name="to", description="The later day (YYYY-MM-DD), not before `from`.")
        ],
        policies: PoliciesFilter = None,
        family: Family = False,
        topic: TopicFilter = None,
        attribution: AttributionParam = Attribution.AS_STATED,
        as_recorded: AsRecorded = None,
        format: Format = None,
    ) -> Response[DateComparison]:
        """Per policy: the effective stance at each end, how it changed, and the evidence at both ends.
        The effective stance is the latest stated on or before the day; on the same day, a stance that has a
        position and rests on a recorded vote cast (aye, no, proxy) outweighs the others, otherwise the one recorded
        later wins (see `method`)."""
        check_date_range(from_date, to_date, start_name="from", end_name="to")
        recorded = recorded_at(as_recorded)
        representation = choose_format(request, format)  # 406 before any query
        version, ((actor_id, actor_ref),) = await queries.version_and_actors(pg, [actor], parameter="actor")

        async def compute() -> DateComparison:
            policy_ids, topic_id = await _policy_filters(pg, policies, topic, family)
            holder = attribution is Attribution.HOLDER
            found = await queries.effective_stances(
                pg,
                [from_date, to_date],
                actor_ids=[actor_id],
                policy_ids=policy_ids,
                topic_id=topic_id,
                as_recorded=recorded,
                holder=holder,
            )
            comparison = build.date_comparison(actor_id, actor_ref, from_date, to_date, found)
            if holder:
                comparison.method = f"{comparison.method} {ATTRIBUTION_METHOD}"
            return comparison

        return await respond(
            request,
            pg,
            representation,
            (recorded, attribution.value),
            compute,
            csv_export.date_comparison_csv,
            f"compare-dates-{actor}",
            version=version,
            refs=build.date_comparison_refs,
        )


class PolicyComparisonController(Controller):
    path = "/v1/policies/{slug:str}"
    tags = ["comparisons"]

    @get(
        "/positions",
        operation_id="getPolicyPositions",
        opt=endpoint(csv=True),
        summary="Every actor's position on a policy as of a date",
        responses={**NOT_MODIFIED, **problem_responses(*COMPARISON_ERRORS)},
    )
    async def positions(
        self,
        request: Request[Any, Any, Any],
        pg: Pg,
        slug: PolicySlug,
        as_of: AsOf = None,
        family: Family = False,
        attribution: AttributionParam = Attribution.AS_STATED,
        group_by: Annotated[
            GroupBy | None,
            Parameter(description="`party`: also roll the members' stances up per party (`parties`, see `method`)."),
        ] = None,
        order: Annotated[
            PositionOrder,
            Parameter(
                description=(
                    "`actor` (by slug), or ranked: `strongest_support` (+2 first) or `strongest_opposition` (-2 first);"
                    " ranked lists put stances with no position last and break ties by evidence strength, then slug."
                )
            ),
        ] = PositionOrder.ACTOR,
        as_recorded: AsRecorded = None,
        format: Format = None,
    ) -> Response[PolicyPositions]:
        """Each actor's effective stance on the policy as of the day, with evidence.
        The effective stance is the latest stated on or before the day; on the same day, a stance that has a
        position and rests on a recorded vote cast (aye, no, proxy) outweighs the others, otherwise the one recorded
        later wins (see `method`)."""
        day = as_of or today()
        recorded = recorded_at(as_recorded)

        async def compute() -> PolicyPositions:
            policy, members = await _family(pg, slug, family)
            holder = attribution is Attribution.HOLDER
            found = await queries.effective_stances(
                pg, [day], policy_ids=list(members), as_recorded=recorded, holder=holder
            )
            positions = build.rank_positions(build.policy_positions(policy, members, day, found), order)
            if holder:
                positions.method = f"{positions.method} {ATTRIBUTION_METHOD}"
            if group_by is GroupBy.PARTY:
                parties = await queries.party_members(pg, None, day)
                present = {policy_id: ref for policy_id, ref in found.policies.items() if policy_id in members}
                positions.parties = build.party_rows(parties, day, present, found.stances, found.stances)
                positions.method = f"{positions.method} {PARTY_METHOD}"
            return positions

        return await respond(
            request,
            pg,
            choose_format(request, format),
            (day, recorded, order.value, group_by, attribution.value),
            compute,
            csv_export.policy_positions_csv,
            f"{slug}-positions",
        )

    @get(
        "/timeline",
        operation_id="getPolicyTimeline",
        opt=endpoint(csv=True),
        summary="Every stance on a policy in date order",
        responses={**NOT_MODIFIED, **problem_responses(*COMPARISON_ERRORS)},
    )
    async def timeline(
        self,
        request: Request[Any, Any, Any],
        pg: Pg,
        slug: PolicySlug,
        include_retracted: Annotated[bool, Parameter(description="Also list retracted stances, flagged.")] = False,
        family: Family = False,
        as_recorded: AsRecorded = None,
        format: Format = None,
    ) -> Response[PolicyTimeline]:
        """Every stance on the policy, oldest first, with its actor and evidence."""
        recorded = recorded_at(as_recorded)

        async def compute() -> PolicyTimeline:
            policy, members = await _family(pg, slug, family)
            rows = await queries.policy_timeline(
                pg, list(members), include_retracted=include_retracted, as_recorded=recorded
            )
            return PolicyTimeline(
                policy=policy,
                family=list(members.values()),
                entries=[
                    TimelineEntry(actor=row.actor, policy=row.policy, stance=row.stance, retracted=row.retracted)
                    for row in rows
                ],
            )

        return await respond(
            request,
            pg,
            choose_format(request, format),
            (recorded,),
            compute,
            csv_export.policy_timeline_csv,
            f"{slug}-timeline",
        )

    @get(
        "/changes",
        operation_id="getPolicyChanges",
        opt=endpoint(csv=True),
        summary="Actors whose position on a policy changed between two dates",
        responses={**NOT_MODIFIED, **problem_responses(*COMPARISON_ERRORS)},
    )
    async def changes(
        self,
        request: Request[Any, Any, Any],
        pg: Pg,
        slug: PolicySlug,
        from_date: Annotated[date, QueryParameter(name="from", description="The earlier day (YYYY-MM-DD).")],
        to_date: Annotated[
            date, QueryParameter(name="to", description="The later day (YYYY-MM-DD), not before `from`.")
        ],
        family: Family = False,
        as_recorded: AsRecorded = None,
        format: Format = None,
    ) -> Response[PolicyChanges]:
        """Only actors whose position changed (new, dropped, strengthened, weakened or reversed)."""
        check_date_range(from_date, to_date, start_name="from", end_name="to")
        recorded = recorded_at(as_recorded)

        async def compute() -> PolicyChanges:
            policy, members = await _family(pg, slug, family)
            found = await queries.effective_stances(
                pg, [from_date, to_date], policy_ids=list(members), as_recorded=recorded
            )
            return build.policy_changes(policy, members, from_date, to_date, found)

        return await respond(
            request,
            pg,
            choose_format(request, format),
            (recorded,),
            compute,
            csv_export.policy_changes_csv,
            f"{slug}-changes",
        )

    @get(
        "/family",
        operation_id="getPolicyFamily",
        opt=endpoint(csv=True),
        summary="A policy's family: the policies part of it or following it",
        responses={**NOT_MODIFIED, **problem_responses(*COMPARISON_ERRORS)},
    )
    async def family(
        self, request: Request[Any, Any, Any], pg: Pg, slug: PolicySlug, format: Format = None
    ) -> Response[PolicyFamily]:
        """The policy and every policy below it through `part_of` and `successor_of` relations, as a tree in
        depth-first order (see `method`); `family=true` on positions, timeline, changes and comparisons uses it."""

        async def compute() -> PolicyFamily:
            policy_id, policy = await queries.policy_ref(pg, slug)
            return build.policy_family(policy, await queries.policy_family(pg, [policy_id]))

        return await respond(
            request, pg, choose_format(request, format), (), compute, csv_export.policy_family_csv, f"{slug}-family"
        )


class ActorAlignmentController(Controller):
    path = "/v1/actors/{slug:str}"
    tags = ["comparisons"]

    @get(
        "/alignment",
        operation_id="getActorAlignment",
        opt=endpoint(csv=True),
        summary="The actors most and least aligned with an actor",
        responses={**NOT_MODIFIED, **problem_responses(*COMPARISON_ERRORS)},
    )
    async def alignment(
        self,
        request: Request[Any, Any, Any],
        pg: Pg,
        slug: Annotated[str, Parameter(description="The actor's slug, e.g. `keir-starmer`.", max_length=160)],
        as_of: AsOf = None,
        kind: Annotated[
            ActorKind | None, Parameter(description="Only other actors of this kind, e.g. `person`.")
        ] = None,
        min_shared: Annotated[
            int,
            Parameter(
                description="Leave out actors sharing fewer policies with positions than this (default 2).",
                ge=1,
                le=1000,
            ),
        ] = 2,
        limit: Annotated[int, Parameter(description="How many actors in each list (1 to 100).", ge=1, le=100)] = 10,
        format: Format = None,
    ) -> Response[ActorAlignment]:
        """Every other actor's agreement score with this one as of the day, over the policies where both have a
        position: the most aligned first in `most_aligned`, the least in `least_aligned` (see `method`)."""
        day = as_of or today()
        representation = choose_format(request, format)  # 406 before any query
        version, ((actor_id, actor_ref),) = await queries.version_and_actors(
            pg, [slug], parameter="slug", location="path"
        )

        async def compute() -> ActorAlignment:
            matrices: PositionMatrices = request.app.state.position_matrices
            matrix = await matrices.get(pg, version, day)
            found = matrix.alignments(actor_id, kind=None if kind is None else kind.value, min_shared=min_shared)
            ranked = build.rank_alignments(found, limit)
            listed = {actor_id} | {item.actor_id for items in ranked for item in items}
            evidence = await queries.evidence_counts(pg, matrix.stance_ids(listed))
            return build.actor_alignment(
                actor_ref,
                day,
                ranked,
                lambda item: matrix.pair_strength(actor_id, item.actor_id, evidence),
                actors_compared=len(found),
                min_shared=min_shared,
            )

        return await respond(
            request,
            pg,
            representation,
            (day,),
            compute,
            csv_export.actor_alignment_csv,
            f"{slug}-alignment-{day.isoformat()}",
            version=version,
        )
