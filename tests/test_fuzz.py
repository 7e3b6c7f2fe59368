"""Fuzzing (time-bounded): whatever facts or rulesets come in, kamrules answers or explains.

* arbitrary JSON-like account facts give advice or a `FactsError`, never another exception;
* random mutations of the built-in rulesets either load (and then advise) or fail with a
  `RulesetError` whose every problem is located in a file.
"""

from __future__ import annotations

import copy
import datetime as dt
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
from kamrules.language.catalog import input_catalog

AS_OF = dt.date(2026, 11, 27)
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
