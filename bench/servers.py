"""Servers under test (granian, as in production) and process accounting: memory of a process tree, CPU of a cluster."""

import importlib.util
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psutil

PROJECT_ROOT = Path(__file__).resolve().parent.parent
LOG_DIR = PROJECT_ROOT / "bench" / "results"

PROJECT_TARGET = "api.asgi:app"
REFERENCE_TARGET = "bench.reference_app:app"
FASTAPI_TARGET = "bench.reference_fastapi:create_app"
FASTAPI_GROUP = "python3 -m uv sync --group bench-fastapi"


def fastapi_installed() -> bool:
    """Whether the ``bench-fastapi`` dependency group (FastAPI, for ``FASTAPI_TARGET``) is installed."""
    return importlib.util.find_spec("fastapi") is not None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def tree(pid: int) -> list[psutil.Process]:
    root = psutil.Process(pid)
    return [root, *root.children(recursive=True)]


def tree_rss(pid: int) -> int:
    total = 0
    for process in tree(pid):
        try:
            total += process.memory_info().rss
        except psutil.NoSuchProcess:
            continue
    return total


def tree_pss(pid: int) -> int:
    """Proportional set size: shared pages split between the processes sharing them (Linux only)."""
    total = 0
    for process in tree(pid):
        try:
            total += getattr(process.memory_full_info(), "pss", 0)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return total


@dataclass(slots=True)
class Server:
    name: str
    base_url: str
    process: subprocess.Popen[bytes]
    log_path: Path
    peak_rss: int = 0

    def sample_rss(self) -> int:
        rss = tree_rss(self.process.pid)
        self.peak_rss = max(self.peak_rss, rss)
        return rss

    @contextmanager
    def watch_memory(self, interval: float = 0.25) -> Iterator[None]:
        """Sample the tree's RSS in the background while the block runs; the peak lands in ``peak_rss``."""
        stop = threading.Event()

        def sample() -> None:
            while not stop.is_set():
                try:
                    self.sample_rss()
                except psutil.NoSuchProcess:
                    return
                stop.wait(interval)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        try:
            yield
        finally:
            stop.set()
            sampler.join()


@contextmanager
def granian(
    name: str,
    target: str,
    database_url: str,
    *,
    workers: int,
    ready_path: str,
    factory: bool = False,
    extra_env: dict[str, str] | None = None,
) -> Iterator[Server]:
    """Run ``python -m granian --interface asgi`` on a free port until the block ends."""
    port = free_port()
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    log_path = LOG_DIR / f"{name}-{port}.log"
    command = [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        "asgi",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--log-level",
        "warning",
    ]
    if factory:
        command.append("--factory")
    env = {**os.environ, "DATABASE_URL": database_url, **(extra_env or {})}
    with log_path.open("wb") as log:
        process = subprocess.Popen([*command, target], env=env, cwd=PROJECT_ROOT, stdout=log, stderr=log)
    server = Server(name, f"http://127.0.0.1:{port}", process, log_path)
    try:
        _wait_ready(server, ready_path)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_ready(server: Server, path: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited: {server.log_path.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(server.base_url + path, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{server.name} not ready after {timeout:.0f} s: {server.log_path.read_text(errors='replace')}")


def postmaster_pid(pgdata: Path) -> int | None:
    pid_file = pgdata / "postmaster.pid"
    if not pid_file.exists():
        return None
    return int(pid_file.read_text().splitlines()[0])


def cluster_cpu_seconds(pid: int) -> float:
    """CPU seconds used so far by a postmaster, its live children and the children it has reaped."""
    root = psutil.Process(pid)
    times = root.cpu_times()
    total = times.user + times.system + times.children_user + times.children_system
    for child in root.children():
        try:
            child_times = child.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += child_times.user + child_times.system
    return total
