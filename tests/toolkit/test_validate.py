"""`kam rules validate`: every load-time check, every problem in one run, each located."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kamrules.language.load import load_rulebase
from kamrules.toolkit.folders import folders_for
from kamrules.toolkit.validation import validate
from tests.support import kam, write

RULESET_WITH_MISTAKES = """
    kind: ruleset
    id: extra
    stage: advice
    warnings:
      MY_CODE:
        severity: medium
        title: {en: "Mine", it: "Mio"}
    rules:
      - id: one
        when:
          relationship.stag: basic
        then:
          warn: {code: MY_CODE, message: {en: "x", it: "y"}}
      - id: two
        when:
          tier: key_account
        then:
          warm: {code: MY_CODE, message: "x"}
      - id: three
        when:
          profile: strategc
        then:
          warn: {code: MY_COD, message: "x"}
"""

OVERRIDES_WITH_MISTAKES = """
    kind: overrides
    parameters:
      contract_notice_day: 120
      strategic_min_share: 160
"""

CASES_WITH_MISTAKES = """
    kind: tests
    as_of: 2026-11-27
    cases:
      - id: my_case
        facts: {id: A, name: A, business: {revenue: -5}}
        expect: {tier: key_acount, warnings: [CONTRACT_EXPIRNG], levers: [trust]}
      - id: my_case
        facts: {id: B, name: B}
        expect: {facts: {scores.atractiveness: 5}}
"""


def test_the_builtin_knowledge_validates() -> None:
    ran = kam("rules", "validate")
    assert ran.exit_code == 0
    assert ran.stdout.startswith("ok: kamrules-builtin ")
    assert "test cases" in ran.stdout


def test_every_problem_of_every_file_in_one_run(tmp_path: Path) -> None:
    write(tmp_path, "extra.yaml", RULESET_WITH_MISTAKES)
    write(tmp_path, "overrides.yaml", OVERRIDES_WITH_MISTAKES)
    write(tmp_path, "tests/cases.yaml", CASES_WITH_MISTAKES)
    ran = kam("rules", "validate", tmp_path)
    assert ran.exit_code == 2
    d = str(tmp_path)
    assert ran.stdout.splitlines() == [
        f"{d}/extra.yaml:11:26: KR013 unknown fact 'relationship.stag' (did you mean relationship.stage?)",
        f"{d}/extra.yaml:18:13: KR1001 unknown field 'warm'; allowed here: set, append, warn, levers "
        "(did you mean warn?)",
        f"{d}/extra.yaml:21:16: KR022 'strategc' is not a value of profile; its values are strategic, status, "
        "star, opportunity (did you mean strategic?)",
        f"{d}/extra.yaml:23:20: KR039 warning code 'MY_COD' is not declared (declare it under warnings: in a "
        "ruleset) (did you mean MY_CODE?)",
        f"{d}/overrides.yaml:3:24: KR025 unknown parameter 'contract_notice_day' (did you mean contract_notice_days?)",
        f"{d}/overrides.yaml:4:24: KR024 parameter strategic_min_share: a fraction is between 0 and 1, found 160",
        f"{d}/tests/cases.yaml:5:49: KR201 facts.business.revenue: -5 is not valid: the least it can be is 0",
        f"{d}/tests/cases.yaml:6:20: KR202 'key_acount' is not a value of tier; its values are key_account, "
        "potential_key_account, important_account, regular_account (did you mean key_account?)",
        f"{d}/tests/cases.yaml:6:43: KR203 unknown warning code 'CONTRACT_EXPIRNG' (did you mean CONTRACT_EXPIRING?)",
        f"{d}/tests/cases.yaml:6:71: KR204 unknown lever 'trust'",
        f"{d}/tests/cases.yaml:7:9: KR206 test case id 'my_case' is already used at {d}/tests/cases.yaml:4:9",
        f"{d}/tests/cases.yaml:9:44: KR205 unknown derived fact 'scores.atractiveness' "
        "(did you mean scores.attractiveness?)",
        "12 problem(s) in 3 file(s)",
    ]


def test_problems_in_salvaged_files_name_the_key_path_the_user_wrote(tmp_path: Path) -> None:
    write(tmp_path, "extra.yaml", RULESET_WITH_MISTAKES)
    result = validate(folders_for([tmp_path]))
    paths = {p.code: p.location.path for p in result.problems}
    # Rule two failed the schema and was set aside; rule three is still rules[2], not rules[1].
    assert paths["KR1001"] == "rules[1].then.warm"
    assert paths["KR022"] == "rules[2].when.profile"
    assert paths["KR039"] == "rules[2].then.warn.code"


def test_json_output(tmp_path: Path) -> None:
    write(tmp_path, "overrides.yaml", OVERRIDES_WITH_MISTAKES)
    ran = kam("rules", "validate", tmp_path, "--format", "json")
    assert ran.exit_code == 2
    data = json.loads(ran.stdout)
    assert data["ok"] is False
    first = data["problems"][0]
    assert first["code"] == "KR025"
    assert first["line"] == 3
    assert first["suggestion"] == "contract_notice_days"
    assert first["path"] == "parameters.contract_notice_day"


def test_a_file_that_is_not_yaml_stops_before_linking(tmp_path: Path) -> None:
    write(tmp_path, "broken.yaml", "kind: ruleset\nid: [unclosed\n")
    ran = kam("rules", "validate", tmp_path)
    assert ran.exit_code == 2
    lines = ran.stdout.splitlines()
    assert lines[0].startswith(f"{tmp_path}/broken.yaml:3:1: YAML000 not valid YAML")
    assert lines[-1] == "1 problem(s) in 1 file(s)"


def test_a_folder_alone_needs_a_manifest(tmp_path: Path) -> None:
    write(tmp_path, "overrides.yaml", "kind: overrides\nparameters: {contract_notice_days: 120}\n")
    assert kam("rules", "validate", tmp_path).exit_code == 0
    ran = kam("rules", "validate", tmp_path, "--no-builtin")
    assert ran.exit_code == 2
    assert "KR004 no manifest" in ran.stdout


def test_a_test_case_can_be_disabled_like_a_rule(tmp_path: Path) -> None:
    write(tmp_path, "overrides.yaml", "kind: overrides\ndisable: [contract_not_expiring_on_day_91]\n")
    rb = load_rulebase([tmp_path])
    ids = {case.id for case in rb.tests}
    assert "contract_not_expiring_on_day_91" not in ids
    assert "contract_expiring_key_account_last_day" in ids


def test_disabling_an_unknown_test_case_suggests_the_right_one(tmp_path: Path) -> None:
    write(tmp_path, "overrides.yaml", "kind: overrides\ndisable: [contract_not_expiring_on_day_19]\n")
    result = validate(folders_for([tmp_path]))
    (problem,) = result.problems
    assert problem.code == "KR008"
    assert problem.suggestion == "contract_not_expiring_on_day_91"


def test_several_items_set_aside_in_one_list_keep_the_lines_after_them(tmp_path: Path) -> None:
    write(
        tmp_path,
        "extra.yaml",
        """
        kind: ruleset
        id: extra
        stage: advice
        rules:
          - id: bad_one
            when: {tier: key_account}
            then: {sett: {}}
          - id: bad_two
            whem: {tier: key_account}
            then: {levers: [{id: personal_trust, why: {en: x, it: y}}]}
          - id: fine_but_misspelled
            when: {relationship.loyalti: high}
            then: {levers: [{id: personal_trust, why: {en: x, it: y}}]}
        """,
    )
    problems = validate(folders_for([tmp_path])).problems
    assert [(p.code, p.location.line, p.location.path) for p in problems] == [
        ("KR1001", 7, "rules[0].then.sett"),
        ("KR1002", 8, "rules[1].when"),
        ("KR1001", 9, "rules[1].whem"),
        ("KR013", 12, "rules[2].when.relationship.loyalti"),
    ]


def test_a_wrong_choice_in_an_override_is_reported_once_at_the_override(tmp_path: Path) -> None:
    write(tmp_path, "overrides.yaml", "kind: overrides\nparameters:\n  key_tiers: [key_account, bogus_tier]\n")
    ran = kam("rules", "validate", tmp_path)
    assert ran.exit_code == 2
    assert ran.stdout.splitlines() == [
        f"{tmp_path}/overrides.yaml:3:28: KR024 parameter key_tiers: 'bogus_tier' is not one of its values "
        "(key_account, potential_key_account, important_account, regular_account)",
        "1 problem(s) in 1 file(s)",
    ]
    assert "<builtin>" not in ran.stdout


def test_a_misspelt_choice_in_an_override_gets_a_suggestion(tmp_path: Path) -> None:
    write(tmp_path, "overrides.yaml", "kind: overrides\nparameters:\n  key_tiers: key_acount\n")
    (problem,) = validate(folders_for([tmp_path])).problems
    assert problem.code == "KR024"
    assert problem.location.file == f"{tmp_path}/overrides.yaml"
    assert (problem.location.line, problem.location.column) == (3, 14)
    assert problem.suggestion == "key_account"


def test_a_right_choice_in_an_override_is_applied(tmp_path: Path) -> None:
    write(tmp_path, "overrides.yaml", "kind: overrides\nparameters:\n  key_tiers: [key_account, important_account]\n")
    rb = load_rulebase([tmp_path])
    assert rb.params["key_tiers"].value == ["key_account", "important_account"]


SETS_OF_THE_WRONG_TYPE = """
    kind: ruleset
    id: extra
    stage: advice
    parameters:
      launch: {type: date, value: 2027-01-01}
    derives:
      my.date: {type: date}
      my.later: {type: date}
      my.text: {type: text}
      my.flag: {type: boolean}
      my.share: {type: number, minimum: 0, maximum: 1}
      my.level: {type: choice, values: [a, b]}
      my.tags: {type: list, values: [a, b]}
    rules:
      - id: wrong
        when: {tier: key_account}
        then: {set: {my.date: 5, my.text: 7, my.flag: "yes", my.share: 3, my.level: c, my.tags: a}}
      - id: right
        when: {tier: key_account}
        then: {set: {my.later: launch, my.flag: true, my.share: 0.5, my.level: a}}
"""


def test_a_rule_setting_a_value_of_the_wrong_type_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "extra.yaml", SETS_OF_THE_WRONG_TYPE)
    problems = validate(folders_for([tmp_path])).problems
    found = [(p.code, p.location.path, p.message) for p in problems]
    assert found == [
        ("KR028", "rules[0].then.set.my.date", "my.date is a date; found 5 (write YYYY-MM-DD or a date parameter)"),
        ("KR028", "rules[0].then.set.my.text", "my.text is a text; found 7 (quote it to mean the text)"),
        ("KR028", "rules[0].then.set.my.flag", "my.flag is true or false; found 'yes'"),
        ("KR028", "rules[0].then.set.my.share", "my.share is a number from 0 to 1; found 3"),
        ("KR028", "rules[0].then.set.my.level", "'c' is not a value of my.level; its values are a, b"),
        ("KR028", "rules[0].then.set.my.tags", "my.tags is a list: add values to it with append:"),
    ]


def test_a_date_fact_may_be_set_to_a_date_or_a_date_parameter(tmp_path: Path) -> None:
    write(tmp_path, "extra.yaml", SETS_OF_THE_WRONG_TYPE.replace("my.date: 5, ", "my.date: 2027-03-01, "))
    codes = [p.location.path for p in validate(folders_for([tmp_path])).problems]
    assert "rules[0].then.set.my.date" not in codes
    assert not any(c.startswith("rules[1]") for c in codes)


def _warning_with_message(folder: Path, en: str, it: str) -> None:
    """A ruleset whose one rule raises a warning with these messages (on line 9 of the file)."""
    write(
        folder,
        "extra.yaml",
        f"""
        kind: ruleset
        id: extra
        stage: advice
        warnings:
          MINE: {{severity: low, title: {{en: t, it: t}}}}
        rules:
          - id: mine
            when: {{tier: key_account}}
            then: {{warn: {{code: MINE, message: {{en: "{en}", it: "{it}"}}}}}}
        """,
    )


@pytest.mark.parametrize(
    ("placeholder", "words"),
    [
        ("{business.revenue:days}", "business.revenue is a number of at least 0, and :days prints the days"),
        ("{dmu.critics:%}", "dmu.critics is a whole number (a count)"),
        ("{name:money}", "name is a text, and :money prints a number as an amount; write it with no format"),
        ("{tier:%}", "tier is one of key_account"),
        (
            "{business.contract_end:money}",
            "business.contract_end is a date, and :money prints a number as an amount; formats that fit: :days",
        ),
        ("{scores.attractiveness:%}", "(a score, not a fraction)"),
        ("{contract_notice_days:days}", "contract_notice_days is a days parameter"),
        (
            "{key_tiers:money}",
            "key_tiers is a choice parameter, and :money prints a number as an amount; formats that fit: :list",
        ),
    ],
)
def test_a_placeholder_format_must_fit_the_type(tmp_path: Path, placeholder: str, words: str) -> None:
    _warning_with_message(tmp_path, f"x {placeholder}", "ok")
    (problem,) = validate(folders_for([tmp_path])).problems
    assert problem.code == "KR042"
    assert problem.location.path == "rules[0].then.warn.message.en"
    assert (problem.location.line, problem.location.column) == (9, 45)
    assert placeholder in problem.message and words in problem.message


def test_placeholder_formats_that_fit_are_accepted(tmp_path: Path) -> None:
    fine = (
        "{business.share_of_wallet:%} {business.growth_rate:%} {dmu.critics:int} {business.revenue:money} "
        "{business.contract_end:days} {relationship.dmu:list} {key_tiers:list} {strategic_min_share:%} "
        "{contract_notice_days:int} {ratios.cost_to_serve:%}"
    )
    _warning_with_message(tmp_path, fine, fine)
    assert validate(folders_for([tmp_path])).problems == ()


# Nested rule bases: the plan checks and the portfolio's rules read other facts than an account's.


@pytest.mark.parametrize(
    "sub, name",
    [("plan", "kamrules-plan"), ("portfolio", "kamrules-portfolio"), ("portfolio/sectors", "kamrules-sectors")],
)
def test_a_nested_built_in_rule_base_validates_with_its_own_facts(sub: str, name: str) -> None:
    from kamrules.builtin import builtin_dirs

    folder = builtin_dirs()[0] / sub
    ran = kam("rules", "validate", str(folder))
    assert ran.exit_code == 0, ran.stderr
    assert ran.stdout.startswith(f"ok: {name} ")
    assert kam("rules", "validate", "--no-builtin", str(folder)).exit_code == 0


def test_a_users_plan_checks_are_validated_on_the_built_in_ones(tmp_path: Path) -> None:
    plan = tmp_path / "plan"
    write(plan, "kamrules.yaml", 'kind: manifest\nname: my-plan\nversion: "1"\nextends: builtin\ninput: plan\n')
    write(plan, "o.yaml", "kind: overrides\nparameters:\n  max_review_gap_dayz: 100\n")
    ran = kam("rules", "validate", str(plan))
    assert ran.exit_code == 2
    assert f"{plan}/o.yaml:3:24: KR025" in ran.stdout + ran.stderr
    assert "max_review_gap_days" in ran.stdout + ran.stderr  # did you mean, from the built-in plan checks
    write(plan, "o.yaml", "kind: overrides\nparameters:\n  max_review_gap_days: 100\n")
    assert kam("rules", "validate", str(plan)).exit_code == 0


@pytest.mark.parametrize("command", [("test",), ("lint",), ("diff",)])
def test_test_lint_and_diff_say_they_work_on_account_rules(command: tuple[str, ...]) -> None:
    from kamrules.builtin import builtin_dirs

    ran = kam("rules", *command, str(builtin_dirs()[0] / "plan"))
    assert ran.exit_code == 2
    assert "this rule base reads plan facts" in ran.stderr and "kam plan check --rules" in ran.stderr


def test_a_fraction_parameter_written_as_a_percentage_over_100_gets_no_misleading_hint() -> None:
    from kamrules.language.link.parameters import check_param_value

    assert check_param_value("fraction", "160%", None) == (None, "a fraction is between 0 and 1, found '160%'")
    assert check_param_value("fraction", 45, None)[1] == "a fraction is between 0 and 1, found 45 (write 0.45 or '45%')"
    assert check_param_value("fraction", "45%", None) == (0.45, None)


def test_validating_a_rules_folder_checks_the_plan_checks_it_holds(tmp_path: Path) -> None:
    rules = tmp_path / "my-rules"
    write(
        rules / "plan", "kamrules.yaml", 'kind: manifest\nname: my-plan\nversion: "1"\nextends: builtin\ninput: plan\n'
    )
    write(rules / "plan", "o.yaml", "kind: overrides\nparameters:\n  max_strech: 3\n")
    ran = kam("rules", "validate", str(rules))
    assert ran.exit_code == 2
    assert f"{rules}/plan/o.yaml:3:15: KR025 unknown parameter 'max_strech' (did you mean max_stretch?)" in ran.stdout
    write(rules / "plan", "o.yaml", "kind: overrides\nparameters:\n  max_stretch: 3\n")
    ran = kam("rules", "validate", str(rules))
    assert ran.exit_code == 0, ran.stdout
    assert ran.stdout.splitlines()[-1].endswith(f"({rules}/plan)")


def test_a_misspelt_input_is_named_with_the_inputs_there_are(tmp_path: Path) -> None:
    plan = tmp_path / "plan"
    write(plan, "kamrules.yaml", 'kind: manifest\nname: my-plan\nversion: "1"\nextends: builtin\ninput: plans\n')
    ran = kam("rules", "validate", str(plan))
    assert ran.exit_code == 2
    assert (
        "KR004 unknown input 'plans'; a rule base reads one of account, plan, portfolio_account, sector, portfolio"
        in ran.stdout
    )
    assert "(did you mean plan?)" in ran.stdout


def test_a_missing_field_is_named_in_the_text_report(tmp_path: Path) -> None:
    write(tmp_path / "r", "x.yaml", "kind: ruleset\nid: x\n")
    ran = kam("rules", "validate", str(tmp_path / "r"))
    assert ran.exit_code == 2
    assert f"{tmp_path}/r/x.yaml:1:1: KR1002 stage: is required but missing" in ran.stdout
