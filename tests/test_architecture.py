"""The layout keeps its promises (docs/architecture.md): imports point down the layers, no two
packages import each other, the command line imports itself relatively, and no module or
function grows past its size without a reason written here."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import ROOT

# The layers, bottom first. A package may import its own layer's and those below; a package not
# placed here fails the test (place it). A subpackage placed here is a package of its own (its
# layer may differ from its parent's). store and service are on their way from their branches:
# above the API, next to plan, portfolio and the toolkit; the command line on top. The batch
# engine is below the API, which delegates `Engine.advise_table` to it; its columnar portfolio
# run (kamrules.batch.portfolio) is a feature, beside the portfolio whose rows it gives.
LAYERS: tuple[tuple[str, frozenset[str]], ...] = (
    (
        "foundation",
        frozenset(
            {
                "kamrules.version",
                "kamrules.errors",
                "kamrules.codes",
                "kamrules.suggest",
                "kamrules.i18n",
                "kamrules.builtin",
                "kamrules.stopping",
            }
        ),
    ),
    ("reading files", frozenset({"kamrules.io"})),
    ("facts and advice models", frozenset({"kamrules.model"})),
    ("the ruleset language", frozenset({"kamrules.language"})),
    ("the engine", frozenset({"kamrules.engine"})),
    ("advice", frozenset({"kamrules.advice"})),
    ("the batch engine", frozenset({"kamrules.batch"})),
    ("the Python API", frozenset({"kamrules.api"})),
    (
        "features",
        frozenset(
            {
                "kamrules.plan",
                "kamrules.portfolio",
                "kamrules.toolkit",
                "kamrules.json_schemas",
                "kamrules.store",
                "kamrules.service",
                "kamrules.batch.portfolio",
                "kamrules.dask",
            }
        ),
    ),
    # `kamrules` itself is the public façade (it imports its names lazily, from any layer).
    ("front ends", frozenset({"cli", "kamrules.__main__", "kamrules"})),
)
LAYER_OF = {unit: i for i, (_, units) in enumerate(LAYERS) for unit in units}

MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60  # the body, docstring aside
# What may be larger, and why. An entry that no longer needs to be here fails the test.
ALLOWED: dict[str, str] = {
    "kamrules/i18n/en.py": (
        "a phrase catalog is data, one dict: every phrase kamrules writes in a language, in one place so "
        "that a translator sees them all and tests/i18n/test_catalogs.py holds the others to it"
    ),
    "kamrules/i18n/it.py": "the Italian phrase catalog: data, one dict, as complete as en.py (see its entry)",
    "kamrules/engine/keys.py::encoder": (
        "builds the closure that encodes every account for durable-rules: the hot loop of a run, "
        "kept in one function so that each key costs no extra call (docs/performance.md)"
    ),
}


def _modules() -> dict[str, Path]:
    out: dict[str, Path] = {}
    for root in ("kamrules", "cli"):
        for path in sorted((ROOT / root).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            out[".".join(parts)] = path
    return out


MODULES = _modules()


def _imports(name: str, path: Path) -> Iterator[tuple[str, int, bool]]:
    """The modules `name` imports (at any depth of its code, type-checking imports included): each
    with its line, and whether it is written relatively."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno, False
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            for alias in node.names:
                # `from kamrules import codes` imports the module kamrules.codes.
                sub = f"{target}.{alias.name}"
                yield (sub if sub in MODULES else target), node.lineno, node.level > 0


def _unit(module: str) -> str | None:
    """The package (or top-level module) a module belongs to: its nearest placed subpackage,
    else its package under kamrules; None outside the project."""
    parts = module.split(".")
    if parts[0] == "cli":
        return "cli"
    if parts[0] != "kamrules":
        return None
    for depth in range(len(parts), 2, -1):
        if ".".join(parts[:depth]) in LAYER_OF:
            return ".".join(parts[:depth])
    return "kamrules" if len(parts) == 1 else ".".join(parts[:2])


def _edges() -> dict[str, dict[str, list[str]]]:
    """unit -> imported unit -> where (module:line)."""
    edges: dict[str, dict[str, list[str]]] = {}
    for name, path in MODULES.items():
        source = _unit(name)
        assert source is not None
        for target, line, _relative in _imports(name, path):
            unit = _unit(target)
            if unit is not None and unit != source:
                edges.setdefault(source, {}).setdefault(unit, []).append(f"{name}:{line}")
    return edges


EDGES = _edges()


def test_every_package_has_its_layer() -> None:
    units = {_unit(name) for name in MODULES}
    assert sorted(u for u in units if u not in LAYER_OF) == []


def test_imports_point_down_the_layers() -> None:
    upward = [
        f"{source} ({LAYERS[LAYER_OF[source]][0]}) imports {target} ({LAYERS[LAYER_OF[target]][0]}) at {where[0]}"
        for source, targets in EDGES.items()
        for target, where in targets.items()
        if LAYER_OF[target] > LAYER_OF[source]
    ]
    assert upward == []


def test_no_two_packages_import_each_other() -> None:
    graph = {source: set(targets) for source, targets in EDGES.items()}
    cycles: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        for nxt in sorted(graph.get(node, ())):
            if nxt == path[0]:
                cycles.append([*path, nxt])
            elif nxt not in path and nxt > path[0]:  # each cycle once, from its smallest package
                visit(nxt, [*path, nxt])

    for start in sorted(graph):
        visit(start, [start])
    assert cycles == []


def test_the_command_line_imports_itself_relatively_and_the_library_never_imports_it() -> None:
    # Relative imports are what let cli/ run as `cli` from a checkout and as `kamrules.cli` when
    # installed (pyproject.toml says why it is installed under that name).
    wrong = [
        f"{name}:{line} imports {target}"
        for name, path in MODULES.items()
        for target, line, relative in _imports(name, path)
        if (name.startswith("cli") and _unit(target) == "cli" and not relative)
        or target.startswith("kamrules.cli")
        or (name.startswith("kamrules") and _unit(target) == "cli")
    ]
    assert wrong == []


def _function_sizes() -> Iterator[tuple[str, int]]:
    for path in MODULES.values():
        rel = path.relative_to(ROOT).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                body = node.body
                if isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) and len(body) > 1:
                    body = body[1:]
                end = node.end_lineno or node.lineno
                yield f"{rel}::{node.name}", end - body[0].lineno + 1


def test_no_module_or_function_is_over_its_size_without_a_reason() -> None:
    too_big = [
        f"{path.relative_to(ROOT).as_posix()}: {lines} lines"
        for path in MODULES.values()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
        and path.relative_to(ROOT).as_posix() not in ALLOWED
    ]
    too_long = [f"{key}: {n} lines" for key, n in _function_sizes() if n > MAX_FUNCTION_LINES and key not in ALLOWED]
    assert too_big + too_long == []


def test_every_allowance_is_still_needed() -> None:
    sizes = dict(_function_sizes())
    lines = {p.relative_to(ROOT).as_posix(): len(p.read_text(encoding="utf-8").splitlines()) for p in MODULES.values()}
    stale = [
        key
        for key in ALLOWED
        if (sizes.get(key, 0) <= MAX_FUNCTION_LINES if "::" in key else lines.get(key, 0) <= MAX_MODULE_LINES)
    ]
    assert stale == []


@pytest.mark.parametrize("argv", [["--version"], ["schema", "account"]], ids=["version", "schema"])
def test_the_command_line_runs_from_a_checkout_with_nothing_installed(argv: list[str]) -> None:
    # The editable install's finder is taken away: `python -m kamrules` from the repository's root
    # must find `kamrules` and the top-level `cli` package in the checkout itself.
    script = (
        "import runpy, sys\n"
        "sys.meta_path = [f for f in sys.meta_path if 'editable' not in repr(f).lower()]\n"
        f"sys.argv = ['kam', *{argv!r}]\n"
        "runpy.run_module('kamrules', run_name='__main__')\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, env=env, check=False, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip()
