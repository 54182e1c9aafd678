"""Writing a division's policy links (editor keys): PUT /v1/sources/{slug}/policies, in one transaction."""

from collections import defaultdict

from sqlalchemy import delete, func, select, text, tuple_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from api.divisions.rules import contradiction
from api.divisions.schemas import DivisionPoliciesReplace
from api.errors import InvalidField, Unprocessable
from api.slugs import resolve_path_slug, slug_ids
from db.enums import Ambiguity, SourceKind, VoteOption
from db.models import DivisionPolicy, Policy, Source

SHOWN = 5
"""How many stances an error names before saying how many more there are."""

# The recorded votes from this division on stances not retracted: what its links must keep meaning.
VOTES_SQL = """
SELECT ev.slug, ev.vote_option, s.slug AS stance_slug, s.policy_id, s.position, s.ambiguity, p.slug AS policy_slug
FROM evidence ev
JOIN stance s ON s.id = ev.stance_id AND s.retracted_at IS NULL
JOIN policy p ON p.id = s.policy_id
WHERE ev.source_id = :source_id AND ev.kind = 'recorded_vote'
ORDER BY s.slug, ev.id
"""


def _named(field: str, problems: list[str]) -> InvalidField:
    shown = "; ".join(problems[:SHOWN])
    more = f"; and {len(problems) - SHOWN} more" if len(problems) > SHOWN else ""
    return InvalidField(name=field, location="body", message=shown + more)


async def replace_policies(session: AsyncSession, slug: str, data: DivisionPoliciesReplace) -> None:
    """Replace the division's links, or 422 having written nothing: unknown or repeated policies, an aye that
    would mean 0, a link removed or changed under recorded votes it would no longer explain."""
    source_id = await resolve_path_slug(session, Source, slug, resource="source", for_update=True)
    kind = await session.scalar(select(Source.kind).where(Source.id == source_id))
    if kind is not SourceKind.PARLIAMENTARY_DIVISION:
        raise Unprocessable(
            "Only a parliamentary division links policies; nothing was stored.",
            errors=[
                InvalidField(
                    name="policies",
                    location="body",
                    message=f"'{slug}' is a {getattr(kind, 'value', kind)}, not a parliamentary_division",
                )
            ],
        )
    known = await slug_ids(session, Policy, {item.policy for item in data.policies})
    errors: list[InvalidField] = []
    for index, item in enumerate(data.policies):
        if item.policy not in known:
            errors.append(
                InvalidField(
                    name=f"policies[{index}].policy", location="body", message=f"unknown policy '{item.policy}'"
                )
            )
        if item.aye_position == 0:
            errors.append(
                InvalidField(
                    name=f"policies[{index}].aye_position",
                    location="body",
                    message="an aye must mean a side (-2..+2, not 0): a division that says nothing about the policy "
                    "is not linked to it",
                )
            )
    if len({item.policy for item in data.policies}) != len(data.policies):
        errors.append(InvalidField(name="policies", location="body", message="each policy once"))
    if errors:
        raise Unprocessable("The policy links are invalid; nothing was stored.", errors=errors)

    links = {known[item.policy]: (index, item.aye_position) for index, item in enumerate(data.policies)}
    problems: dict[str, list[str]] = defaultdict(list)
    for row in await session.execute(text(VOTES_SQL), {"source_id": source_id}):
        link = links.get(row.policy_id)
        if link is None:
            problems["policies"].append(
                f"recorded votes in this division back stance '{row.stance_slug}' on '{row.policy_slug}', "
                "so its link stays"
            )
            continue
        ambiguity = None if row.ambiguity is None else Ambiguity(row.ambiguity)
        problem = contradiction(VoteOption(row.vote_option), link[1], row.position, ambiguity)
        if problem:
            problems[f"policies[{link[0]}].aye_position"].append(f"stance '{row.stance_slug}': {problem}")
    if problems:
        raise Unprocessable(
            "The policy links would contradict recorded votes; nothing was stored.",
            errors=[_named(field, messages) for field, messages in problems.items()],
        )

    await session.execute(
        delete(DivisionPolicy).where(
            DivisionPolicy.source_id == source_id, DivisionPolicy.policy_id.not_in(list(links))
        )
    )
    if data.policies:
        statement = insert(DivisionPolicy).values(
            [
                {
                    "source_id": source_id,
                    "policy_id": known[item.policy],
                    "aye_position": item.aye_position,
                    "note": item.note,
                }
                for item in data.policies
            ]
        )
        excluded = statement.excluded
        await session.execute(
            statement.on_conflict_do_update(
                index_elements=[DivisionPolicy.source_id, DivisionPolicy.policy_id],
                set_={"aye_position": excluded.aye_position, "note": excluded.note, "updated_at": func.now()},
                where=tuple_(DivisionPolicy.aye_position, DivisionPolicy.note).is_distinct_from(
                    tuple_(excluded.aye_position, excluded.note)
                ),
            )
        )
