"""The newsroom dashboard's read views in a real browser (fixtures in conftest.py), over the live server."""

import asyncio
import csv
import io
import json
import re

import httpx
import pytest
from playwright.async_api import Page, Route, expect

from tests.e2e.browser import Screenshots

pytestmark = pytest.mark.slow

COMPARE_PERMALINK = "/dashboard/?view=compare-actors&actors=edi-rama,keir-starmer&as_of=2025-05-15"
RETURN_HUBS = "UK return hubs for failed asylum seekers"
OFFSHORING = "Sending asylum seekers or failed asylum seekers from the UK to third countries"
ITALY_ALBANIA = "Italy\u2013Albania migrant centres"
STRONGLY_OPPOSE = "Strongly oppose (\u22122)"  # the page writes a true minus sign
STRONGLY_SUPPORT = "Strongly support (+2)"
SUPPORT = "Support (+1)"
UNCLEAR = "Unclear"
HOSTING = "Albania hosting a UK return hub"


async def choose_actor(page: Page, picker: str, typed: str, name: str) -> None:
    """Search in an actor combobox and choose a match with the keyboard."""
    box = page.locator(f"#{picker} [role=combobox]")
    await box.fill(typed)
    option = page.locator(f"#{picker} [role=option]", has_text=name)
    await expect(option).to_be_visible()
    while await option.get_attribute("aria-selected") != "true":
        await box.press("ArrowDown")
    await box.press("Enter")
    await expect(page.locator(f"#{picker} .chip-name", has_text=name)).to_be_visible()
    await expect(box).to_have_value("")


def policy_row(page: Page, table_class: str, policy_title: str):
    return page.locator(f"table.{table_class} tbody tr").filter(
        has=page.get_by_role("rowheader", name=policy_title, exact=True)
    )


async def test_compare_actors_shows_positions_with_quotes(page: Page, shots: Screenshots) -> None:
    await page.goto("/dashboard/")
    await expect(page.get_by_role("heading", name="Compare actors", level=1)).to_be_visible()
    await expect(page.get_by_text("Choose two or more actors")).to_be_visible()

    await choose_actor(page, "picker-actors", "Rama", "Edi Rama")
    await choose_actor(page, "picker-actors", "starmr", "Keir Starmer")  # forgiving search
    await page.get_by_label("As of", exact=True).fill("2025-05-15")
    await page.get_by_role("button", name="Compare", exact=True).click()

    table = page.locator("table.compare-actors")
    await expect(table.locator("caption")).to_have_text("Positions as of 15 May 2025: Edi Rama and Keir Starmer")
    headers = await table.locator("thead th").all()
    assert [await th.get_attribute("scope") for th in headers] == ["col"] * 4
    assert [await th.inner_text() for th in headers] == ["Policy", "Edi Rama", "Keir Starmer", "Agreement"]

    # Rama opposes the part (a hub in Albania), Starmer backs the whole (return hubs): no one policy holds both.
    hosting = policy_row(page, "compare-actors", HOSTING)
    await expect(hosting.locator('td[data-actor="edi-rama"] .badge.position')).to_have_text(STRONGLY_OPPOSE)
    row = policy_row(page, "compare-actors", RETURN_HUBS)
    await expect(row).to_have_count(1)
    await expect(row.locator("td.agreement-cell")).to_have_text(re.compile("Partial"))
    rama = row.locator('td[data-actor="edi-rama"]')
    await expect(rama.locator(".badge.position")).to_have_text(UNCLEAR)
    quote = rama.locator("li.evidence").filter(has_text="marriage with Italy").first
    await expect(quote.locator("blockquote")).to_have_text("“I remain faithful to my marriage with Italy”")
    await expect(quote.locator(".cite")).to_contain_text("Edi Rama")  # speaker
    await expect(quote.locator(".cite")).to_contain_text("Starmer makes first official visit to Albania")  # source
    # The source's date is known to the month only (stored as 2025-05-01): never shown as "1 May 2025".
    await expect(quote.locator(".cite time")).to_have_text("May 2025")
    await expect(quote.locator(".cite time")).to_have_attribute("datetime", "2025-05-01")
    starmer = row.locator('td[data-actor="keir-starmer"]')
    await expect(starmer.locator(".badge.position")).to_have_text(STRONGLY_SUPPORT)
    hedge = starmer.locator("li.evidence").filter(has_text="silver bullet")
    await expect(hedge.locator(".cite time")).to_have_text("16 May 2025")  # a day-precise source keeps its day

    # A publisher shows beside its source when the source names one.
    meloni_quote = policy_row(page, "compare-actors", ITALY_ALBANIA).locator(
        'td[data-actor="keir-starmer"] li.evidence'
    )
    await expect(meloni_quote.locator(".cite")).to_contain_text("said by Giorgia Meloni")
    await expect(meloni_quote.locator(".publisher")).to_have_text("The Independent UK")

    summary = page.locator(".agreement-summary")
    await expect(summary.locator(".score")).to_have_text("1.00")
    await expect(summary).to_contain_text("over 1 policy where both have a position")

    assert "actors=edi-rama,keir-starmer" in page.url
    assert "as_of=2025-05-15" in page.url
    await row.scroll_into_view_if_needed()
    await shots.take()


async def test_compare_dates_shows_the_change_with_evidence_at_both_ends(page: Page, shots: Screenshots) -> None:
    await page.goto("/dashboard/")
    await page.get_by_role("link", name="Compare dates").click()
    await expect(page.get_by_role("heading", name="Compare dates", level=1)).to_be_visible()
    assert "view=compare-dates" in page.url

    await choose_actor(page, "picker-actor", "Starmer", "Keir Starmer")
    await page.get_by_label("From").fill("2024-07-05")
    await page.get_by_label("To", exact=True).fill("2025-05-16")
    await page.get_by_role("button", name="Compare dates").click()

    table = page.locator("table.compare-dates")
    await expect(table.locator("caption")).to_have_text(
        "How Keir Starmer's positions changed from 5 July 2024 to 16 May 2025"
    )
    row = policy_row(page, "compare-dates", OFFSHORING)
    # Unclear in 2024 (the articles record him against the Rwanda scheme only), hedged support in 2025.
    await expect(row.locator("td.change-cell")).to_have_text(re.compile("Strengthened"))
    start = row.locator('td[data-end="from"]')
    end = row.locator('td[data-end="to"]')
    await expect(start.locator(".badge.position")).to_have_text(UNCLEAR)
    await expect(end.locator(".badge.position")).to_have_text(SUPPORT)
    assert await start.locator("li.evidence").count() >= 1
    assert await end.locator("li.evidence").count() >= 1
    # A policy he had no stance on at the start is "new", with the empty-state text at that end.
    new_row = policy_row(page, "compare-dates", RETURN_HUBS)
    await expect(new_row.locator("td.change-cell")).to_have_text(re.compile("New"))
    await expect(new_row.locator('td[data-end="from"]')).to_have_text("No stance recorded as of this date")

    counts = page.locator(".change-summary .count-list")
    await expect(counts).to_contain_text("Strengthened 1")
    await expect(counts).to_contain_text("New 6")
    assert "actor=keir-starmer" in page.url
    assert "from=2024-07-05" in page.url
    assert "to=2025-05-16" in page.url
    await row.scroll_into_view_if_needed()
    await shots.take()


async def test_permalink_and_embed_reproduce_the_view(page: Page, shots: Screenshots) -> None:
    await page.goto("/dashboard/")
    await choose_actor(page, "picker-actors", "Rama", "Edi Rama")
    await choose_actor(page, "picker-actors", "Starmer", "Keir Starmer")
    await page.get_by_label("As of", exact=True).fill("2025-05-15")
    await page.locator("#ca-topic").select_option("offshore-processing")
    await page.get_by_role("button", name="Compare", exact=True).click()
    table = page.locator("table.compare-actors")
    await expect(table.locator("caption")).to_contain_text("(topic: Offshore processing and third-country schemes)")
    original = await table.inner_text()

    link = await page.get_by_label("Permalink").input_value()
    assert "as_of=2025-05-15" in link
    assert "topic=offshore-processing" in link

    other = await page.context.new_page()
    await other.goto(link)
    again = other.locator("table.compare-actors")
    await expect(again.locator("caption")).to_contain_text("(topic: Offshore processing")
    assert await again.inner_text() == original
    await expect(other.get_by_label("As of", exact=True)).to_have_value("2025-05-15")
    await expect(other.locator("#ca-topic")).to_have_value("offshore-processing")
    await expect(other.locator("#picker-actors .chip-name")).to_have_text(["Edi Rama", "Keir Starmer"])

    # The embed snippet is an iframe of a minimal view that renders the same table.
    await other.get_by_text("Embed this view").click()
    snippet = await other.get_by_label("Embed code").input_value()
    assert snippet.startswith('<iframe src="')
    assert "/dashboard/embed.html?view=compare-actors" in snippet
    await other.close()
    await page.set_content(f"<!doctype html><title>host page</title><h1>A news story</h1>{snippet}")
    frame = page.frame_locator("iframe")
    await expect(frame.locator("table.compare-actors caption")).to_contain_text("Positions as of 15 May 2025")
    assert await frame.locator("table.compare-actors").inner_text() == original
    await expect(frame.locator(".agreement-summary")).to_have_count(0)  # just the table
    await shots.take()

    # Back and forward move between views the URL describes.
    await page.goto(link)
    await expect(table.locator("caption")).to_contain_text("topic")
    await policy_row(page, "compare-actors", RETURN_HUBS).get_by_role("link", name=RETURN_HUBS).click()
    await expect(page.locator("table.timeline-table")).to_be_visible()
    await page.go_back()
    await expect(table.locator("caption")).to_contain_text("Positions as of 15 May 2025")

    # Served without the trailing slash too: the page moves to /dashboard/ and keeps the query.
    await page.goto(COMPARE_PERMALINK.replace("/dashboard/", "/dashboard"))
    await expect(table.locator("caption")).to_have_text("Positions as of 15 May 2025: Edi Rama and Keir Starmer")
    assert "/dashboard/?view=compare-actors" in page.url


async def test_csv_links_download_the_same_data(page: Page, shots: Screenshots, live_server: str) -> None:
    await page.goto(COMPARE_PERMALINK)
    table = page.locator("table.compare-actors")
    await expect(table).to_be_visible()
    policies = await table.locator("tbody th[scope=row]").all_inner_texts()
    href = await page.locator(".compare-actors-result > .table-actions a.csv-link").get_attribute("href")
    assert href is not None
    assert "/v1/compare/actors?" in href
    assert "format=csv" in href

    response = await page.request.get(href)
    assert response.ok
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(await response.text())))
    assert len(rows) == 2 * len(policies)  # one row per policy and actor
    assert {row["as_of"] for row in rows} == {"2025-05-15"}
    assert sorted({row["policy_title"] for row in rows}) == sorted(policies)
    rama = next(r for r in rows if r["policy_slug"] == "uk-return-hubs" and r["actor_slug"] == "edi-rama")
    assert rama["label"] == "unclear"
    assert rama["other_actor_slug"] == "keir-starmer"
    assert rama["agreement_with_other"] == "partial"

    # The compare-dates table links the same way; fetched here with a plain HTTP client.
    await page.goto("/dashboard/?view=compare-dates&actor=keir-starmer&from=2024-07-05&to=2025-05-16")
    await expect(page.locator("table.compare-dates")).to_be_visible()
    shown = await page.locator("table.compare-dates tbody tr").count()
    href = await page.locator("a.csv-link").get_attribute("href")
    assert href is not None
    async with httpx.AsyncClient() as http:
        answer = await http.get(href)
    assert answer.status_code == 200
    changes = list(csv.DictReader(io.StringIO(answer.text)))
    assert len(changes) == shown
    offshoring = next(r for r in changes if r["policy_slug"] == "uk-offshoring-asylum-seekers")
    assert (offshoring["change"], offshoring["from_label"], offshoring["to_label"]) == (
        "strengthened",
        "unclear",
        "support",
    )
    await page.locator("a.csv-link").scroll_into_view_if_needed()
    await shots.take()


async def test_policy_timeline_chart_and_table(page: Page, shots: Screenshots) -> None:
    await page.goto("/dashboard/?view=timeline")
    await page.get_by_label("Policy", exact=True).select_option("uk-offshoring-asylum-seekers")
    await page.get_by_label("Mark a date").fill("2025-01-01")
    await page.get_by_role("button", name="Show timeline").click()

    chart = page.get_by_role("img", name=re.compile("Stances on .* over time"))
    await expect(chart).to_be_visible()
    series = chart.locator("g.series")
    await expect(series).to_have_count(1)
    await expect(series.locator(".point")).to_have_count(2)  # Starmer: unclear in July 2024, +1 in May 2025
    await expect(chart.locator(".series-name")).to_have_text(["Keir Starmer"])
    await expect(chart.locator(".as-of-marker")).to_contain_text("As of 1 January 2025")

    fallback = page.locator("table.timeline-table")
    await expect(fallback.locator("tbody tr")).to_have_count(2)
    await expect(fallback.locator("tbody tr").first).to_contain_text(UNCLEAR)
    await expect(fallback.locator("tbody tr").first).to_contain_text("July 2024")  # month-precise
    await expect(fallback.locator("tbody tr").last).to_contain_text(SUPPORT)
    as_of = page.locator("table.policy-positions")
    await expect(as_of.locator("caption")).to_contain_text("as of 1 January 2025")
    await expect(as_of.locator("tbody tr")).to_have_count(1)
    await expect(as_of).to_contain_text(UNCLEAR)

    href = await page.locator(".timeline-data a.csv-link").get_attribute("href")
    assert href is not None
    response = await page.request.get(href)
    rows = list(csv.DictReader(io.StringIO(await response.text())))
    assert [(r["actor_slug"], r["position"]) for r in rows] == [("keir-starmer", ""), ("keir-starmer", "1")]

    await page.goto("/dashboard/?view=timeline&policy=uk-return-hubs")
    await expect(page.locator("g.series")).to_have_count(8)
    await expect(page.locator("table.timeline-table tbody tr")).to_have_count(8)
    await shots.take()


async def test_a_policy_chosen_while_the_topics_still_load_stays_chosen(page: Page) -> None:
    topics_answered = asyncio.Event()

    async def slow_topics(route: Route) -> None:
        await asyncio.sleep(1.5)  # the topics arrive after the reader has chosen a policy
        await route.continue_()
        topics_answered.set()

    await page.route("**/v1/topics*", slow_topics)
    await page.goto("/dashboard/?view=timeline")
    policy = page.get_by_label("Policy", exact=True)
    await expect(policy.locator("option", has_text=HOSTING)).to_be_attached()
    await policy.select_option("uk-albania-return-hub-hosting")
    await topics_answered.wait()
    await page.wait_for_timeout(200)  # the page has taken the topics in
    await expect(policy).to_have_value("uk-albania-return-hub-hosting")
    await page.get_by_role("button", name="Show timeline").click()
    await expect(page.locator("table.timeline-table")).to_be_visible()


async def test_unknown_actor_in_url_shows_problem_detail(page: Page, shots: Screenshots) -> None:
    await page.goto("/dashboard/?view=compare-actors&actors=edi-rama,no-such-actor&as_of=2025-05-15")
    alert = page.locator("#output [role=alert]")
    await expect(alert).to_contain_text("Unknown slug")
    await expect(alert).to_contain_text("No actor with slug 'no-such-actor'.")
    await expect(page.locator("table")).to_have_count(0)
    await expect(page.locator("#picker-actors .chip.unknown")).to_have_text(re.compile("no-such-actor"))
    # The same for an embed of it: text, never a blank frame.
    await page.goto("/dashboard/embed.html?view=compare-actors&actors=edi-rama,no-such-actor&as_of=2025-05-15")
    await expect(page.get_by_role("alert")).to_contain_text("No actor with slug 'no-such-actor'.")
    await page.goto("/dashboard/?view=compare-actors&actors=edi-rama,no-such-actor&as_of=2025-05-15")
    await expect(alert).to_be_visible()
    await shots.take()


async def test_date_before_any_stance_shows_empty_state(page: Page, shots: Screenshots) -> None:
    await page.goto("/dashboard/?view=compare-dates&actor=keir-starmer&from=1999-01-01&to=2000-01-01")
    await expect(page.locator(".empty-state")).to_contain_text(
        "No stance recorded as of this date: Keir Starmer has no stance on or before 1 January 2000."
    )
    await page.goto("/dashboard/?view=compare-actors&actors=edi-rama,keir-starmer&as_of=2000-01-01")
    empty = page.locator(".empty-state")
    await expect(empty).to_contain_text(
        "No stance recorded as of this date (1 January 2000) for Edi Rama or Keir Starmer."
    )
    await expect(page.locator("table")).to_have_count(0)
    await shots.take()


async def test_loading_state_and_unreachable_api_are_shown_as_text(page: Page, shots: Screenshots) -> None:
    release = asyncio.Event()

    async def held(route: Route) -> None:
        await release.wait()
        await route.continue_()

    await page.route("**/v1/compare/actors?*", held)
    await page.goto(COMPARE_PERMALINK)
    loading = page.locator("#output .loading")
    await expect(loading).to_have_text("Loading positions as of 15 May 2025…")
    await expect(page.locator("#results")).to_have_attribute("aria-busy", "true")
    release.set()
    await expect(page.locator("table.compare-actors")).to_be_visible()
    await expect(loading).to_have_count(0)
    await expect(page.locator("#results")).to_have_attribute("aria-busy", "false")
    await page.unroute("**/v1/compare/actors?*")

    await page.route("**/v1/compare/dates?*", lambda route: route.abort("connectionrefused"))
    await page.goto("/dashboard/?view=compare-dates&actor=keir-starmer&from=2024-07-05&to=2025-05-16")
    alert = page.locator("#output [role=alert]")
    await expect(alert).to_contain_text("Could not reach the API")
    await shots.take()


async def test_cells_and_agreements_carry_the_evidence_strength_of_the_api(
    page: Page, shots: Screenshots, live_server: str
) -> None:
    async with httpx.AsyncClient(base_url=live_server) as api:
        body = (await api.get("/v1/compare/actors?actors=edi-rama,keir-starmer&as_of=2025-05-15")).json()
    [hubs] = [row for row in body["rows"] if row["policy"]["slug"] == "uk-return-hubs"]
    rama_strength = next(p["stance"]["strength"] for p in hubs["positions"] if p["actor"] == "edi-rama")

    await page.goto(COMPARE_PERMALINK)
    row = policy_row(page, "compare-actors", RETURN_HUBS)
    rama = row.locator('td[data-actor="edi-rama"] .strength')
    await expect(rama).to_have_attribute("data-strength", rama_strength["label"])
    quotes = rama_strength["evidence"]["direct_quote"]
    await expect(rama).to_have_attribute(
        "title", re.compile(rf"^{rama_strength['label'].title()} evidence: 1 stance, {quotes} direct quotes?\b")
    )
    await expect(rama.locator(".visually-hidden")).to_have_text(
        await rama.get_attribute("title") or ""
    )  # read aloud too
    agreement = row.locator("td.agreement-cell .strength")
    await expect(agreement).to_have_attribute("data-strength", hubs["pairs"][0]["strength"]["label"])
    await expect(agreement).to_have_attribute("title", re.compile(r"evidence: 2 stances, "))
    await expect(page.locator(".pair-summary .strength")).to_have_attribute(
        "data-strength", body["summary"][0]["strength"]["label"]
    )
    await rama.hover()
    await shots.take()


async def test_timeline_with_its_family_shows_the_hosting_question_under_return_hubs(
    page: Page, shots: Screenshots
) -> None:
    await page.goto("/dashboard/?view=timeline")
    await page.get_by_label("Policy", exact=True).select_option("uk-return-hubs")
    await page.get_by_label("Include its family").check()
    await page.get_by_label("Mark a date").fill("2025-05-16")
    await page.get_by_role("button", name="Show timeline").click()

    await expect(page.locator(".family-note")).to_contain_text(HOSTING)
    assert "family=1" in page.url  # the permalink keeps it
    hosting = 'td.policy-cell[data-policy="uk-albania-return-hub-hosting"]'
    timeline_rows = page.locator('table.timeline-table tbody tr[data-actor="edi-rama"]').filter(
        has=page.locator(hosting)
    )
    await expect(timeline_rows.first).to_be_visible()
    await expect(page.locator(f'table.policy-positions tbody tr[data-actor="edi-rama"] {hosting}')).to_have_text(
        HOSTING
    )
    # one line per actor and policy in the chart
    await expect(page.locator('g.series[data-actor="edi-rama/uk-albania-return-hub-hosting"]')).to_have_count(1)
    await shots.take()

    await page.reload()  # from the permalink alone
    await expect(page.get_by_label("Include its family")).to_be_checked()
    await expect(page.locator(".family-note")).to_contain_text(HOSTING)


async def test_alignment_ranks_actors_against_one_as_the_api_does(
    page: Page, shots: Screenshots, live_server: str
) -> None:
    async with httpx.AsyncClient(base_url=live_server) as api:
        expected = (await api.get("/v1/actors/keir-starmer/alignment?as_of=2025-11-20&min_shared=1&limit=10")).json()
    await page.goto("/dashboard/")
    await page.get_by_role("link", name="Alignment", exact=True).click()
    await choose_actor(page, "picker-alignment", "Starmer", "Keir Starmer")
    await page.get_by_label("Ranked as of").fill("2025-11-20")
    await page.get_by_label("Shared policies").fill("1")
    await page.get_by_role("button", name="Rank actors").click()

    most = page.locator("table.alignment-table").first
    await expect(most.locator("caption")).to_have_text("Most aligned with Keir Starmer as of 20 November 2025")
    names = [item["actor"]["name"] for item in expected["most_aligned"]]
    await expect(most.locator("tbody th")).to_have_text(names)
    shown = [float(text) for text in await most.locator("tbody td.score-cell").all_inner_texts()]
    assert shown == pytest.approx([item["score"] for item in expected["most_aligned"]], abs=0.0051)  # 2 decimals
    markers = most.locator("tbody td.strength-cell .strength")
    assert await markers.evaluate_all("els => els.map(e => e.dataset.strength)") == [
        item["strength"]["label"] for item in expected["most_aligned"]
    ]
    assert "view=alignment" in page.url
    assert "min_shared=1" in page.url
    await shots.take()

    # each name opens the side-by-side comparison of the two
    first = expected["most_aligned"][0]["actor"]
    await most.locator("tbody th a").first.click()
    await expect(page.locator("table.compare-actors thead th").nth(2)).to_have_text(first["name"])


async def test_parties_roll_up_their_members_as_the_api_does(page: Page, shots: Screenshots, live_server: str) -> None:
    async with httpx.AsyncClient(base_url=live_server) as api:
        expected = (
            await api.get("/v1/compare/parties?parties=labour-party,conservative-party&as_of=2025-05-16")
        ).json()
    await page.goto("/dashboard/")
    await page.get_by_role("link", name="Parties", exact=True).click()
    await page.get_by_role("checkbox", name="Labour Party").check()
    await page.get_by_role("checkbox", name="Conservative Party").check()
    await page.get_by_label("Parties as of").fill("2025-05-16")
    await page.get_by_role("button", name="Compare parties").click()

    table = page.locator("table.party-table")
    await expect(table.locator("caption")).to_have_text(
        "Party positions as of 16 May 2025, from their members' stances"
    )
    assert [await th.inner_text() for th in await table.locator("thead th").all()] == [
        "Policy",
        "Conservative Party",  # in the order of the list of parties
        "Labour Party",
    ]
    rwanda = next(row for row in expected["rows"] if row["policy"]["slug"] == "uk-rwanda-scheme")
    tories = next(item for item in rwanda["parties"] if item["party"] == "conservative-party")
    cell = table.locator('tr[data-policy="uk-rwanda-scheme"] td[data-party="conservative-party"]')
    await expect(cell.locator(".party-mean")).to_contain_text(f"Mean +{tories['mean']:g}")
    await expect(cell.locator(".party-counts")).to_contain_text(
        f"{tories['members_with_stance']} of {tories['members']} member"
    )
    await expect(cell.locator(".party-own .badge.position")).to_be_visible()  # the party's own stance, apart
    await expect(cell.locator(".party-mean .strength")).to_have_attribute("data-strength", tories["strength"]["label"])
    pair = page.locator('.party-scores li[data-pair="conservative-party,labour-party"]')
    await expect(pair).to_be_visible()
    matrix = expected["matrix"]
    label = matrix["strengths"][matrix["actors"].index("conservative-party")][matrix["actors"].index("labour-party")]
    await expect(pair.locator(".pair-strength")).to_have_text(f" ({label} evidence)")
    assert "view=parties" in page.url
    await shots.take()

    await page.reload()  # the permalink alone brings the same view back
    await expect(page.get_by_role("checkbox", name="Conservative Party")).to_be_checked()
    await expect(table.locator("caption")).to_be_visible()


async def test_offices_as_their_holders_show_the_prime_minister_of_the_day(page: Page, shots: Screenshots) -> None:
    await page.goto("/dashboard/?view=compare-actors&actors=downing-street,edi-rama&as_of=2025-05-15")
    await expect(page.locator("table.compare-actors thead th").nth(1)).to_have_text("Downing Street")
    await page.get_by_label("Offices as their holders").check()
    await page.get_by_role("button", name="Compare", exact=True).click()

    table = page.locator("table.compare-actors")
    await expect(table.locator("thead th").nth(1)).to_have_text("Keir Starmer")
    await expect(page.locator('.attributed-note[data-office="downing-street"]')).to_contain_text(
        "Downing Street is shown as Keir Starmer, who held the office it speaks for"
        " (Prime Minister of the United Kingdom)"
    )
    await expect(table.locator(".attributed-via").first).to_have_text(
        "Said by Downing Street, for the Prime Minister of the United Kingdom"
    )
    assert "attribution=holder" in page.url
    await shots.take()


async def test_a_cell_links_to_the_stance_page_which_embeds_its_json_ld(page: Page, shots: Screenshots) -> None:
    await page.goto(COMPARE_PERMALINK)
    rama = policy_row(page, "compare-actors", RETURN_HUBS).locator('td[data-actor="edi-rama"]')
    await rama.get_by_role("link", name="Stance page").click()

    await expect(page.get_by_role("heading", level=1)).to_have_text(f"Edi Rama on {RETURN_HUBS}")
    assert page.url.endswith("/dashboard/stances/edi-rama-on-uk-return-hubs-2025-05-15")
    await expect(page.locator(".badge.position")).to_have_text(UNCLEAR)
    quote = page.locator("li.evidence").filter(has_text="marriage with Italy").first
    await expect(quote.locator("blockquote")).to_have_text("“I remain faithful to my marriage with Italy”")
    await expect(quote.locator(".cite")).to_contain_text("Starmer makes first official visit to Albania")

    graph = json.loads(await page.locator('script[type="application/ld+json"]').text_content() or "{}")["@graph"]
    claim = next(node for node in graph if node["@type"] == "Claim")
    assert claim["@id"].endswith("/v1/stances/edi-rama-on-uk-return-hubs-2025-05-15")
    quotations = [node for node in graph if node["@type"] == "Quotation"]
    assert "I remain faithful to my marriage with Italy" in [node["text"] for node in quotations]
    assert all(node["spokenByCharacter"]["@id"].endswith("/v1/actors/edi-rama") for node in quotations)
    await shots.take()

    await page.get_by_role("link", name=f"Timeline of {RETURN_HUBS}").click()
    await expect(page.get_by_role("heading", name="Policy timeline", level=1)).to_be_visible()
