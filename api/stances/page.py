"""The dashboard's stance page (`/dashboard/stances/{slug}`): one stance as a readable, linkable HTML page that
embeds the same schema.org JSON-LD as `GET /v1/stances/{slug}` with `Accept: application/ld+json`, so a search
engine or a fact-checking tool reading the page gets the claim, its quotations and their sources.

The page is rendered on the server (no script runs on it): what it shows is in the HTML a crawler fetches.
"""

import hashlib
from datetime import date
from html import escape
from typing import Any

from litestar import Controller, MediaType, Request, Response, get
from litestar.serialization import encode_json

from api.database import Session
from api.errors import UnknownSlugs
from api.evidence.schemas import EvidenceItem
from api.refs import PositionLabel, SourceRef
from api.stances import jsonld, queries
from api.stances.routes import StanceSlug
from api.stances.schemas import StanceWithEvidence
from db.enums import DatePrecision, EvidenceKind

PAGE_CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)
POSITION_WORDS = {
    PositionLabel.STRONGLY_OPPOSE: "Strongly oppose",
    PositionLabel.OPPOSE: "Oppose",
    PositionLabel.NEUTRAL: "Neutral",
    PositionLabel.SUPPORT: "Support",
    PositionLabel.STRONGLY_SUPPORT: "Strongly support",
    PositionLabel.MIXED: "Mixed",
    PositionLabel.UNCLEAR: "Unclear",
}
KIND_WORDS = {
    EvidenceKind.DIRECT_QUOTE: "Quote",
    EvidenceKind.PARAPHRASE: "Paraphrase",
    EvidenceKind.REPORTED_ACTION: "Reported action",
    EvidenceKind.RECORDED_VOTE: "Recorded vote",
}
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def _day(day: date, precision: DatePrecision) -> str:
    """`15 May 2025`, `May 2025` or `2025`: as precisely as the date is known, as the dashboard writes it."""
    if precision is DatePrecision.YEAR:
        return str(day.year)
    if precision is DatePrecision.MONTH:
        return f"{MONTHS[day.month - 1]} {day.year}"
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def _time(day: date, precision: DatePrecision, inferred: bool) -> str:
    text = f'<time datetime="{day.isoformat()}">{_day(day, precision)}</time>'
    return text + (' <span class="inferred">(date inferred)</span>' if inferred else "")


def _citation(source: SourceRef) -> str:
    title = escape(source.title)
    if source.url and source.url.startswith(("https://", "http://")):
        parts = [f'<a class="source-link" href="{escape(source.url)}" rel="noopener noreferrer">{title}</a>']
    else:
        parts = [f"<cite>{title}</cite>"]
    if source.publisher:
        parts.append(f', <span class="publisher">{escape(source.publisher)}</span>')
    if source.author:
        parts.append(f", by {escape(source.author)}")
    if source.published_on is not None:
        parts.append(", " + _time(source.published_on, source.published_on_precision, source.published_on_inferred))
    return "".join(parts)


def _evidence(stance: StanceWithEvidence, item: EvidenceItem) -> str:
    if item.kind is EvidenceKind.DIRECT_QUOTE:
        text = f'<blockquote class="quote"><p>“{escape(item.text)}”</p></blockquote>'
    else:
        vote = f" ({item.vote.value.replace('_', ' ')})" if item.vote else ""
        text = f'<p class="ev-text"><span class="ev-kind">{KIND_WORDS[item.kind]}{vote}: </span>{escape(item.text)}</p>'
    speaker = item.speaker or stance.actor
    said_by = (
        "" if item.kind is EvidenceKind.REPORTED_ACTION else f'<span class="speaker">{escape(speaker.name)}</span>, '
    )
    return (
        f'<li class="evidence ev-{item.kind.value}" id="{escape(item.slug)}">{text}'
        f'<p class="cite">— {said_by}{_citation(item.source)}</p></li>'
    )


def json_for_script(document: dict[str, Any]) -> str:
    """JSON that cannot end the `<script>` element it sits in (`<`, `>` and `&` as `\\u` escapes)."""
    text = encode_json(document).decode()
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def render_stance_page(stance: StanceWithEvidence, base: str) -> str:
    """The whole HTML page of ``stance``; ``base`` is the API's origin (for the JSON-LD `@id`s)."""
    actor, policy = escape(stance.actor.name), escape(stance.policy.title)
    stated = _day(stance.stated_on, stance.stated_on_precision)
    position = POSITION_WORDS[stance.label] + (f" ({stance.position:+d})" if stance.position is not None else "")
    retracted = (
        f'<p class="retracted" role="note">Retracted: {escape(stance.retraction_reason or "no reason given")}</p>'
        if stance.retracted
        else ""
    )
    evidence = (
        f'<ul class="evidence-list">{"".join(_evidence(stance, item) for item in stance.evidence)}</ul>'
        if stance.evidence
        else '<p class="muted">No evidence attached.</p>'
    )
    slug, origin = escape(stance.slug), escape(base)
    timeline = f"../?view=timeline&amp;policy={escape(stance.policy.slug)}&amp;as_of={stance.stated_on.isoformat()}"
    if stance.retracted:  # the timeline lists retracted stances only when asked
        timeline += "&amp;retracted=1"
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{actor} on {policy}, {stated} — Positions</title>
<meta name="description" content="{escape(stance.summary)}">
<link rel="icon" href="data:,">
<link rel="stylesheet" href="../dashboard.css">
<link rel="alternate" type="{jsonld.MEDIA_TYPE}" href="{origin}/v1/stances/{slug}">
<script type="{jsonld.MEDIA_TYPE}">{json_for_script(jsonld.stance_graph(stance, base))}</script>
</head>
<body>
<header class="site-header">
  <div class="wrap">
    <p class="brand"><a class="brand-name" href="../">Positions</a>
      <span class="brand-tag">who said what about which policy, when</span></p>
  </div>
</header>
<main class="wrap stance-page">
  <p class="breadcrumbs"><a href="{timeline}">Timeline of {policy}</a></p>
  <h1>{actor} on {policy}</h1>
  <p><span class="badge position pos-{stance.label.value}">{position}</span></p>
  <p class="stated">Stated {_time(stance.stated_on, stance.stated_on_precision, stance.stated_on_inferred)}</p>
  {retracted}
  <p class="stance-summary">{escape(stance.summary)}</p>
  <h2>Evidence</h2>
  {evidence}
  <p class="api-links">In the API: <a href="{origin}/v1/stances/{slug}">this stance as JSON</a> (as schema.org
  JSON-LD with <code>Accept: {jsonld.MEDIA_TYPE}</code>, the same document this page embeds) and
  <a href="{origin}/v1/stances/{slug}/history">its history</a>.</p>
</main>
</body>
</html>
"""


def _not_found_page(slug: str) -> str:
    return f"""<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>No such stance — Positions</title>
<link rel="icon" href="data:,"><link rel="stylesheet" href="../dashboard.css"></head>
<body><main class="wrap stance-page"><h1>No such stance</h1>
<p>No stance is recorded as <code>{escape(slug)}</code>. <a href="../">Back to the dashboard</a>.</p></main></body>
</html>
"""


class StancePageController(Controller):
    path = "/dashboard/stances"
    include_in_schema = False

    @get("/{slug:str}", media_type=MediaType.HTML)
    async def stance_page(self, request: Request[Any, Any, Any], session: Session, slug: StanceSlug) -> Response[str]:
        headers = {"Content-Security-Policy": PAGE_CONTENT_SECURITY_POLICY}
        try:
            stance = await queries.get_stance(session, slug)
        except UnknownSlugs:
            return Response(_not_found_page(slug), status_code=404, media_type=MediaType.HTML, headers=headers)
        page = render_stance_page(stance, str(request.base_url).rstrip("/"))
        # The page shows more than the stance's own version covers (evidence, sources, names, the host): its
        # validator is a digest of the page itself.
        etag = f'"{hashlib.blake2b(page.encode(), digest_size=12).hexdigest()}-html"'
        if etag in request.headers.get("if-none-match", ""):
            return Response("", status_code=304, headers={"ETag": etag})
        return Response(page, media_type=MediaType.HTML, headers={**headers, "ETag": etag})
