"""`kam plan new`: a plan drafted from the account's facts and advice, in English and Italian,
as YAML (which reads back as the same plan and can be checked) and as Markdown."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kamrules.plan import Plan, check_plan_file, new_plan, parse_plan, plan_to_yaml, read_plan
from kamrules.plan.guide import guide
from kamrules.plan.model import Action, ActionPlan, Objective, Objectives, Steps
from tests.support import AS_OF, kam
from tests.support.plans import EXAMPLE_ACCOUNT, write_plan

OPPORTUNITY = """\
id: IT-0077
name: Verdi Ricambi S.r.l.
business: {revenue: 40000, margin_pct: 0.18, cost_to_serve: 6000}
relationship:
  dmu: [{name: Carla Neri, role: buyer, influence: high, attitude: neutral}]
assessment: {current_contribution: 3, potential_contribution: 3, attractiveness: 3, relative_strength: 3}
"""


def new(tmp_path: Path, lang: str, *extra: str, account: Path = EXAMPLE_ACCOUNT) -> Path:
    out = tmp_path / f"plan-{lang}.yaml"
    code, _out, err = kam(
        "plan", "new", str(account), "--as-of", AS_OF.isoformat(), "--lang", lang, "--out", str(out), *extra
    )
    assert (code, err) == (0, "")
    return out


@pytest.mark.parametrize("lang", ["en", "it"])
def test_new_writes_a_plan_that_reads_back(tmp_path: Path, lang: str) -> None:
    out = new(tmp_path, lang)
    plan = read_plan(out).plan
    assert plan.lang == lang
    acc = plan.account
    assert (acc.id, acc.tier, acc.profile, acc.strategy) == (
        "IT-0042",
        "key_account",
        "strategic",
        "strategic_investment",
    )
    assert acc.advised_on == AS_OF
    assert plan.period is not None and (plan.period.start, plan.period.end) == (AS_OF, dt.date(2027, 11, 26))
    assert plan.reviews == [dt.date(2027, 2, 27), dt.date(2027, 5, 27), dt.date(2027, 8, 27), dt.date(2027, 11, 26)]
    # The account file, relative to the plan, so that the plan can be re-advised.
    assert acc.file is not None and (out.parent / acc.file).resolve() == EXAMPLE_ACCOUNT.resolve()


@pytest.mark.parametrize("lang", ["en", "it"])
def test_new_heads_each_step_with_the_deck_questions(tmp_path: Path, lang: str) -> None:
    text = new(tmp_path, lang).read_text(encoding="utf-8")
    g = guide()
    position = 0
    for step_id, step in g.steps.items():
        heading = f"  # {step.number}. {step.title.get(lang)}"
        assert heading in text
        assert text.index(heading) > position  # in the deck's order
        position = text.index(heading)
        assert text.index(f"\n  {step_id}:", position) > position
    # Every question of the deck, whole, in the plan's language (comments wrap long ones).
    comments = " ".join(line.strip().lstrip("#").strip() for line in text.splitlines() if line.strip().startswith("#"))
    for step in g.steps.values():
        for question in step.questions:
            assert f"- {question.get(lang)}" in comments
    assert ('Cosa "delizia il cliente"?' in comments) == (lang == "it")


def test_new_turns_the_advice_into_candidates(tmp_path: Path) -> None:
    plan = read_plan(new(tmp_path, "en")).plan
    steps = plan.steps
    assert steps.objectives is not None and steps.objectives.objectives is not None
    objectives = {o.id: o for o in steps.objectives.objectives}
    # CONTRACT_EXPIRING: renew before the contract ends on 2027-01-31.
    renew = objectives["O1"]
    assert (renew.metric, renew.baseline, renew.target) == ("renewed contract signed (1 = signed)", 0, 1)
    assert renew.deadline is not None and AS_OF < renew.deadline < dt.date(2027, 1, 31)
    assert renew.notes is not None and renew.notes.startswith("CONTRACT_EXPIRING: ")
    # LOW_SHARE_STRATEGIC: from today's share to the strategic minimum (a ruleset parameter).
    share = objectives["O2"]
    assert (share.baseline, share.target, share.unit, share.horizon) == (0.45, 0.6, "%", "long_term")
    # A key account: grow by 10%.
    assert (objectives["O3"].baseline, objectives["O3"].target) == (1_200_000, 1_320_000)
    assert steps.action_plan is not None and steps.action_plan.actions is not None
    actions = steps.action_plan.actions
    assert [a.objective for a in actions] == ["O1", "O2", None, None]
    # Each decider and influencer gets an action naming them.
    assert [a.contacts for a in actions[2:]] == [["Anna Rossi"], ["Marco Verdi"]]
    # Step 8 carries what the plan checks expect of a strategic investment.
    assert steps.strategy is not None
    assert (steps.strategy.contract, steps.strategy.pricing) == ("full_contract", "value_based")
    assert steps.strategy.summary is not None and "Value based" in steps.strategy.summary
    # The facts: requirements from the choice criteria, the DMU, the competitors; levers as initiatives.
    assert steps.key_factors is not None and steps.key_factors.requirements is not None
    assert [(r.id, r.text) for r in steps.key_factors.requirements] == [("R1", "quality"), ("R2", "delivery")]
    assert steps.decision_process is not None and steps.decision_process.dmu is not None
    assert [m.name for m in steps.decision_process.dmu] == ["Anna Rossi", "Marco Verdi"]
    assert steps.competitors is not None and steps.competitors.competitors is not None
    assert steps.competitors.competitors[0].name == "Bianchi GmbH"
    assert steps.relationship_development is not None and steps.relationship_development.initiatives is not None
    assert steps.relationship_development.initiatives[0].startswith("Personal trust")


def test_new_in_italian_speaks_the_deck(tmp_path: Path) -> None:
    plan = read_plan(new(tmp_path, "it")).plan
    steps = plan.steps
    assert steps.objectives is not None and steps.objectives.objectives is not None
    assert steps.objectives.objectives[0].title == "Rinnovare il contratto prima della scadenza"
    assert steps.strategy is not None and steps.strategy.summary is not None
    assert "Contratto completo per promuovere fiducia e confidenza" in steps.strategy.summary
    assert steps.action_plan is not None and steps.action_plan.actions is not None
    assert steps.action_plan.actions[2].what is not None and "(decisore)" in steps.action_plan.actions[2].what


def test_a_new_plan_is_a_draft_the_checks_complete(tmp_path: Path) -> None:
    # What the facts and the advice give is there; what only the team knows is asked for.
    result = check_plan_file(new(tmp_path, "en"), as_of=AS_OF)
    found = {f.id for f in result.findings}
    assert {"PLAN_NO_OWNER", "OBJECTIVE_NO_OWNER", "ACTION_NO_OWNER", "ACTION_NO_RESOURCES", "DMU_NO_OWNER"} <= found
    assert not found & {"PLAN_STEP_MISSING", "PLAN_NO_OBJECTIVES", "PLAN_NO_ACTIONS", "PLAN_NO_REVIEW"}
    assert not {f for f in found if f.startswith("STRATEGY_") or f in {"DMU_NO_ACTION", "PLAN_STRATEGY_CHANGED"}}
    assert result.advice is not None and result.strategy == "strategic_investment"


def test_a_proactive_maintenance_account_planned_with_a_full_contract_is_flagged(tmp_path: Path) -> None:
    account = tmp_path / "verdi.yaml"
    account.write_text(OPPORTUNITY, encoding="utf-8")
    out = new(tmp_path, "en", account=account)
    plan = read_plan(out).plan
    assert plan.account.strategy == "proactive_maintenance"
    assert plan.steps.strategy is not None
    assert (plan.steps.strategy.contract, plan.steps.strategy.pricing) == ("no_contract", "tactical")
    # No growth objective for a regular account; the over-servicing warning is a candidate.
    assert plan.steps.objectives is not None and plan.steps.objectives.objectives is not None
    assert [o.title for o in plan.steps.objectives.objectives] == [
        "Bring the cost to serve within what the strategy justifies"
    ]
    assert not {f.id for f in check_plan_file(out, as_of=AS_OF).findings if f.id.startswith("STRATEGY_")}
    out.write_text(out.read_text(encoding="utf-8").replace("contract: no_contract", "contract: full_contract"))
    code, stdout, _err = kam("plan", "check", str(out), "--as-of", AS_OF.isoformat(), "--fail-on", "high")
    assert code == 1
    assert "STRATEGY_CONTRACT_CONFLICT" in stdout
    assert (
        "The plan commits to a full contract, but the strategy, Proactive maintenance, calls for no contract" in stdout
    )


def test_new_as_markdown(tmp_path: Path) -> None:
    out = tmp_path / "plan.md"
    code, _o, err = kam("plan", "new", str(EXAMPLE_ACCOUNT), "--as-of", "2026-11-27", "--lang", "it", "--out", str(out))
    assert (code, err) == (0, "")
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Key Account Development Plan: Rossi Meccanica S.p.A. (IT-0042)\n")
    assert "*Key Account* · *Strategic* · *Investimento strategico*" in text
    for step in guide().steps.values():
        assert f"\n## {step.number}. {step.title.it}\n" in text
    assert "> - Chi sono i contatti chiave?" in text
    assert "| O1 | Rinnovare il contratto prima della scadenza | breve termine |" in text
    assert "**Referente interno**" not in text and "Referente interno" in text  # a DMU column


def test_new_picks_one_account_of_several(tmp_path: Path) -> None:
    both = tmp_path / "both.yaml"
    both.write_text(
        "- " + OPPORTUNITY.replace("\n", "\n  ").rstrip() + "\n- {id: X-2, name: Other}\n", encoding="utf-8"
    )
    code, _o, err = kam("plan", "new", str(both))
    assert code == 2 and "holds 2 accounts; a plan is for one: name it with --id" in err
    code, out, err = kam("plan", "new", str(both), "--id", "X-2", "--as-of", "2026-11-27", "--format", "json")
    assert (code, err) == (0, "")
    assert Plan.model_validate_json(out).account.id == "X-2"
    code, _o, err = kam("plan", "new", str(both), "--id", "X-3")
    assert code == 2 and "holds no account with id 'X-3' (it holds IT-0077, X-2)" in err


def test_a_broken_line_of_another_account_does_not_matter_with_id(tmp_path: Path) -> None:
    lines = tmp_path / "accounts.jsonl"
    lines.write_text('{"id": "A1", "name": "Acme"}\n{"id": "A2", "name": \n', encoding="utf-8")
    code, _o, err = kam("plan", "new", str(lines))
    assert code == 2 and f"{lines}:2: IO008 not valid JSON" in err
    code, out, err = kam("plan", "new", str(lines), "--id", "A1", "--format", "json")
    assert (code, err) == (0, "")
    assert Plan.model_validate_json(out).account.name == "Acme"


def test_an_account_with_only_an_id_and_a_name_still_gets_a_plan(tmp_path: Path) -> None:
    plan = new_plan({"id": "A1", "name": "Acme"}, as_of=AS_OF)
    assert plan.account.strategy is None
    assert plan.steps.strategy is not None and plan.steps.strategy.contract is None
    found = {f.id for f in check_plan_file(write_plan(tmp_path, _data(plan)), as_of=AS_OF).findings}
    assert "STRATEGY_UNKNOWN" in found


def _data(plan: Plan) -> dict[str, object]:
    return plan.model_dump(mode="python", exclude_none=True)


texts = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=40)


@settings(max_examples=60, deadline=None)
@given(
    title=texts,
    owner=texts,
    notes=st.sampled_from(["no", "yes", "0039 011", "null", "~", "- x", "a: b", "#hash", "'q'", '"d"', "@at", "*star"]),
    target=st.one_of(st.floats(allow_nan=False, allow_infinity=False, width=32), texts.filter(str.strip)),
    day=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 1, 1)),
)
def test_any_plan_written_as_yaml_reads_back_the_same(
    title: str, owner: str, notes: str, target: float | str, day: dt.date
) -> None:
    plan = Plan(
        kind="plan",
        account={"id": "A1", "name": title.strip() or "Acme"},  # type: ignore[arg-type]
        owner=owner,
        notes=notes,
        reviews=[day, day],
        steps=Steps(
            objectives=Objectives(objectives=[Objective(id="O1", title=title, target=target, deadline=day)]),
            action_plan=ActionPlan(actions=[Action(id="A1", what=notes, resources=[title, owner])]),
        ),
    )
    again, _doc = parse_plan(plan_to_yaml(plan), "p.yaml")
    assert again == plan


def test_texts_with_unicode_line_breaks_read_back_the_same() -> None:
    plan = Plan(kind="plan", account={"id": "A1", "name": "Acme\x85Ltd"}, owner="a\u2028b", notes="x\u2029y")  # type: ignore[arg-type]
    again, _doc = parse_plan(plan_to_yaml(plan), "p.yaml")
    assert again == plan
