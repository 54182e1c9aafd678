"""TypeScript types generated from the committed OpenAPI document type-check a strict client, which then runs.

``sdk/typescript`` pins typescript and openapi-typescript in its package-lock.json. The test installs them with
``npm ci`` when needed (scripts/setup.d/10-node-packages does the same before the suite), regenerates
``schema.d.ts`` from ``openapi/openapi.json``, requires openapi-typescript to have nothing to warn about, requires
``tsc --noEmit`` to pass under the strict tsconfig, and finally compiles ``example.ts`` and runs it with Node
against the live server (list actors, compare two actors, compare two dates).
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from db.embedded import PROJECT_ROOT

pytestmark = pytest.mark.slow

SDK = PROJECT_ROOT / "sdk" / "typescript"
OPENAPI = PROJECT_ROOT / "openapi" / "openapi.json"
SCHEMA_TYPES = SDK / "schema.d.ts"


def run(args: list[str], *, cwd: Path = SDK, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Runs a command in sdk/typescript, where `npx --no-install` finds the pinned packages in node_modules/.bin."""
    env = {**os.environ, "NO_COLOR": "1", "FORCE_COLOR": "0", "npm_config_update_notifier": "false"}
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)


def described(result: subprocess.CompletedProcess[str]) -> str:
    return f"$ {' '.join(result.args)}\nexit status {result.returncode}\n{result.stdout}{result.stderr}"


@pytest.fixture(scope="module")
def npx() -> str:
    npm, npx = shutil.which("npm"), shutil.which("npx")
    if npm is None or npx is None:
        pytest.skip("npm is not on PATH: install Node.js with npm to generate and type-check the TypeScript client")
    installed = SDK / "node_modules" / ".package-lock.json"
    lock = SDK / "package-lock.json"
    if not installed.is_file() or lock.stat().st_mtime > installed.stat().st_mtime:
        result = run([npm, "ci", "--no-audit", "--no-fund"], timeout=600)
        assert result.returncode == 0, described(result)
    return npx


@pytest.fixture(scope="module")
def generated(npx: str) -> str:
    """Regenerates sdk/typescript/schema.d.ts (git-ignored) and returns openapi-typescript's output."""
    SCHEMA_TYPES.unlink(missing_ok=True)
    result = run([npx, "--no-install", "openapi-typescript", str(OPENAPI), "--output", str(SCHEMA_TYPES)])
    assert result.returncode == 0, described(result)
    assert SCHEMA_TYPES.is_file()
    return result.stdout + result.stderr


def test_dependencies_are_pinned() -> None:
    manifest = json.loads((SDK / "package.json").read_text(encoding="utf-8"))
    lock = json.loads((SDK / "package-lock.json").read_text(encoding="utf-8"))
    wanted = manifest["devDependencies"]
    assert set(wanted) == {"typescript", "openapi-typescript"}
    for name, version in wanted.items():
        assert version[0].isdigit(), f"{name} is not pinned to an exact version: {version}"
        assert lock["packages"][f"node_modules/{name}"]["version"] == version
    assert wanted["typescript"].startswith("5.")
    assert wanted["openapi-typescript"].startswith("7.")


def test_openapi_typescript_reports_no_warnings(generated: str) -> None:
    warnings = [line for line in generated.splitlines() if "warn" in line.lower() or "⚠" in line]
    assert not warnings, f"openapi-typescript warned about the document:\n{generated}"
    types = SCHEMA_TYPES.read_text(encoding="utf-8")
    for operation in ("listActors", "getActor", "compareActors", "compareDates"):
        assert f"    {operation}: {{" in types, f"no operation {operation} in schema.d.ts"


def test_the_example_client_type_checks(npx: str, generated: str) -> None:
    result = run([npx, "--no-install", "tsc", "--noEmit", "-p", str(SDK)])
    assert result.returncode == 0, described(result)


def test_the_example_client_runs_against_the_live_server(
    npx: str, generated: str, live_server: str, tmp_path: Path
) -> None:
    node = shutil.which("node")
    assert node is not None
    compiled = run([npx, "--no-install", "tsc", "-p", str(SDK), "--outDir", str(tmp_path)])
    assert compiled.returncode == 0, described(compiled)
    (tmp_path / "package.json").write_text('{"type": "module"}\n', encoding="utf-8")
    script = (
        f"const example = await import({json.dumps((tmp_path / 'example.js').as_uri())});\n"
        "for (const line of await example.main(process.argv[1])) console.log(line);\n"
    )
    result = run([node, "--input-type=module", "--eval", script, live_server], timeout=60)
    assert result.returncode == 0, described(result)
    lines = result.stdout.splitlines()
    assert lines[0] == "listActors: Edi Rama (person, AL)"
    assert "compareActors: edi-rama vs keir-starmer partial" in lines
    assert "compareActors 2025-05-15 Albania hosting a UK return hub: edi-rama strongly_oppose" in lines
    assert any(line.endswith("unclear -> support (strengthened)") for line in lines), result.stdout
