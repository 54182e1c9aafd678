"""The documentation pages load only pinned files, each with Subresource Integrity, under a strict CSP."""

import re

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

PAGES = ["/schema", "/schema/redoc", "/schema/swagger", "/schema/elements", "/schema/rapidoc"]
EXTERNAL = re.compile(r"<(script|link)\b[^>]*?\b(src|href)=[\"'](https?://[^\"']+)[\"'][^>]*>")
PINNED = re.compile(r"^https://cdn\.jsdelivr\.net/npm/(@[a-z-]+/)?[a-z-]+@\d+\.\d+\.\d+/")


@pytest.mark.parametrize("path", PAGES)
async def test_every_external_file_is_pinned_with_integrity(client: AsyncTestClient[Litestar], path: str) -> None:
    response = await client.get(path)
    assert response.status_code == 200
    tags = EXTERNAL.findall(response.text)
    assert tags, "the page loads its UI from a CDN"
    for tag_name, _, url in tags:
        tag = next(match[0] for match in EXTERNAL.finditer(response.text) if match[3] == url)
        assert PINNED.match(url), (tag_name, url)
        assert re.search(r'\bintegrity="sha384-[A-Za-z0-9+/]{64}"', tag), tag
        assert 'crossorigin="anonymous"' in tag, tag
    assert "fonts.googleapis.com" not in response.text
    assert "rel='icon'" not in response.text


@pytest.mark.parametrize("path", PAGES)
async def test_each_page_has_a_content_security_policy_allowing_only_what_it_needs(
    client: AsyncTestClient[Litestar], path: str
) -> None:
    response = await client.get(path)
    directives = response.headers["content-security-policy"].split("; ")
    policy = {name: value for name, _, value in (directive.partition(" ") for directive in directives)}
    assert policy["default-src"] == "'none'"
    assert policy["connect-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    sources = policy["script-src"].split()
    assert "'unsafe-inline'" not in sources
    assert "'unsafe-eval'" not in sources
    for url, _ in (match.group(3, 1) for match in EXTERNAL.finditer(response.text)):
        assert url in policy["script-src"] + policy["style-src"], url
    assert all(source.startswith(("https://cdn.jsdelivr.net/npm/", "'sha256-")) for source in sources), sources


async def test_the_openapi_document_is_still_served(client: AsyncTestClient[Litestar]) -> None:
    assert (await client.get("/schema/openapi.json")).json()["info"]["title"] == "positions"
    assert (await client.get("/schema/openapi.yaml")).status_code == 200
