"""Issue 14 in `kam portfolio`: effort allocation, scores measured against the portfolio, the
sector's attractiveness given to the account rules, plan progress, the contribution advice that
never contradicts the strategy, and the derived scores on the contribution matrix."""

from __future__ import annotations

import csv
import datetime as dt
import math
import shutil
from pathlib import Path
from typing import Any

import pytest

from kamrules.plan.model import Action, Objective
from kamrules.portfolio.knowledge import load_knowledge
from kamrules.portfolio.progress import objective_state
from kamrules.portfolio.relative import percentile, percentile_score
from kamrules.portfolio.run import Request, run_portfolio
from tests.support import AS_OF, EXAMPLES, kam

PORTFOLIO = EXAMPLES / "portfolio" / "portfolio.csv"
SECTORS = EXAMPLES / "portfolio" / "sectors.yaml"


def rows_of(path: Path, **request: Any) -> tuple[list[dict[str, Any]], Any]:
    rows: list[dict[str, Any]] = []
    outcome = run_portfolio(Request(str(path), AS_OF, **request), lambda r: rows.append(r.cells))
    return rows, outcome


def without_scores(tmp_path: Path) -> Path:
    """The example portfolio as a CRM exports it: no 1-10 score."""
    with PORTFOLIO.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        for key in row:
            if key.startswith("assessment."):
                row[key] = ""
    out = tmp_path / "crm.csv"
    with out.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return out


# -- effort allocation ----------------------------------------------------------------------------


def test_each_kind_of_effort_adds_up_to_100_percent() -> None:
    rows, outcome = rows_of(PORTFOLIO)
    for kind in ("time", "visits", "budget"):
        assert math.isclose(sum(r[f"effort.{kind}_share"] for r in rows), 1.0, abs_tol=1e-5)
    assert outcome.effort.allocated == len(rows) and outcome.effort.unallocated == 0
    by_id = {r["id"]: r for r in rows}
    # A strategic key account of class A outweighs a regular account in maintenance (class C).
    assert by_id["IT-0042"]["effort.time_weight"] == 10 * 1.5 * 1.25
    assert by_id["IT-0051"]["effort.time_weight"] == 1 * 0.5 * 0.75
    assert by_id["IT-0042"]["effort.time_share"] > 40 * by_id["IT-0051"]["effort.time_share"]
    assert by_id["IT-0042"]["effort.hours"] is None  # no total planned in effort.yaml


def test_an_undecided_account_gets_no_share_and_is_counted(tmp_path: Path) -> None:
    source = tmp_path / "p.csv"
    source.write_text(
        "id,name,assessment.current_contribution,assessment.potential_contribution,"
        "assessment.attractiveness,assessment.relative_strength\n"
        "A,Alfa,8,8,8,8\nB,Beta,2,2,3,3\nC,Gamma,,,,\n",
        encoding="utf-8",
    )
    rows, outcome = rows_of(source)
    assert [r["effort.time_share"] is None for r in rows] == [False, False, True]
    assert rows[0]["effort.time_share"] + rows[1]["effort.time_share"] == pytest.approx(1.0, abs=1e-6)
    assert (outcome.effort.allocated, outcome.effort.unallocated) == (2, 1)
    summary = kam("portfolio", str(source), "--as-of", AS_OF.isoformat(), "--format", "json").json()
    assert summary["effort"]["unallocated"] == 1
    assert summary["effort"]["largest"][0]["id"] == "A"


def test_planned_totals_give_each_account_hours_visits_and_budget(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    (rules / "portfolio").mkdir(parents=True)
    (rules / "kamrules.yaml").write_text("kind: manifest\nname: mine\nversion: '1'\nextends: builtin\n")
    (rules / "portfolio" / "kamrules.yaml").write_text(
        "kind: manifest\nname: mine-portfolio\nversion: '1'\nextends: builtin\ninput: portfolio_account\n"
    )
    (rules / "portfolio" / "overrides.yaml").write_text(
        "kind: overrides\n"
        "parameters: {effort_total_hours: 1600, effort_total_visits: 200, effort_total_budget: 50000}\n"
    )
    rows, _ = rows_of(PORTFOLIO, rules=(str(rules),))
    assert sum(r["effort.hours"] for r in rows) == pytest.approx(1600, abs=0.1)
    assert sum(r["effort.visits"] for r in rows) == pytest.approx(200, abs=0.1)
    assert sum(r["effort.budget"] for r in rows) == pytest.approx(50000, abs=0.5)


def test_the_summary_and_the_report_show_the_allocation(tmp_path: Path) -> None:
    report = tmp_path / "r.html"
    result = kam("portfolio", str(PORTFOLIO), "--as-of", AS_OF.isoformat(), "--report", str(report), "--lang", "it")
    assert "## Allocazione degli sforzi di KAM" in result.stdout
    assert "| Key Account | " in result.stdout
    html = report.read_text(encoding="utf-8")
    assert '<section id="effort">' in html and "Quote di tempo maggiori" in html


# -- the contribution advice never contradicts the strategy --------------------------------------


@pytest.mark.parametrize(
    ("tier", "strategy", "advice"),
    [
        ("key_account", "strategic_investment", "full_kam"),
        ("key_account", "selective_investment", "full_kam"),
        ("key_account", "manage_for_cash", "follow_strategy"),
        ("key_account", "proactive_maintenance", "follow_strategy"),
        ("potential_key_account", "strategic_investment", "invest_selectively"),
        ("potential_key_account", "selective_investment", "invest_selectively"),
        ("potential_key_account", "manage_for_cash", "follow_strategy"),
        ("potential_key_account", "proactive_maintenance", "follow_strategy"),
        ("important_account", "manage_for_cash", "maintain_efficiently"),
        ("important_account", "strategic_investment", "follow_strategy"),
        ("important_account", "selective_investment", "follow_strategy"),
        ("important_account", "proactive_maintenance", "follow_strategy"),
        ("regular_account", "proactive_maintenance", "standard_service"),
        ("regular_account", "strategic_investment", "follow_strategy"),
        ("regular_account", "selective_investment", "follow_strategy"),
        ("regular_account", "manage_for_cash", "follow_strategy"),
    ],
)
def test_tier_advice_defers_to_a_strategy_that_points_another_way(tier: str, strategy: str, advice: str) -> None:
    k = load_knowledge()
    values = k.accounts.program.run({"advice.tier": tier, "advice.strategy": strategy}, AS_OF, "en").values
    assert values["contribution.quadrant"] == tier
    assert values["contribution.advice"] == advice


def test_the_issue_key_account_placed_opportunity_reads_one_story() -> None:
    rows, _ = rows_of(PORTFOLIO)
    (it50,) = [r for r in rows if r["id"] == "IT-0050"]
    assert (it50["tier"], it50["profile"], it50["profile_source"]) == ("key_account", "star", "tier")
    assert it50["contribution.advice"] == "full_kam"
    assert "No contract" not in (it50["treatment.contract_type"] or "")


# -- scores against the portfolio ------------------------------------------------------------------


def test_percentiles_share_the_places_of_equal_measures() -> None:
    ordered = [1.0, 2.0, 2.0, 5.0]
    assert [percentile(ordered, v) for v in (1.0, 2.0, 5.0)] == [0.0, 0.5, 1.0]
    assert percentile_score(0.0, 0.75) == 1 and percentile_score(0.75, 0.75) == 5.5
    assert percentile_score(1.0, 0.75) == 10 and percentile_score(0.5, 0.75) == 4.0


def test_scores_against_the_portfolio_where_no_hand_score_is_given(tmp_path: Path) -> None:
    crm = without_scores(tmp_path)
    absolute, _ = rows_of(crm)
    relative, outcome = rows_of(crm, scores="portfolio")
    assert {r["scores.source.current_contribution"] for r in absolute} == {"derived"}
    assert {r["scores.source.current_contribution"] for r in relative} == {"portfolio"}
    assert outcome.ranked == {
        "current_contribution": 12,
        "potential_contribution": 12,
        "attractiveness": 12,
        "relative_strength": 12,
    }
    # The contribution after cost to serve ranks the accounts: the largest scores 10.
    by_id = {r["id"]: r for r in relative}
    assert by_id["IT-0043"]["scores.current_contribution"] == 10
    # Against the portfolio the top quarter is high: three of twelve key or important accounts.
    assert sum(1 for r in relative if r["tier"] in ("key_account", "important_account")) == 3
    # Hand scores still win.
    with_hand, _ = rows_of(PORTFOLIO, scores="portfolio")
    assert {r["scores.source.current_contribution"] for r in with_hand} == {"hand"}


def test_one_account_ranks_against_nothing(tmp_path: Path) -> None:
    source = tmp_path / "one.csv"
    source.write_text("id,name,business.revenue,business.margin_pct\nA,Alfa,500000,0.2\n", encoding="utf-8")
    rows, outcome = rows_of(source, scores="portfolio")
    assert rows[0]["scores.source.current_contribution"] == "derived"
    assert outcome.ranked["current_contribution"] == 1


def test_the_cli_option_and_the_summary_say_which(tmp_path: Path) -> None:
    crm = without_scores(tmp_path)
    result = kam("portfolio", str(crm), "--as-of", AS_OF.isoformat(), "--scores", "portfolio")
    assert "## Scores measured against the portfolio" in result.stdout
    bad = kam("portfolio", str(crm), "--scores", "relative")
    assert bad.exit_code == 2 and "'absolute', 'portfolio'" in bad.stderr


# -- the sector's attractiveness ---------------------------------------------------------------------


def test_the_sectors_file_gives_the_account_rules_its_sectors_attractiveness(tmp_path: Path) -> None:
    crm = without_scores(tmp_path)
    plain, _ = rows_of(crm)
    sectored, _ = rows_of(crm, sectors=str(SECTORS))
    changed = [
        a["id"]
        for a, b in zip(plain, sectored, strict=True)
        if a["scores.attractiveness"] != b["scores.attractiveness"]
    ]
    assert changed, "the sector's attractiveness is one of the criteria of the derived attractiveness"
    hand, _ = rows_of(PORTFOLIO, sectors=str(SECTORS))
    assert all(r["scores.source.attractiveness"] == "hand" for r in hand)


# -- the contribution matrix uses the scores the tier used ---------------------------------------------


def test_the_contribution_matrix_places_accounts_by_their_derived_scores(tmp_path: Path) -> None:
    crm = without_scores(tmp_path)
    _, outcome = rows_of(crm, keep_points=True)
    (plot,) = [p for p in outcome.plots if p.id == "contribution"]
    assert (len(plot.dots), plot.skipped) == (12, 0)


# -- plan progress -------------------------------------------------------------------------------------


def objective(**fields: Any) -> Objective:
    return Objective(id="O1", **fields)


def action(**fields: Any) -> Action:
    return Action(id="A1", objective="O1", **fields)


@pytest.mark.parametrize(
    ("obj", "actions", "state"),
    [
        ({"deadline": dt.date(2027, 6, 1)}, [{"when": dt.date(2027, 1, 1)}], "on_track"),
        ({"deadline": dt.date(2026, 11, 1)}, [{"when": dt.date(2026, 10, 1)}], "late"),
        ({"deadline": dt.date(2027, 6, 1)}, [{"when": dt.date(2026, 11, 1)}], "at_risk"),  # overdue action
        ({"deadline": dt.date(2027, 6, 1)}, [], "at_risk"),  # nothing serves it
        ({"deadline": dt.date(2026, 12, 15)}, [{"when": dt.date(2026, 12, 10)}], "at_risk"),  # close, nothing done
        ({"deadline": dt.date(2026, 12, 15)}, [{"when": dt.date(2026, 11, 1), "status": "done"}], "on_track"),
        ({"deadline": dt.date(2027, 6, 1), "status": "achieved"}, [], "achieved"),
        ({"deadline": dt.date(2026, 6, 1), "status": "missed"}, [], "missed"),
        ({}, [{"when": dt.date(2027, 1, 1)}], "undated"),
        ({"deadline": dt.date(2027, 6, 1), "status": "dropped"}, [], None),
    ],
)
def test_objective_states(obj: dict[str, Any], actions: list[dict[str, Any]], state: str | None) -> None:
    assert objective_state(objective(**obj), [action(**a) for a in actions], AS_OF, 30) == state


def test_plans_are_compared_across_accounts(tmp_path: Path) -> None:
    plans = tmp_path / "plans"
    plans.mkdir()
    source = EXAMPLES / "plans" / "rossi-meccanica.plan.yaml"
    shutil.copy(source, plans / "IT-0042.yaml")
    late = source.read_text(encoding="utf-8")
    late = late.replace("id: IT-0042", "id: IT-0043").replace("deadline: 2027-01-15", "deadline: 2026-10-15")
    (plans / "IT-0043.yaml").write_text(late, encoding="utf-8")
    rows, _ = rows_of(PORTFOLIO, plans=str(plans))
    by_id = {r["id"]: r for r in rows}
    assert by_id["IT-0043"]["plan.objectives.late"] == 1
    assert by_id["IT-0042"]["plan.objectives.late"] == 0
    assert by_id["IT-0044"]["plan.objectives.on_track"] is None  # no plan
    summary = kam("portfolio", str(PORTFOLIO), "--as-of", AS_OF.isoformat(), "--plans", str(plans), "--format", "json")
    progress = summary.json()["plans_progress"]
    assert [a["id"] for a in progress["accounts"]] == ["IT-0043", "IT-0042"]  # the late one first
    assert progress["totals"]["late"] == 1
    text = kam("portfolio", str(PORTFOLIO), "--as-of", AS_OF.isoformat(), "--plans", str(plans)).stdout
    assert "## Progress of the account plans" in text
    assert "| Bianchi Componenti S.r.l. (IT-0043) | Key Account | 3 | 2 | 0 | 1 | 0 | 0 | 0 |" in text
    # The terminal's summary (--format text, the default on a terminal) shows both sections too.
    args = ("--as-of", AS_OF.isoformat(), "--plans", str(plans), "--format", "text", "--scores", "portfolio")
    terminal = kam("portfolio", str(PORTFOLIO), *args).stdout
    assert "Progress of the account plans" in terminal and "KAM effort allocation" in terminal
    assert "Scores measured against the portfolio" in terminal
    line = next(x for x in terminal.splitlines() if "Bianchi Componenti" in x and "Key Account" in x)
    assert line.split()[-7:] == ["3", "2", "0", "1", "0", "0", "0"]


@pytest.mark.parametrize(
    ("tier", "strategy", "revenue_share_before", "time", "visits", "budget"),
    [
        ("key_account", "strategic_investment", 0.1, 10 * 1.5 * 1.25, 10 * 1.5 * 1.25, 10 * 1.5 * 1.25),
        ("potential_key_account", "selective_investment", 0.85, 6 * 1.2, 6 * 1.0, 6 * 1.3),
        ("important_account", "manage_for_cash", 0.97, 4 * 0.8 * 0.75, 4 * 0.6 * 0.75, 4 * 0.4 * 0.75),
        ("regular_account", "proactive_maintenance", None, 1 * 0.5, 1 * 0.4, 1 * 0.1),
    ],
)
def test_every_row_of_the_effort_tables(
    tier: str, strategy: str, revenue_share_before: float | None, time: float, visits: float, budget: float
) -> None:
    k = load_knowledge()
    values: dict[str, Any] = {"advice.tier": tier, "advice.strategy": strategy}
    if revenue_share_before is not None:
        values["portfolio.cumulative_share_before"] = revenue_share_before
    got = k.accounts.program.run(values, AS_OF, "en").values
    assert (got["effort.time_weight"], got["effort.visits_weight"], got["effort.budget_weight"]) == pytest.approx(
        (time, visits, budget)
    )


def test_no_tier_no_effort_weight() -> None:
    got = load_knowledge().accounts.program.run({"advice.strategy": "strategic_investment"}, AS_OF, "en").values
    assert got.get("effort.time_weight") is None
