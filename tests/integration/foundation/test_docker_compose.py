"""The production shape in ``docker-compose.yml`` and ``Dockerfile``: PostgreSQL with a health check, a one-shot
migrate-and-seed job, then the API. Checked by parsing the files; run for real only where Docker Compose works."""

import json
import shutil
import subprocess
import urllib.request
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

PROJECT_ROOT = Path(__file__).resolve().parents[3]
COMPOSE_FILE = PROJECT_ROOT / "docker-compose.yml"
DOCKERFILE = PROJECT_ROOT / "Dockerfile"


@pytest.fixture(scope="module")
def services() -> dict[str, Any]:
    document = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    found: dict[str, Any] = document["services"]
    return found


def command_text(service: dict[str, Any]) -> str:
    command = service["command"]
    return command if isinstance(command, str) else " ".join(command)


def environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment", {})
    if isinstance(env, list):  # the "KEY=value" list form
        return dict(item.split("=", 1) for item in env)
    return {key: str(value) for key, value in env.items()}


def container_ports(service: dict[str, Any]) -> set[int]:
    ports: set[int] = set()
    for port in service.get("ports", []):
        if isinstance(port, dict):
            ports.add(int(port["target"]))
        else:
            ports.add(int(str(port).rsplit(":", 1)[-1].split("/")[0]))
    return ports


def dockerfile_instruction(name: str) -> str:
    lines = [line.strip() for line in DOCKERFILE.read_text(encoding="utf-8").splitlines()]
    matches = [line.split(None, 1)[1] for line in lines if line.upper().startswith(name + " ")]
    assert matches, f"Dockerfile has no {name}"
    return matches[-1]  # the last one wins


def test_compose_defines_db_migrate_and_api(services: dict[str, Any]) -> None:
    assert {"db", "migrate", "api"} <= services.keys()


def test_db_service_is_postgres_with_a_health_check(services: dict[str, Any]) -> None:
    db = services["db"]

    assert db["image"].split(":")[0] == "postgres"
    test = db["healthcheck"]["test"]
    assert "pg_isready" in (test if isinstance(test, str) else " ".join(test))
    assert db.get("volumes"), "the database has no volume: data would not survive a restart"


def test_migrate_service_migrates_then_seeds_once_the_db_is_healthy(services: dict[str, Any]) -> None:
    migrate = services["migrate"]
    command = command_text(migrate)

    assert "positions migrate" in command
    assert "positions seed" in command
    assert command.index("positions migrate") < command.index("positions seed")
    assert "&&" in command, "seeding must not run when migrating failed"
    assert migrate["depends_on"]["db"]["condition"] == "service_healthy"
    assert migrate.get("restart", "no") == "no"


def test_api_service_starts_after_a_successful_migration_and_exposes_8000(services: dict[str, Any]) -> None:
    api = services["api"]

    assert api["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert 8000 in container_ports(api)
    assert "DATABASE_URL" in environment(api)
    assert "positions serve" in command_text(api)
    assert "8000" in command_text(api)
    assert "0.0.0.0" in command_text(api), "the server must listen beyond the container's loopback"


def test_migrate_and_api_use_the_database_the_db_service_creates(services: dict[str, Any]) -> None:
    db_env = environment(services["db"])
    urls = {environment(services[name])["DATABASE_URL"] for name in ("migrate", "api")}

    assert len(urls) == 1, f"migrate and api point at different databases: {urls}"
    url = urlsplit(urls.pop())
    assert url.hostname == "db"
    assert url.username == db_env["POSTGRES_USER"]
    assert url.password == db_env["POSTGRES_PASSWORD"]
    assert url.path.lstrip("/") == db_env["POSTGRES_DB"]


def test_dockerfile_exists_and_runs_positions_serve() -> None:
    assert DOCKERFILE.is_file()
    command = json.loads(dockerfile_instruction("CMD"))  # exec form: a JSON array

    assert command[:2] == ["positions", "serve"]
    assert "0.0.0.0" in command
    assert dockerfile_instruction("EXPOSE").split() == ["8000"]


def test_dockerfile_ships_everything_migrate_and_seed_need() -> None:
    copied = " ".join(
        line.split(None, 1)[1]
        for line in DOCKERFILE.read_text(encoding="utf-8").splitlines()
        if line.strip().upper().startswith("COPY ")
    )

    for needed in ("api", "db", "seeds", "alembic", "alembic.ini", "pyproject.toml"):
        assert needed in copied.split(), f"Dockerfile does not copy {needed}"


def _compose(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["docker", "compose", "-f", str(COMPOSE_FILE), *args],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _compose_works() -> str | None:
    """None when ``docker compose`` can validate the file; otherwise why not."""
    if shutil.which("docker") is None:
        return "docker is not installed"
    try:
        result = _compose("config", "-q", timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"docker compose config failed: {exc}"
    if result.returncode != 0:
        output = (result.stderr or result.stdout).strip().splitlines()
        return "docker compose is unavailable or cannot validate offline: " + (output[0] if output else "no output")
    return None


@pytest.mark.slow
def test_compose_stack_comes_up_ready_with_the_seed_data() -> None:
    reason = _compose_works()
    if reason is not None:
        pytest.skip(reason)
    project = f"positions-test-{uuid.uuid4().hex[:8]}"
    try:
        up = _compose("-p", project, "up", "--build", "--detach", "--wait", "--wait-timeout", "600", timeout=900)
        assert up.returncode == 0, up.stderr
        with urllib.request.urlopen("http://127.0.0.1:8000/ready", timeout=10) as response:
            assert response.status == 200
            assert json.load(response)["status"] == "ready"
        with urllib.request.urlopen("http://127.0.0.1:8000/v1/actors?q=rama", timeout=10) as response:
            assert [item["slug"] for item in json.load(response)["items"]] == ["edi-rama"]
    finally:
        _compose("-p", project, "down", "--volumes", "--remove-orphans", timeout=300)
