"""A Python client generated from the committed OpenAPI document works against the live server, fully typed.

openapi-python-client turns ``openapi/openapi.json`` into a package (``positions_client``) with one attrs class
per named component schema. The document passes when the generator has nothing to warn about, every generated
model is a named component (no anonymous ``...Type0``/``...Response200``/``...Item`` classes for inline
schemas), and the three headline calls return typed models whose fields, down to enums, can be read as
attributes.
"""

import datetime
import importlib
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest

from db.embedded import PROJECT_ROOT

pytestmark = pytest.mark.slow

OPENAPI = PROJECT_ROOT / "openapi" / "openapi.json"
GENERATOR_CONFIG = Path(__file__).with_name("openapi-python-client.yaml")
PACKAGE = "positions_client"

# How openapi-python-client names classes for schemas that have no name of their own: `...Type0` for a member of
# a oneOf/anyOf, `...Response200` for an inline response body, a digit suffix to break a name clash, and
# `<Parent><Property>Item` for an inline array item. (A component may still end in "Item" when the document names
# it so, like EvidenceItem.)
GENERATOR_INVENTED = re.compile(r"Type\d+|Response\d{3}|\d$")


@dataclass(frozen=True)
class GeneratedClient:
    output: str  # the generator's stdout and stderr
    project_dir: Path  # the generated distribution (setup.py and the package)
    package_dir: Path


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> GeneratedClient:
    project_dir = tmp_path_factory.mktemp("python-sdk") / "positions-client"
    bin_dir = Path(sys.executable).parent
    # The generator formats its output with ruff (a dev dependency, installed next to this interpreter).
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "openapi_python_client",
            "generate",
            "--path",
            str(OPENAPI),
            "--config",
            str(GENERATOR_CONFIG),
            "--output-path",
            str(project_dir),
            "--meta",
            "setup",
            "--fail-on-warning",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"openapi-python-client failed:\n{output}"
    return GeneratedClient(output=output, project_dir=project_dir, package_dir=project_dir / PACKAGE)


@pytest.fixture(scope="module")
def sdk(generated: GeneratedClient) -> Iterator[ModuleType]:
    """The generated package, imported from the generated project (it needs only httpx and attrs)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(generated.project_dir))
        importlib.invalidate_caches()
        try:
            yield importlib.import_module(PACKAGE)
        finally:
            for name in [name for name in sys.modules if name == PACKAGE or name.startswith(PACKAGE + ".")]:
                del sys.modules[name]


def test_generator_reports_no_warnings(generated: GeneratedClient) -> None:
    warnings = [line for line in generated.output.splitlines() if "warning" in line.lower()]
    assert not warnings, f"openapi-python-client warned about the document:\n{generated.output}"
    assert (generated.project_dir / "setup.py").is_file()
    assert (generated.package_dir / "client.py").is_file()


def test_every_model_is_a_named_component(generated: GeneratedClient) -> None:
    components = set(json.loads(OPENAPI.read_text(encoding="utf-8"))["components"]["schemas"])
    modules = sorted(path for path in (generated.package_dir / "models").glob("*.py") if path.name != "__init__.py")
    models = {name for path in modules for name in re.findall(r"^class (\w+)", path.read_text(encoding="utf-8"), re.M)}
    assert models, "no models generated"

    unnamed = sorted(models - components)
    assert not unnamed, f"models generated for schemas the document does not name (inline schemas): {unnamed}"
    missing = sorted(components - models)
    assert not missing, f"component schemas without a generated model: {missing}"
    invented = sorted(name for name in models if GENERATOR_INVENTED.search(name))
    assert not invented, f"model names that look generated rather than chosen: {invented}"


def test_list_actors_returns_a_typed_page(sdk: ModuleType, live_server: str) -> None:
    from positions_client import Client
    from positions_client.api.actors import list_actors
    from positions_client.models import ActorKind, ActorPage, ActorSummary

    with Client(base_url=live_server, raise_on_unexpected_status=True) as client:
        page = list_actors.sync(client=client, q="rama")
    assert isinstance(page, ActorPage)
    assert page.items, "no actor matches q=rama"
    first = page.items[0]
    assert isinstance(first, ActorSummary)
    assert first.slug == "edi-rama"
    assert first.kind is ActorKind.PERSON
    assert first.country == "AL"
    assert page.next_cursor is None


def test_compare_actors_returns_a_typed_comparison(sdk: ModuleType, live_server: str) -> None:
    from positions_client import Client
    from positions_client.api.comparisons import compare_actors
    from positions_client.models import (
        ActorComparison,
        ActorPosition,
        Agreement,
        EffectiveStance,
        PairAgreement,
        PolicyComparisonRow,
        PositionLabel,
    )

    with Client(base_url=live_server, raise_on_unexpected_status=True) as client:
        comparison = compare_actors.sync(
            client=client, actors="edi-rama,keir-starmer", as_of=datetime.date(2025, 5, 15)
        )
    assert isinstance(comparison, ActorComparison)
    assert comparison.as_of == datetime.date(2025, 5, 15)
    assert [actor.slug for actor in comparison.actors] == ["edi-rama", "keir-starmer"]

    rows = {row.policy.slug: row for row in comparison.rows}
    row = rows["uk-return-hubs"]
    assert isinstance(row, PolicyComparisonRow)
    assert all(isinstance(position, ActorPosition) for position in row.positions)
    stances = {position.actor: position.stance for position in row.positions}
    rama, starmer = stances["edi-rama"], stances["keir-starmer"]
    assert isinstance(rama, EffectiveStance)
    assert isinstance(starmer, EffectiveStance)
    assert rama.label is PositionLabel.UNCLEAR  # on return hubs as a whole; he ruled out Albania hosting one
    assert starmer.label is PositionLabel.STRONGLY_SUPPORT
    assert isinstance(rama.stated_on, datetime.date)

    (pair,) = row.pairs
    assert isinstance(pair, PairAgreement)
    assert pair.actors == ["edi-rama", "keir-starmer"]
    assert pair.agreement is Agreement.PARTIAL

    hosting = {position.actor: position.stance for position in rows["uk-albania-return-hub-hosting"].positions}
    assert isinstance(hosting["edi-rama"], EffectiveStance)
    assert hosting["edi-rama"].label is PositionLabel.STRONGLY_OPPOSE


def test_compare_dates_returns_typed_changes(sdk: ModuleType, live_server: str) -> None:
    from positions_client import Client
    from positions_client.api.comparisons import compare_dates
    from positions_client.models import ChangeKind, DateComparison, EffectiveStance, PositionChange

    with Client(base_url=live_server, raise_on_unexpected_status=True) as client:
        comparison = compare_dates.sync(
            client=client, actor="keir-starmer", from_=datetime.date(2024, 7, 5), to=datetime.date(2025, 5, 16)
        )
    assert isinstance(comparison, DateComparison)
    assert comparison.actor.slug == "keir-starmer"
    assert (comparison.from_, comparison.to) == (datetime.date(2024, 7, 5), datetime.date(2025, 5, 16))

    changes = {row.policy.slug: row for row in comparison.rows}
    change = changes["uk-offshoring-asylum-seekers"]
    assert isinstance(change, PositionChange)
    assert isinstance(change.change, ChangeKind)
    assert change.change is ChangeKind.STRENGTHENED  # unclear (Rwanda-only evidence) -> hedged support
    assert isinstance(change.from_stance, EffectiveStance)
    assert isinstance(change.to_stance, EffectiveStance)
    assert comparison.counts.strengthened >= 1
    assert comparison.counts.reversed_ == 0  # `reversed` is a builtin, so the generator appends "_"
