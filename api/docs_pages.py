"""The API documentation pages under ``/schema``: scripts pinned to exact versions, with Subresource Integrity.

Litestar's render plugins load their scripts and styles from public CDNs, by default unpinned (Redoc's
``latest``) and without ``integrity``, so a compromised CDN could run its code on our pages. Here every
external file is an exact npm release served by jsDelivr (which serves the package's files unchanged), with
the SHA-384 of that file as published in the npm tarball (``npm pack <package>@<version>``, then
``openssl dgst -sha384 -binary <file> | openssl base64 -A``). No favicon or web font from other hosts.

Each page also gets its own ``Content-Security-Policy`` (``docs_content_security_policy``): scripts only from
those pinned URLs and the page's own inline scripts (by hash), connections only to this origin.
"""

import base64
import hashlib
import re
from typing import Any

from litestar import Request
from litestar.openapi.plugins import (
    JsonRenderPlugin,
    OpenAPIRenderPlugin,
    RapidocRenderPlugin,
    RedocRenderPlugin,
    StoplightRenderPlugin,
    SwaggerRenderPlugin,
    YamlRenderPlugin,
)

CDN = "https://cdn.jsdelivr.net/npm/"
SWAGGER_UI = "swagger-ui-dist@5.35.0"
REDOC = "redoc@2.5.4"
ELEMENTS = "@stoplight/elements@7.9.0"
RAPIDOC = "rapidoc@9.3.8"

INTEGRITY: dict[str, str] = {
    f"{CDN}{SWAGGER_UI}/swagger-ui-bundle.js": (
        "sha384-gjRm0bEPMeTmMh5jT2cHccIwCUZSTd8YC+j0d0sXw0MdGEfScduGpSyF3ZSSLkX9"
    ),
    f"{CDN}{SWAGGER_UI}/swagger-ui-standalone-preset.js": (
        "sha384-My2aDM4r2Mbm3ybHcubKm9O9U8FEjvF/O5nGvE9YK5dzqOTbWEKa79RPJ1krdMaF"
    ),
    f"{CDN}{SWAGGER_UI}/swagger-ui.css": "sha384-WlYgdmXYOOBWL5apwjDEZwN+U3HmXSSu5R6V5aGxEcf7z+KuRNwBhoxKVN1i3D5I",
    f"{CDN}{REDOC}/bundles/redoc.standalone.js": (
        "sha384-w447zOpYfw/1Tv/5AK9NfHTlQIqE3RVR6KY62jCyy9zNDgO64cMwGGP1Fj0zJVf5"
    ),
    f"{CDN}{ELEMENTS}/web-components.min.js": "sha384-lBoWYy+Eptz3g7n79Y4x0OKeG7AeE+wpQjji/y2F5LlyYXEKG672w06xkyGwRCin",
    f"{CDN}{ELEMENTS}/styles.min.css": "sha384-1lLf7J28IOR7k5RlItk6Y+G3hDgVB3y4RCgWNq6ZSwjYfvJXPtZAdW0uklsAZbGW",
    f"{CDN}{RAPIDOC}/dist/rapidoc-min.js": "sha384-szzoYhqSJqZH8X90KwbBjYL1CMLEa3U7xl/oAZg4ViKpYEY5GVhM+peBQB4u7ANM",
}

_EXTERNAL_TAG = re.compile(rb"<(script|link)\b[^>]*?\b(?:src|href)=[\"']([^\"']+)[\"'][^>]*>")
_INLINE_SCRIPT = re.compile(rb"<script\b(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.DOTALL)
_CROSSORIGIN = re.compile(rb"\s+crossorigin(?:=[\"'][^\"']*[\"'])?")


def with_integrity(html: bytes) -> bytes:
    """Add ``integrity`` and ``crossorigin="anonymous"`` to every pinned external script and stylesheet."""

    def pin(match: re.Match[bytes]) -> bytes:
        tag, url = match[0], match[2].decode()
        if url not in INTEGRITY:
            return tag
        tag = _CROSSORIGIN.sub(b"", tag)
        attributes = f' integrity="{INTEGRITY[url]}" crossorigin="anonymous"'.encode()
        return tag[:-1] + attributes + b">" if not tag.endswith(b"/>") else tag[:-2] + attributes + b"/>"

    return _EXTERNAL_TAG.sub(pin, html)


def docs_content_security_policy(html: bytes) -> str:
    """The CSP for one rendered page: its pinned CDN files, its own inline scripts by hash, this origin for data."""
    inline = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(script).digest()).decode() + "'"
        for script in _INLINE_SCRIPT.findall(html)
        if script.strip()
    )
    scripts = " ".join(url for url in INTEGRITY if url.endswith(".js"))
    styles = " ".join(url for url in INTEGRITY if url.endswith(".css"))
    return (
        f"default-src 'none'; script-src {scripts} {inline}".rstrip()
        + f"; style-src 'unsafe-inline' {styles}; img-src 'self' data:; font-src 'self' data:; "
        "connect-src 'self'; worker-src blob:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )


DOCS_CSP_STATE_KEY = "docs_content_security_policy"
"""Where a rendered page leaves its CSP in the request's scope state, for ``api.middleware`` to send."""


def _pinned(request: Request[Any, Any, Any], html: bytes) -> bytes:
    """Pin the page's external files and leave its CSP where the middleware finds it."""
    html = with_integrity(html)
    request.scope.setdefault("state", {})[DOCS_CSP_STATE_KEY] = docs_content_security_policy(html)
    return html


class PinnedRedoc(RedocRenderPlugin):
    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        return _pinned(request, super().render(request, openapi_schema))


class PinnedSwagger(SwaggerRenderPlugin):
    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        return _pinned(request, super().render(request, openapi_schema))


class PinnedElements(StoplightRenderPlugin):
    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        return _pinned(request, super().render(request, openapi_schema))


class PinnedRapidoc(RapidocRenderPlugin):
    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        return _pinned(request, super().render(request, openapi_schema))


def docs_render_plugins() -> list[OpenAPIRenderPlugin]:
    """The same pages Litestar serves by default (Redoc at ``/schema``), pinned; plus the JSON and YAML documents."""
    return [
        PinnedRedoc(js_url=f"{CDN}{REDOC}/bundles/redoc.standalone.js", google_fonts=False, favicon=""),
        PinnedSwagger(
            js_url=f"{CDN}{SWAGGER_UI}/swagger-ui-bundle.js",
            css_url=f"{CDN}{SWAGGER_UI}/swagger-ui.css",
            standalone_preset_js_url=f"{CDN}{SWAGGER_UI}/swagger-ui-standalone-preset.js",
            favicon="",
        ),
        PinnedElements(
            js_url=f"{CDN}{ELEMENTS}/web-components.min.js", css_url=f"{CDN}{ELEMENTS}/styles.min.css", favicon=""
        ),
        PinnedRapidoc(js_url=f"{CDN}{RAPIDOC}/dist/rapidoc-min.js", favicon=""),
        JsonRenderPlugin(),
        YamlRenderPlugin(),
    ]
