"""A stance as schema.org JSON-LD (`Accept: application/ld+json` on `GET /v1/stances/{slug}`).

The graph holds a `Claim` for the position (its `author` the actor, `about` the policy, `text` the summary, the
ordinal position as an `additionalProperty`, its `appearance` the evidence), a `Quotation` per direct quote
(`spokenByCharacter`, `isPartOf` the source as a `NewsArticle`, `dateCreated` the day it was said), and, for the
other kinds of evidence, a `CreativeWork` whose `genre` says it is a paraphrase, a reported action or a recorded
vote: schema.org has no type for reported speech, and calling a paraphrase a `Quotation` would claim words the
speaker never said. A date the source does not give is left out, never guessed; an inferred one is marked.
"""

from datetime import date
from typing import Any

from api.evidence.schemas import EvidenceItem
from api.refs import ActorRef, SourceRef
from api.stances.schemas import StanceWithEvidence
from db.enums import ActorKind, DatePrecision, EvidenceKind

MEDIA_TYPE = "application/ld+json"
CONTEXT = "https://schema.org"
SCHEMA_NAME = "StanceJsonLd"
"""The OpenAPI component naming the JSON-LD representation (a second media type of `getStance`)."""
OPENAPI_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": (
        "A stance as schema.org JSON-LD: `@context` is `https://schema.org` and `@graph` holds a `Claim` for the "
        "position, a `Quotation` per direct quote (`spokenByCharacter`, `isPartOf`, `dateCreated`), a `CreativeWork` "
        "with a `genre` for other evidence, the actors (`Person`/`Organization`), the policy (`Thing`) and each "
        "source (`NewsArticle`). Nodes refer to each other by `@id`, which is the node's URL in this API."
    ),
    "required": ["@context", "@graph"],
    "properties": {
        "@context": {"type": "string", "description": f"Always `{CONTEXT}`.", "example": CONTEXT},
        "@graph": {"type": "array", "items": {"$ref": "#/components/schemas/JsonLdNode"}},
    },
    "example": {
        "@context": CONTEXT,
        "@graph": [
            {
                "@id": "https://positions.example/v1/stances/edi-rama-on-uk-albania-return-hub-hosting-2025-05-15",
                "@type": "Claim",
                "text": (
                    "Rama ruled out Albania hosting a UK return hub: the arrangement with Italy was a one-off, and "
                    "Albania had said no to several countries. Scope: a hub in Albania only; he said nothing "
                    "against return hubs elsewhere."
                ),
                "author": {"@id": "https://positions.example/v1/actors/edi-rama"},
                "about": {"@id": "https://positions.example/v1/policies/uk-albania-return-hub-hosting"},
                "dateCreated": "2025-05-15",
            },
            {
                "@id": "https://positions.example/v1/evidence/edi-rama-on-uk-albania-return-hub-hosting-2025-05-15-e5",
                "@type": "Quotation",
                "text": (
                    "We have been asked by several countries if we were open to it and we said no, because we are "
                    "loyal to the marriage with Italy and the rest is just love."
                ),
                "spokenByCharacter": {"@id": "https://positions.example/v1/actors/edi-rama"},
                "isPartOf": {
                    "@id": "https://positions.example/v1/sources/starmer-return-hubs-plan-rebuffed-in-albania-2025-05-16"
                },
                "dateCreated": "2025-05-15",
            },
        ],
    },
}
NODE_SCHEMA_NAME = "JsonLdNode"
NODE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "One node of a JSON-LD graph: its URL (`@id`), its schema.org type and that type's properties.",
    "required": ["@id", "@type"],
    "properties": {"@id": {"type": "string", "format": "uri"}, "@type": {"type": "string"}},
    "additionalProperties": True,
}
GENRES = {
    EvidenceKind.PARAPHRASE: "paraphrase",
    EvidenceKind.REPORTED_ACTION: "reported action",
    EvidenceKind.RECORDED_VOTE: "recorded vote",
}


def _precise(day: date, precision: DatePrecision) -> str:
    """A date only as precisely as it is known: `2025-05-15`, `2025-05` or `2025` (never an invented day)."""
    if precision is DatePrecision.YEAR:
        return f"{day.year:04d}"
    if precision is DatePrecision.MONTH:
        return f"{day.year:04d}-{day.month:02d}"
    return day.isoformat()


def _actor(base: str, actor: ActorRef) -> dict[str, Any]:
    return {
        "@id": f"{base}/v1/actors/{actor.slug}",
        "@type": "Person" if actor.kind is ActorKind.PERSON else "Organization",
        "name": actor.name,
    }


def _source(base: str, source: SourceRef) -> dict[str, Any]:
    node: dict[str, Any] = {
        "@id": f"{base}/v1/sources/{source.slug}",
        "@type": "NewsArticle",
        "headline": source.title,
    }
    if source.url:
        node["url"] = source.url
    if source.publisher:
        node["publisher"] = {"@type": "Organization", "name": source.publisher}
    if source.author:
        node["author"] = {"@type": "Person", "name": source.author}
    if source.published_on is not None:
        node["datePublished"] = _precise(source.published_on, source.published_on_precision)
        if source.published_on_inferred:
            node["disambiguatingDescription"] = "The publication date is inferred, not printed in the source."
    return node


def _evidence(base: str, stance: StanceWithEvidence, item: EvidenceItem) -> dict[str, Any]:
    speaker = item.speaker or stance.actor
    node: dict[str, Any] = {
        "@id": f"{base}/v1/evidence/{item.slug}",
        "@type": "Quotation" if item.kind is EvidenceKind.DIRECT_QUOTE else "CreativeWork",
        "text": item.text,
        "isPartOf": {"@id": f"{base}/v1/sources/{item.source.slug}"},
        "dateCreated": _precise(stance.stated_on, stance.stated_on_precision),
    }
    if item.kind is EvidenceKind.DIRECT_QUOTE:
        node["spokenByCharacter"] = {"@id": f"{base}/v1/actors/{speaker.slug}"}
    else:
        node["genre"] = GENRES[item.kind]
        node["about"] = {"@id": f"{base}/v1/actors/{speaker.slug}"}
    return node


def stance_graph(stance: StanceWithEvidence, base: str) -> dict[str, Any]:
    """The JSON-LD document of ``stance``; ``base`` is the API's origin, for the `@id`s."""
    claim: dict[str, Any] = {
        "@id": f"{base}/v1/stances/{stance.slug}",
        "@type": "Claim",
        "text": stance.summary,
        "author": {"@id": f"{base}/v1/actors/{stance.actor.slug}"},
        "about": {"@id": f"{base}/v1/policies/{stance.policy.slug}"},
        "dateCreated": _precise(stance.stated_on, stance.stated_on_precision),
        "appearance": [{"@id": f"{base}/v1/evidence/{item.slug}"} for item in stance.evidence],
        "additionalProperty": {
            "@type": "PropertyValue",
            "name": "position",
            "description": f"{stance.label.value}: from -2 (strongly oppose) to +2 (strongly support)",
            "minValue": -2,
            "maxValue": 2,
            **({"value": stance.position} if stance.position is not None else {}),
        },
    }
    if stance.retracted:
        claim["creativeWorkStatus"] = "retracted"
    nodes: dict[str, dict[str, Any]] = {claim["@id"]: claim}
    policy = {
        "@id": f"{base}/v1/policies/{stance.policy.slug}",
        "@type": "Thing",
        "name": stance.policy.title,
    }
    for node in (_actor(base, stance.actor), policy):
        nodes[node["@id"]] = node
    for item in stance.evidence:
        for node in (
            _evidence(base, stance, item),
            _source(base, item.source),
            *([_actor(base, item.speaker)] if item.speaker else []),
        ):
            nodes.setdefault(node["@id"], node)
    return {"@context": CONTEXT, "@graph": list(nodes.values())}
