"""Parliamentary divisions and recorded votes: division sources and their facts, the division-policy link that
says what a vote means, votes validated against it, a division's votes and tally, and the same-day rule in every
comparison (a vote outweighs an unclear speech of the same day, whichever was recorded first)."""

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.problems import assert_problem

Client = AsyncTestClient[Litestar]
Headers = dict[str, str]

DIVISION = "commons-division-203-2025-05-14"
DAY = "2025-05-14"
POLICY = "uk-return-hubs"
SPEECH_SOURCE = "starmer-first-official-visit-to-albania-2025-05"  # month-precise: May 2025


def division_body(slug: str = DIVISION, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "slug": slug,
        "kind": "parliamentary_division",
        "title": "Division 203: Border Security, Asylum and Immigration Bill, amendment 12",
        "publisher": "House of Commons",
        "url": "https://votes.parliament.uk/Votes/Commons/Division/2030",
        "published_on": DAY,
        "division": {
            "number": 203,
            "chamber": "House of Commons",
            "question": "That the amendment be made (return hubs in third countries).",
            "declared_ayes": 3,
            "declared_noes": 1,
        },
    }
    body.update(overrides)
    return body


def vote_stance(
    slug: str, actor: str, vote: str, position: int | None, *, ambiguity: str | None = None, **evidence: Any
) -> dict[str, Any]:
    return {
        "slug": slug,
        "actor": actor,
        "policy": POLICY,
        "position": position,
        **({"ambiguity": ambiguity} if ambiguity else {}),
        "stated_on": DAY,
        "summary": f"{actor} voted {vote} on the return-hubs amendment.",
        "evidence": [{"kind": "recorded_vote", "source": DIVISION, "text": actor, "vote": vote, **evidence}],
    }


def speech_stance(slug: str, actor: str, position: int | None, *, ambiguity: str | None = "unclear") -> dict[str, Any]:
    return {
        "slug": slug,
        "actor": actor,
        "policy": POLICY,
        "position": position,
        **({"ambiguity": ambiguity} if position is None else {}),
        "stated_on": DAY,
        "summary": f"{actor} spoke in the debate on return hubs without taking a side.",
        "evidence": [{"kind": "paraphrase", "source": SPEECH_SOURCE, "text": "He spoke about return hubs."}],
    }


@pytest.fixture
async def division(writer: Client, editor: Headers) -> dict[str, Any]:
    """A division linked to return hubs: an aye means +2 (support), a no -2."""
    created = await writer.post("/v1/sources", json=division_body(), headers=editor)
    assert created.status_code == 201, created.text
    linked = await writer.put(
        f"/v1/sources/{DIVISION}/policies",
        json={"policies": [{"policy": POLICY, "aye_position": 2, "note": "The amendment enables return hubs."}]},
        headers=editor,
    )
    assert linked.status_code == 200, linked.text
    body: dict[str, Any] = linked.json()
    return body


def names(response: httpx.Response, status: int = 422) -> list[str]:
    return [error["name"] for error in assert_problem(response, status).get("errors", [])]


# --- division sources ---------------------------------------------------------------------------------------


async def test_a_division_is_a_source_with_its_facts_and_its_links(writer: Client, division: dict[str, Any]) -> None:
    assert division["kind"] == "parliamentary_division"
    assert division["published_on"] == DAY
    facts = division["division"]
    assert (facts["number"], facts["chamber"], facts["declared_ayes"], facts["declared_noes"]) == (
        203,
        "House of Commons",
        3,
        1,
    )
    assert facts["policies"] == [
        {
            "policy": {"slug": POLICY, "title": facts["policies"][0]["policy"]["title"]},
            "aye_position": 2,
            "no_position": -2,
            "note": "The amendment enables return hubs.",
        }
    ]
    assert facts["votes"] == []
    assert facts["tally"]["totals_match"] is False
    assert (facts["tally"]["ayes_difference"], facts["tally"]["noes_difference"]) == (-3, -1)

    listed = (await writer.get("/v1/sources", params={"kind": "parliamentary_division"})).json()["items"]
    assert [item["slug"] for item in listed] == [DIVISION]
    assert listed[0]["division"]["number"] == 203
    assert "votes" not in listed[0]["division"]  # the votes and tally are on the detail only
    others = (await writer.get("/v1/sources", params={"kind": "news_article"})).json()["items"]
    assert others
    assert all(item["division"] is None for item in others)


async def test_division_facts_are_only_for_divisions_and_divisions_need_them(
    writer: Client, editor: Headers, stored: Callable[[], Awaitable[dict[str, int]]]
) -> None:
    before = await stored()
    facts = division_body()["division"]
    article = await writer.post(
        "/v1/sources",
        json={"slug": "an-article", "kind": "news_article", "title": "An article", "division": facts},
        headers=editor,
    )
    assert names(article) == ["division"]
    bare = await writer.post("/v1/sources", json=division_body("bare-division", division=None), headers=editor)
    assert names(bare) == ["division"]
    undated = await writer.post(
        "/v1/sources", json=division_body("undated-division", published_on=None), headers=editor
    )
    assert names(undated) == ["published_on"]
    monthly = await writer.post(
        "/v1/sources", json=division_body("monthly-division", published_on_precision="month"), headers=editor
    )
    assert names(monthly) == ["published_on_precision"]
    assert await stored() == before

    news = await writer.patch(f"/v1/sources/{SPEECH_SOURCE}", json={"division": facts}, headers=editor)
    assert names(news) == ["division"]
    made_division = await writer.patch(
        f"/v1/sources/{SPEECH_SOURCE}", json={"kind": "parliamentary_division"}, headers=editor
    )
    assert set(names(made_division)) == {"division", "published_on_precision"}


async def test_a_division_is_corrected_and_cannot_stop_being_one_under_its_votes(
    writer: Client, editor: Headers, division: dict[str, Any]
) -> None:
    corrected = await writer.patch(
        f"/v1/sources/{DIVISION}",
        json={"division": {**division_body()["division"], "declared_ayes": 310}},
        headers=editor,
    )
    assert corrected.status_code == 200, corrected.text
    assert corrected.json()["division"]["declared_ayes"] == 310

    unlinked = await writer.patch(f"/v1/sources/{DIVISION}", json={"kind": "statement"}, headers=editor)
    assert names(unlinked) == ["kind"]
    assert "policy links" in assert_problem(unlinked, 422)["errors"][0]["message"]


# --- division-policy links -----------------------------------------------------------------------------------


async def test_links_name_known_policies_once_with_a_side(
    writer: Client, editor: Headers, division: dict[str, Any]
) -> None:
    bad = await writer.put(
        f"/v1/sources/{DIVISION}/policies",
        json={
            "policies": [
                {"policy": "no-such-policy", "aye_position": 1},
                {"policy": POLICY, "aye_position": 0},
                {"policy": POLICY, "aye_position": 1},
            ]
        },
        headers=editor,
    )
    assert names(bad) == ["policies[0].policy", "policies[1].aye_position", "policies"]
    out_of_range = await writer.put(
        f"/v1/sources/{DIVISION}/policies", json={"policies": [{"policy": POLICY, "aye_position": 3}]}, headers=editor
    )
    assert names(out_of_range) == ["policies[0].aye_position"]
    not_a_division = await writer.put(f"/v1/sources/{SPEECH_SOURCE}/policies", json={"policies": []}, headers=editor)
    assert names(not_a_division) == ["policies"]
    anonymous = await writer.put(f"/v1/sources/{DIVISION}/policies", json={"policies": []})
    assert_problem(anonymous, 401)


async def test_a_link_under_recorded_votes_cannot_be_removed_or_turned_against_them(
    writer: Client, editor: Headers, division: dict[str, Any]
) -> None:
    created = await writer.post(
        "/v1/stances", json=vote_stance("starmer-votes-aye", "keir-starmer", "aye", 2), headers=editor
    )
    assert created.status_code == 201, created.text

    removed = await writer.put(f"/v1/sources/{DIVISION}/policies", json={"policies": []}, headers=editor)
    assert names(removed) == ["policies"]
    assert "starmer-votes-aye" in assert_problem(removed, 422)["errors"][0]["message"]
    flipped = await writer.put(
        f"/v1/sources/{DIVISION}/policies", json={"policies": [{"policy": POLICY, "aye_position": -2}]}, headers=editor
    )
    assert names(flipped) == ["policies[0].aye_position"]

    softened = await writer.put(
        f"/v1/sources/{DIVISION}/policies", json={"policies": [{"policy": POLICY, "aye_position": 1}]}, headers=editor
    )
    assert softened.status_code == 200, softened.text
    assert softened.json()["division"]["policies"][0]["aye_position"] == 1
    history = await writer.get("/v1/changes")
    assert history.status_code == 200


# --- recorded votes as evidence ------------------------------------------------------------------------------


async def test_a_recorded_vote_is_evidence_with_its_option(
    writer: Client, editor: Headers, division: dict[str, Any]
) -> None:
    response = await writer.post(
        "/v1/stances", json=vote_stance("philp-votes-no", "chris-philp", "no", -2), headers=editor
    )
    assert response.status_code == 201, response.text
    evidence = response.json()["evidence"]
    assert [(e["kind"], e["vote"], e["source"]["slug"]) for e in evidence] == [("recorded_vote", "no", DIVISION)]

    detail = (await writer.get("/v1/evidence/philp-votes-no-e1")).json()
    assert (detail["kind"], detail["vote"]) == ("recorded_vote", "no")
    by_kind = (await writer.get("/v1/evidence", params={"kind": "recorded_vote"})).json()["items"]
    assert [item["slug"] for item in by_kind] == ["philp-votes-no-e1"]
    quotes = (await writer.get("/v1/evidence", params={"kind": "direct_quote", "limit": 1})).json()["items"]
    assert quotes[0]["vote"] is None


@pytest.mark.parametrize(
    ("stance", "field"),
    [
        (vote_stance("s-contradicts", "keir-starmer", "aye", -1), "evidence[0].vote"),
        (vote_stance("s-neutral", "keir-starmer", "no", 0), "evidence[0].vote"),
        (vote_stance("s-unclear", "keir-starmer", "aye", None, ambiguity="unclear"), "evidence[0].vote"),
        (
            vote_stance("s-no-option", "keir-starmer", "aye", 2)
            | {"evidence": [{"kind": "recorded_vote", "source": DIVISION, "text": "Starmer"}]},
            "evidence[0].vote",
        ),
        (
            vote_stance("s-not-a-division", "keir-starmer", "aye", 2)
            | {"evidence": [{"kind": "recorded_vote", "source": SPEECH_SOURCE, "text": "Starmer", "vote": "aye"}]},
            "evidence[0].source",
        ),
        (
            vote_stance("s-quote-with-vote", "keir-starmer", "aye", 2)
            | {"evidence": [{"kind": "direct_quote", "source": SPEECH_SOURCE, "text": "Yes", "vote": "aye"}]},
            "evidence[0].vote",
        ),
        (
            vote_stance("s-paraphrase-of-division", "keir-starmer", "aye", 2)
            | {"evidence": [{"kind": "paraphrase", "source": DIVISION, "text": "He backed it."}]},
            "evidence[0].kind",
        ),
        (vote_stance("s-unlinked", "keir-starmer", "aye", 2) | {"policy": "uk-rwanda-scheme"}, "evidence[0].source"),
    ],
    ids=[
        "opposite-side",
        "neutral",
        "unclear",
        "no-option",
        "not-a-division",
        "option-on-quote",
        "division-paraphrase",
        "unlinked",
    ],
)
async def test_a_vote_that_does_not_fit_is_a_422_naming_the_field(
    writer: Client, editor: Headers, division: dict[str, Any], stance: dict[str, Any], field: str
) -> None:
    response = await writer.post("/v1/stances", json=stance, headers=editor)
    assert names(response) == [field]


async def test_mixed_stances_and_votes_not_cast_fit_any_link(
    writer: Client, editor: Headers, division: dict[str, Any]
) -> None:
    mixed = vote_stance("rama-mixed", "edi-rama", "no", None, ambiguity="mixed")
    abstained = vote_stance("sunak-abstains", "rishi-sunak", "abstain", None, ambiguity="unclear")
    for body in (mixed, abstained):
        response = await writer.post("/v1/stances", json=body, headers=editor)
        assert response.status_code == 201, response.text


async def test_one_member_one_vote_per_division(writer: Client, editor: Headers, division: dict[str, Any]) -> None:
    first = await writer.post("/v1/stances", json=vote_stance("starmer-aye", "keir-starmer", "aye", 2), headers=editor)
    assert first.status_code == 201, first.text
    again = await writer.post("/v1/stances", json=vote_stance("starmer-no", "keir-starmer", "no", -2), headers=editor)
    assert names(again) == ["evidence[0].vote"]
    # the same vote backing a second stance is fine (the member is still counted once)
    same = vote_stance("starmer-aye-again", "keir-starmer", "aye", 1)
    assert (await writer.post("/v1/stances", json=same, headers=editor)).status_code == 201


async def test_corrections_that_contradict_a_vote_are_refused(
    writer: Client, editor: Headers, division: dict[str, Any]
) -> None:
    created = await writer.post(
        "/v1/stances", json=vote_stance("starmer-aye", "keir-starmer", "aye", 2), headers=editor
    )
    assert created.status_code == 201, created.text
    stance_etag = created.headers["etag"]

    flipped = await writer.patch(
        "/v1/stances/starmer-aye", json={"position": -1}, headers={**editor, "If-Match": stance_etag}
    )
    assert names(flipped) == ["position"]
    unclear = await writer.patch(
        "/v1/stances/starmer-aye",
        json={"position": None, "ambiguity": "unclear"},
        headers={**editor, "If-Match": stance_etag},
    )
    assert names(unclear) == ["position"]
    softened = await writer.patch(
        "/v1/stances/starmer-aye", json={"position": 1}, headers={**editor, "If-Match": stance_etag}
    )
    assert softened.status_code == 200, softened.text

    evidence_etag = (await writer.get("/v1/evidence/starmer-aye-e1")).headers["etag"]
    to_no = await writer.patch(
        "/v1/evidence/starmer-aye-e1", json={"vote": "no"}, headers={**editor, "If-Match": evidence_etag}
    )
    assert names(to_no) == ["vote"]
    to_quote = await writer.patch(
        "/v1/evidence/starmer-aye-e1", json={"kind": "direct_quote"}, headers={**editor, "If-Match": evidence_etag}
    )
    assert names(to_quote) == ["kind"]
    to_proxy = await writer.patch(
        "/v1/evidence/starmer-aye-e1", json={"vote": "proxy_aye"}, headers={**editor, "If-Match": evidence_etag}
    )
    assert to_proxy.status_code == 200, to_proxy.text
    assert to_proxy.json()["vote"] == "proxy_aye"


# --- a division's votes and tally ------------------------------------------------------------------------------


async def test_a_division_lists_its_votes_and_checks_them_against_the_declared_totals(
    writer: Client, editor: Headers, division: dict[str, Any]
) -> None:
    votes = [
        vote_stance("starmer-aye", "keir-starmer", "aye", 2),
        vote_stance("mahmood-aye", "shabana-mahmood", "proxy_aye", 1),
        vote_stance("philp-no", "chris-philp", "no", -2),
        vote_stance("farage-teller", "nigel-farage", "teller", None, ambiguity="unclear"),
        vote_stance("sunak-absent", "rishi-sunak", "absent", None, ambiguity="unclear"),
        # the same aye as evidence of a party's stance: Starmer's vote, spoken for Labour
        vote_stance("labour-aye", "labour-party", "aye", 2, speaker="keir-starmer"),
    ]
    for body in votes:
        response = await writer.post("/v1/stances", json=body, headers=editor)
        assert response.status_code == 201, response.text

    detail = (await writer.get(f"/v1/sources/{DIVISION}")).json()["division"]
    listed = {vote["actor"]["slug"]: vote for vote in detail["votes"]}
    assert {slug: vote["vote"] for slug, vote in listed.items()} == {
        "chris-philp": "no",
        "keir-starmer": "aye",
        "nigel-farage": "teller",
        "rishi-sunak": "absent",
        "shabana-mahmood": "proxy_aye",
    }
    assert [(s["slug"], s["implied_position"], s["position"]) for s in listed["keir-starmer"]["stances"]] == [
        ("labour-aye", 2, 2),
        ("starmer-aye", 2, 2),
    ]
    assert listed["chris-philp"]["stances"][0]["implied_position"] == -2
    assert listed["nigel-farage"]["stances"][0]["implied_position"] is None
    assert detail["tally"] == {
        "ayes": 2,
        "noes": 1,
        "proxy_ayes": 1,
        "proxy_noes": 0,
        "abstentions": 0,
        "absent": 1,
        "tellers": 1,
        "ayes_difference": -1,
        "noes_difference": 0,
        "totals_match": False,
    }

    one_more = vote_stance("meloni-aye", "giorgia-meloni", "aye", 1)
    assert (await writer.post("/v1/stances", json=one_more, headers=editor)).status_code == 201
    tally = (await writer.get(f"/v1/sources/{DIVISION}")).json()["division"]["tally"]
    assert (tally["ayes"], tally["noes"], tally["tellers"], tally["totals_match"]) == (3, 1, 1, True)


async def test_votes_on_retracted_stances_are_not_counted(
    writer: Client, editor: Headers, division: dict[str, Any]
) -> None:
    created = await writer.post("/v1/stances", json=vote_stance("philp-no", "chris-philp", "no", -2), headers=editor)
    assert created.status_code == 201, created.text
    retracted = await writer.post(
        "/v1/stances/philp-no/retraction",
        json={"reason": "Wrong member: it was another Philp."},
        headers={**editor, "If-Match": created.headers["etag"]},
    )
    assert retracted.status_code in (200, 201), retracted.text
    detail = (await writer.get(f"/v1/sources/{DIVISION}")).json()["division"]
    assert detail["votes"] == []
    assert detail["tally"]["noes"] == 0
    # the retracted vote no longer blocks the member's correct vote
    corrected = await writer.post("/v1/stances", json=vote_stance("philp-aye", "chris-philp", "aye", 1), headers=editor)
    assert corrected.status_code == 201, corrected.text


# --- the same-day rule ----------------------------------------------------------------------------------------


async def _effective_everywhere(writer: Client, actor: str) -> dict[str, Any]:
    """The effective stance of ``actor`` on return hubs as of the division's day, by every comparison."""
    compared = (
        await writer.get("/v1/compare/actors", params={"actors": f"{actor},edi-rama", "as_of": DAY, "policies": POLICY})
    ).json()
    (row,) = compared["rows"]
    by_actors = next(p["stance"] for p in row["positions"] if p["actor"] == actor)
    dates = (
        await writer.get(
            "/v1/compare/dates", params={"actor": actor, "from": "2024-07-05", "to": DAY, "policies": POLICY}
        )
    ).json()
    (change,) = dates["rows"]
    positions = (await writer.get(f"/v1/policies/{POLICY}/positions", params={"as_of": DAY})).json()
    in_positions = next(item["stance"] for item in positions["positions"] if item["actor"]["slug"] == actor)
    assert "recorded vote" in compared["method"]
    assert "recorded vote" in dates["method"]
    return {"actors": by_actors["slug"], "dates": change["to_stance"]["slug"], "positions": in_positions["slug"]}


@pytest.mark.parametrize("vote_first", [True, False], ids=["vote-recorded-first", "speech-recorded-first"])
async def test_a_vote_outweighs_an_unclear_speech_of_the_same_day_in_every_comparison(
    writer: Client, editor: Headers, division: dict[str, Any], vote_first: bool
) -> None:
    vote = vote_stance("philp-votes-aye", "chris-philp", "aye", 2)
    speech = speech_stance("philp-speaks-unclear", "chris-philp", None)
    for body in (vote, speech) if vote_first else (speech, vote):
        response = await writer.post("/v1/stances", json=body, headers=editor)
        assert response.status_code == 201, response.text

    assert await _effective_everywhere(writer, "chris-philp") == dict.fromkeys(
        ("actors", "dates", "positions"), "philp-votes-aye"
    )
    # both stances and their evidence stay visible
    listed = (await writer.get("/v1/stances", params={"actor": "chris-philp", "policy": POLICY})).json()["items"]
    assert {"philp-votes-aye", "philp-speaks-unclear"} <= {item["slug"] for item in listed}
    timeline = (await writer.get(f"/v1/policies/{POLICY}/timeline")).json()
    on_day = [entry for entry in timeline["entries"] if entry["actor"]["slug"] == "chris-philp"]
    assert {entry["stance"]["slug"] for entry in on_day} >= {"philp-votes-aye", "philp-speaks-unclear"}


@pytest.mark.parametrize("vote_first", [True, False], ids=["vote-recorded-first", "speech-recorded-first"])
async def test_a_vote_outweighs_a_speech_with_a_position_of_the_same_day(
    writer: Client, editor: Headers, division: dict[str, Any], vote_first: bool
) -> None:
    vote = vote_stance("philp-votes-no", "chris-philp", "no", -2)
    speech = speech_stance("philp-speaks-for", "chris-philp", 1)
    for body in (vote, speech) if vote_first else (speech, vote):
        assert (await writer.post("/v1/stances", json=body, headers=editor)).status_code == 201

    assert set((await _effective_everywhere(writer, "chris-philp")).values()) == {"philp-votes-no"}


async def test_an_abstention_does_not_outweigh_a_later_speech(
    writer: Client, editor: Headers, division: dict[str, Any]
) -> None:
    abstained = vote_stance("philp-abstains", "chris-philp", "abstain", None, ambiguity="unclear")
    speech = speech_stance("philp-speaks-for", "chris-philp", 1)
    for body in (abstained, speech):
        assert (await writer.post("/v1/stances", json=body, headers=editor)).status_code == 201

    assert set((await _effective_everywhere(writer, "chris-philp")).values()) == {"philp-speaks-for"}
