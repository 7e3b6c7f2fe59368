"""The plan guide: the deck's ten steps in its own words, labels and vocabularies complete."""

from __future__ import annotations

import re
from typing import get_args

from kamrules import Engine
from kamrules.plan.guide import guide
from kamrules.plan.model import STEP_IDS, ActionStatus, ContractKind, Horizon, ObjectiveStatus, PricingKind, Steps
from tests.support import ROOT

DECK = ROOT / "tests" / "golden" / "deck_plan_steps.txt"


def _deck_text() -> str:
    # The slides' text, with its bold markers and line breaks dropped.
    return re.sub(r"\s+", " ", DECK.read_text(encoding="utf-8").replace("**", ""))


def test_the_ten_steps_in_the_deck_order() -> None:
    g = guide()
    assert list(g.steps) == list(STEP_IDS) == list(Steps.model_fields)
    assert [s.number for s in g.steps.values()] == list(range(1, 11))


def test_the_italian_titles_and_questions_are_the_deck_own_words() -> None:
    deck = _deck_text()
    for step_id, step in guide().steps.items():
        assert f"{step.number} {step.title.it}" in deck, step_id
        assert step.questions, step_id
        for question in step.questions:
            assert question.it in deck, question.it
            assert question.en and question.en != question.it


def test_every_field_of_every_step_has_a_label_in_both_languages() -> None:
    g = guide()
    for step_id in STEP_IDS:
        model = Steps.model_fields[step_id].annotation
        fields = next(a for a in get_args(model) if a is not type(None)).model_fields
        for name in fields:
            en, it = g.field_label(step_id, name, "en"), g.field_label(step_id, name, "it")
            assert name not in (en, it), f"{step_id}.{name}"


def test_the_vocabularies_cover_the_plan_choices() -> None:
    g = guide()
    for vocabulary, kind in (
        ("contract", ContractKind),
        ("pricing", PricingKind),
        ("horizon", Horizon),
        ("objective_status", ObjectiveStatus),
        ("action_status", ActionStatus),
    ):
        assert set(g.vocabulary[vocabulary]) == set(get_args(kind)), vocabulary


def test_candidates_name_warnings_the_advisor_raises(engine: Engine) -> None:
    codes = set(engine.rulebase.warning_codes)
    assert set(guide().draft.warnings) <= codes
    facts = set(engine.rulebase.facts)
    params = set(engine.rulebase.params)
    for code, candidate in guide().draft.warnings.items():
        objective = candidate.objective
        if objective is None:
            continue
        for source in (objective.baseline, objective.target):
            if source is None or isinstance(source, float):
                continue
            assert (source.fact in facts) if source.fact else (source.param in params), code


def test_the_docs_list_every_check_and_step() -> None:
    from kamrules.plan import PlanChecker

    docs = (ROOT / "docs" / "plan.md").read_text(encoding="utf-8")
    for code in PlanChecker.default().rulebase.warning_codes:
        assert f"| `{code}` |" in docs, code
    for step_id, step in guide().steps.items():
        assert f"| {step.number} | `{step_id}` | {step.title.en} | {step.title.it} |" in docs, step_id
