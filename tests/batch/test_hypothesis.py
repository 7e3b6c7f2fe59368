"""Hypothesis-made batches: missing facts, values on the thresholds, invalid rows mixed in,
empty, one-row and all-invalid batches; every row as `Engine.advise` answers it."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kamrules import Engine
from tests.support import AS_OF
from tests.support.batch import differences

ENGINE = Engine.default()

SCORES = ["1", "5", "5.5", "5.4999", "7", "10", "0", "11", "x", " 6 ", "6.0"]
SHARES = ["0", "0.1", "0.6", "0.59", "60%", "45 %", "150%", "1.4", "-0.2", "1_0", "1e-1"]
MONEY = ["0", "100", "1000000", "2500000.5", "-5", "abc", "1e6", "inf"]
DATES = ["2026-11-27", "2027-02-25", "2027-02-26", "2026-01-01", "2026-02-30", "27/11/2026", "2020-01-01T00:00:00"]
STAGES = ["exploratory", "basic", "cooperative", "integrated", "disintegrating", "partner", " basic "]
LEVELS = ["low", "medium", "high", "HIGH"]
PROFILES = ["strategic", "status", "star", "opportunity", "bogus"]
LISTS = ["[quality, price]", "[service]", "[]", "quality", '["delivery", "innovation"]', "[1, 2]", "{a: 1}"]
DMU = [
    '[{"name": "A", "role": "decider", "attitude": "critic"}]',
    '[{"name": "B", "role": "influencer", "attitude": "sponsor"}, {"name": "C"}]',
    "[]",
    '[{"role": "decider"}]',
    '[{"name": "D", "attitude": "angry"}]',
]
CRITERIA = [
    '{"size": {"weight": 50, "score": 8}, "fit": {"weight": 50}}',
    '{"size": {"weight": 100, "score": 3}}',
    "{}",
]

COLUMNS: dict[str, list[str]] = {
    "assessment.current_contribution": SCORES,
    "assessment.potential_contribution": SCORES,
    "assessment.attractiveness": SCORES,
    "assessment.relative_strength": SCORES,
    "assessment.profile": PROFILES,
    "assessment.attractiveness_criteria": CRITERIA,
    "business.share_of_wallet": SHARES,
    "business.margin_pct": SHARES,
    "business.revenue": MONEY,
    "business.cost_to_serve": MONEY,
    "business.contract_end": DATES,
    "relationship.stage": STAGES,
    "relationship.loyalty": LEVELS,
    "relationship.satisfaction": LEVELS,
    "relationship.price_sensitivity": LEVELS,
    "relationship.choice_criteria": LISTS,
    "relationship.dmu": DMU,
    "company.email": ["a@b.c", "", "  "],
}

# The facts a CRM exports, from which the rulesets derive the four scores when no 1-10 score is
# given (rulesets/derived/): revenue, potential, margin, share of wallet, growth, customer since,
# competitors' prices, the hand-given fit and sector attractiveness, portfolio scores.
GROWTH = ["0", "0.05", "0.2", "-0.1", "0.5", "-0.3"]
COMPETITORS = [
    '[{"name": "X", "share": 0.3, "price_index": 0.8}]',
    '[{"name": "Y", "share": 0.1, "price_index": 1.3}, {"name": "Z", "price_index": 0.95}]',
    '[{"name": "W", "share": 0.2}]',
    "[]",
    '[{"name": "V", "price_index": 1.0}, {"name": "U", "price_index": 1.35}]',
]
AMOUNTS = ["0", "100", "250000", "1000000", "2500000.5", "3000000", "4000000", "1e6"]
FRACTIONS = ["0", "0.1", "0.25", "0.59", "0.6", "0.7", "45 %", "1"]
# Only valid cells: an invalid row is advised by neither path, and the derived scores need most
# of their facts (`BAD` puts an invalid cell in a row now and then).
CRM: dict[str, list[str]] = {
    "business.revenue": AMOUNTS,
    "business.potential_revenue": AMOUNTS,
    "business.margin_pct": FRACTIONS,
    "business.share_of_wallet": FRACTIONS,
    "business.growth_rate": GROWTH,
    "business.customer_since": ["2012-04-01", "2025-06-30", "2026-11-27", "2020-01-01"],
    "business.cost_to_serve": AMOUNTS,
    "business.competitors": COMPETITORS,
    "relationship.stage": ["exploratory", "basic", "cooperative", "interdependent", "integrated", "disintegrating"],
    "relationship.loyalty": LEVELS[:3],
    "relationship.satisfaction": LEVELS[:3],
    "relationship.price_sensitivity": LEVELS[:3],
    "assessment.strategic_fit": ["1", "5", "5.5", "7", "10"],
    "assessment.sector_attractiveness": ["2", "6", "9"],
    "assessment.attractiveness": ["3", "8"],
    "portfolio_scores.attractiveness": ["2", "9"],
}
BAD = {"business.revenue": "abc", "business.margin_pct": "150%", "business.customer_since": "2026-02-30"}


@st.composite
def rows(draw: Any) -> dict[str, str | None]:
    row: dict[str, str | None] = {
        "id": draw(st.sampled_from(["A1", "B2", "", None, " C3 "])),
        "name": draw(st.sampled_from(["Acme", "Rossi S.p.A.", None])),
    }
    for name, values in COLUMNS.items():
        row[name] = draw(st.one_of(st.none(), st.sampled_from(values)))
    return row


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(rows(), min_size=0, max_size=12))
def test_text_cells(batch: list[dict[str, str | None]]) -> None:
    columns = {"id": [], "name": [], **{k: [] for k in COLUMNS}}
    for row in batch:
        for key, cells in columns.items():
            cells.append(row[key])
    table = pa.table({k: pa.array(v, pa.string()) for k, v in columns.items()})
    assert differences(ENGINE, table, AS_OF) == []


@st.composite
def crm_rows(draw: Any) -> dict[str, str | None]:
    row: dict[str, str | None] = {"id": draw(st.sampled_from(["A1", "B2", None])), "name": "Acme"}
    for name, values in CRM.items():
        rare = name.startswith(("assessment.attractiveness", "portfolio_scores"))
        given = draw(st.integers(0, 9)) < (2 if rare else 7)
        row[name] = draw(st.sampled_from(values)) if given else None
    if draw(st.integers(0, 9)) == 0:
        name = draw(st.sampled_from(sorted(BAD)))
        row[name] = BAD[name]
    return row


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(crm_rows(), min_size=1, max_size=12))
def test_crm_facts_derive_the_scores(batch: list[dict[str, str | None]]) -> None:
    """Accounts as a CRM exports them: the derived scores, their sources, the warnings on them."""
    table = pa.table({k: pa.array([row[k] for row in batch], pa.string()) for k in ["id", "name", *CRM]})
    assert differences(ENGINE, table, AS_OF) == []


def test_crm_example_scores_are_derived() -> None:
    """The generator above reaches the derived scores (the equivalence is not vacuous)."""
    cells = {k: v[0] if k != "assessment.attractiveness" else None for k, v in CRM.items()}
    cells.update({"business.revenue": "3000000", "business.potential_revenue": "4000000"})
    cells.update({"business.margin_pct": "0.25", "business.share_of_wallet": "0.7"})
    cells.update({"portfolio_scores.attractiveness": None, "assessment.strategic_fit": "7"})
    table = pa.table({k: pa.array([v], pa.string()) for k, v in {"id": "A", "name": "Acme", **cells}.items()})
    sources = ENGINE.advise_table(table, as_of=AS_OF).column("score_sources").to_pylist()[0]
    assert sources["current_contribution"] == "derived"
    assert sources["potential_contribution"] == "derived"
    assert differences(ENGINE, table, AS_OF) == []


NUMBERS = st.one_of(
    st.none(), st.sampled_from([1.0, 5.5, 5.4999, 10.0, 0.6, 0.59, 0.0, -1.0, 11.0, 1e6]), st.floats(-2, 12)
)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(NUMBERS, NUMBERS, NUMBERS, NUMBERS), min_size=0, max_size=10))
def test_typed_numbers_on_thresholds(values: list[tuple[float | None, ...]]) -> None:
    names = [
        "assessment.current_contribution",
        "assessment.potential_contribution",
        "assessment.relative_strength",
        "business.share_of_wallet",
    ]
    table = pa.table(
        {
            "id": pa.array([f"T{i}" for i in range(len(values))], pa.string()),
            "name": pa.array(["Acme"] * len(values), pa.string()),
            **{n: pa.array([v[k] for v in values], pa.float64()) for k, n in enumerate(names)},
            "assessment.attractiveness": pa.array([v[0] for v in values], pa.float64()),
        }
    )
    assert differences(ENGINE, table, AS_OF) == []


def test_all_invalid_batch() -> None:
    table = pa.table({"id": ["", "X"], "name": [None, "N"], "business.revenue": ["-1", "lots"]})
    out = ENGINE.advise_table(table, as_of=AS_OF)
    assert out.column("error").null_count == 0
    assert differences(ENGINE, table, AS_OF) == []


def test_empty_and_one_row_batches() -> None:
    empty = pa.table({"id": pa.array([], pa.string()), "name": pa.array([], pa.string())})
    assert ENGINE.advise_table(empty, as_of=AS_OF).num_rows == 0
    one = pa.table({"id": ["A"], "name": ["Acme"], "assessment.current_contribution": [8.0]})
    assert differences(ENGINE, one, AS_OF) == []


def test_unknown_column_is_the_rows_error() -> None:
    table = pa.table({"id": ["A", "B"], "name": ["Acme", "Beta"], "business.revenu": [None, "5"]})
    out = ENGINE.advise_table(table, as_of=AS_OF).to_pylist()
    assert out[0]["error"] is None and out[0]["tier"] is None
    problem = out[1]["error"]["problems"][0]
    assert (problem["code"], problem["field"], problem["suggestion"]) == ("FACT001", "business.revenu", "revenue")
    assert differences(ENGINE, table, AS_OF) == []
