"""Differential test: durable-rules' evaluation equals the plain-Python reference evaluation.

Random conditions (every operator, all/any/not nesting, fact-to-fact comparisons, dates relative
to the evaluation date, lists, missing facts) are written as a YAML ruleset, compiled onto
durable-rules, and run on 10,000 generated accounts whose values sit on and around the
thresholds (boundaries, tiny and huge floats, missing fields). A rule must fire in durable-rules
exactly when the reference three-valued evaluation says its condition is true.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kamrules import Engine
from kamrules.engine.lower import eval_pcond, to_prims
from kamrules.language.conditions.evaluate import evaluate
from tests.support import AS_OF
from tests.support.conditions import random_account, random_condition, write_rule_base

N_RULES = 60
N_ACCOUNTS = 10_000


@pytest.mark.parametrize("seed", [1, 2])
def test_durable_equals_reference_on_generated_accounts(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    conditions = [random_condition(rng) for _ in range(N_RULES)]
    write_rule_base(tmp_path, conditions)
    engine = Engine.from_paths(tmp_path, memo_size=0)  # ask durable-rules every time
    rules = engine.rulebase.rules
    assert len(rules) == N_RULES
    shards = len(engine.program.shards())
    assert shards >= 2, "the generated rules should need several durable shards"
    fired_any = 0
    per_account = N_ACCOUNTS // 2
    for n in range(per_account):
        _, ev = engine.evaluate(random_account(rng, n), as_of=AS_OF, trace=False)
        got = set(ev.values.get("diff.fired") or [])
        expected = {r.id for r in rules if evaluate(r.when, ev.values, AS_OF) is True}
        assert got == expected, f"account {n}: durable fired {sorted(got)}, the reference says {sorted(expected)}"
        fired_any += len(got)
        if n % 50 == 0:  # the primitive (negation normal) form means the same, unknowns included
            for r in rules:
                assert eval_pcond(to_prims(r.when), ev.values, AS_OF) == evaluate(r.when, ev.values, AS_OF), r.id
    # Sanity: the generator is not degenerate (rules do fire, and not always).
    assert 0 < fired_any < per_account * N_RULES


@pytest.mark.slow  # about 6 s: 60 rule bases compiled onto durable-rules
@settings(max_examples=60, deadline=None)
@given(st.randoms(use_true_random=False))
def test_durable_equals_reference_property(tmp_path_factory: pytest.TempPathFactory, rng: random.Random) -> None:
    folder = tmp_path_factory.mktemp("prop")
    conditions = [random_condition(rng) for _ in range(8)]
    write_rule_base(folder, conditions)
    engine = Engine.from_paths(folder, memo_size=0)
    for n in range(20):
        _, ev = engine.evaluate(random_account(rng, n), as_of=AS_OF, trace=False)
        got = set(ev.values.get("diff.fired") or [])
        expected = {r.id for r in engine.rulebase.rules if evaluate(r.when, ev.values, AS_OF) is True}
        assert got == expected
