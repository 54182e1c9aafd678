"""The dashboard's stance page: a server-rendered HTML page per stance that shows the stance with its verbatim
evidence and sources, and embeds the same schema.org JSON-LD as the API's `application/ld+json` answer."""

import json
import re
from html import unescape
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

Client = AsyncTestClient[Litestar]
SLUG = "edi-rama-on-uk-return-hubs-2025-05-15"
SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def embedded_json_ld(page: str) -> Any:
    (text,) = SCRIPT.findall(page)
    return json.loads(text)


async def test_a_stance_page_embeds_the_same_json_ld_as_the_api(client: Client) -> None:
    response = await client.get(f"/dashboard/stances/{SLUG}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    api = (await client.get(f"/v1/stances/{SLUG}", headers={"Accept": "application/ld+json"})).json()
    assert embedded_json_ld(response.text) == api


async def test_a_stance_page_shows_the_stance_and_every_quote_verbatim_with_its_source(client: Client) -> None:
    stance = (await client.get(f"/v1/stances/{SLUG}")).json()
    page = unescape((await client.get(f"/dashboard/stances/{SLUG}")).text)
    assert f"<h1>{stance['actor']['name']} on {stance['policy']['title']}</h1>" in page
    assert stance["summary"] in page
    assert stance["evidence"]
    for item in stance["evidence"]:
        assert item["text"] in page
        assert item["source"]["title"] in page


async def test_a_stance_page_is_a_page_without_scripts_that_run(client: Client) -> None:
    response = await client.get(f"/dashboard/stances/{SLUG}")
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy
    assert "script-src" not in policy
    assert re.findall(r"<script(?![^>]*application/ld\+json)", response.text) == []


async def test_markup_in_stored_text_cannot_end_the_embedded_script() -> None:
    from api.stances.page import json_for_script

    text = json_for_script({"text": "</script><script>alert(1)</script> & more"})
    assert "</script" not in text
    assert "<" not in text
    assert json.loads(text) == {"text": "</script><script>alert(1)</script> & more"}


async def test_an_unknown_stance_is_a_404_page(client: Client) -> None:
    response = await client.get("/dashboard/stances/no-such-stance")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "No such stance" in response.text


async def test_a_stance_page_answers_304_to_its_own_etag(client: Client) -> None:
    first = await client.get(f"/dashboard/stances/{SLUG}")
    again = await client.get(f"/dashboard/stances/{SLUG}", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
