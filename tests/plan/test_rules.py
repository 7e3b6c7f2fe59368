"""The plan checks are YAML rules: they load as a nested rule base, say which subject they
check, and can be changed by a folder layered with --rules, like the rest of the knowledge."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kamrules import Engine, RulesetError
from kamrules.plan import PlanChecker
from kamrules.plan.checks import load_plan_rulebase, plan_rules_dir
from kamrules.plan.model import STEP_IDS
from tests.support import AS_OF, kam
from tests.support.plans import EXAMPLE_PLAN

MANIFEST = "kind: manifest\nname: our-plan-checks\nversion: '1'\ninput: plan\nextends: builtin\n"


def test_the_plan_checks_are_a_nested_rule_base(engine: Engine) -> None:
    rb = load_plan_rulebase()
    assert (rb.name, [s.id for s in rb.stages]) == ("kamrules-plan", ["expectations", "checks"])
    assert plan_rules_dir().name == "plan" and plan_rules_dir().parent.name == "rulesets"
    # The advisor's own rule base does not read them.
    assert not [f for f in engine.rulebase.files if "/plan/" in f.path]


def test_expectations_follow_the_deck_investment_table() -> None:
    checker = PlanChecker.default()
    expected = {
        s: (e["expected.contract"], e["expected.pricing"])
        for s in ("strategic_investment", "selective_investment", "manage_for_cash", "proactive_maintenance")
        for e in [checker.expected(s, AS_OF)]
    }
    assert expected == {
        "strategic_investment": ("full_contract", "value_based"),
        "selective_investment": ("letter_of_intent", "market_based"),
        "manage_for_cash": ("full_contract", "value_based"),
        "proactive_maintenance": ("no_contract", "tactical"),
    }


def test_a_layer_changes_a_threshold(tmp_path: Path) -> None:
    (tmp_path / "plan").mkdir()
    (tmp_path / "plan" / "kamrules.yaml").write_text(MANIFEST, encoding="utf-8")
    (tmp_path / "plan" / "ours.yaml").write_text(
        "kind: overrides\nparameters:\n  min_step_words: 60\n  max_review_gap_days: 30\n", encoding="utf-8"
    )
    code, out, err = kam("plan", "check", str(EXAMPLE_PLAN), "--as-of", "2026-11-27", "--rules", str(tmp_path))
    assert (code, err) == (1, "")
    assert "PLAN_STEP_THIN" in out and "PLAN_REVIEW_TOO_FAR" in out
    assert 'Step 6, "Direct competitor analysis", says 50 words (at least 60)' in out


def test_a_layer_adds_a_check_and_switches_one_off(tmp_path: Path) -> None:
    (tmp_path / "plan").mkdir()
    (tmp_path / "plan" / "kamrules.yaml").write_text(MANIFEST, encoding="utf-8")
    (tmp_path / "plan" / "off.yaml").write_text("kind: overrides\ndisable: [dmu_role_unknown]\n", encoding="utf-8")
    (tmp_path / "plan" / "team.yaml").write_text(
        """\
kind: ruleset
id: our_team
stage: checks
warnings:
  ACTION_BY_KAM_ONLY:
    severity: info
    title: {en: "The KAM does it all", it: "Il KAM fa tutto"}
rules:
  - id: action_by_kam
    when:
      subject: action
      action.who: Giulia Neri
    then:
      warn:
        code: ACTION_BY_KAM_ONLY
        message: {en: "Action {action.id}: share it?", it: "Azione {action.id}: condividerla?"}
""",
        encoding="utf-8",
    )
    code, out, _err = kam("plan", "check", str(EXAMPLE_PLAN), "--as-of", "2026-11-27", "--rules", str(tmp_path))
    assert code == 0  # info is under the default --fail-on medium
    assert out.count("ACTION_BY_KAM_ONLY") == 3
    checker = PlanChecker.from_paths(tmp_path / "plan")
    assert "dmu_role_unknown" not in {r.id for r in checker.rulebase.rules}


def test_a_check_that_names_no_subject_is_refused(tmp_path: Path) -> None:
    (tmp_path / "plan").mkdir()
    (tmp_path / "plan" / "kamrules.yaml").write_text(MANIFEST, encoding="utf-8")
    (tmp_path / "plan" / "loose.yaml").write_text(
        """\
kind: ruleset
id: loose
stage: checks
warnings:
  NO_OWNER_ANYWHERE: {severity: low, title: {en: x, it: x}}
rules:
  - id: loose_owner
    when:
      objective.owner: {missing: true}
    then:
      warn: {code: NO_OWNER_ANYWHERE, message: {en: x, it: x}}
""",
        encoding="utf-8",
    )
    with pytest.raises(RulesetError) as caught:
        PlanChecker.from_paths(tmp_path / "plan")
    assert "KRP01 rule loose_owner does not say which subject it checks" in caught.value.render()
    code, _out, err = kam("plan", "check", str(EXAMPLE_PLAN), "--rules", str(tmp_path))
    assert code == 2 and "loose.yaml:7:5" in err and "KRP01" in err


def test_a_broken_plan_rule_is_located(tmp_path: Path) -> None:
    (tmp_path / "plan").mkdir()
    (tmp_path / "plan" / "kamrules.yaml").write_text(MANIFEST, encoding="utf-8")
    (tmp_path / "plan" / "typo.yaml").write_text(
        "kind: overrides\nparameters:\n  min_step_wrds: 10\n", encoding="utf-8"
    )
    code, _out, err = kam("plan", "check", str(EXAMPLE_PLAN), "--rules", str(tmp_path))
    assert code == 2
    assert (
        "typo.yaml:3:18: parameters.min_step_wrds: KR025 unknown parameter 'min_step_wrds' "
        "(did you mean min_step_words?)" in err
    )


NEGATED = """\
kind: ruleset
id: negated
stage: checks
warnings:
  NO_COMPETITORS_STEP: {severity: info, title: {en: x, it: x}}
rules:
  - id: no_competitors_step
    when:
      subject: plan
      not: {plan.present_steps: {contains: competitors}}
    then:
      warn: {code: NO_COMPETITORS_STEP, message: {en: x, it: x}}
"""


@pytest.fixture(scope="module")
def negated_checker(tmp_path_factory: pytest.TempPathFactory) -> PlanChecker:
    folder = tmp_path_factory.mktemp("negated") / "plan"
    folder.mkdir()
    (folder / "kamrules.yaml").write_text(MANIFEST, encoding="utf-8")
    (folder / "negated.yaml").write_text(NEGATED, encoding="utf-8")
    return PlanChecker.from_paths(folder)


@settings(max_examples=40, deadline=None)
@given(present=st.sets(st.sampled_from(STEP_IDS)))
def test_a_negated_list_test_runs_on_the_engine_as_it_reads(negated_checker: PlanChecker, present: set[str]) -> None:
    # `not: {list: {contains: x}}` once compiled for durable-rules lost the item it is about
    # (kamrules.language.conditions._negate_prim); the engine must agree with the reading.
    values = {"subject": "plan", "plan": {}, "plan.present_steps": sorted(present)}
    fired = {r.id for r in negated_checker.program.run(values, AS_OF, trace=False).warnings}
    assert ("no_competitors_step" in fired) == ("competitors" not in present)
