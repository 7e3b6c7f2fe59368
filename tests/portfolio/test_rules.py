"""The portfolio knowledge in YAML: classes, the matrices, sector scores, portfolio warnings, and
the `product` computed fact the BCG estimate needs."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from kamrules.portfolio.knowledge import PortfolioKnowledge, load_knowledge
from tests.support import AS_OF


@pytest.fixture(scope="module")
def knowledge() -> PortfolioKnowledge:
    return load_knowledge()


def run_account(k: PortfolioKnowledge, **values: Any) -> dict[str, Any]:
    ev = k.accounts.program.run(dict(values), AS_OF, "en")
    return ev.values


# The deck's five cells verbatim, and the seven blanks filled by the merged-cell reading.
REVENUE_QUALITY = {
    ("A", 0.35): "certainty",
    ("A", 0.25): "certainty",
    ("A", 0.15): "selection_or_cost_reduction",
    ("A", 0.05): "targeted_policies",
    ("B", 0.35): "certainty",
    ("B", 0.25): "certainty",
    ("B", 0.15): "selection_or_cost_reduction",
    ("B", 0.05): "targeted_policies",
    ("C", 0.35): "selection_or_penetration_development",
    ("C", 0.25): "selection_or_penetration_development",
    ("C", 0.15): "marginality_or_elimination",
    ("C", 0.05): "marginality_or_elimination",
}
SHARE_BEFORE = {"A": 0.10, "B": 0.85, "C": 0.97}


@pytest.mark.parametrize(("cell", "policy"), REVENUE_QUALITY.items(), ids=str)
def test_every_revenue_quality_cell_has_a_policy(
    knowledge: PortfolioKnowledge, cell: tuple[str, float], policy: str
) -> None:
    revenue_class, margin = cell
    values = run_account(
        knowledge, **{"portfolio.cumulative_share_before": SHARE_BEFORE[revenue_class], "business.margin_pct": margin}
    )
    assert values["revenue_class"] == revenue_class
    assert values["revenue_quality.quadrant"] == policy


def test_revenue_quality_labels_are_the_decks_words(knowledge: PortfolioKnowledge) -> None:
    rb = knowledge.accounts.rulebase
    labels = {v: rb.label("revenue_quality.quadrant", v, "it") for v in set(REVENUE_QUALITY.values())}
    assert labels == {
        "certainty": "Certezza",
        "selection_or_cost_reduction": "Selezione o riduzione costi",
        "targeted_policies": "Politiche mirate",
        "selection_or_penetration_development": "Selezione o sviluppo quota penetrazione",
        "marginality_or_elimination": "Marginalità o eliminazione",
    }


@pytest.mark.parametrize(
    ("before", "expected"), [(0.0, "A"), (0.7999, "A"), (0.80, "B"), (0.9499, "B"), (0.95, "C"), (1.0, "C")]
)
def test_revenue_class_boundaries(knowledge: PortfolioKnowledge, before: float, expected: str) -> None:
    assert run_account(knowledge, **{"portfolio.cumulative_share_before": before})["revenue_class"] == expected


def test_matrices_place_an_account_and_give_advice(knowledge: PortfolioKnowledge) -> None:
    values = run_account(
        knowledge,
        **{
            "business.revenue": 1_000_000.0,
            "business.potential_revenue": 500_000.0,
            "portfolio.revenue_median": 200_000.0,
            "portfolio.potential_median": 800_000.0,
            "business.growth_rate": 0.01,
            "business.share_of_wallet": 0.7,
            "business.margin_pct": 0.05,
            "business.customer_since": dt.date(2010, 1, 1),
            "advice.tier": "potential_key_account",
        },
    )
    assert values["revenue_potential.quadrant"] == "maintain"
    assert values["development_penetration.quadrant"] == "defend"
    assert values["profitability_duration.quadrant"] == "barnacles"
    assert values["contribution.quadrant"] == "potential_key_account"
    assert values["contribution.advice"] == "invest_selectively"
    # The BCG estimate is for key accounts only.
    assert values.get("estimate.revenue_gain_low") is None
    assert values["bcg.revenue_gain_low"] == pytest.approx(50_000)


@pytest.mark.parametrize(
    ("since", "years", "quadrant"),
    [
        (dt.date(2021, 11, 27), 5.0, "true_friends"),  # the fifth anniversary: exactly five years
        (dt.date(2021, 11, 28), 4.9973, "butterflies"),  # the day before it: still under five
        (dt.date(2021, 11, 26), 5.0027, "true_friends"),
        (dt.date(2025, 11, 27), 1.0, "butterflies"),
    ],
)
def test_relationship_years_are_calendar_years(
    knowledge: PortfolioKnowledge, since: dt.date, years: float, quadrant: str
) -> None:
    # days / 365.25 made the fifth anniversary 4.9993 years, on the wrong side of the 5-year line.
    values = run_account(knowledge, **{"business.customer_since": since, "business.margin_pct": 0.25})
    assert values["relationship_years"] == years
    assert values["profitability_duration.quadrant"] == quadrant


def test_relationship_years_through_kam_portfolio(tmp_path: Any) -> None:
    import csv

    from tests.support import kam

    source = tmp_path / "p.csv"
    source.write_text(
        "id,name,business.customer_since,business.margin_pct\n"
        "A1,On the day,2021-11-27,0.25\nA2,The day before,2021-11-28,0.25\n",
        encoding="utf-8",
    )
    out = tmp_path / "o.csv"
    result = kam("portfolio", str(source), "--as-of", "2026-11-27", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = {r["id"]: r for r in csv.DictReader(handle)}
    assert (rows["A1"]["relationship_years"], rows["A1"]["profitability_duration.quadrant"]) == ("5", "true_friends")
    assert (rows["A2"]["relationship_years"], rows["A2"]["profitability_duration.quadrant"]) == (
        "4.9973",
        "butterflies",
    )


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (dt.date(2021, 11, 27), dt.date(2026, 11, 27), (5, 0, 5.0)),
        (dt.date(2021, 11, 27), dt.date(2026, 11, 26), (4, 364, 4 + 364 / 365)),
        (dt.date(2021, 11, 27), dt.date(2021, 11, 27), (0, 0, 0.0)),
        # 29 February: its anniversary in a common year is 28 February.
        (dt.date(2020, 2, 29), dt.date(2021, 2, 28), (1, 0, 1.0)),
        (dt.date(2020, 2, 29), dt.date(2021, 2, 27), (0, 364, 364 / 365)),
        (dt.date(2020, 2, 29), dt.date(2024, 2, 29), (4, 0, 4.0)),
        (dt.date(2020, 2, 29), dt.date(2024, 2, 28), (3, 365, 3 + 365 / 366)),
        # A leap day inside the year under way: the year has 366 days.
        (dt.date(2023, 3, 1), dt.date(2024, 2, 29), (0, 365, 365 / 366)),
        # A date in the future counts backwards.
        (dt.date(2027, 11, 27), dt.date(2026, 11, 27), (-1, 0, -1.0)),
    ],
)
def test_calendar_years(start: dt.date, end: dt.date, expected: tuple[int, int, float]) -> None:
    from kamrules.engine.compute import calendar_years

    whole, rest, years = calendar_years(start, end)
    assert (whole, rest) == expected[:2]
    assert years == pytest.approx(expected[2])
    assert years < whole + 1


def test_bcg_estimate_and_missing_plan_for_a_key_account(knowledge: PortfolioKnowledge) -> None:
    values = run_account(
        knowledge,
        **{"business.revenue": 2_000_000.0, "business.cost_to_serve": 100_000.0, "advice.tier": "key_account"},
    )
    assert values["estimate.revenue_gain_low"] == pytest.approx(100_000)
    assert values["estimate.revenue_gain_high"] == pytest.approx(200_000)
    assert values["estimate.margin_gain_low"] == pytest.approx(60_000)
    assert values["estimate.margin_gain_high"] == pytest.approx(100_000)
    assert values["estimate.cost_saving_low"] == pytest.approx(10_000)
    assert values["estimate.cost_saving_high"] == pytest.approx(20_000)
    assert values["no_plan"] is True
    with_plan = run_account(knowledge, **{"advice.tier": "key_account", "plan.exists": True})
    assert with_plan.get("no_plan") is None


def test_sector_scores_weigh_high_medium_low_3_2_1(knowledge: PortfolioKnowledge) -> None:
    attractiveness = {"margin": 10, "size": 10, "revenue": 1, "access": 1, "growth_rate": 10}
    attractiveness |= {"potential_customers": 10, "competition": 1}
    adaptability = {"quality": 2, "customer_experience": 2, "needs_knowledge": 2, "technical_service": 2}
    adaptability |= {"innovation": 2, "competitiveness": 10, "commercial_services": 2}
    values = {f"attractiveness.{k}": float(v) for k, v in attractiveness.items()}
    values |= {f"adaptability.{k}": float(v) for k, v in adaptability.items()}
    ev = knowledge.sectors.program.run(values, AS_OF, "en")
    # Four high criteria at 10, three medium at 1: (4*3*10 + 3*2*1) / (4*3 + 3*2) = 126 / 18.
    assert ev.values["score.attractiveness"] == pytest.approx(7.0)
    # Every criterion at 2 but competitiveness (the deck's only low weight) at 10; the weights are
    # quality 3, customer experience 2, needs 3, service 3, innovation 2, competitiveness 1,
    # commercial services 3: 17 in all, 16 of them at 2.
    assert ev.values["score.adaptability"] == pytest.approx(round((16 * 2 + 1 * 10) / 17, 4))
    assert ev.values["target.quadrant"] == "build"


def test_portfolio_warnings(knowledge: PortfolioKnowledge) -> None:
    quiet = knowledge.totals.program.run({"key_accounts": 20.0, "top1_share": 0.1, "top5_share": 0.3}, AS_OF, "en")
    assert quiet.warnings == []
    loud = knowledge.totals.program.run(
        {
            "key_accounts": 51.0,
            "top1_share": 0.25,
            "top5_share": 0.6,
            "key_accounts_without_plan": 3.0,
            "largest_account": "Acme",
        },
        AS_OF,
        "en",
    )
    assert sorted(r.id for r in loud.warnings) == [
        "key_accounts_without_plan",
        "single_account_concentration",
        "too_many_key_accounts",
        "top5_concentration",
    ]


def test_product_rejects_a_text_parameter(tmp_path: Any) -> None:
    from kamrules.errors import RulesetError
    from kamrules.language.load import load_folders
    from kamrules.language.read import SourceFolder

    (tmp_path / "kamrules.yaml").write_text(
        "kind: manifest\nname: t\nversion: '1'\nstages: [{id: s}]\n", encoding="utf-8"
    )
    (tmp_path / "r.yaml").write_text(
        "kind: ruleset\nid: r\nstage: s\n"
        "parameters: {label: {type: text, value: x}}\n"
        "derives: {x.y: {type: number}}\n"
        "computed: [{id: c, sets: x.y, product: [business.revenue, label]}]\n",
        encoding="utf-8",
    )
    with pytest.raises(RulesetError, match="product needs numbers; parameter label is a text"):
        load_folders([SourceFolder(tmp_path, "t")])


def test_a_key_account_plan_not_reviewed_for_a_year_is_out_of_date(knowledge: PortfolioKnowledge) -> None:
    base = {"advice.tier": "key_account", "plan.exists": True}
    old = run_account(knowledge, **base, **{"plan.reviewed": dt.date(2025, 11, 1)})
    recent = run_account(knowledge, **base, **{"plan.reviewed": dt.date(2026, 6, 1)})
    regular = run_account(
        knowledge, **{"advice.tier": "regular_account", "plan.exists": True, "plan.reviewed": dt.date(2020, 1, 1)}
    )
    assert old.get("plan_outdated") is True
    assert recent.get("plan_outdated") is None
    assert regular.get("plan_outdated") is None
    ev = knowledge.totals.program.run(
        {"key_accounts_plan_outdated": 2.0, "key_accounts_plan_outdated_ids": ["K1", "K2"]}, AS_OF, "it"
    )
    assert [r.warn.code for r in ev.warnings if r.warn] == ["KEY_ACCOUNT_PLANS_OUTDATED"]
