"""Property-based fuzzing of every operation in the committed OpenAPI document against the live server.

Schemathesis generates requests from ``openapi/openapi.json`` (schema-valid ones and schema-violating ones) and runs
all of its default checks on every response: no server errors, documented status codes, content types and headers,
response bodies that match their schemas, schema-valid requests accepted, schema-violating requests rejected,
undeclared methods answered with 405, and the rest. Each operation gets a bounded, derandomized budget, so a run is
reproducible: a failure names the operation and prints the request as ``curl``.

The only help the generator gets is for what no JSON Schema can say (see ``map_case`` below); no check is disabled.
"""

import datetime
from typing import Any

import hypothesis
import pytest
import schemathesis
from schemathesis import Case
from schemathesis.hooks import HookContext

from db.embedded import PROJECT_ROOT
from tests.contract.conftest import FuzzTarget

pytestmark = pytest.mark.slow

OPENAPI = PROJECT_ROOT / "openapi" / "openapi.json"
MAX_EXAMPLES = 25
SCENARIO_STEPS = 10

# Opaque pagination tokens: only a value the server issued (`next_cursor`) is valid, so a generated string is
# rejected (400) however well it matches the schema.
SERVER_ISSUED = ("cursor", "since")
# Date ranges: the API rejects a start after the end (400), a rule between two parameters that a parameter's
# schema cannot express.
DATE_RANGES = (("from", "to"), ("stated_from", "stated_to"), ("published_from", "published_to"))
# Comma-separated slug lists: the API rejects a repeated item (400), a rule between items that a pattern cannot
# express (the number of items and non-empty items it can, so those are left to the document).
DISTINCT_ITEMS = ("actors", "policies")

config = schemathesis.Config.from_dict(
    {
        "cache": {"enabled": False},  # no .schemathesis/ directory in the work tree
        # PostgreSQL text cannot hold NUL, so the API answers a NUL in any parameter with a 400 problem naming it
        # (pinned by test_fuzz_regressions.py); generated strings leave NUL out instead of every pattern saying so.
        # Writes validate references (unknown actor, topic, source...) and answer 422 naming the field; a body that
        # matches the schema can still name things that do not exist, so 422 counts as a documented refusal. The
        # generator cannot know a stance's current ETag, so conditional updates get 412 (stale) or 428 (missing).
        "checks": {
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "3xx", "401", "403", "404", "409", "412", "422", "428", "429"],
            },
            # A missing `If-Match` is answered 428 Precondition Required (RFC 6585), the status made for it.
            "missing_required_header": {
                "expected-statuses": ["400", "401", "403", "406", "415", "422", "428"],
            },
        },
        "generation": {
            "max-examples": MAX_EXAMPLES,
            "deterministic": True,
            "database": "none",
            "allow-x00": False,
        },
    }
)
schema = schemathesis.openapi.from_path(OPENAPI, config=config)


@schemathesis.serializer("application/x-ndjson")
def ndjson(ctx: object, value: object) -> bytes:
    """A bundle body (`POST /v1/imports`) is text: generated strings go out as UTF-8 (invalid lines get 422)."""
    return value.encode() if isinstance(value, str) else str(value).encode()


def _distinct(value: str) -> str:
    """Make repeated items (compared as the API compares them, stripped) distinct, keeping their number."""
    seen: set[str] = set()
    items = []
    for position, original in enumerate(value.split(",")):
        item = original
        while item.strip() and item.strip() in seen:
            item = f"{item}~{position}"
        seen.add(item.strip())
        items.append(item)
    return ",".join(items)


def _date(value: object) -> datetime.date | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


@schema.hook
def map_case(context: HookContext, case: Case) -> Case:
    """Keep schema-valid cases valid where validity depends on more than one parameter's schema.

    Only positive cases (the ones Schemathesis expects to be accepted) are touched: server-issued tokens are left
    out, a reversed date range is put in order, and a repeated list item is made distinct. Negative cases go out
    as generated.
    """
    if case.meta is None or not case.meta.generation.mode.is_positive or not case.query:
        return case
    for name in SERVER_ISSUED:
        case.query.pop(name, None)
    for start_name, end_name in DATE_RANGES:
        start, end = _date(case.query.get(start_name)), _date(case.query.get(end_name))
        if start is not None and end is not None and start > end:
            case.query[start_name], case.query[end_name] = case.query[end_name], case.query[start_name]
    for name in DISTINCT_ITEMS:
        value = case.query.get(name)
        if isinstance(value, str):
            case.query[name] = _distinct(value)
    return case


@schema.parametrize()
def test_operation_conforms_to_the_document(case: Case, fuzz_target: FuzzTarget) -> None:
    """Every operation, writes included: requests carry an admin key (reads ignore it)."""
    case.call_and_validate(base_url=fuzz_target.base_url, headers=fuzz_target.headers)


def test_linked_operations_conform_to_the_document(fuzz_target: FuzzTarget) -> None:
    """The stateful phase: scenarios that feed values from one response into the next request, same checks."""

    # Reads only: writes change the server's data between Hypothesis's runs of one scenario, which it (rightly)
    # reports as inconsistent generation; every write operation is fuzzed on its own above.
    class LiveServerScenarios(schema.include(method="GET").as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case: Case) -> dict[str, Any]:
            return {"base_url": fuzz_target.base_url, "headers": fuzz_target.headers}

    LiveServerScenarios.run(
        settings=hypothesis.settings(
            max_examples=MAX_EXAMPLES,
            stateful_step_count=SCENARIO_STEPS,
            derandomize=True,
            database=None,
            deadline=None,
        )
    )
