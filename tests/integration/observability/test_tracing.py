"""OpenTelemetry tracing from a real server, switched on by the standard OTEL_* variables: spans named by route
template reach an OTLP/HTTP collector (a small one run by the test), each database statement is a child span of
its request's, and the request's log line carries the same trace id. Without the variables, nothing is traced."""

import asyncio
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from api.tracing import requests_only, tracing_plugins, wanted_exporters
from tests.conftest import PROJECT_ROOT, running_server

COMPARE = "/v1/compare/actors?actors=edi-rama,keir-starmer&as_of=2025-05-15"


class Collector:
    """Spans posted to ``/v1/traces`` as OTLP protobuf, flattened to dicts."""

    def __init__(self) -> None:
        self.spans: list[dict[str, Any]] = []
        self.lock = threading.Lock()

    def receive(self, body: bytes) -> None:
        request = ExportTraceServiceRequest.FromString(body)
        with self.lock:
            for resource in request.resource_spans:
                service = {a.key: a.value.string_value for a in resource.resource.attributes}["service.name"]
                for scope in resource.scope_spans:
                    for span in scope.spans:
                        self.spans.append(
                            {
                                "service": service,
                                "name": span.name,
                                "trace_id": span.trace_id.hex(),
                                "span_id": span.span_id.hex(),
                                "parent_id": span.parent_span_id.hex(),
                                "attributes": {a.key: _value(a.value) for a in span.attributes},
                            }
                        )


def _value(value: Any) -> Any:
    return getattr(value, value.WhichOneof("value")) if value.WhichOneof("value") else None


@pytest.fixture
def collector() -> Iterator[tuple[Collector, str]]:
    found = Collector()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            found.receive(self.rfile.read(int(self.headers["Content-Length"])))
            self.send_response(200)
            self.send_header("Content-Type", "application/x-protobuf")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield found, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def log_lines(base: str) -> list[dict[str, Any]]:
    port = base.rsplit(":", 1)[1]
    text = Path(PROJECT_ROOT / "artifacts" / f"live-server-{port}.log").read_text(errors="replace")
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def all_exported(spans: list[dict[str, Any]]) -> bool:
    names = {span["name"] for span in spans}
    unrouted = any(span["attributes"].get("http.target") == "/no/such/route" for span in spans)
    stances = sum(span["name"] == "GET /v1/stances/{slug}" for span in spans)
    return unrouted and stances >= 2 and "GET /v1/compare/actors" in names


async def test_requests_are_traced_by_route_with_database_spans_and_logged_with_the_trace_id(
    databases: Any, collector: tuple[Collector, str]
) -> None:
    found, endpoint = collector
    env = {
        "OTEL_EXPORTER_OTLP_ENDPOINT": endpoint,
        "OTEL_SERVICE_NAME": "positions-test",
        "OTEL_BSP_SCHEDULE_DELAY": "50",
        "POSITIONS_LOG_LEVEL": "INFO",
    }
    async with running_server(await databases.clone("tracing"), env) as base:
        async with httpx.AsyncClient(base_url=base) as http:
            assert (await http.get("/v1/stances/edi-rama-on-uk-return-hubs-2025-05-15")).status_code == 200
            assert (await http.get("/v1/stances/no-such-stance")).status_code == 404
            assert (await http.get(COMPARE)).status_code == 200
            assert (await http.get("/no/such/route")).status_code == 404  # no route: named by its method alone
        for _ in range(100):  # the batch processor exports every 50 ms, not necessarily all in one batch
            if all_exported(found.spans):
                break
            await asyncio.sleep(0.05)
        lines = log_lines(base)

    servers = [span for span in found.spans if span["attributes"].get("http.route")]
    by_name = {span["name"]: span for span in servers}
    stance = by_name["GET /v1/stances/{slug}"]
    assert stance["service"] == "positions-test"
    assert {span["name"] for span in servers} == {"GET /ready", "GET /v1/stances/{slug}", "GET /v1/compare/actors"}
    statuses = sorted(span["attributes"].get("http.status_code") or span["attributes"]["http.response.status_code"]
                      for span in servers if span["name"] == "GET /v1/stances/{slug}")  # fmt: skip
    assert statuses == [200, 404]
    assert all("no-such-stance" not in span["name"] for span in found.spans)  # names never carry raw paths
    (unrouted,) = [span for span in found.spans if span["attributes"].get("http.target") == "/no/such/route"]
    assert unrouted["name"] == "GET"
    assert "http.route" not in unrouted["attributes"]

    compare = by_name["GET /v1/compare/actors"]
    statements = [s for s in found.spans if s["trace_id"] == compare["trace_id"] and s["attributes"].get("db.system")]
    assert statements, "the comparison's statement is a span of its trace"
    assert all(s["attributes"]["db.system"] == "postgresql" for s in statements)

    logged = next(
        line for line in lines if line.get("message") == "request" and line.get("path") == "/v1/compare/actors"
    )
    assert logged["trace_id"] == compare["trace_id"]
    assert logged["request_id"]


def test_tracing_is_off_unless_the_environment_asks() -> None:
    assert wanted_exporters({}) == []
    assert wanted_exporters({"OTEL_TRACES_EXPORTER": "none"}) == []
    assert wanted_exporters({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"}) == ["otlp"]
    assert wanted_exporters({"OTEL_TRACES_EXPORTER": "console,otlp"}) == ["console", "otlp"]
    assert wanted_exporters({"OTEL_SDK_DISABLED": "true", "OTEL_TRACES_EXPORTER": "otlp"}) == []
    with pytest.raises(ValueError, match="zipkin"):
        wanted_exporters({"OTEL_TRACES_EXPORTER": "zipkin"})
    assert tracing_plugins({"OTEL_TRACES_EXPORTER": "zipkin"}) == []  # the API starts, untraced, with a warning


async def test_without_otel_variables_a_log_line_has_no_trace_id(databases: Any) -> None:
    async with running_server(await databases.clone("untraced"), {"POSITIONS_LOG_LEVEL": "INFO"}) as base:
        async with httpx.AsyncClient(base_url=base) as http:
            assert (await http.get("/v1/actors/edi-rama")).status_code == 200
        lines = log_lines(base)
    request = next(line for line in lines if line.get("message") == "request")
    assert "trace_id" not in request


def test_traces_begin_only_at_requests_unless_a_sampler_is_named() -> None:
    """A statement outside any request (a read replica's lag check, every half second) is not a trace of its own;
    inside a request's trace it is kept."""
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
    from opentelemetry.trace import SpanKind

    exported = InMemorySpanExporter()
    provider = TracerProvider(sampler=requests_only())
    provider.add_span_processor(SimpleSpanProcessor(exported))
    tracer = provider.get_tracer("test")
    with tracer.start_as_current_span("SELECT", kind=SpanKind.CLIENT):  # a background check
        pass
    with (
        tracer.start_as_current_span("GET /v1/actors/{slug}", kind=SpanKind.SERVER),
        tracer.start_as_current_span("SELECT", kind=SpanKind.CLIENT),
    ):
        pass
    assert sorted(span.name for span in exported.get_finished_spans()) == ["GET /v1/actors/{slug}", "SELECT"]
    (statement,) = [span for span in exported.get_finished_spans() if span.name == "SELECT"]
    assert statement.parent is not None
