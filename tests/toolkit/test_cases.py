"""`kam rules test`: cases in YAML, expected against actual, coverage, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from kamrules import Engine
from tests.support import kam, write

KEY_ACCOUNT = "{id: A, name: Acme, assessment: {current_contribution: 8, potential_contribution: 9}}"

CASES = f"""
    kind: tests
    as_of: 2026-11-27
    cases:
      - id: mine_passes
        description: {{en: "A key account.", it: "Un Key Account."}}
        facts: {KEY_ACCOUNT}
        expect: {{tier: key_account, warnings: [DMU_UNMAPPED]}}
      - id: mine_fails
        description: {{en: "Wrongly expected important.", it: "Atteso per errore important."}}
        facts: {KEY_ACCOUNT}
        expect: {{tier: important_account, not_warnings: [DMU_UNMAPPED], levers: [risk_reduction]}}
"""


def test_failures_show_expected_against_actual(tmp_path: Path) -> None:
    write(tmp_path, "cases.yaml", CASES)
    ran = kam("rules", "test", tmp_path, "-k", "mine_*")
    assert ran.exit_code == 1
    lines = ran.stdout.splitlines()
    assert lines[:5] == [
        f"FAIL  mine_fails  ({tmp_path}/cases.yaml:8:5, as of 2026-11-27)",
        "      Wrongly expected important.",
        "      tier: expected important_account, got key_account",
        "      not_warnings: DMU_UNMAPPED raised, expected not to be",
        "      levers: expected risk_reduction to be recommended; recommended: none",
    ]
    assert "mine_passes" not in ran.stdout
    assert lines[-1] == "1 passed, 1 failed"


def test_verbose_lists_the_passing_cases_in_italian(tmp_path: Path) -> None:
    write(tmp_path, "cases.yaml", CASES)
    ran = kam("rules", "test", tmp_path, "-k", "mine_passes", "-v", "--lang", "it")
    assert ran.exit_code == 0
    assert ran.stdout.splitlines()[0] == f"OK  mine_passes  ({tmp_path}/cases.yaml:4:5, al 27/11/2026)"
    assert "1 caso di test selezionato su " in ran.stdout
    # the closing line in Italian for people, the count agreeing (contract §13)
    assert ran.stdout.splitlines()[-1] == "1 caso superato, 0 falliti"


def test_the_closing_line_in_italian_agrees_with_both_counts(tmp_path: Path) -> None:
    write(tmp_path, "cases.yaml", CASES)
    ran = kam("rules", "test", tmp_path, "-k", "mine_*", "--lang", "it")
    assert ran.exit_code == 1
    assert ran.stdout.splitlines()[-1] == "1 caso superato, 1 fallito"
    ran = kam("rules", "test", "--lang", "it")
    assert ran.exit_code == 0
    passed = int(ran.stdout.splitlines()[-1].split()[0])
    assert passed > 1 and ran.stdout.splitlines()[-1] == f"{passed} casi superati, 0 falliti"


def test_the_closing_line_stays_english_by_default_and_in_json(tmp_path: Path) -> None:
    write(tmp_path, "cases.yaml", CASES)
    assert kam("rules", "test", tmp_path, "-k", "mine_passes").stdout.splitlines()[-1] == "1 passed, 0 failed"
    data = kam("rules", "test", tmp_path, "-k", "mine_passes", "--lang", "it", "--format", "json").json()
    assert (data["passed"], data["failed"]) == (1, 0)


def test_the_builtin_cases_pass_with_full_coverage() -> None:
    ran = kam("rules", "test", "--min-coverage", "100")
    assert ran.exit_code == 0, ran.stdout
    lines = ran.stdout.splitlines()
    assert lines[-2] == (
        "Coverage: rules 62/62 (100%), table rows 81/81 (100%), parameters 42/42 (100%), warning codes 20/20 (100%)"
    )
    assert lines[-1].endswith(" passed, 0 failed")


UNTESTED_RULE = """
    kind: ruleset
    id: growth
    stage: advice
    parameters:
      shrinking: {type: number, value: -0.5, description: {en: "Under this: collapsing.", it: "Sotto: crollo."}}
    warnings:
      SHRINKING:
        severity: medium
        title: {en: "Shrinking", it: "In calo"}
    rules:
      - id: shrinking_account
        when: {business.growth_rate: "< shrinking"}
        then:
          warn: {code: SHRINKING, message: {en: "Shrinking.", it: "In calo."}}
"""


def test_min_coverage_names_what_no_test_exercises(tmp_path: Path) -> None:
    write(tmp_path, "growth.yaml", UNTESTED_RULE)
    ran = kam("rules", "test", tmp_path, "--min-coverage", "100")
    assert ran.exit_code == 1
    assert f"  rules: shrinking_account  ({tmp_path}/growth.yaml:11:5)" in ran.stdout
    assert f"  parameters: shrinking  ({tmp_path}/growth.yaml:5:14)" in ran.stdout
    assert f"  warning codes: SHRINKING  ({tmp_path}/growth.yaml:8:5)" in ran.stdout
    assert "coverage of rules is 98.4%, under the minimum of 100%" in ran.stdout  # 62 of 63 rules
    assert ran.stdout.splitlines()[-1].endswith(" passed, 0 failed")
    # Without a minimum the same run passes: missing coverage is reported, not failed.
    assert kam("rules", "test", tmp_path).exit_code == 0


def test_json_output(tmp_path: Path) -> None:
    write(tmp_path, "cases.yaml", CASES)
    ran = kam("rules", "test", tmp_path, "-k", "mine_", "--format", "json")
    assert ran.exit_code == 1
    data = json.loads(ran.stdout)
    assert (data["passed"], data["failed"]) == (1, 1)
    failing = next(c for c in data["cases"] if not c["passed"])
    assert failing["failures"][0] == {
        "field": "tier",
        "kind": "value",
        "expected": "important_account",
        "actual": "key_account",
        "message": "tier: expected important_account, got key_account",
    }
    assert data["coverage"]["rules"]["total"] == len(Engine.default().rulebase.rules)


def test_a_case_without_as_of_uses_the_date_given(tmp_path: Path) -> None:
    write(
        tmp_path,
        "cases.yaml",
        """
        kind: tests
        cases:
          - id: expiring_relative_to_as_of
            facts: {id: A, name: A, business: {contract_end: 2027-01-31}}
            expect: {warnings: [CONTRACT_EXPIRING]}
        """,
    )
    args = ("rules", "test", tmp_path, "-k", "expiring_relative_to_as_of")
    assert kam(*args, "--as-of", "2026-12-01").exit_code == 0
    ran = kam(*args, "--as-of", "2026-01-01")
    assert ran.exit_code == 1
    assert "warnings: expected CONTRACT_EXPIRING to be raised; raised: MISSING_DATA" in ran.stdout


def test_invalid_cases_are_input_errors(tmp_path: Path) -> None:
    write(
        tmp_path,
        "cases.yaml",
        """
        kind: tests
        cases:
          - id: bad
            facts: {id: A, name: A, relationship: {stage: advanced}}
            expect: {}
        """,
    )
    ran = kam("rules", "test", tmp_path)
    assert ran.exit_code == 2
    assert f"{tmp_path}/cases.yaml:4:51: KR201 facts.relationship.stage: 'advanced' is not one of" in ran.stderr


def test_a_row_masked_under_first_is_not_covered(tmp_path: Path) -> None:
    write(
        tmp_path,
        "pricing.yaml",
        """
        kind: ruleset
        id: pricing
        stage: advice
        derives:
          pricing.approach:
            type: choice
            values: {value: {en: value, it: valore}, defend: {en: defend, it: difesa}}
        tables:
          - id: pricing_approach
            hit_policy: first
            inputs: {sensitivity: relationship.price_sensitivity}
            outputs: [pricing.approach]
            rows:
              - {id: everyone, sensitivity: "-", pricing.approach: value}
              - {id: price_sensitive, sensitivity: high, pricing.approach: defend}
        """,
    )
    write(
        tmp_path,
        "tests/pricing.yaml",
        """
        kind: tests
        as_of: 2026-11-27
        cases:
          - id: sensitive_account_priced
            facts: {id: P, name: P, relationship: {price_sensitivity: high}}
            expect: {facts: {pricing.approach: value}}
        """,
    )
    ran = kam("rules", "test", tmp_path, "-k", "sensitive_account_priced", "--format", "json")
    data = json.loads(ran.stdout)
    assert data["passed"] == 1
    missed = {item["id"] for item in data["coverage"]["rows"]["missed"]}
    # Its condition held, but the earlier catch-all row decided: the row itself was never exercised.
    assert "pricing_approach:price_sensitive" in missed
    assert "pricing_approach:everyone" not in missed


def test_no_test_case_at_all_is_not_a_pass(tmp_path: Path) -> None:
    import shutil

    from kamrules.builtin import builtin_dirs

    rulesets, profiles = builtin_dirs()
    shutil.copytree(rulesets, tmp_path / "rulesets", ignore=shutil.ignore_patterns("tests"))
    shutil.copytree(profiles, tmp_path / "profiles")
    ran = kam("rules", "test", "--no-builtin", str(tmp_path / "rulesets"), str(tmp_path / "profiles"))
    assert ran.exit_code == 1
    assert "No test cases found" in ran.stdout
