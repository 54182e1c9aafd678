"""OpenTelemetry tracing, switched on by the standard `OTEL_*` environment variables and off by default.

Tracing is on when `OTEL_TRACES_EXPORTER` names an exporter (`otlp`, `console`, or both comma-separated), or,
with it unset, when `OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` is set (then `otlp`);
`OTEL_SDK_DISABLED=true` or `OTEL_TRACES_EXPORTER=none` keeps it off. The exporters read the rest of their
settings from the environment themselves (`OTEL_EXPORTER_OTLP_*`, OTLP over HTTP/protobuf), as does the resource
(`OTEL_SERVICE_NAME`, default `positions`; `OTEL_RESOURCE_ATTRIBUTES`).

With tracing on, Litestar's own OpenTelemetry plugin opens a server span per request, named by the route
template (`GET /v1/stances/{slug}`, never the raw path, so span names stay few), every asyncpg statement is a
child span (the SQLAlchemy sessions and the comparisons' direct connections alike), and each log line carries the
`trace_id` and `span_id` of the span it was written in (``api.logs``). With it off nothing of OpenTelemetry is
imported, and the packages (the `otel` extra) need not be installed.
"""

import logging
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from litestar.plugins import InitPluginProtocol
from litestar.types import Scope

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.sampling import Sampler

EXPORTERS = {"otlp", "console"}
_state: dict[str, Any] = {}
"""The tracer provider once this process set it up (``tracing_plugins``); without it the per-request hooks do
nothing."""


def wanted_exporters(env: Mapping[str, str] = os.environ) -> list[str]:
    """The span exporters the environment asks for (none: tracing is off); an unknown name is an error."""
    if env.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return []
    named = env.get("OTEL_TRACES_EXPORTER")
    if named is None:
        endpoint = env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") or env.get("OTEL_EXPORTER_OTLP_ENDPOINT")
        return ["otlp"] if endpoint else []
    names = [name.strip().lower() for name in named.split(",") if name.strip()]
    if names in ([], ["none"]):
        return []
    unknown = sorted(set(names) - EXPORTERS)
    if unknown:
        raise ValueError(f"OTEL_TRACES_EXPORTER: unsupported exporter(s) {', '.join(unknown)} (use otlp or console)")
    return names


def tracing_plugins(env: Mapping[str, str] = os.environ) -> list[InitPluginProtocol]:
    """Litestar's OpenTelemetry plugin over a tracer provider exporting as the environment says, with asyncpg
    instrumented; no plugin when tracing is off. The provider is set up once per process (every app shares it)."""
    try:
        exporters = wanted_exporters(env)
        if not exporters:
            return []
        from litestar.plugins.opentelemetry import OpenTelemetryConfig, OpenTelemetryPlugin

        provider = _state.get("provider") or _set_up(exporters, env)
    except (ValueError, ImportError) as error:  # a platform's variables must not stop the API: it runs untraced
        logging.getLogger("positions.tracing").warning("tracing is off: %s", error)
        return []
    config = OpenTelemetryConfig(
        tracer_provider=provider, exclude_spans=["receive", "send"], scope_span_details_extractor=first_span_name
    )
    return [OpenTelemetryPlugin(config)]


def _set_up(exporters: list[str], env: Mapping[str, str]) -> "TracerProvider":
    from opentelemetry import trace
    from opentelemetry.instrumentation.asyncpg import AsyncPGInstrumentor
    from opentelemetry.sdk.resources import SERVICE_NAME, Resource
    from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SimpleSpanProcessor

    service = {} if env.get("OTEL_SERVICE_NAME") else {SERVICE_NAME: "positions"}
    sampler = None if env.get("OTEL_TRACES_SAMPLER") else requests_only()  # None: the SDK's, from the variables
    provider = TracerProvider(resource=Resource.create(service), sampler=sampler)
    for name in exporters:
        processor: SpanProcessor
        if name == "console":  # one JSON document per span on stdout, as it ends
            processor = SimpleSpanProcessor(ConsoleSpanExporter())
        else:
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

            processor = BatchSpanProcessor(OTLPSpanExporter())
        provider.add_span_processor(processor)
    trace.set_tracer_provider(provider)
    AsyncPGInstrumentor().instrument(tracer_provider=provider)  # type: ignore[no-untyped-call]
    _state["provider"] = provider
    return provider


def requests_only() -> "Sampler":
    """Parent-based sampling whose traces begin only at requests (server spans): a statement outside any request,
    like each read replica's lag check every ``POSITIONS_REPLICA_CHECK_INTERVAL``, is not a trace of its own.
    Used unless ``OTEL_TRACES_SAMPLER`` names a sampler."""
    from opentelemetry.sdk.trace.sampling import ALWAYS_OFF, ALWAYS_ON, ParentBased, Sampler, SamplingResult
    from opentelemetry.trace import SpanKind

    class ServerRoots(Sampler):
        def should_sample(
            self,
            parent_context: Any,  # noqa: ANN401
            trace_id: int,
            name: str,
            kind: Any = None,  # noqa: ANN401
            attributes: Any = None,  # noqa: ANN401
            links: Any = None,  # noqa: ANN401
            trace_state: Any = None,  # noqa: ANN401
        ) -> SamplingResult:
            sampler = ALWAYS_ON if kind == SpanKind.SERVER else ALWAYS_OFF
            return sampler.should_sample(parent_context, trace_id, name, kind, attributes, links, trace_state)

        def get_description(self) -> str:
            return "ServerRoots"

    return ParentBased(root=ServerRoots())


def first_span_name(scope: Scope) -> tuple[str, dict[str, Any]]:
    """The server span's name when it opens, before routing: the method alone, and no ``http.route``.

    ``name_span_by_route`` renames it once a route matched; a request that matches none (a 404 from the router,
    a scanner's random paths) keeps the method. Litestar's default would name it, and set ``http.route`` to,
    ``GET /the/raw/path``: one name per path ever asked for."""
    return str(scope.get("method") or scope["type"]), {}


def name_span_by_route(scope: Scope) -> None:
    """Name the request's server span by its route template once routing has found it (the plugin's middleware
    opens the span before routing, when only the raw path is known)."""
    if "provider" not in _state:
        return
    from opentelemetry import trace

    span = trace.get_current_span()
    template = scope.get("path_template")
    if span.is_recording() and template:
        span.update_name(f"{scope.get('method', '')} {template}".strip())
        span.set_attribute("http.route", template)


def trace_ids() -> dict[str, Any]:
    """The current span's `trace_id` and `span_id` (hex) for a log line; nothing when no span is recording."""
    if "provider" not in _state:
        return {}
    from opentelemetry import trace

    context = trace.get_current_span().get_span_context()
    if not context.is_valid:
        return {}
    return {"trace_id": format(context.trace_id, "032x"), "span_id": format(context.span_id, "016x")}
