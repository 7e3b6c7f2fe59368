"""Fuzzing (time-bounded): whatever facts or rulesets come in, kamrules answers or explains.

* arbitrary JSON-like account facts give advice or a `FactsError`, never another exception;
* random mutations of the built-in rulesets either load (and then advise) or fail with a
  `RulesetError` whose every problem is located in a file.
"""

from __future__ import annotations

import copy
import os
import random
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kamrules import Engine, FactsError, RulesetError
from kamrules.builtin import builtin_dirs
from kamrules.model.catalog import input_catalog
from tests.support import AS_OF

PATHS = [p for p in input_catalog() if p != "as_of"]
GROUP_KEYS = {
    g: [p.split(".", 1)[1] for p in PATHS if p.startswith(g + ".")]
    for g in ("company", "business", "relationship", "assessment")
}

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(["low", "medium", "high", "basic", "strategic", "2027-01-31", "45%", "1e-05", "", "-"]),
    st.dates(),
)
json_like = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)


@st.composite
def accounts(draw: st.DrawFn) -> dict[str, Any]:
    facts: dict[str, Any] = {}
    if draw(st.booleans()):
        facts["id"] = draw(st.one_of(st.text(max_size=8), st.integers(), st.just("A1")))
    if draw(st.booleans()):
        facts["name"] = draw(st.one_of(st.text(max_size=8), st.just("Acme")))
    for group, keys in GROUP_KEYS.items():
        if draw(st.booleans()):
            facts[group] = draw(
                st.one_of(
                    json_like,
                    st.dictionaries(st.sampled_from([*keys, "unknown_key"]), json_like, max_size=6),
                )
            )
    if draw(st.booleans()):
        facts[draw(st.sampled_from(["sector", "environment", "extra"]))] = draw(json_like)
    return facts


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(accounts())
def test_any_facts_give_advice_or_a_clean_validation_error(facts: dict[str, Any]) -> None:
    engine = Engine.default()
    try:
        advice = engine.advise(facts, as_of=AS_OF, explain=True)
    except FactsError as exc:
        assert exc.problems, "a validation error names at least one problem"
        for problem in exc.problems:
            assert problem.message and problem.code.startswith("FACT")
        return
    advice.model_dump_json()  # the advice always serialises


# -- rulesets -------------------------------------------------------------------------------------


def _builtin_documents() -> dict[str, Any]:
    docs: dict[str, Any] = {}
    for folder in builtin_dirs():
        for path in sorted(folder.rglob("*.yaml")):
            if any(part in {"plan", "portfolio"} for part in path.relative_to(folder).parts[:-1]):
                continue
            docs[f"{folder.name}/{path.relative_to(folder).as_posix()}"] = yaml.safe_load(path.read_text("utf-8"))
    return docs


BUILTIN = _builtin_documents()


def _nodes(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [path]
    if isinstance(data, dict):
        for k, v in data.items():
            out += _nodes(v, (*path, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out += _nodes(v, (*path, i))
    return out


def _mutate(data: Any, rng: random.Random) -> Any:
    data = copy.deepcopy(data)
    paths = [p for p in _nodes(data) if p]
    if not paths:
        return data
    path = rng.choice(paths)
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    key = path[-1]
    action = rng.choice(["delete", "string", "number", "list", "mapping", "null", "rename"])
    if action == "delete":
        del parent[key]
    elif action == "string":
        parent[key] = rng.choice(["", "x" * 50, "relationship.stag", ">= nope", "[3..", "{oops}", "é"])
    elif action == "number":
        parent[key] = rng.choice([0, -1, 1e300, 3.5, 10**20])
    elif action == "list":
        parent[key] = [parent[key]]
    elif action == "mapping":
        parent[key] = {"unexpected": parent[key]}
    elif action == "null":
        parent[key] = None
    elif isinstance(parent, dict):
        parent[str(key) + "_x"] = parent.pop(key)
    return data


@pytest.mark.slow
@settings(
    max_examples=int(os.environ.get("KAMRULES_FUZZ_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.randoms(use_true_random=False), st.integers(min_value=1, max_value=3))
def test_mutated_rulesets_load_or_fail_with_located_problems(tmp_path: Path, rng: random.Random, n: int) -> None:
    folder = tmp_path / f"mutant{rng.randrange(10**9)}"
    docs = dict(BUILTIN)
    for _ in range(n):
        name = rng.choice(sorted(docs))
        docs[name] = _mutate(docs[name], rng)
    for name, data in docs.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    try:
        engine = Engine.from_paths(folder / "rulesets", folder / "profiles", builtin=False)
    except RulesetError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert problem.location.file, f"unlocated problem: {problem.render()}"
        return
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    # A mutant that loads must still advise without an internal error.
    engine.advise(
        {"id": "F", "name": "Fuzz", "assessment": {"current_contribution": 7, "attractiveness": 4}}, as_of=AS_OF
    )


# -- CSV ----------------------------------------------------------------------------------------

CSV_COLUMNS = [
    "id",
    "name",
    "business.revenue",
    "business.margin_pct",
    "business.contract_end",
    "relationship.stage",
    "assessment.current_contribution",
    "assessment.potential_contribution",
]
garbage_cell = st.one_of(
    st.text(alphabet=st.characters(blacklist_characters='"\r\n,', blacklist_categories=("Cs",)), max_size=12),
    st.sampled_from(["", "12", "-3", "1e400", "nan", "2027-02-30", "basic", "45%", "[1, 2", "{x: }", "\x00"]),
)


@st.composite
def garbage_csv(draw: st.DrawFn) -> tuple[bytes, int]:
    lines = [",".join(CSV_COLUMNS).encode()]
    rows = draw(st.integers(min_value=1, max_value=25))
    for i in range(rows):
        kind = draw(st.sampled_from(["good", "garbage", "short", "long", "bytes"]))
        if kind == "good":
            cells = [f"G{i}", f"Good {i}", "1000", "0.2", "2027-06-30", "basic", "7", "8"]
        elif kind == "short":
            cells = [f"S{i}", "x"]
        elif kind == "long":
            cells = [f"L{i}", *draw(st.lists(garbage_cell, min_size=9, max_size=12))]
        else:
            cells = draw(st.lists(garbage_cell, min_size=len(CSV_COLUMNS), max_size=len(CSV_COLUMNS)))
        line = ",".join(cells).encode("utf-8", errors="surrogatepass")
        if kind == "bytes":
            line += b"\xff\xfe"
        if not line.strip(b", \t"):
            line = f"E{i},empty".encode()
        lines.append(line)
    return b"\n".join(lines) + b"\n", rows


@settings(
    max_examples=int(os.environ.get("KAMRULES_FUZZ_EXAMPLES", "80")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(garbage_csv())
def test_csv_garbage_rows_are_all_accounted_for(tmp_path: Path, case: tuple[bytes, int]) -> None:
    import json as json_module
    import uuid

    from cli.main import run

    data, rows = case
    folder = tmp_path / uuid.uuid4().hex
    folder.mkdir()
    source = folder / "garbage.csv"
    source.write_bytes(data)
    out = folder / "out.jsonl"
    code = run(["portfolio", str(source), "--out", str(out), "--as-of", "2026-11-27"])
    assert code in (0, 2)
    written = [json_module.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    # One output row per input row, numbered as a spreadsheet numbers them (header = row 1).
    assert [r["row"] for r in written] == list(range(2, rows + 2))
    for r in written:
        assert r["status"] in ("ok", "error")
        if r["status"] == "error":
            assert r["error.problem"]
    assert (code == 2) == any(r["status"] == "error" for r in written)
