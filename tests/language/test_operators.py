"""The operators: one registry (kamrules/language/operators.py), and each layer that gives them a
meaning (the reference evaluation, the lowering to durable-rules, the words) covers exactly it."""

from __future__ import annotations

import re

from kamrules.engine.lower import LOWERINGS
from kamrules.i18n.catalog import phrases
from kamrules.i18n.languages import LANGS
from kamrules.language.conditions.evaluate import TESTS
from kamrules.language.operators import IN_LEAVES, OPERATORS, WRITTEN
from tests.support import ROOT


def test_every_operator_in_a_test_is_evaluated_lowered_and_worded() -> None:
    assert set(TESTS) == set(IN_LEAVES)
    assert set(LOWERINGS) == set(IN_LEAVES)
    for lang in LANGS:
        words = phrases(lang, "explain")
        assert [op for op in IN_LEAVES if op not in words] == [], lang


def test_flags_and_synonyms_name_operators_of_the_registry() -> None:
    for op in OPERATORS.values():
        if op.opposite is not None:
            assert op.operand == "flag" and OPERATORS[op.opposite].opposite == op.name, op
        if op.same_as is not None:
            assert op.same_as in IN_LEAVES and op.applies_to == ("date",), op
    assert {op for op in OPERATORS if op not in WRITTEN} == {"not_empty", "not_past"}


def test_every_operator_a_user_writes_is_documented() -> None:
    doc = (ROOT / "docs" / "ruleset-language.md").read_text(encoding="utf-8")
    assert [op for op in WRITTEN if not re.search(rf"\b{op}\b", doc)] == []
