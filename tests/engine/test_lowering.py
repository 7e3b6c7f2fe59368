"""The lowering to durable-rules' primitives means what the language's reference evaluation says.

The reference evaluator (kamrules.language.conditions.evaluate) defines each operator on the
condition tree; the engine lowers each one to primitives (kamrules.engine.lower) with their own
evaluation. On generated conditions (every operator, negated or not, nested) and accounts (values
on and around the thresholds, missing facts), both give the same three-valued answer.
"""

from __future__ import annotations

import random
from pathlib import Path

from kamrules.engine.lower import LOWERINGS, eval_pcond, to_prims
from kamrules.language.conditions.evaluate import TESTS, evaluate
from kamrules.language.conditions.tree import Not, leaves
from kamrules.language.load import load_rulebase
from kamrules.model.account import account_values
from kamrules.model.validate import validate_account
from tests.support import AS_OF
from tests.support.conditions import random_account, random_condition, write_rule_base


def test_every_operator_is_evaluated_and_lowered() -> None:
    assert set(TESTS) == set(LOWERINGS)


def test_primitives_mean_what_the_reference_says(tmp_path: Path) -> None:
    rng = random.Random(7)
    write_rule_base(tmp_path, [random_condition(rng) for _ in range(120)])
    rules = load_rulebase([tmp_path], builtin=False).rules
    ops = {leaf.op for r in rules for leaf in leaves(r.when)}
    assert ops == set(TESTS), f"the generator misses {sorted(set(TESTS) - ops)}"
    answers: set[object] = set()
    for n in range(400):
        values = account_values(validate_account(random_account(rng, n)))
        for rule in rules:
            for cond in (rule.when, Not(rule.when)):
                expected = evaluate(cond, values, AS_OF)
                assert eval_pcond(to_prims(cond), values, AS_OF) is expected, (rule.id, n)
                answers.add(expected)
    assert answers == {True, False, None}
