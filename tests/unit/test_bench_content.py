"""The benchmark's same-content check (bench/workload.py): the app, the lean reference and the FastAPI reference
answer compare/actors in three shapes, and the check reads the same stances and evidence out of each."""

from typing import Any

import pytest

from bench.reference_fastapi_data import named_parameters
from bench.workload import app_content, fastapi_content, first_difference, lean_content

SOURCE = {"slug": "bbc-1", "title": "On the record"}
QUOTE = {"slug": "ev-1", "text": "We will build it.", "source": SOURCE}
VOTE = {"slug": "ev-2", "text": "Division 12: aye", "source": SOURCE}

APP: dict[str, Any] = {
    "rows": [
        {
            "policy": {"slug": "border-levy", "title": "Border levy"},
            "positions": [
                {
                    "actor": "edi-rama",
                    "stance": {"slug": "s-1", "position": 2, "stated_on": "2025-05-01", "evidence": [VOTE, QUOTE]},
                },
                {"actor": "keir-starmer", "stance": None},
            ],
        },
        {
            "policy": {"slug": "return-hubs", "title": "Return hubs"},
            "positions": [
                {
                    "actor": "keir-starmer",
                    "stance": {"slug": "s-2", "position": None, "stated_on": "2024-01-31", "evidence": []},
                },
            ],
        },
    ]
}


def lean_row(
    stance: str, actor: str, policy: str, position: int | None, stated_on: str, evidence: dict[str, Any] | None
) -> dict[str, Any]:
    return {
        "slug": stance,
        "actor_slug": actor,
        "policy_slug": policy,
        "position": position,
        "stated_on": stated_on,
        "evidence_slug": evidence and evidence["slug"],
        "evidence_text": evidence and evidence["text"],
        "source_slug": evidence and evidence["source"]["slug"],
    }


LEAN = [
    lean_row("s-1", "edi-rama", "border-levy", 2, "2025-05-01", QUOTE),
    lean_row("s-1", "edi-rama", "border-levy", 2, "2025-05-01", VOTE),
    lean_row("s-2", "keir-starmer", "return-hubs", None, "2024-01-31", None),
]

FASTAPI: dict[str, Any] = {
    "stances": [
        {
            "slug": "s-2",
            "actor": {"slug": "keir-starmer"},
            "policy": {"slug": "return-hubs"},
            "position": None,
            "stated_on": "2024-01-31",
            "evidence": [],
        },
        {
            "slug": "s-1",
            "actor": {"slug": "edi-rama"},
            "policy": {"slug": "border-levy"},
            "position": 2,
            "stated_on": "2025-05-01",
            "evidence": [QUOTE, VOTE],
        },
    ]
}


def test_the_three_shapes_say_the_same() -> None:
    app = app_content(APP)
    assert set(app) == {"s-1", "s-2"}
    assert app["s-1"].evidence == (("ev-1", "We will build it.", "bbc-1"), ("ev-2", "Division 12: aye", "bbc-1"))
    assert lean_content(LEAN) == app
    assert fastapi_content(FASTAPI) == app
    assert first_difference(app, fastapi_content(FASTAPI)) is None


def test_a_missing_stance_is_a_difference() -> None:
    difference = first_difference(app_content(APP), lean_content(LEAN[:2]))
    assert difference == "stances missing ['s-2'], extra []"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("evidence_slug", "ev-9"),
        ("evidence_text", "We will not build it."),
        ("source_slug", "bbc-2"),
        ("position", 1),
        ("stated_on", "2025-05-02"),
        ("policy_slug", "return-hubs"),
    ],
)
def test_a_changed_stance_or_piece_of_evidence_is_a_difference(field: str, value: object) -> None:
    changed = (
        [dict(LEAN[0], **{field: value}), *LEAN[1:]]
        if field.startswith(("evidence", "source"))
        else [dict(row, **{field: value}) if row["slug"] == "s-1" else row for row in LEAN]
    )
    difference = first_difference(app_content(APP), lean_content(changed))
    assert difference is not None
    assert difference.startswith("stance s-1: ")


def test_the_fastapi_reference_sends_the_app_sql_with_named_parameters() -> None:
    sql = (
        "SELECT 1 FROM unnest($1::date[]) d JOIN stance s ON s.actor_id = ANY($2::bigint[]) AND s.stated_on::date <= d"
    )
    clause = named_parameters(sql)
    assert set(clause._bindparams) == {"dates", "actor_ids"}
    assert "CAST(:dates AS date[])" in clause.text
    assert "s.stated_on::date" in clause.text
    with pytest.raises(ValueError, match="other than"):
        named_parameters(sql + " AND s.id = $3")
