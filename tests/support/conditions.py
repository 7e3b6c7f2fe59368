"""Random conditions and accounts for the differential and property tests: every operator,
all/any/not nesting, fact-to-fact comparisons, dates around the evaluation date, lists, missing
facts; values on and around the thresholds (boundaries, tiny and huge floats)."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

import yaml

from tests.support import AS_OF

NUMBERS: dict[str, list[float]] = {
    "business.revenue": [0.0, 1.0e-05, 1.0, 999.5, 1000.0, 1000.5, 1.0e16],
    "business.margin_pct": [-0.5, 0.0, 1.0e-05, 0.1, 0.15, 0.2, 0.99],
    "business.share_of_wallet": [0.0, 0.1, 0.15, 0.6, 0.6000001, 1.0],
    "assessment.attractiveness": [1.0, 5.0, 5.5, 6.0, 9.99, 10.0],
    "assessment.relative_strength": [1.0, 5.0, 5.5, 6.0, 10.0],
    "company.roi": [-3.0, 0.0, 0.12, 1.0e-05, 7.0],
}
DATES = ["business.contract_end", "business.customer_since"]
DAY_OFFSETS = [-400, -91, -90, -89, -1, 0, 1, 30, 89, 90, 91, 365]
CHOICES: dict[str, list[str]] = {
    "relationship.stage": ["exploratory", "basic", "cooperative", "interdependent", "integrated", "disintegrating"],
    "relationship.loyalty": ["low", "medium", "high"],
    "relationship.satisfaction": ["low", "medium", "high"],
}
TEXTS = {"sector": ["automotive", "food", "pharma", "perché"]}
LISTS = {"relationship.choice_criteria": ["quality", "price", "delivery", "service"]}
PAIRS = [
    ("business.share_of_wallet", "business.margin_pct"),
    ("assessment.attractiveness", "assessment.relative_strength"),
    ("business.contract_end", "business.customer_since"),
]


def random_leaf(rng: random.Random) -> dict[str, Any]:
    kind = rng.choice(["number", "number", "date", "choice", "text", "list", "presence", "pair"])
    if kind == "number":
        fact = rng.choice(list(NUMBERS))
        pool = NUMBERS[fact]
        op = rng.choice(["gt", "gte", "lt", "lte", "eq", "ne", "between", "cell", "range", "one_of", "none_of"])
        if op == "between":
            lo, hi = sorted(rng.sample(pool, 2))
            return {fact: {"between": [lo, hi]}}
        if op == "cell":
            return {fact: f"{rng.choice(['>=', '<=', '>', '<', '=', '!='])} {rng.choice(pool)!r}"}
        if op == "range":
            lo, hi = sorted(rng.sample(pool, 2))
            return {fact: f"{rng.choice('[(')}{lo!r}..{hi!r}{rng.choice('])')}"}
        if op in ("one_of", "none_of"):
            return {fact: {op: rng.sample(pool, rng.randint(1, 3))}}
        return {fact: {op: rng.choice(pool)}}
    if kind == "date":
        fact = rng.choice(DATES)
        op = rng.choice(
            ["within_days", "within_last_days", "older_than_days", "beyond_days", "past", "before", "after"]
        )
        if op == "past":
            return {fact: {"past": rng.choice([True, False])}}
        if op in ("before", "after"):
            day = AS_OF + dt.timedelta(days=rng.choice(DAY_OFFSETS))
            return {fact: {op: day.isoformat()}}
        return {fact: {op: rng.choice([0, 1, 89, 90, 91])}}
    if kind == "choice":
        fact = rng.choice(list(CHOICES))
        values = CHOICES[fact]
        op = rng.choice(["eq", "ne", "one_of", "none_of", "list"])
        if op == "list":
            return {fact: rng.sample(values, rng.randint(1, 3))}
        if op in ("one_of", "none_of"):
            return {fact: {op: rng.sample(values, rng.randint(1, 3))}}
        return {fact: {op: rng.choice(values)}}
    if kind == "text":
        return {"sector": {rng.choice(["eq", "ne"]): rng.choice(TEXTS["sector"])}}
    if kind == "list":
        fact = "relationship.choice_criteria"
        op = rng.choice(["contains", "not_contains", "contains_any", "empty"])
        if op == "empty":
            return {fact: {"empty": rng.choice([True, False])}}
        if op == "contains_any":
            return {fact: {op: rng.sample(LISTS[fact], 2)}}
        return {fact: {op: rng.choice(LISTS[fact])}}
    if kind == "presence":
        fact = rng.choice([*NUMBERS, *DATES, *CHOICES, "business.revenue_by_product"])
        return {fact: {rng.choice(["exists", "missing"]): rng.choice([True, False])}}
    left, right = rng.choice(PAIRS)
    return {left: {rng.choice(["gt", "gte", "lt", "lte", "eq", "ne"]): {"fact": right}}}


def random_condition(rng: random.Random, depth: int = 0) -> dict[str, Any]:
    if depth >= 3 or rng.random() < 0.35:
        return random_leaf(rng)
    shape = rng.choice(["all", "any", "not"])
    if shape == "not":
        return {"not": random_condition(rng, depth + 1)}
    return {shape: [random_condition(rng, depth + 1) for _ in range(rng.randint(2, 3))]}


def random_account(rng: random.Random, n: int) -> dict[str, Any]:
    facts: dict[str, Any] = {"id": f"A{n}", "name": f"Account {n}"}

    def put(path: str, value: Any) -> None:
        group, key = path.split(".") if "." in path else (None, path)
        target = facts.setdefault(group, {}) if group else facts
        target[key] = value

    for fact, pool in NUMBERS.items():
        if rng.random() < 0.75:
            put(fact, rng.choice(pool))
    for fact in DATES:
        if rng.random() < 0.75:
            put(fact, AS_OF + dt.timedelta(days=rng.choice(DAY_OFFSETS)))
    for fact, values in CHOICES.items():
        if rng.random() < 0.75:
            put(fact, rng.choice(values))
    if rng.random() < 0.75:
        put("sector", rng.choice(TEXTS["sector"]))
    if rng.random() < 0.75:
        put("relationship.choice_criteria", rng.sample(LISTS["relationship.choice_criteria"], rng.randint(0, 3)))
    if rng.random() < 0.5:
        put("business.revenue_by_product", {"a": 1.0})
    return facts


def write_rule_base(folder: Path, conditions: list[dict[str, Any]]) -> None:
    manifest = {
        "kind": "manifest",
        "name": "differential",
        "version": "1",
        "stages": [{"id": "only"}],
    }
    ruleset = {
        "kind": "ruleset",
        "id": "random",
        "stage": "only",
        "derives": {"diff.fired": {"type": "list", "values": [f"r{i}" for i in range(len(conditions))]}},
        "rules": [
            {"id": f"r{i}", "when": cond, "then": {"append": {"diff.fired": f"r{i}"}}}
            for i, cond in enumerate(conditions)
        ],
    }
    (folder / "kamrules.yaml").write_text(yaml.safe_dump(manifest), encoding="utf-8")
    (folder / "random.yaml").write_text(yaml.safe_dump(ruleset, allow_unicode=True), encoding="utf-8")
