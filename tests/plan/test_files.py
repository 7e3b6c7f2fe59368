"""Plan files that cannot be read: exit code 2, a message naming the file, the line and the
field, and never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from kamrules.errors import KamError
from kamrules.plan import PlanFileError, parse_plan
from tests.support import EXAMPLES, kam
from tests.support.plans import EXAMPLE_ACCOUNT, EXAMPLE_PLAN


def bad(tmp_path: Path, text: str) -> tuple[int, str]:
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    code, out, err = kam("plan", "check", str(path), "--as-of", "2026-11-27")
    assert "Traceback" not in out + err
    return code, err.replace(str(path), "plan.yaml")


HEAD = "kind: plan\naccount: {id: A1, name: Acme}\n"

CASES = [
    ("not YAML", "kind: plan\naccount: [id: A1\n", "plan.yaml:3:1: YAML000 not valid YAML"),
    ("not a mapping", "- kind: plan\n", "plan.yaml:1:1: PLAN004 a plan is a YAML mapping that starts with kind: plan"),
    ("an account", "id: A1\nname: Acme\n", "plan.yaml:1:1: PLAN004 this looks like an account, not a plan"),
    ("no kind", "account: {id: A1, name: Acme}\n", "plan.yaml:1:1: kind: PLAN002 is required but missing"),
    (
        "an unknown field",
        HEAD + "ownr: Giulia\n",
        "plan.yaml:3:7: ownr: PLAN001 unknown field 'ownr'; allowed here: kind, lang, account, owner, team, period, "
        "reviews, steps, notes (did you mean owner?)",
    ),
    (
        "an unknown step",
        HEAD + "steps:\n  objectifs: {summary: x}\n",
        "plan.yaml:4:14: steps.objectifs: PLAN001 unknown field 'objectifs'; allowed here: customer_profile, "
        "current_relationship, key_factors, decision_process, new_opportunities, competitors, objectives, strategy, "
        "action_plan, relationship_development (did you mean objectives?)",
    ),
    (
        "a date that is not a date",
        HEAD + "steps:\n  objectives:\n    objectives:\n      - {id: O1, deadline: next year}\n",
        "plan.yaml:6:28: steps.objectives.objectives[0].deadline: PLAN005 'next year' is not valid: expected a date "
        "written YYYY-MM-DD",
    ),
    (
        "a status that does not exist",
        HEAD + "steps:\n  action_plan:\n    actions:\n      - {id: A1, status: finished}\n",
        "plan.yaml:6:26: steps.action_plan.actions[0].status: PLAN003 'finished' is not one of the allowed values: "
        "planned, in_progress, done, cancelled",
    ),
    (
        "a baseline that is not a number",
        HEAD + "steps:\n  objectives:\n    objectives:\n      - {id: O1, baseline: low}\n",
        "plan.yaml:6:28: steps.objectives.objectives[0].baseline: PLAN005 'low' is not valid",
    ),
    (
        "a contract the deck does not know",
        HEAD + "steps:\n  strategy: {contract: handshake}\n",
        "plan.yaml:4:24: steps.strategy.contract: PLAN003 'handshake' is not one of the allowed values: "
        "full_contract, letter_of_intent, no_contract",
    ),
    (
        "two objectives with one id",
        HEAD + "steps:\n  objectives:\n    objectives:\n      - {id: O1}\n      - {id: o1}\n",
        "plan.yaml:7:14: steps.objectives.objectives[1].id: PLAN006 the objective 'o1' appears twice "
        "(first at line 6); each needs its own id",
    ),
    (
        "an id with a space",
        HEAD + "steps:\n  action_plan:\n    actions:\n      - {id: A 1}\n",
        "plan.yaml:6:14: steps.action_plan.actions[0].id: PLAN005 'A 1' is not valid: expected an id",
    ),
    (
        "a missing account file",
        "kind: plan\naccount: {id: A1, name: Acme, file: nowhere.yaml}\n",
        "plan.yaml:2:37: account.file: PLAN008 the account file 'nowhere.yaml' does not exist",
    ),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_a_bad_plan_exits_2_with_a_located_message(tmp_path: Path, text: str, expected: str) -> None:
    code, err = bad(tmp_path, text)
    assert code == 2
    assert expected in err


def test_a_missing_plan_file(tmp_path: Path) -> None:
    code, _out, err = kam("plan", "check", str(tmp_path / "nowhere.yaml"))
    assert code == 2
    assert f"{tmp_path / 'nowhere.yaml'}: IO001 no such file" in err


def test_an_account_file_for_another_account(tmp_path: Path) -> None:
    code, _out, err = kam("plan", "check", str(EXAMPLE_PLAN), "--account", str(tmp_path / "x.yaml"))
    assert code == 2 and "IO001 no such file" in err
    other = tmp_path / "other.yaml"
    other.write_text("id: XX-1\nname: Other\n", encoding="utf-8")
    code, _out, err = kam("plan", "check", str(EXAMPLE_PLAN), "--account", str(other))
    assert code == 2
    assert "PLAN007" in err and "holds no account with id 'IT-0042' (it holds XX-1)" in err


def test_a_bad_account_file_is_located(tmp_path: Path) -> None:
    account = tmp_path / "account.yaml"
    account.write_text(
        EXAMPLE_ACCOUNT.read_text(encoding="utf-8").replace("share_of_wallet: 0.45", "share_of_wallet: 1.4")
    )
    code, _out, err = kam("plan", "new", str(account))
    assert code == 2
    assert f"{account}:" in err and "business.share_of_wallet" in err and "Traceback" not in err


def test_several_problems_are_all_reported(tmp_path: Path) -> None:
    code, err = bad(tmp_path, HEAD + "owner: [a, b]\nlang: fr\n")
    assert code == 2
    assert "plan.yaml:3:8: owner: PLAN005" in err
    assert "plan.yaml:4:7: lang: PLAN003 'fr' is not one of the allowed values: en, it" in err


def test_parse_plan_raises_a_kam_error() -> None:
    with pytest.raises(PlanFileError) as caught:
        parse_plan("kind: plan\n", "p.yaml")
    assert caught.value.exit_code == 2
    assert "p.yaml:1:1: account: PLAN002 is required but missing" in caught.value.render()


@pytest.mark.parametrize("command", ["check", "report"])
def test_a_markdown_plan_is_for_reading(tmp_path: Path, command: str) -> None:
    # kam plan new --out s.md writes Markdown, as documented; reading it back must say so, not
    # report the YAML error its asterisks make (YAML005 unknown alias *Key).
    page = tmp_path / "s.md"
    code, _out, err = kam("plan", "new", str(EXAMPLES / "accounts" / "strategic.yaml"), "--out", str(page))
    assert (code, err) == (0, "")
    code, out, err = kam("plan", command, str(page))
    assert (code, out) == (2, "")
    assert f"{page}: PLAN009 this is a Markdown plan, which is for reading: check or report the YAML plan" in err
    assert "--out plan.yaml" in err and "YAML005" not in err and "Traceback" not in err
    # Whatever its name, or on standard input.
    renamed = tmp_path / "s.txt"
    renamed.write_text(page.read_text(encoding="utf-8"), encoding="utf-8")
    code, _out, err = kam("plan", command, str(renamed))
    assert code == 2 and f"{renamed}: PLAN009" in err


def test_a_broken_yaml_plan_is_not_taken_for_markdown() -> None:
    # The YAML plan kam writes opens with a Markdown-like comment; it is still a YAML plan.
    with pytest.raises(KamError) as caught:
        parse_plan("# Key Account Development Plan: Acme (A1)\n## notes\nkind: plan\naccount: [id\n", "p.yaml")
    assert "YAML000" in caught.value.render() and "PLAN009" not in caught.value.render()
