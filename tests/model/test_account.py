"""Account facts: the contract's groups, types, ranges and enums; errors that say where and what."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kamrules import Account, FactsError, validate_account
from kamrules.io.yamlsafe import parse_document
from kamrules.json_schemas import schema_of


def problems(facts: dict[str, Any]) -> list[str]:
    with pytest.raises(FactsError) as info:
        validate_account(facts)
    return [p.render() for p in info.value.problems]


def test_only_id_and_name_are_required() -> None:
    account = validate_account({"id": "A1", "name": "Acme"})
    assert account.business is None
    assert problems({"name": "Acme"}) == ["id: FACT002 is required but missing"]
    assert any("name" in p for p in problems({"id": "A1"}))


def test_the_contract_example_is_valid() -> None:
    facts = {
        "id": "IT-0042",
        "name": "Rossi Meccanica S.p.A.",
        "sector": "automotive",
        "company": {"phone": 39011555, "products": ["gearboxes"], "markets": "EU", "revenue": 85000000, "roi": 0.12},
        "environment": ["new EU emission rules"],
        "business": {
            "revenue": 1200000,
            "margin_pct": 0.22,
            "share_of_wallet": "45%",
            "customer_since": "2015-03-01",
            "contract_end": dt.date(2027, 1, 31),
            "competitors": [{"name": "X", "share": 0.3, "price_index": 0.95}],
            "revenue_by_product": {"gearboxes": 900000},
        },
        "relationship": {
            "dmu": [{"name": "Anna", "role": "decider", "influence": "high", "attitude": "sponsor"}],
            "stage": "cooperative",
            "loyalty": "high",
        },
        "assessment": {
            "current_contribution": 8,
            "potential_contribution": 9,
            "attractiveness_criteria": {"size": {"weight": 60, "score": 8}, "growth": {"weight": 40, "score": 6}},
            "profile": "strategic",
        },
    }
    account = validate_account(facts)
    assert account.company is not None and account.company.phone == "39011555"  # a number read as text
    assert account.company.markets == ["EU"]  # one text where a list is expected
    assert account.business is not None and account.business.share_of_wallet == pytest.approx(0.45)
    assert account.business.customer_since == dt.date(2015, 3, 1)


def test_an_unknown_key_is_an_error_with_a_suggestion() -> None:
    (message,) = problems({"id": "A", "name": "B", "business": {"revnue": 10}})
    assert "business.revnue" in message
    assert "unknown field 'revnue'" in message
    assert "did you mean revenue?" in message


@pytest.mark.parametrize(
    ("facts", "field", "words"),
    [
        ({"business": {"revenue": -1}}, "business.revenue", "the least it can be is 0"),
        ({"business": {"share_of_wallet": 1.4}}, "business.share_of_wallet", "between 0 and 1"),
        ({"business": {"share_of_wallet": 45}}, "business.share_of_wallet", "0.45"),
        ({"relationship": {"stage": "partnership"}}, "relationship.stage", "exploratory"),
        ({"business": {"contract_end": "31/01/2027"}}, "business.contract_end", "YYYY-MM-DD"),
        ({"business": {"contract_end": "2027-02-30"}}, "business.contract_end", "YYYY-MM-DD"),
        ({"assessment": {"attractiveness": 11}}, "assessment.attractiveness", "the most it can be is 10"),
        ({"assessment": {"attractiveness": True}}, "assessment.attractiveness", "not true/false"),
        ({"business": {"revenue": float("nan")}}, "business.revenue", "finite"),
        ({"business": {"revenue": "lots"}}, "business.revenue", "lots"),
        ({"relationship": {"dmu": [{"role": "decider"}]}}, "relationship.dmu[0].name", "required"),
        ({"assessment": {"profile": "strategical"}}, "assessment.profile", "did you mean strategic"),
        ({"business": "rich"}, "business", "mapping"),
    ],
)
def test_wrong_types_and_ranges_name_the_field_and_the_value(facts: dict[str, Any], field: str, words: str) -> None:
    found = problems({"id": "A", "name": "B", **facts})
    assert any(field in p and words in p for p in found), found


def test_a_criterion_without_a_score_is_a_missing_fact_not_an_error() -> None:
    # CONTRACT.md §2: a missing fact is never an error; the scorecard decides what it means.
    account = validate_account(
        {
            "id": "A",
            "name": "B",
            "assessment": {
                "attractiveness_criteria": {"size": {"weight": 60, "score": 8}, "margin": {"weight": 40}},
                "buying_criteria": {"price": {"weight": 50, "ours": 7}, "quality": {"weight": 50}},
            },
        }
    )
    assert account.assessment is not None
    assert account.assessment.attractiveness_criteria is not None
    assert account.assessment.attractiveness_criteria["margin"].score is None
    assert account.assessment.buying_criteria is not None
    assert account.assessment.buying_criteria["price"].best_competitor is None


def test_weights_are_relative_and_need_not_add_up_to_100() -> None:
    # Scorecards scale weights to add up to 100, as they do for a ruleset's criteria.
    account = validate_account(
        {"id": "A", "name": "B", "assessment": {"attractiveness_criteria": {"a": {"weight": 3, "score": 5}}}}
    )
    assert account.assessment is not None


def test_a_criterion_still_needs_its_weight_and_scores_in_range() -> None:
    found = problems(
        {
            "id": "A",
            "name": "B",
            "assessment": {"attractiveness_criteria": {"a": {"score": 5}, "b": {"weight": 50, "score": 11}}},
        }
    )
    assert "assessment.attractiveness_criteria.a.weight: FACT002 is required but missing" in found
    assert any(p.startswith("assessment.attractiveness_criteria.b.score:") and "10" in p for p in found), found


def test_every_problem_is_reported_not_just_the_first() -> None:
    found = problems({"id": "A", "name": "B", "business": {"revenue": -1, "margin_pct": 3}, "sectr": "x"})
    assert len(found) == 3


def test_errors_carry_the_yaml_line() -> None:
    doc = parse_document("id: A\nname: B\nbusiness:\n  revenue: -5\n", "acme.yaml")
    with pytest.raises(FactsError) as info:
        validate_account(doc.data, source="acme.yaml", location=doc.location)
    (problem,) = info.value.problems
    assert problem.render().startswith("acme.yaml:4:12: business.revenue: FACT005")


def test_account_schema_is_exported() -> None:
    schema = schema_of("account")
    assert schema["required"] == ["id", "name"]
    assert "business" in schema["properties"]


def test_the_account_schema_says_a_criterion_needs_only_its_weight() -> None:
    defs = schema_of("account")["$defs"]
    assert defs["Criterion"]["required"] == ["weight"]
    assert defs["BuyingCriterion"]["required"] == ["weight"]


@given(st.floats(min_value=0, max_value=1))
def test_any_fraction_is_a_valid_share(share: float) -> None:
    account = validate_account({"id": "A", "name": "B", "business": {"share_of_wallet": share}})
    assert isinstance(account, Account)


@pytest.mark.parametrize("written", ["125.5%", "101%", " 250 % "])
def test_a_share_written_as_a_percentage_over_100_is_refused_as_written(written: str) -> None:
    with pytest.raises(FactsError) as info:
        validate_account({"id": "A", "name": "A", "business": {"share_of_wallet": written}})
    text = str(info.value)
    assert f"expected a share from 0% to 100%, found {written.strip()!r}" in text
    assert "is written" not in text  # not the hint meant for 45 written for 45 %
