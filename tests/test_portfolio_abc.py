"""ABC revenue classes, checked against an independent computation.

The implementation sorts once and accumulates (kamrules.portfolio.scan), then the YAML table
classifies. The reference here never sorts: for each account it adds up, directly, the revenue
of every account ranked above it (more revenue, or the same revenue earlier in the file).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kamrules.io.columns import IDENTITY
from kamrules.io.rows import RawRow
from kamrules.portfolio.knowledge import PortfolioKnowledge, load_knowledge
from kamrules.portfolio.prepare import prepare
from kamrules.portfolio.scan import scan
from tests.conftest import AS_OF


@pytest.fixture(scope="module")
def knowledge() -> PortfolioKnowledge:
    return load_knowledge()


def reference_classes(revenues: list[int | None], a: float = 0.80, b: float = 0.95) -> list[str | None]:
    total = sum(r for r in revenues if r is not None)
    out: list[str | None] = []
    for i, mine in enumerate(revenues):
        if mine is None:
            out.append(None)
            continue
        above = sum(r for j, r in enumerate(revenues) if r is not None and (r > mine or (r == mine and j < i)))
        share = above / total if total > 0 else 1.0
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
