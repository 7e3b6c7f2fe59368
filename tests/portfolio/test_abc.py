"""ABC revenue classes, checked against an independent computation.

The implementation sorts once and accumulates (kamrules.portfolio.scan), then the YAML table
classifies. The reference here never sorts: for each account it adds up, directly, the revenue
of every account ranked above it (more revenue, or the same revenue earlier in the file).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kamrules.io.rows import RawRow
from kamrules.portfolio.columns import IDENTITY
from kamrules.portfolio.knowledge import PortfolioKnowledge, load_knowledge
from kamrules.portfolio.prepare import prepare
from kamrules.portfolio.scan import scan
from tests.support import AS_OF


@pytest.fixture(scope="module")
def knowledge() -> PortfolioKnowledge:
    return load_knowledge()


def reference_classes(revenues: list[int | None], a: float = 0.80, b: float = 0.95) -> list[str | None]:
    total = sum(r for r in revenues if r is not None)
    out: list[str | None] = []
    for i, mine in enumerate(revenues):
        if mine is None or total == 0:  # no revenue in the whole portfolio: no ranking, no class
            out.append(None)
            continue
        above = sum(r for j, r in enumerate(revenues) if r is not None and (r > mine or (r == mine and j < i)))
        share = above / total
        out.append("A" if share < a else "B" if share < b else "C")
    return out


def classes(knowledge: PortfolioKnowledge, revenues: list[int | None]) -> list[str | None]:
    rows = []
    for i, revenue in enumerate(revenues):
        data: dict[str, Any] = {"id": f"A{i}", "name": f"Account {i}"}
        if revenue is not None:
            data["business"] = {"revenue": revenue}
        rows.append(prepare(RawRow(i, i + 2, data=data), IDENTITY, "generated"))
    result = scan(rows)
    out: list[str | None] = []
    for i in range(len(revenues)):
        place = result.place(i)
        if place is None:
            out.append(None)
            continue
        values = {"portfolio.cumulative_share_before": place.cumulative_share_before}
        out.append(knowledge.accounts.program.run(values, AS_OF, "en", trace=False).values.get("revenue_class"))
    return out


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.one_of(st.none(), st.integers(0, 5_000_000), st.sampled_from([100_000, 250_000])),
        min_size=1,
        max_size=40,
    )
)
def test_abc_classes_match_the_reference(knowledge: PortfolioKnowledge, revenues: list[int | None]) -> None:
    assert classes(knowledge, revenues) == reference_classes(revenues)


def test_a_textbook_pareto(knowledge: PortfolioKnowledge) -> None:
    # 19 accounts, 1,000 of revenue: four make the first 80 %, ten the next 15 %, five the last 5 %.
    revenues: list[int | None] = [400, 200, 100, 100] + [15] * 10 + [10] * 5
    assert reference_classes(revenues) == ["A"] * 4 + ["B"] * 10 + ["C"] * 5
    assert classes(knowledge, revenues) == reference_classes(revenues)


def test_boundaries_are_parameters(knowledge: PortfolioKnowledge) -> None:
    params = knowledge.accounts.rulebase.params
    assert params["class_a_revenue_share"].value == pytest.approx(0.80)
    assert params["class_b_revenue_share"].value == pytest.approx(0.95)


def _advised(tmp_path: Path, rows: str) -> dict[str, dict[str, Any]]:
    from tests.support import kam

    path = tmp_path / "p.csv"
    path.write_text("id,name,business.revenue,business.potential_revenue\n" + rows, encoding="utf-8")
    result = kam("portfolio", str(path), "--as-of", "2026-11-27", "--format", "jsonl")
    assert result.exit_code == 0, result.stderr
    keep = (
        "portfolio.revenue_share",
        "portfolio.cumulative_share_before",
        "revenue_class",
        "revenue_potential.quadrant",
    )
    return {r["id"]: {k: r[k] for k in keep} for r in map(json.loads, result.stdout.splitlines())}


def test_a_portfolio_with_no_revenue_has_no_large_account(tmp_path: Path) -> None:
    # Every revenue and potential 0: shares of nothing are undefined (no place, no class), and
    # nobody is "large today and with more to give" for being level with a median of 0.
    advised = _advised(tmp_path, "Z1,Uno,0,0\nZ2,Due,0,0\nZ3,Tre,0,0\n")
    assert advised == {
        ident: {
            "portfolio.revenue_share": None,
            "portfolio.cumulative_share_before": None,
            "revenue_class": None,
            "revenue_potential.quadrant": "rationalise",
        }
        for ident in ("Z1", "Z2", "Z3")
    }


def test_a_median_of_zero_is_not_a_cut_line_a_zero_passes(tmp_path: Path) -> None:
    # Revenue 0, 0, 0, 100: median 0; potential 0, 0, 50, 0: median 0. By hand: only D has
    # revenue (all of it: share 1, class A; the others hold 0 with 100 % above them: class C);
    # C alone has potential. So D keeps (maintain), C is to conquer, A and B rationalise.
    advised = _advised(tmp_path, "A,Alfa,0,0\nB,Beta,0,0\nC,Gamma,0,50\nD,Delta,100,0\n")
    assert {k: (v["portfolio.revenue_share"], v["portfolio.cumulative_share_before"]) for k, v in advised.items()} == {
        "A": (0.0, 1.0),
        "B": (0.0, 1.0),
        "C": (0.0, 1.0),
        "D": (1.0, 0.0),
    }
    assert {k: v["revenue_class"] for k, v in advised.items()} == {"A": "C", "B": "C", "C": "C", "D": "A"}
    assert {k: v["revenue_potential.quadrant"] for k, v in advised.items()} == {
        "A": "rationalise",
        "B": "rationalise",
        "C": "conquer",
        "D": "maintain",
    }


@pytest.mark.parametrize(
    ("revenue", "potential", "quadrant"),
    [(300, 300, "develop"), (300, 100, "maintain"), (100, 300, "conquer"), (100, 100, "rationalise")],
)
def test_revenue_potential_at_positive_medians_is_unchanged(
    knowledge: PortfolioKnowledge, revenue: float, potential: float, quadrant: str
) -> None:
    values = {
        "business.revenue": float(revenue),
        "business.potential_revenue": float(potential),
        "portfolio.revenue_median": 200.0,
        "portfolio.potential_median": 200.0,
    }
    ev = knowledge.accounts.program.run(values, AS_OF, "en", trace=False)
    assert ev.values["revenue_potential.quadrant"] == quadrant
