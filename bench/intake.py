"""Article intake, measured: the extractor's candidates against the hand-annotated quotes and paraphrases.

    python3 -m uv run python bench/intake.py [-v] [--articles DIR] [--repeat N]

Reads the five seed articles (``../shared/seeds`` beside the repository, or ``/work/shared/seeds``, or
``--articles``; ``POSITIONS_ARTICLES_DIR`` too), the annotations in ``bench/intake_gold/*.yaml`` and the
actors, aliases, roles and policies of ``seeds/data`` (no database needed). A candidate matches an annotation of
the same kind when their spans overlap by at least 80% of the shorter; its speaker is right when it resolves to
the annotated actor (or, for someone the seed data does not know, to no actor with the same name). Prints
precision and recall of direct quotes (by span, and with the right speaker), of speakers given a matched quote,
of paraphrases, per article and in total; how many candidates fall on a scare quote, slogan or term; and the
time per article. ``-v`` lists every miss, false candidate and wrong speaker.
"""

import argparse
import hashlib
import os
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from api.intake.extract import Candidate, extract  # noqa: E402
from api.intake.knowledge import Knowledge, knowledge_from_dataset  # noqa: E402
from api.intake.mentions import ActorIndex  # noqa: E402
from seeds.loader import read_dataset  # noqa: E402

GOLD_DIR = ROOT / "bench" / "intake_gold"
ARTICLE_DIRS = (ROOT.parent / "shared" / "seeds", Path("/work/shared/seeds"))
OVERLAP = 0.8


@dataclass
class Counts:
    gold: int = 0
    candidates: int = 0
    matched: int = 0
    right_speaker: int = 0

    def add(self, other: "Counts") -> None:
        self.gold += other.gold
        self.candidates += other.candidates
        self.matched += other.matched
        self.right_speaker += other.right_speaker


@dataclass
class Report:
    name: str
    words: int
    milliseconds: float
    quotes: Counts = field(default_factory=Counts)
    paraphrases: Counts = field(default_factory=Counts)
    not_quotes_proposed: int = 0
    notes: list[str] = field(default_factory=list)
    policies: Counter[str] = field(default_factory=Counter)
    candidates: list[Candidate] = field(default_factory=list)


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    shared = min(a[1], b[1]) - max(a[0], b[0])
    return shared > 0 and shared >= OVERLAP * min(a[1] - a[0], b[1] - b[0])


def _bare(name: str | None) -> str:
    words = (name or "").lower().split()
    while words and words[0] in {"the", "a", "an", "one"}:
        words = words[1:]
    return " ".join(words)


def right_speaker(candidate: Candidate, item: dict[str, object]) -> bool:
    if item["speaker"] is not None:
        return candidate.speaker.actor == item["speaker"]
    if candidate.speaker.actor is not None:
        return False
    wanted, got = _bare(str(item.get("speaker_name"))), _bare(candidate.speaker.name)
    return bool(got) and (wanted == got or wanted in got or got in wanted)


def score(kind: str, candidates: list[Candidate], items: list[dict[str, object]], report: Report, text: str) -> Counts:
    counts = Counts()
    mine = [c for c in candidates if c.kind == kind]
    gold = [item for item in items if item["kind"] == kind]
    counts.gold, counts.candidates = len(gold), len(mine)
    used: set[int] = set()
    for item in gold:
        span = (int(str(item["start"])), int(str(item["end"])))
        best = None
        for number, candidate in enumerate(mine):
            if number not in used and overlaps(span, (candidate.start, candidate.end)):
                shared = min(span[1], candidate.end) - max(span[0], candidate.start)
                if best is None or shared > best[0]:
                    best = (shared, number)
        label = f"{kind} {text[span[0] : span[1]][:70]!r}"
        if best is None:
            report.notes.append(f"  missed      {label} ({item['speaker'] or item.get('speaker_name')})")
            continue
        used.add(best[1])
        counts.matched += 1
        candidate = mine[best[1]]
        if right_speaker(candidate, item):
            counts.right_speaker += 1
        else:
            got = candidate.speaker.actor or candidate.speaker.name
            report.notes.append(
                f"  speaker     {label}: got {got}, want {item['speaker'] or item.get('speaker_name')}"
                f" ({candidate.speaker.reason})"
            )
    for number, candidate in enumerate(mine):
        if number not in used:
            report.notes.append(
                f"  false       {kind} {candidate.text[:70]!r} ({candidate.speaker.actor or candidate.speaker.name})"
            )
    return counts


def articles_dir(given: str | None) -> Path | None:
    for candidate in (
        ([Path(given)] if given else [])
        + ([Path(os.environ["POSITIONS_ARTICLES_DIR"])] if os.environ.get("POSITIONS_ARTICLES_DIR") else [])
        + list(ARTICLE_DIRS)
    ):
        if candidate.is_dir():
            return candidate
    return None


def run_article(gold: dict[str, object], folder: Path, knowledge: Knowledge, index: ActorIndex, repeat: int) -> Report:
    path = folder / str(gold["article"])
    raw = path.read_bytes()
    if hashlib.sha256(raw).hexdigest() != gold["sha256"]:
        raise SystemExit(f"{path} is not the article the annotations were made on (SHA-256 differs)")
    text = raw.decode("utf-8")
    day = date.fromisoformat(str(gold["published_on"]))
    timings = []
    extraction = None
    for _ in range(repeat):
        started = time.perf_counter()
        extraction = extract(text, knowledge, day)
        timings.append((time.perf_counter() - started) * 1000)
    assert extraction is not None
    report = Report(str(gold["article"]), len(text.split()), statistics.median(timings))
    items = list(gold["items"])  # type: ignore[call-overload]
    for item in items:
        span_text = text[item["start"] : item["end"]]
        expected = item.get("text") or item.get("head")
        if not span_text.startswith(str(expected)):
            raise SystemExit(f"{gold['article']}: annotation at {item['start']} does not point at {expected!r}")
    report.candidates = extraction.candidates
    report.quotes = score("direct_quote", extraction.candidates, items, report, text)
    report.paraphrases = score("paraphrase", extraction.candidates, items, report, text)
    for candidate in extraction.candidates:
        for bad in gold.get("not_quotes", []):  # type: ignore[attr-defined]
            if candidate.kind == "direct_quote" and min(candidate.end, bad["end"]) > max(candidate.start, bad["start"]):
                report.not_quotes_proposed += 1
                report.notes.append(f"  not a quote {bad['text']!r} proposed ({bad['why']})")
    del index
    return report


def seed_policy_check(reports: list[Report], folder: Path, golds: list[dict[str, object]]) -> Counter[str]:
    """The policy suggested for each candidate that is seed evidence, against the policies the seed files give
    that evidence (and the position, when one is suggested, against the seed stance's)."""
    dataset = read_dataset()
    files = {source.slug: source.file for source in dataset.sources}
    uses: dict[tuple[str, str], dict[str, int | None]] = {}
    for stance in dataset.stances:
        for evidence in stance.evidence:
            if evidence.kind.value in {"direct_quote", "paraphrase"}:
                uses.setdefault((str(files[evidence.source]), evidence.text), {})[stance.policy] = stance.position
    counts: Counter[str] = Counter()
    for report, gold in zip(reports, golds, strict=True):
        text = (folder / str(gold["article"])).read_text(encoding="utf-8")
        for (name, words), policies in uses.items():
            start = text.find(words) if name == gold["article"] else -1
            if start < 0:
                continue
            span = (start, start + len(words))
            match = next((c for c in report.candidates if overlaps(span, (c.start, c.end))), None)
            if match is None or match.suggestion is None:
                continue
            counts["seed evidence found"] += 1
            suggested = match.suggestion.policy
            if suggested is None:
                counts["no policy suggested"] += 1
            elif suggested in policies:
                counts["the seed's policy"] += 1
                if match.suggestion.position is not None:
                    wanted = policies[suggested]
                    same_side = wanted is not None and (wanted > 0) == (match.suggestion.position > 0)
                    counts["position on the seed's side" if same_side else "position not the seed's"] += 1
            else:
                counts["another policy"] += 1
    return counts


def ratio(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f}%" if whole else "    -"


def print_table(reports: list[Report]) -> None:
    header = (
        f"{'article':<28}{'words':>6}{'ms':>7}  {'quotes':>6} {'P span':>7} {'R span':>7} {'P spkr':>7} "
        f"{'R spkr':>7} {'spkr|m':>7}  {'paras':>5} {'P':>7} {'R':>7} {'spkr|m':>7}  {'scare':>5}"
    )
    print(header)
    print("-" * len(header))
    total = Report("total", 0, 0.0)
    for report in [*reports, total]:
        if report is total:
            print("-" * len(header))
        q, p = report.quotes, report.paraphrases
        print(
            f"{report.name[:27]:<28}{report.words:>6}{report.milliseconds:>7.1f}  {q.gold:>6} "
            f"{ratio(q.matched, q.candidates):>7} {ratio(q.matched, q.gold):>7} "
            f"{ratio(q.right_speaker, q.candidates):>7} {ratio(q.right_speaker, q.gold):>7} "
            f"{ratio(q.right_speaker, q.matched):>7}  {p.gold:>5} {ratio(p.matched, p.candidates):>7} "
            f"{ratio(p.matched, p.gold):>7} {ratio(p.right_speaker, p.matched):>7}  {report.not_quotes_proposed:>5}"
        )
        if report is not total:
            total.words += report.words
            total.milliseconds += report.milliseconds
            total.quotes.add(q)
            total.paraphrases.add(p)
            total.not_quotes_proposed += report.not_quotes_proposed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-v", "--verbose", action="store_true", help="list misses, false candidates, wrong speakers")
    parser.add_argument("--articles", help="folder holding the five seed articles")
    parser.add_argument("--repeat", type=int, default=20, help="runs per article for the time (median)")
    args = parser.parse_args()
    folder = articles_dir(args.articles)
    if args.articles and (folder is None or folder != Path(args.articles)):
        print(f"The seed articles are not in {args.articles}: nothing to measure.")
        return 0
    if folder is None:
        print(
            "The seed articles are not here (looked for ../shared/seeds beside the repository and /work/shared/seeds;"
            " give --articles DIR or POSITIONS_ARTICLES_DIR): nothing to measure."
        )
        return 0
    knowledge = knowledge_from_dataset(read_dataset())
    index = ActorIndex.build(knowledge)
    golds = [yaml.safe_load(path.read_text(encoding="utf-8")) for path in sorted(GOLD_DIR.glob("*.yaml"))]
    reports = [run_article(gold, folder, knowledge, index, max(1, args.repeat)) for gold in golds]
    print(f"Article intake against {sum(len(g['items']) for g in golds)} hand-annotated items ({GOLD_DIR.name}/),")
    print(
        "spans matching when they overlap by at least 80% of the shorter; times are the median of "
        f"{args.repeat} runs, knowledge index built in each run.\n"
    )
    print_table(reports)
    print(
        "\nquotes: annotated direct quotes; P/R span: precision/recall of quote spans; P/R spkr: with the right "
        "speaker;\nspkr|m: right speakers among matched spans; paras: annotated paraphrases; scare: candidates on "
        "a scare quote, slogan or term."
    )
    policies = seed_policy_check(reports, folder, golds)
    agree, side, other_side = (
        policies["the seed's policy"],
        policies["position on the seed's side"],
        policies["position not the seed's"],
    )
    print(
        f"\npolicy suggestions for the {policies['seed evidence found']} candidates that are seed evidence: "
        f"{agree} the seed's policy, {policies['another policy']} another, {policies['no policy suggested']} none; "
        f"positions suggested with the seed's policy: {side} on the seed's side, {other_side} not."
    )
    if args.verbose:
        for report in reports:
            print(f"\n{report.name}")
            print("\n".join(report.notes) or "  (nothing to report)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
