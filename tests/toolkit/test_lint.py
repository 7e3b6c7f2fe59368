"""`kam rules lint`: the built-in knowledge lints clean; table analysis is exact, and its
counter-examples are account facts that really show the problem."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kamrules import Engine
from kamrules.toolkit.folders import folders_for
from kamrules.toolkit.lint import lint
from kamrules.toolkit.lint.domains import ABSENT
from kamrules.toolkit.validation import validate
from tests.support import kam, write

AS_OF = dt.date(2026, 11, 27)

BANDS = """
    kind: ruleset
    id: bands
    stage: advice
    derives:
      growth.band:
        type: choice
        values: {{low: {{en: low, it: bassa}}, high: {{en: high, it: alta}}}}
    tables:
      - id: bands
        inputs: {{growth: business.growth_rate}}
        outputs: [growth.band]
        rows:
          - {{id: low, growth: "< {low}", growth.band: low}}
          - {{id: high, growth: ">= {high}", growth.band: high}}
"""

# A table over derived facts: its counter-examples must be worked back to account facts.
TIER_TABLE = """
    kind: ruleset
    id: attention
    stage: advice
    derives:
      attention:
        type: choice
        values: {full: {en: full, it: piena}, light: {en: light, it: leggera}}
    tables:
      - id: attention
        inputs: {tier: tier, strength: scores.relative_strength}
        outputs: [attention]
        rows:
          - {id: key, tier: [key_account, potential_key_account], attention: full}
          - {id: weak, strength: "< 4", attention: full}
          - {id: small, tier: regular_account, attention: light}
"""


def _lint(folder: Path, *ids: str) -> list:  # type: ignore[type-arg]
    checked = validate(folders_for([folder]))
    assert checked.ok, [p.render() for p in checked.problems]
    assert checked.rulebase is not None
    return lint(checked.rulebase, checked.files, as_of=AS_OF, select=ids)


def test_the_builtin_knowledge_lints_clean() -> None:
    ran = kam("rules", "lint", "--fail-on", "info")
    assert ran.exit_code == 0
    assert ran.stdout == "No findings.\n"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    low=st.integers(-50, 50).map(lambda n: n / 100),
    high=st.integers(-50, 50).map(lambda n: n / 100),
)
def test_gaps_and_overlaps_are_found_exactly(low: float, high: float, tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = tmp_path_factory.mktemp("bands")
    write(folder, "bands.yaml", BANDS.format(low=low, high=high))
    found = _lint(folder, "KR101", "KR102")
    gaps = [f for f in found if f.id == "KR101"]
    overlaps = [f for f in found if f.id == "KR102"]
    assert bool(gaps) == (high > low)
    assert bool(overlaps) == (high < low)
    for finding in gaps + overlaps:
        value = finding.inputs["business.growth_rate"]
        if finding.id == "KR101":
            assert low <= value < high
        else:
            assert high <= value < low
        assert finding.example == {"id": "CX-1", "name": "Counter-example", "business": {"growth_rate": value}}


def test_counter_examples_are_worked_back_through_derived_facts(tmp_path: Path) -> None:
    write(tmp_path, "attention.yaml", TIER_TABLE)
    found = _lint(tmp_path, "KR101", "KR102")
    overlap = next(f for f in found if f.id == "KR102")
    assert overlap.inputs["tier"] in ("key_account", "potential_key_account")
    assert overlap.inputs["scores.relative_strength"] < 4
    gap = next(f for f in found if f.id == "KR101")
    assert gap.inputs["tier"] == "important_account"
    assert gap.inputs["scores.relative_strength"] >= 4
    engine = Engine(validate(folders_for([tmp_path])).rulebase)  # type: ignore[arg-type]
    for finding in (overlap, gap):
        # The example is account facts only (no derived fact in it), and it reproduces the inputs.
        assert set(finding.example) <= {"id", "name", "assessment", "business", "relationship", "company"}
        _, ev = engine.evaluate(finding.example, as_of=AS_OF)
        for fact, value in finding.inputs.items():
            assert ev.values.get(fact) == (None if value is ABSENT else value)
        assert ev.values.get("attention") is None  # no decision: the gap, or the unique-policy conflict


def test_findings_text_json_and_exit_codes(tmp_path: Path) -> None:
    write(tmp_path, "bands.yaml", BANDS.format(low=0, high=0.05))
    ran = kam("rules", "lint", tmp_path, "--as-of", "2026-11-27")
    assert ran.exit_code == 1
    assert ran.stdout.splitlines() == [
        f"{tmp_path}/bands.yaml:9:5: KR101 [medium] no row of table bands decides when business.growth_rate = 0 "
        "(2 uncovered combinations of input values in all)",
        "    counter-example (paste into a tests file and fill in expect):",
        "      - id: bands_gap",
        "        as_of: 2026-11-27",
        "        facts: {id: CX-1, name: Counter-example, business: {growth_rate: 0}}",
        "        expect: {}",
        "1 finding: 1 medium",
    ]
    assert kam("rules", "lint", tmp_path, "--fail-on", "high").exit_code == 0
    assert kam("rules", "lint", tmp_path, "--ignore", "table-gap").exit_code == 0
    data = json.loads(kam("rules", "lint", tmp_path, "--format", "json", "--as-of", "2026-11-27").stdout)
    (finding,) = data["findings"]
    assert finding["id"] == "KR101"
    assert finding["inputs"] == {"business.growth_rate": 0}
    assert finding["counterexample"]["business"] == {"growth_rate": 0}
    italian = kam("rules", "lint", tmp_path, "--lang", "it").stdout
    assert "KR101 [media] nessuna riga della tabella bands decide quando business.growth_rate = 0" in italian


def test_an_unknown_check_is_a_bad_option() -> None:
    ran = kam("rules", "lint", "--select", "KR999")
    assert ran.exit_code == 2
    assert "unknown check 'KR999'" in ran.stderr


def test_rules_that_do_not_load_are_reported_not_linted(tmp_path: Path) -> None:
    write(tmp_path, "overrides.yaml", "kind: overrides\nparameters: {contract_notice_dayz: 3}\n")
    ran = kam("rules", "lint", tmp_path)
    assert ran.exit_code == 2
    assert "KR025 unknown parameter 'contract_notice_dayz' (did you mean contract_notice_days?)" in ran.stderr


def test_a_value_nothing_sets_makes_a_rule_never_true(tmp_path: Path) -> None:
    write(
        tmp_path,
        "attention.yaml",
        """
        kind: ruleset
        id: attention
        stage: information
        derives:
          attention:
            type: choice
            values: {full: {en: full, it: piena}, light: {en: light, it: leggera}, none: {en: none, it: nessuna}}
        tables:
          - id: attention
            hit_policy: first
            inputs: {tier: tier}
            outputs: [attention]
            rows:
              - {id: key, tier: key_account, attention: full}
              - {id: other, tier: "-", attention: light}
        """,
    )
    write(
        tmp_path,
        "odd.yaml",
        """
        kind: ruleset
        id: odd
        stage: advice
        warnings:
          ODD: {severity: low, title: {en: "Odd", it: "Strano"}}
        rules:
          - id: full_attention
            when: {attention: full}
            then:
              warn: {code: ODD, message: {en: "x", it: "x"}}
          - id: no_attention
            when: {attention: none}
            then:
              warn: {code: ODD, message: {en: "x", it: "x"}}
        """,
    )
    found = _lint(tmp_path, "KR104")
    # attention is declared with the value none, but no row ever sets it: the rule can never fire.
    assert [f.message.en.split(" can never")[0] for f in found] == ["the condition of rule no_attention"]


def test_only_texts_miss_a_language_not_every_string(tmp_path: Path) -> None:
    write(
        tmp_path,
        "kinds.yaml",
        """
        kind: ruleset
        id: kinds
        stage: advice
        derives:
          kinds.plain:
            type: choice
            values: [a, b]
            description: "Only English"
          kinds.labelled:
            type: choice
            values: {a: "plain", b: {en: b, it: b}}
        """,
    )
    found = _lint(tmp_path, "KR106")
    assert [f.where.path for f in found] == ["derives.kinds.plain.description", "derives.kinds.labelled.values.a"]
