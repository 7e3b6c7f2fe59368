"""Every plan check, raising and not raising, through the whole path: a plan file written to
disk, read, flattened, run through the YAML rules, and located in the file."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from kamrules.plan import PlanChecker, check_plan_file
from kamrules.plan.checks import Finding
from kamrules.plan.read import parse_plan
from tests.support import AS_OF
from tests.support.plans import EXAMPLE_PLAN, example, line_of, write_plan

Data = dict[str, Any]
Mutation = Callable[[Data], None]


def steps(d: Data) -> Data:
    return d["steps"]


def objective(d: Data, i: int) -> Data:
    return d["steps"]["objectives"]["objectives"][i]


def action(d: Data, i: int) -> Data:
    return d["steps"]["action_plan"]["actions"][i]


def member(d: Data, i: int) -> Data:
    return d["steps"]["decision_process"]["dmu"][i]


def no_account_file(strategy: str | None, contract: str | None = None, pricing: str | None = None) -> Mutation:
    """The plan holds its own strategy (no account to re-advise) and step 8's commitments."""

    def mutate(d: Data) -> None:
        d["account"].pop("file")
        d["account"]["strategy"] = strategy
        d["steps"]["strategy"]["contract"] = contract
        d["steps"]["strategy"]["pricing"] = pricing

    return mutate


def words(n: int) -> str:
    return " ".join(["word"] * n)


def check(tmp_path: Path, mutate: Mutation | None = None, as_of: dt.date = AS_OF, lang: str = "en") -> list[Finding]:
    data = example()
    if mutate is not None:
        mutate(data)
    return check_plan_file(write_plan(tmp_path, data), as_of=as_of, lang=lang).findings


def ids(findings: list[Finding]) -> set[str]:
    return {f.id for f in findings}


# (finding id, what is changed in the clean example, where the finding must point, its severity)
RAISING: list[tuple[str, Mutation, str, str]] = [
    ("PLAN_STEP_MISSING", lambda d: steps(d).pop("competitors"), "steps", "high"),
    (
        "PLAN_STEP_THIN",
        lambda d: steps(d).update(new_opportunities={"summary": "Later."}),
        "steps.new_opportunities",
        "medium",
    ),
    (
        "PLAN_NO_REQUIREMENTS",
        lambda d: steps(d)["key_factors"].pop("requirements"),
        "steps.key_factors.requirements",
        "medium",
    ),
    ("PLAN_DMU_EMPTY", lambda d: steps(d)["decision_process"].update(dmu=[]), "steps.decision_process.dmu", "high"),
    (
        "PLAN_NO_OBJECTIVES",
        lambda d: steps(d)["objectives"].update(objectives=[]),
        "steps.objectives.objectives",
        "high",
    ),
    ("PLAN_NO_ACTIONS", lambda d: steps(d)["action_plan"].update(actions=[]), "steps.action_plan.actions", "high"),
    (
        "OBJECTIVE_NOT_SPECIFIC",
        lambda d: objective(d, 0).pop("title"),
        "steps.objectives.objectives[0].title",
        "medium",
    ),
    ("OBJECTIVE_NO_METRIC", lambda d: objective(d, 0).pop("metric"), "steps.objectives.objectives[0].metric", "high"),
    ("OBJECTIVE_NO_TARGET", lambda d: objective(d, 1).pop("target"), "steps.objectives.objectives[1].target", "high"),
    (
        "OBJECTIVE_TARGET_NOT_NUMERIC",
        lambda d: objective(d, 2).update(target="a lot more"),
        "steps.objectives.objectives[2].target",
        "high",
    ),
    (
        "OBJECTIVE_NO_BASELINE",
        lambda d: objective(d, 2).pop("baseline"),
        "steps.objectives.objectives[2].baseline",
        "low",
    ),
    (
        "OBJECTIVE_STRETCH",
        lambda d: objective(d, 2).update(target=3_000_001),
        "steps.objectives.objectives[2]",
        "low",
    ),
    (
        "OBJECTIVE_NO_DEADLINE",
        lambda d: objective(d, 1).pop("deadline"),
        "steps.objectives.objectives[1].deadline",
        "high",
    ),
    (
        "OBJECTIVE_DEADLINE_PASSED",
        lambda d: objective(d, 1).update(deadline=AS_OF),
        "steps.objectives.objectives[1].deadline",
        "high",
    ),
    (
        "OBJECTIVE_NO_OWNER",
        lambda d: objective(d, 0).update(owner="  "),
        "steps.objectives.objectives[0].owner",
        "medium",
    ),
    (
        "OBJECTIVE_NO_REQUIREMENT",
        lambda d: objective(d, 0).pop("serves"),
        "steps.objectives.objectives[0].serves",
        "medium",
    ),
    (
        "OBJECTIVE_UNKNOWN_REQUIREMENT",
        lambda d: objective(d, 0).update(serves="R9"),
        "steps.objectives.objectives[0].serves",
        "medium",
    ),
    ("ACTION_NO_WHAT", lambda d: action(d, 1).pop("what"), "steps.action_plan.actions[1].what", "medium"),
    ("ACTION_NO_OWNER", lambda d: action(d, 1).pop("who"), "steps.action_plan.actions[1].who", "medium"),
    ("ACTION_NO_DATE", lambda d: action(d, 1).pop("when"), "steps.action_plan.actions[1].when", "medium"),
    ("ACTION_NO_METHOD", lambda d: action(d, 1).pop("how"), "steps.action_plan.actions[1].how", "medium"),
    (
        "ACTION_NO_RESOURCES",
        lambda d: action(d, 1).update(resources=[]),
        "steps.action_plan.actions[1].resources",
        "medium",
    ),
    (
        "ACTION_OVERDUE",
        lambda d: action(d, 0).update(when=AS_OF - dt.timedelta(days=1)),
        "steps.action_plan.actions[0].when",
        "high",
    ),
    ("ACTION_NO_OBJECTIVE", lambda d: action(d, 2).pop("objective"), "steps.action_plan.actions[2].objective", "low"),
    (
        "ACTION_UNKNOWN_OBJECTIVE",
        lambda d: action(d, 2).update(objective="O9"),
        "steps.action_plan.actions[2].objective",
        "medium",
    ),
    (
        "ACTION_UNKNOWN_CONTACT",
        lambda d: action(d, 2).update(contacts=["Luca Bianchi", "Gianni Neri"]),
        "steps.action_plan.actions[2].contacts",
        "low",
    ),
    ("DMU_NO_OWNER", lambda d: member(d, 1).pop("owner"), "steps.decision_process.dmu[1].owner", "medium"),
    (
        "DMU_NO_ACTION",
        lambda d: [action(d, i).update(contacts=["Anna Rossi"]) for i in (1, 3)],
        "steps.decision_process.dmu[1]",
        "medium",
    ),
    ("DMU_ROLE_UNKNOWN", lambda d: member(d, 2).pop("role"), "steps.decision_process.dmu[2].role", "low"),
    ("STRATEGY_UNKNOWN", no_account_file(None, "full_contract", "value_based"), "account.strategy", "medium"),
    (
        "PLAN_STRATEGY_CHANGED",
        lambda d: d["account"].update(strategy="selective_investment"),
        "account.strategy",
        "medium",
    ),
    (
        "STRATEGY_CONTRACT_CONFLICT",
        no_account_file("proactive_maintenance", "full_contract", "tactical"),
        "steps.strategy.contract",
        "high",
    ),
    (
        "STRATEGY_PRICING_CONFLICT",
        lambda d: steps(d)["strategy"].update(pricing="market_based"),
        "steps.strategy.pricing",
        "medium",
    ),
    ("STRATEGY_CONTRACT_UNSET", lambda d: steps(d)["strategy"].pop("contract"), "steps.strategy.contract", "low"),
    ("STRATEGY_PRICING_UNSET", lambda d: steps(d)["strategy"].pop("pricing"), "steps.strategy.pricing", "low"),
    (
        "PLAN_NO_LONG_TERM_OBJECTIVE",
        lambda d: objective(d, 0).update(horizon="short_term"),
        "steps.objectives.objectives",
        "low",
    ),
    ("PLAN_NO_OWNER", lambda d: d.pop("owner"), "owner", "medium"),
    ("PLAN_NO_REVIEW", lambda d: d.update(reviews=[]), "reviews", "medium"),
    ("PLAN_REVIEW_TOO_FAR", lambda d: d.update(reviews=[AS_OF + dt.timedelta(days=121)]), "reviews", "low"),
    ("PLAN_PERIOD_ENDED", lambda d: d["period"].update(end=AS_OF - dt.timedelta(days=1)), "period.end", "medium"),
]


@pytest.mark.parametrize(("code", "mutate", "path", "severity"), RAISING, ids=[r[0] for r in RAISING])
def test_check_raises(tmp_path: Path, code: str, mutate: Mutation, path: str, severity: str) -> None:
    findings = [f for f in check(tmp_path, mutate) if f.id == code]
    assert findings, f"{code} was not raised"
    finding = findings[0]
    assert finding.path == path
    assert finding.severity == severity
    assert finding.file == str(tmp_path / "plan.yaml")
    assert finding.line is not None
    assert finding.message and "{" not in finding.message  # every placeholder filled


def test_every_check_is_tested() -> None:
    declared = set(PlanChecker.default().rulebase.warning_codes)
    assert declared == {code for code, *_ in RAISING}


def test_the_example_plan_checks_clean(tmp_path: Path) -> None:
    assert check_plan_file(EXAMPLE_PLAN, as_of=AS_OF).findings == []
    assert check(tmp_path) == []  # and so does its copy, on which the other tests build


# (what is changed, the finding that must not be raised): near misses of each boundary.
NOT_RAISING: list[tuple[str, Mutation, str]] = [
    (
        "fifteen words are substantive",
        lambda d: steps(d).update(new_opportunities={"summary": words(15)}),
        "PLAN_STEP_THIN",
    ),
    (
        "notes are not substance, but everything else counts",
        lambda d: steps(d).update(new_opportunities={"opportunities": [words(10), words(5)], "notes": "x"}),
        "PLAN_STEP_THIN",
    ),
    (
        "a deadline tomorrow",
        lambda d: objective(d, 1).update(deadline=AS_OF + dt.timedelta(days=1)),
        "OBJECTIVE_DEADLINE_PASSED",
    ),
    (
        "an achieved objective's deadline may be past",
        lambda d: objective(d, 1).update(deadline=AS_OF - dt.timedelta(days=30), status="achieved"),
        "OBJECTIVE_DEADLINE_PASSED",
    ),
    (
        "a dropped objective is not checked",
        lambda d: objective(d, 1).update(status="dropped", owner=None, metric=None, target="?", deadline=None),
        "OBJECTIVE_NO_OWNER",
    ),
    ("a target of twice the baseline", lambda d: objective(d, 2).update(target=2_400_000), "OBJECTIVE_STRETCH"),
    ("a percentage target is a number", lambda d: objective(d, 0).update(target="60%"), "OBJECTIVE_TARGET_NOT_NUMERIC"),
    ("an action due today", lambda d: action(d, 0).update(when=AS_OF), "ACTION_OVERDUE"),
    (
        "a done action may be past its date",
        lambda d: action(d, 0).update(when=AS_OF - dt.timedelta(days=10), status="done"),
        "ACTION_OVERDUE",
    ),
    (
        "a cancelled action is not checked",
        lambda d: action(d, 1).update(status="cancelled", who=None, how=None, resources=None),
        "ACTION_NO_OWNER",
    ),
    ("one resource is enough", lambda d: action(d, 1).update(resources="Two engineers"), "ACTION_NO_RESOURCES"),
    (
        "DMU names match whatever their case",
        lambda d: [action(d, i).update(contacts=["MARCO VERDI"]) for i in (1, 3)],
        "DMU_NO_ACTION",
    ),
    (
        "a user of the product needs no owner or action",
        lambda d: steps(d)["decision_process"]["dmu"].append({"name": "Ida Fontana", "role": "user"}),
        "DMU_NO_ACTION",
    ),
    ("a review today is the next review", lambda d: d.update(reviews=[AS_OF]), "PLAN_NO_REVIEW"),
    (
        "the next review in 120 days",
        lambda d: d.update(reviews=[AS_OF + dt.timedelta(days=120)]),
        "PLAN_REVIEW_TOO_FAR",
    ),
    ("a period ending today", lambda d: d["period"].update(end=AS_OF), "PLAN_PERIOD_ENDED"),
    (
        "proactive maintenance with no contract",
        no_account_file("proactive_maintenance", "no_contract", "tactical"),
        "STRATEGY_CONTRACT_CONFLICT",
    ),
    (
        "proactive maintenance needs no long-term objective",
        lambda d: (
            no_account_file("proactive_maintenance", "no_contract", "tactical")(d),
            objective(d, 0).update(horizon="short_term"),
        ),
        "PLAN_NO_LONG_TERM_OBJECTIVE",
    ),
    (
        "a plan holding its own strategy",
        no_account_file("strategic_investment", "full_contract", "value_based"),
        "STRATEGY_UNKNOWN",
    ),
]


@pytest.mark.parametrize(("mutate", "code"), [n[1:] for n in NOT_RAISING], ids=[n[0] for n in NOT_RAISING])
def test_check_does_not_raise(tmp_path: Path, mutate: Mutation, code: str) -> None:
    assert code not in ids(check(tmp_path, mutate))


def test_a_full_contract_for_proactive_maintenance_is_high_and_other_conflicts_medium(tmp_path: Path) -> None:
    (high,) = [f for f in check(tmp_path, no_account_file("proactive_maintenance", "full_contract", "tactical"))]
    assert (high.id, high.severity) == ("STRATEGY_CONTRACT_CONFLICT", "high")
    assert "full contract" in high.message and "Proactive maintenance" in high.message
    (medium,) = check(tmp_path, no_account_file("strategic_investment", "letter_of_intent", "value_based"))
    assert (medium.id, medium.severity) == ("STRATEGY_CONTRACT_CONFLICT", "medium")


def test_a_done_action_does_not_cover_a_dmu_member(tmp_path: Path) -> None:
    def mutate(d: Data) -> None:
        for i in (1, 3):
            action(d, i).update(contacts=["Anna Rossi"])
        action(d, 2).update(contacts=["Marco Verdi"], status="done")

    assert "DMU_NO_ACTION" in ids(check(tmp_path, mutate))


def test_the_advised_strategy_is_what_the_plan_is_held_to(tmp_path: Path) -> None:
    # The plan says proactive maintenance; the account file, re-advised, says strategic investment.
    def mutate(d: Data) -> None:
        d["account"]["strategy"] = "proactive_maintenance"

    found = check(tmp_path, mutate)
    assert ids(found) == {"PLAN_STRATEGY_CHANGED"}
    assert "Proactive maintenance" in found[0].message and "Strategic investment" in found[0].message


def test_findings_point_at_the_lines_of_the_example(tmp_path: Path) -> None:
    # Six weeks on, the renewal action is overdue and the renewal objective's deadline has come.
    later = dt.date(2027, 1, 15)
    found = {f.id: f for f in check_plan_file(EXAMPLE_PLAN, as_of=later).findings}
    assert set(found) == {"ACTION_OVERDUE", "OBJECTIVE_DEADLINE_PASSED"}
    assert found["ACTION_OVERDUE"].line == line_of(EXAMPLE_PLAN, "when: 2026-12-11")
    assert found["OBJECTIVE_DEADLINE_PASSED"].line == line_of(EXAMPLE_PLAN, "deadline: 2027-01-15")
    assert found["ACTION_OVERDUE"].subject == "action A1"


def test_messages_are_in_italian(tmp_path: Path) -> None:
    found = check(tmp_path, lambda d: objective(d, 1).update(deadline=AS_OF), lang="it")
    assert [f.message for f in found] == [
        "L'obiettivo O2 è ancora aperto e la sua scadenza, 27/11/2026, non è successiva al 27/11/2026: "
        "segnarlo come raggiunto o mancato, o fissare una nuova scadenza."
    ]
    assert found[0].title == "Scadenza dell'obiettivo superata"


def test_every_message_has_both_languages() -> None:
    rb = PlanChecker.default().rulebase
    for rule in rb.rules:
        assert rule.warn is not None
        assert rule.warn.message.missing_langs() == [], rule.id
    for code in rb.warning_codes.values():
        assert code.title.missing_langs() == [], code.code


def test_strategy_unknown_says_the_advice_cannot_decide_and_which_facts_it_lacks(tmp_path: Path) -> None:
    # The plan names its account file, but the account (an id and a name) is too thin for the
    # advice to decide a strategy: the finding must say so, not that no file was named.
    from kamrules.plan import new_plan
    from kamrules.plan.emit import plan_to_yaml

    (tmp_path / "min.yaml").write_text("id: M1\nname: Minimal Srl\n", encoding="utf-8")
    plan = new_plan({"id": "M1", "name": "Minimal Srl"}, as_of=AS_OF, account_file="min.yaml")
    path = tmp_path / "min.plan.yaml"
    path.write_text(plan_to_yaml(plan, drafted_on=AS_OF.isoformat()), encoding="utf-8")
    for lang, says, lacks in (
        ("en", "The account's advice cannot decide a strategy", "missing facts that would decide it: "),
        ("it", "Il consiglio sull'account non può decidere una strategia", "mancano i fatti che la deciderebbero: "),
    ):
        (finding,) = [f for f in check_plan_file(path, as_of=AS_OF, lang=lang).findings if f.id == "STRATEGY_UNKNOWN"]
        assert finding.message.startswith(says), finding.message
        assert lacks in finding.message and "assessment.profile" in finding.message
        assert "relationship.stage" in finding.message
        assert "no account file" not in finding.message and "file dell'account da valutare" not in finding.message
        assert (finding.rule, finding.path, finding.severity) == (
            "strategy_undecided_missing_facts",
            "account.file",
            "medium",
        )
        assert finding.line == line_of(path, "file: min.yaml")


def test_strategy_unknown_without_an_account_file_keeps_its_message(tmp_path: Path) -> None:
    (finding,) = [f for f in check(tmp_path, no_account_file(None)) if f.id == "STRATEGY_UNKNOWN"]
    assert finding.rule == "strategy_unknown"
    assert finding.message.startswith("The plan names no strategy (account.strategy) and no account file")


def test_strategy_unknown_when_the_advice_is_undecided_for_no_missing_fact(tmp_path: Path) -> None:
    # A conflict of the rules, not a missing fact, leaves the strategy undecided: no facts to name.
    data = example()
    no_account_file(None)(data)
    plan, document = parse_plan(yaml.safe_dump(data, sort_keys=False), "plan.yaml")
    for lang, says in (("en", "kam advise on the account file says why"), ("it", "kam advise sul file")):
        found = PlanChecker.default().check(plan, as_of=AS_OF, lang=lang, document=document, advised=True)
        (finding,) = [f for f in found if f.id == "STRATEGY_UNKNOWN"]
        assert finding.rule == "strategy_undecided" and says in finding.message
    # And a decided advice raises no STRATEGY_UNKNOWN at all.
    found = PlanChecker.default().check(
        plan, as_of=AS_OF, document=document, advised=True, advised_strategy="strategic_investment"
    )
    assert "STRATEGY_UNKNOWN" not in ids(found)
