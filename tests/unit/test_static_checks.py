"""The code stays typed and lint-clean: mypy --strict on api/, db/, seeds/ and ruff on everything."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

pytestmark = pytest.mark.slow


def run(tool: str, *args: str) -> subprocess.CompletedProcess[str]:
    executable = BIN / tool if (BIN / tool).exists() else shutil.which(tool)
    assert executable, f"{tool} is not installed"
    return subprocess.run([str(executable), *args], cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)


def test_mypy_strict_passes_on_api_db_and_seeds() -> None:
    result = run("mypy")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_finds_nothing() -> None:
    result = run("ruff", "check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_applied() -> None:
    result = run("ruff", "format", "--check", ".")
    assert result.returncode == 0, result.stdout + result.stderr
