"""The seed data in ``seeds/data`` is internally consistent and every evidence text is verbatim: direct quotes
are the speaker's words, paraphrases and reported actions the article's own.

Pure Python: reads the YAML files and, for the quote and checksum checks, the source articles (by default
``<workspace>/shared/seeds``; set ``POSITIONS_ARTICLES_DIR`` to point elsewhere). When the articles are not
available, the tests that need them are skipped.
"""

import datetime
import hashlib
import os
import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest
import yaml

DATA_DIR = Path(__file__).resolve().parents[2] / "seeds" / "data"
DEFAULT_ARTICLES_DIR = Path(__file__).resolve().parents[3] / "shared" / "seeds"
# Where the workspace keeps them on these machines, for a clone made outside the workspace (as CI does).
WORKSPACE_ARTICLES_DIR = Path("/work/shared/seeds")

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
SHA256 = re.compile(r"^[0-9a-f]{64}$")
COUNTRY = re.compile(r"^[A-Z]{2}$")

SOURCE_KINDS = {
    "news_article",
    "news_analysis",
    "press_conference",
    "statement",
    "social_media_post",
    "parliamentary_statement",
}
ACTOR_KINDS = {"person", "office", "government", "party", "organisation", "anonymous_source"}
RELATION_KINDS = {"compared_with", "successor_of", "part_of", "alternative_to"}
EVIDENCE_KINDS = {"direct_quote", "paraphrase", "reported_action"}
PRECISIONS = {"day", "month", "year"}
AMBIGUITIES = {"mixed", "unclear"}

# Evidence is a quote or a single sentence, never a passage of an article.
MAX_EVIDENCE_CHARS = 400

_CHARACTER_MAP = str.maketrans(
    {
        "\u2018": "'",  # left single quotation mark
        "\u2019": "'",  # right single quotation mark
        "\u201a": "'",  # single low-9 quotation mark
        "\u201b": "'",  # single high-reversed-9 quotation mark
        "\u2032": "'",  # prime
        "\u201c": '"',  # left double quotation mark
        "\u201d": '"',  # right double quotation mark
        "\u201e": '"',  # double low-9 quotation mark
        "\u2033": '"',  # double prime
        "\u2013": "-",  # en dash
        "\u2014": "-",  # em dash
        "\u2026": "...",  # horizontal ellipsis
    }
)
_WHITESPACE = re.compile(r"\s+")

Record = dict[str, Any]


def normalise(text: str) -> str:
    """Fold typographic quote marks, dashes and ellipses to ASCII and collapse whitespace."""
    folded = unicodedata.normalize("NFC", text).translate(_CHARACTER_MAP)
    return _WHITESPACE.sub(" ", folded).strip()


def _load_list(file_name: str, key: str) -> list[Record]:
    document = yaml.safe_load((DATA_DIR / file_name).read_text(encoding="utf-8"))
    assert isinstance(document, dict), f"{file_name}: expected a mapping"
    records = document.get(key)
    assert isinstance(records, list), f"{file_name}: expected a list under '{key}'"
    return records


SOURCES = _load_list("sources.yaml", "sources")
ACTORS = _load_list("actors.yaml", "actors")
TOPICS = _load_list("policies.yaml", "topics")
POLICIES = _load_list("policies.yaml", "policies")
RELATIONS = _load_list("policies.yaml", "relations")
STANCES = _load_list("stances.yaml", "stances")

SOURCES_BY_SLUG = {source["slug"]: source for source in SOURCES}
ACTOR_SLUGS = {actor["slug"] for actor in ACTORS}
TOPIC_SLUGS = {topic["slug"] for topic in TOPICS}
POLICY_SLUGS = {policy["slug"] for policy in POLICIES}

_EVIDENCE_ROWS: list[tuple[Record, int, Record]] = [
    (stance, index, evidence)
    for stance in STANCES
    for index, evidence in enumerate(stance.get("evidence") or [], start=1)
]


def _evidence_params(*, direct_quotes: bool | None = None) -> list[Any]:
    """Evidence records as pytest params named after their stance and 1-based position."""
    return [
        pytest.param(stance, index, evidence, id=f"{stance['slug']}-e{index}")
        for stance, index, evidence in _EVIDENCE_ROWS
        if direct_quotes is None or (evidence.get("kind") == "direct_quote") == direct_quotes
    ]


EVIDENCE = _evidence_params()
DIRECT_QUOTES = _evidence_params(direct_quotes=True)
REPORTED = _evidence_params(direct_quotes=False)


def _as_date(value: object) -> datetime.date:
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    assert isinstance(value, str), f"expected an ISO date, got {value!r}"
    return datetime.date.fromisoformat(value)


@pytest.fixture(scope="module")
def articles_dir() -> Path:
    configured = os.environ.get("POSITIONS_ARTICLES_DIR")
    directory = Path(configured) if configured else DEFAULT_ARTICLES_DIR
    if not configured and not directory.is_dir():
        directory = WORKSPACE_ARTICLES_DIR
    if not directory.is_dir():
        pytest.skip(f"source articles folder is missing: {directory} (set POSITIONS_ARTICLES_DIR)")
    return directory


@pytest.fixture(scope="module")
def normalised_articles(articles_dir: Path) -> dict[str, str]:
    """Each source's article text, normalised, keyed by source slug."""
    texts: dict[str, str] = {}
    for source in SOURCES:
        path = articles_dir / source["file"]
        if path.is_file():
            texts[source["slug"]] = normalise(path.read_text(encoding="utf-8"))
    return texts


# --- Quotes and checksums against the articles -------------------------------------------------------


@pytest.mark.parametrize(("stance", "index", "evidence"), DIRECT_QUOTES)
def test_every_direct_quote_occurs_verbatim_in_its_source_article(
    stance: Record, index: int, evidence: Record, normalised_articles: dict[str, str]
) -> None:
    source_slug = evidence["source"]
    assert source_slug in normalised_articles, (
        f"{stance['slug']} evidence #{index}: article for source '{source_slug}' not found"
    )
    quote = normalise(evidence["text"])
    assert quote, f"{stance['slug']} evidence #{index}: empty quote"
    assert quote in normalised_articles[source_slug], (
        f"{stance['slug']} evidence #{index}: quote not found in {SOURCES_BY_SLUG[source_slug]['file']}: "
        f"{evidence['text']!r}"
    )


@pytest.mark.parametrize(("stance", "index", "evidence"), REPORTED)
def test_every_paraphrase_and_reported_action_is_the_articles_own_words(
    stance: Record, index: int, evidence: Record, normalised_articles: dict[str, str]
) -> None:
    """Evidence that is not a direct quote is still the article's text, never an editor's wording: the
    sentence (or the part of it that carries the point, qualifiers kept) as the article printed it."""
    source_slug = evidence["source"]
    assert source_slug in normalised_articles, (
        f"{stance['slug']} evidence #{index}: article for source '{source_slug}' not found"
    )
    assert normalise(evidence["text"]) in normalised_articles[source_slug], (
        f"{stance['slug']} evidence #{index}: {evidence['kind']} is not the article's own words "
        f"({SOURCES_BY_SLUG[source_slug]['file']}): {evidence['text']!r}"
    )


@pytest.mark.parametrize("source", [pytest.param(s, id=s["slug"]) for s in SOURCES])
def test_every_source_checksum_matches_its_article_file(source: Record, articles_dir: Path) -> None:
    path = articles_dir / source["file"]
    assert path.is_file(), f"source {source['slug']}: file {source['file']} not found in {articles_dir}"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == source["content_sha256"], (
        f"source {source['slug']}: content_sha256 does not match {source['file']}"
    )


# --- Evidence shape ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("stance", "index", "evidence"), REPORTED)
def test_every_paraphrase_and_reported_action_is_non_empty(stance: Record, index: int, evidence: Record) -> None:
    text = evidence.get("text")
    assert isinstance(text, str), f"{stance['slug']} evidence #{index}: text must be a string"
    assert text.strip(), f"{stance['slug']} evidence #{index}: empty {evidence.get('kind')}"


@pytest.mark.parametrize(("stance", "index", "evidence"), EVIDENCE)
def test_every_evidence_record_is_well_formed_and_short(stance: Record, index: int, evidence: Record) -> None:
    where = f"{stance['slug']} evidence #{index}"
    assert evidence.get("kind") in EVIDENCE_KINDS, f"{where}: unknown kind {evidence.get('kind')!r}"
    text = evidence.get("text")
    assert isinstance(text, str), f"{where}: text must be a string"
    assert text.strip(), f"{where}: text must not be blank"
    assert len(text) <= MAX_EVIDENCE_CHARS, f"{where}: {len(text)} characters; quote a sentence, not a passage"
    assert "\n" not in text.strip(), f"{where}: evidence must not span paragraphs"
    if evidence["kind"] == "direct_quote":
        folded = normalise(text)
        assert not folded.startswith('"'), f"{where}: store the quoted words without their opening quote mark"
        assert not folded.endswith('"'), f"{where}: store the quoted words without their closing quote mark"


# --- Referential integrity and value ranges -------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "records"),
    [
        ("source", SOURCES),
        ("actor", ACTORS),
        ("topic", TOPICS),
        ("policy", POLICIES),
        ("stance", STANCES),
    ],
)
def test_slugs_are_unique_and_kebab_case(kind: str, records: list[Record]) -> None:
    slugs = [record.get("slug") for record in records]
    malformed = [slug for slug in slugs if not isinstance(slug, str) or not SLUG.fullmatch(slug)]
    assert not malformed, f"malformed {kind} slugs: {malformed}"
    duplicates = sorted({str(slug) for slug in slugs if slugs.count(slug) > 1})
    assert not duplicates, f"duplicate {kind} slugs: {duplicates}"


def test_every_stance_references_a_known_actor_policy_source_and_speaker() -> None:
    problems: list[str] = []
    for stance in STANCES:
        if stance.get("actor") not in ACTOR_SLUGS:
            problems.append(f"{stance['slug']}: unknown actor {stance.get('actor')!r}")
        if stance.get("policy") not in POLICY_SLUGS:
            problems.append(f"{stance['slug']}: unknown policy {stance.get('policy')!r}")
        for index, evidence in enumerate(stance.get("evidence") or [], start=1):
            if evidence.get("source") not in SOURCES_BY_SLUG:
                problems.append(f"{stance['slug']} evidence #{index}: unknown source {evidence.get('source')!r}")
            speaker = evidence.get("speaker")
            if speaker is not None and speaker not in ACTOR_SLUGS:
                problems.append(f"{stance['slug']} evidence #{index}: unknown speaker {speaker!r}")
            if speaker is not None and speaker == stance.get("actor"):
                problems.append(f"{stance['slug']} evidence #{index}: speaker repeats the stance's actor")
    assert not problems, "\n".join(problems)


def test_every_policy_topic_and_relation_references_known_slugs() -> None:
    problems: list[str] = []
    for policy in POLICIES:
        for topic in policy.get("topics") or []:
            if topic not in TOPIC_SLUGS:
                problems.append(f"policy {policy['slug']}: unknown topic {topic!r}")
        if not str(policy.get("jurisdiction") or "").strip():
            problems.append(f"policy {policy['slug']}: missing jurisdiction")
    for relation in RELATIONS:
        label = f"relation {relation.get('subject')} {relation.get('kind')} {relation.get('object')}"
        for end in ("subject", "object"):
            if relation.get(end) not in POLICY_SLUGS:
                problems.append(f"{label}: unknown {end} policy")
        if relation.get("subject") == relation.get("object"):
            problems.append(f"{label}: a policy cannot relate to itself")
        if relation.get("kind") not in RELATION_KINDS:
            problems.append(f"{label}: unknown kind")
    keys = [f"{r.get('subject')} {r.get('kind')} {r.get('object')}" for r in RELATIONS]
    problems += [f"duplicate relation {key}" for key in sorted({k for k in keys if keys.count(k) > 1})]
    assert not problems, "\n".join(problems)


def test_every_actor_has_a_known_kind_country_and_role_organisation() -> None:
    problems: list[str] = []
    for actor in ACTORS:
        slug = actor["slug"]
        if actor.get("kind") not in ACTOR_KINDS:
            problems.append(f"actor {slug}: unknown kind {actor.get('kind')!r}")
        country = actor.get("country")
        if country is not None and not COUNTRY.fullmatch(str(country)):
            problems.append(f"actor {slug}: country {country!r} is not ISO 3166-1 alpha-2")
        aliases = actor.get("aliases") or []
        if len(aliases) != len(set(aliases)):
            problems.append(f"actor {slug}: duplicate aliases")
        for role in actor.get("roles") or []:
            organisation = role.get("organisation")
            if organisation is not None and organisation not in ACTOR_SLUGS:
                problems.append(f"actor {slug}, role {role.get('title')!r}: unknown organisation {organisation!r}")
            started, ended = role.get("started_on"), role.get("ended_on")
            if started is not None and ended is not None and _as_date(ended) < _as_date(started):
                problems.append(f"actor {slug}, role {role.get('title')!r}: ends before it starts")
    assert not problems, "\n".join(problems)


def test_every_source_has_a_known_kind_and_a_well_formed_date_and_checksum() -> None:
    problems: list[str] = []
    for source in SOURCES:
        slug = source["slug"]
        if source.get("kind") not in SOURCE_KINDS:
            problems.append(f"source {slug}: unknown kind {source.get('kind')!r}")
        if not SHA256.fullmatch(str(source.get("content_sha256"))):
            problems.append(f"source {slug}: content_sha256 is not a hex sha256")
        if source.get("published_on_precision") not in PRECISIONS:
            problems.append(f"source {slug}: unknown published_on_precision")
        for flag in ("title_inferred", "publisher_inferred", "published_on_inferred"):
            if not isinstance(source.get(flag), bool):
                problems.append(f"source {slug}: {flag} must be true or false")
        if source.get("publisher") is None and source.get("publisher_inferred"):
            problems.append(f"source {slug}: publisher_inferred without a publisher")
        if source.get("published_on") is not None:
            published = _as_date(source["published_on"])
            if source.get("published_on_precision") in {"month", "year"} and published.day != 1:
                problems.append(f"source {slug}: month/year precision dates are stored as the first day")
    assert not problems, "\n".join(problems)


def test_every_stance_has_a_position_in_range_or_an_ambiguity_but_not_both() -> None:
    problems: list[str] = []
    for stance in STANCES:
        slug = stance["slug"]
        if "position" not in stance:
            problems.append(f"{slug}: position is required (use null with an ambiguity)")
        position, ambiguity = stance.get("position"), stance.get("ambiguity")
        if position is not None and (isinstance(position, bool) or not isinstance(position, int)):
            problems.append(f"{slug}: position must be an integer")
        elif position is not None and not -2 <= position <= 2:
            problems.append(f"{slug}: position {position} outside -2..2")
        if (position is None) == (ambiguity is None):
            problems.append(f"{slug}: give either a position or an ambiguity, not both or neither")
        if ambiguity is not None and ambiguity not in AMBIGUITIES:
            problems.append(f"{slug}: unknown ambiguity {ambiguity!r}")
    assert not problems, "\n".join(problems)


def test_every_stance_date_is_well_formed_and_flagged() -> None:
    problems: list[str] = []
    for stance in STANCES:
        slug = stance["slug"]
        stated = _as_date(stance.get("stated_on"))
        precision = stance.get("stated_on_precision")
        if precision not in PRECISIONS:
            problems.append(f"{slug}: unknown stated_on_precision {precision!r}")
        if precision in {"month", "year"} and stated.day != 1:
            problems.append(f"{slug}: month/year precision dates are stored as the first day")
        if precision == "year" and stated.month != 1:
            problems.append(f"{slug}: year precision dates are stored as 1 January")
        if not isinstance(stance.get("stated_on_inferred"), bool):
            problems.append(f"{slug}: stated_on_inferred must be true or false")
        if not str(stance.get("summary") or "").strip():
            problems.append(f"{slug}: missing summary")
    assert not problems, "\n".join(problems)


# --- Size of the dataset ----------------------------------------------------------------------------------


def test_dataset_has_at_least_14_actors_9_policies_and_28_stances_each_with_evidence() -> None:
    assert len(ACTORS) >= 14, f"only {len(ACTORS)} actors"
    assert len(POLICIES) >= 9, f"only {len(POLICIES)} policies"
    assert len(STANCES) >= 28, f"only {len(STANCES)} stances"
    without_evidence = [stance["slug"] for stance in STANCES if not stance.get("evidence")]
    assert not without_evidence, f"stances without evidence: {without_evidence}"
