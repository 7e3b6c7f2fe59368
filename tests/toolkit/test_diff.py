"""`kam rules diff`: a semantic diff (parameters, rules, tables, rows), and the impact of a
change on a portfolio: which accounts change tier, profile, strategy or warnings."""

from __future__ import annotations

import json
from pathlib import Path

from kamrules import Engine
from kamrules.language.load import load_rulebase
from kamrules.toolkit.diff import diff_rulebases
from kamrules.toolkit.impact import impact
from tests.support import AS_OF, EXAMPLES, kam, write

PORTFOLIO = EXAMPLES / "authoring-portfolio.csv"

BANDS = """
    kind: ruleset
    id: bands
    stage: advice
    parameters:
      growing_from: {{type: fraction, value: {growing_from}, description: {{en: "x", it: "x"}}}}
    derives:
      growth.band:
        type: choice
        values: {{low: {{en: low, it: bassa}}, high: {{en: high, it: alta}}, top: {{en: top, it: top}}}}
    warnings:
      FAST: {{severity: low, title: {{en: "Fast", it: "Veloce"}}}}
    tables:
      - id: bands
        hit_policy: first
        inputs: {{growth: business.growth_rate}}
        outputs: [growth.band]
        rows:
{rows}
    rules:
      - id: fast
        priority: {priority}
        when: {{business.growth_rate: "{fast}"}}
        then:
          warn: {{code: FAST, message: {{en: "{message}", it: "Veloce."}}}}
"""

OLD_ROWS = """\
          - {id: low, growth: "< growing_from", growth.band: low}
          - {id: high, growth: "-", growth.band: high}"""
NEW_ROWS = """\
          - {id: top, growth: ">= 0.3", growth.band: top}
          - {id: high, growth: "> 0.5", growth.band: high}
          - {id: low, growth: "< growing_from", growth.band: low}"""


def _bands(folder: Path, **values: object) -> Path:
    write(folder, "bands.yaml", BANDS.format(**values))
    return folder


def test_only_what_changed_is_reported(tmp_path: Path) -> None:
    old = _bands(tmp_path / "old", growing_from=0.1, rows=OLD_ROWS, priority=0, fast="> 0.2", message="Fast.")
    new = _bands(tmp_path / "new", growing_from=0.1, rows=OLD_ROWS, priority=0, fast="> 0.2", message="Fast.")
    assert diff_rulebases(load_rulebase([old]), load_rulebase([new])) == []


def test_a_parameter_change_is_not_a_rule_change(tmp_path: Path) -> None:
    old = _bands(tmp_path / "old", growing_from=0.1, rows=OLD_ROWS, priority=0, fast="> 0.2", message="Fast.")
    new = _bands(tmp_path / "new", growing_from=0.15, rows=OLD_ROWS, priority=0, fast="> 0.2", message="Fast.")
    changes = diff_rulebases(load_rulebase([old]), load_rulebase([new]))
    assert [(c.kind, c.action, c.id, c.aspects, c.old, c.new) for c in changes] == [
        ("parameter", "changed", "growing_from", ("value",), 0.1, 0.15)
    ]


def test_rules_rows_and_tables(tmp_path: Path) -> None:
    old = _bands(tmp_path / "old", growing_from=0.1, rows=OLD_ROWS, priority=0, fast="> 0.2", message="Fast.")
    new = _bands(tmp_path / "new", growing_from=0.1, rows=NEW_ROWS, priority=5, fast="> 0.25", message="Very fast.")
    write(tmp_path / "new", "overrides.yaml", "kind: overrides\ndisable: [loyal_not_key]\n")
    changes = {(c.kind, c.id): c for c in diff_rulebases(load_rulebase([old]), load_rulebase([new]))}
    assert set(changes) == {
        ("rule", "fast"),
        ("rule", "loyal_not_key"),
        ("table", "bands"),
        ("row", "bands:top"),
        ("row", "bands:high"),
    }
    fast = changes[("rule", "fast")]
    assert (fast.action, fast.aspects) == ("changed", ("condition", "message", "priority"))
    assert changes[("rule", "loyal_not_key")].action == "disabled"
    assert changes[("table", "bands")].aspects == ("row_order",)
    assert changes[("row", "bands:top")].action == "added"
    assert (changes[("row", "bands:high")].action, changes[("row", "bands:high")].aspects) == (
        "changed",
        ("condition",),
    )


def test_the_text_says_what_changed_in_words(tmp_path: Path) -> None:
    old = _bands(tmp_path / "old", growing_from=0.1, rows=OLD_ROWS, priority=0, fast="> 0.2", message="Fast.")
    new = _bands(tmp_path / "new", growing_from=0.12, rows=NEW_ROWS, priority=0, fast="> 0.25", message="Fast.")
    ran = kam("rules", "diff", old, new)
    assert ran.exit_code == 0
    assert ran.stdout.splitlines() == [
        "Changes:",
        f"  parameter growing_from changed: value 0.1 → 0.12  ({new}/bands.yaml:5:17)",
        f"  rule fast changed: condition  ({new}/bands.yaml:22:5)",
        "      was: business.growth_rate more than 0.2",
        "      now: business.growth_rate more than 0.25",
        f"  table bands changed: row_order  ({new}/bands.yaml:13:5)",
        "      was: [low, high]",
        "      now: [top, high, low]",
        f"  row bands:top added  ({new}/bands.yaml:18:9)",
        "      business.growth_rate at least 0.3 → growth.band = top",
        f"  row bands:high changed: condition  ({new}/bands.yaml:19:9)",
        "      was: always → growth.band = high",
        "      now: business.growth_rate more than 0.5 → growth.band = high",
    ]


def test_impact_of_a_higher_tier_cutline_on_a_portfolio(tmp_path: Path) -> None:
    write(tmp_path, "overrides.yaml", "kind: overrides\nparameters: {current_contribution_high: 7.5}\n")
    result = impact(Engine.default(), Engine.from_paths(tmp_path), [str(PORTFOLIO)], as_of=AS_OF)
    assert result.total == 6
    assert result.invalid == []
    # Gamma and Delta contribute 7 now: no longer high.
    moved = {c.id: (c.old.tier, c.new.tier) for c in result.changed if "tier" in c.dimensions}
    assert moved == {
        "IT-0103": ("key_account", "potential_key_account"),
        "IT-0104": ("important_account", "regular_account"),
    }
    assert result.counts()["tier"] == 2
    assert result.transitions()[("tier", "key_account", "potential_key_account")] == 1
    # Delta, a regular account now, was placed status by the matrix: opposite to its new tier, so
    # the advice follows the tier (rulesets/fit.yaml) and its treatment moves with it.
    profiles = {
        c.id: (c.old.profile, c.new.profile, c.new.strategy) for c in result.changed if "profile" in c.dimensions
    }
    assert profiles == {"IT-0104": ("status", "opportunity", "proactive_maintenance")}


def test_impact_in_the_text_markdown_and_json(tmp_path: Path) -> None:
    write(tmp_path, "overrides.yaml", "kind: overrides\nparameters: {contract_notice_days: 120}\n")
    args = ("rules", "diff", tmp_path, "--accounts", PORTFOLIO, "--as-of", "2026-11-27")
    text = kam(*args)
    assert text.exit_code == 0
    assert text.stdout.splitlines()[3:] == [
        "Impact on 6 account(s) as of 2026-11-27",
        "  2 account(s) change (tier 0, profile 0, strategy 0, warnings 2)",
        "  warnings: +CONTRACT_EXPIRING: 2",
        "",
        "  account                         tier  profile  strategy  warnings",
        "  IT-0101 Alfa Componenti S.p.A.                           +CONTRACT_EXPIRING",
        "  IT-0102 Beta Forniture S.r.l.                            +CONTRACT_EXPIRING",
    ]
    markdown = kam(*args, "--format", "markdown", "--lang", "it").stdout
    assert "| account | livello | profilo | strategia | segnalazioni |" in markdown
    assert "| IT-0101 Alfa Componenti S.p.A. |  |  |  | +CONTRACT_EXPIRING |" in markdown
    data = json.loads(kam(*args, "--format", "json").stdout)
    assert data["impact"]["changed"] == 2
    assert data["impact"]["warnings"] == {"+CONTRACT_EXPIRING": 2}
    first = data["impact"]["accounts_changed"][0]
    assert first["old"]["warnings"] == {"DMU_UNMAPPED": "high", "MISSING_DATA": "medium"}
    assert first["new"]["warnings"]["CONTRACT_EXPIRING"] == "high"


def test_invalid_accounts_are_reported_and_left_out(tmp_path: Path) -> None:
    portfolio = write(
        tmp_path,
        "accounts.yaml",
        """
        - {id: A, name: Good, assessment: {current_contribution: 8, potential_contribution: 8}}
        - {id: B, name: Bad, assessment: {current_contribution: 80}}
        """,
    )
    rules = write(tmp_path, "rules/overrides.yaml", "kind: overrides\nparameters: {current_contribution_high: 9}\n")
    ran = kam("rules", "diff", rules.parent, "--accounts", portfolio, "--as-of", "2026-11-27")
    assert ran.exit_code == 2
    assert "assessment.current_contribution" in ran.stderr
    assert "Impact on 1 account(s) as of 2026-11-27" in ran.stdout
    assert "1 account(s) could not be read or are invalid" in ran.stdout
