"""Load generators: ``wrk`` with bench/wrk_random.lua, or a small asyncio HTTP/1.1 client when wrk is missing.

Both keep ``connections`` keep-alive connections busy for ``duration`` seconds, each request a random line of
a request file ("path" or "path<TAB>etag"), and report throughput and latency percentiles.
"""

import asyncio
import json
import os
import random
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

LUA_SCRIPT = Path(__file__).resolve().parent / "wrk_random.lua"


@dataclass(slots=True)
class LoadResult:
    requests: int
    duration_s: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    mean_ms: float
    bytes_total: int
    errors: dict[str, int] = field(default_factory=dict)
    statuses: dict[str, int] = field(default_factory=dict)
    tool: str = "wrk"

    @property
    def rps(self) -> float:
        return self.requests / self.duration_s if self.duration_s else 0.0

    @property
    def bytes_per_request(self) -> float:
        return self.bytes_total / self.requests if self.requests else 0.0

    @property
    def failed(self) -> int:
        return sum(self.errors.values())


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def run_wrk(base_url: str, requests_file: Path, *, duration: float, connections: int, threads: int) -> LoadResult:
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(duration))}s",
        "--timeout",
        "10s",
        "-s",
        str(LUA_SCRIPT),
        base_url,
    ]
    completed = subprocess.run(
        command,
        env={**os.environ, "BENCH_REQUESTS": str(requests_file)},
        capture_output=True,
        text=True,
        check=True,
        timeout=duration + 60,
    )
    for line in completed.stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            data = json.loads(line.removeprefix("BENCH_JSON "))
            return LoadResult(
                requests=data["requests"],
                duration_s=data["duration_us"] / 1e6,
                p50_ms=data["p50_us"] / 1000,
                p90_ms=data["p90_us"] / 1000,
                p99_ms=data["p99_us"] / 1000,
                max_ms=data["max_us"] / 1000,
                mean_ms=data["mean_us"] / 1000,
                bytes_total=data["bytes"],
                errors={k: v for k, v in data["errors"].items() if v},
                statuses=data["statuses"],
            )
    raise RuntimeError(f"wrk printed no BENCH_JSON line:\n{completed.stdout}\n{completed.stderr}")


def _percentile(ordered: list[float], fraction: float) -> float:
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, int]:
    """Read one HTTP/1.1 response; return its status and the bytes it took on the wire."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    pairs = (line.partition(":") for line in lines[1:] if line)
    headers = {key.strip().lower(): value.strip() for key, _, value in pairs}
    size = len(head)
    if "content-length" in headers:
        length = int(headers["content-length"])
        await reader.readexactly(length)
        size += length
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        while True:
            line = await reader.readuntil(b"\r\n")
            length = int(line.split(b";")[0], 16)
            await reader.readexactly(length + 2)
            size += len(line) + length + 2
            if length == 0:
                break
    return status, size


async def _run_async(base_url: str, lines: list[tuple[str, str, str]], duration: float, connections: int) -> LoadResult:
    parts = urlsplit(base_url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    errors = {"read": 0}
    total_bytes = 0
    deadline = time.perf_counter() + duration

    async def worker(seed: int) -> None:
        nonlocal total_bytes
        rng = random.Random(seed)
        reader, writer = await asyncio.open_connection(host, port)
        try:
            while time.perf_counter() < deadline:
                path, etag, encoding = lines[rng.randrange(len(lines))]
                extra = f"If-None-Match: {etag}\r\n" if etag else ""
                extra += f"Accept-Encoding: {encoding}\r\n" if encoding else ""
                started = time.perf_counter()
                writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n{extra}\r\n".encode())
                try:
                    status, size = await _read_response(reader)
                except (asyncio.IncompleteReadError, ConnectionError):
                    errors["read"] += 1
                    return
                latencies.append(time.perf_counter() - started)
                statuses[str(status)] = statuses.get(str(status), 0) + 1
                total_bytes += size
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker(index) for index in range(connections)))
    elapsed = time.perf_counter() - started
    ordered = sorted(latencies)
    return LoadResult(
        requests=len(ordered),
        duration_s=elapsed,
        p50_ms=_percentile(ordered, 0.50) * 1000,
        p90_ms=_percentile(ordered, 0.90) * 1000,
        p99_ms=_percentile(ordered, 0.99) * 1000,
        max_ms=(ordered[-1] if ordered else 0.0) * 1000,
        mean_ms=(sum(ordered) / len(ordered) if ordered else 0.0) * 1000,
        bytes_total=total_bytes,
        errors={k: v for k, v in errors.items() if v},
        statuses=statuses,
        tool="asyncio",
    )


def run_async_client(base_url: str, requests_file: Path, *, duration: float, connections: int) -> LoadResult:
    """The fallback: one Python process (it costs a core of its own, so figures are lower than with wrk)."""
    lines = []
    for line in requests_file.read_text().splitlines():
        path, _, rest = line.partition("\t")
        etag, _, encoding = rest.partition("\t")
        lines.append((path, etag, encoding))
    return asyncio.run(_run_async(base_url, lines, duration, connections))


def run_load(
    base_url: str, requests_file: Path, *, duration: float, connections: int, threads: int, tool: str = "auto"
) -> LoadResult:
    if tool == "wrk" or (tool == "auto" and wrk_available()):
        return run_wrk(base_url, requests_file, duration=duration, connections=connections, threads=threads)
    return run_async_client(base_url, requests_file, duration=duration, connections=connections)
