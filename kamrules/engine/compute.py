"""Scorecards and computed facts: arithmetic, done in Python before a stage's rules run.

What a scorecard does when criteria are missing is part of the language (docs/ruleset-language.md):

* `given:` present: the score is that fact, as is;
* `criteria_from:` present: the account's own weighted criteria (weights add up to 100, checked
  when the account is read), all present by construction;
* ruleset `criteria:`: with `on_missing: renormalise` (the default), the weights of the criteria
  that have a score are scaled up to 100, provided they make at least `min_weight` of the total;
  below that, or with `on_missing: undecided` and any criterion missing, the score is undecided
  and the advice names the missing criteria.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kamrules.language.rulebase import Compute, Scorecard


@dataclass
class Outcome:
    """A computed value (None when undecided), why, and what it read.

    `explain` builds the sentence only when a trace asks for it: formatting numbers into text for
    every account would cost more than the arithmetic.
    """

    value: Any
    explain: Callable[[], str]
    facts: dict[str, Any] = field(default_factory=dict)
    missing: tuple[str, ...] = ()

    @property
    def because(self) -> str:
        return self.explain()


def _round(x: float) -> float:
    return round(x, 4)


def run_scorecard(card: Scorecard, values: Mapping[str, Any]) -> Outcome:
    if card.given is not None and values.get(card.given) is not None:
        v = float(values[card.given])
        return Outcome(v, lambda: f"{card.given} is given: {v:g}", {card.given: v})
    if card.criteria_from is not None:
        criteria = values.get(card.criteria_from)
        if criteria:
            return _from_account(card, criteria)
    if card.criteria:
        return _from_ruleset(card, values)
    missing = tuple(x for x in (card.given, card.criteria_from) if x)
    return Outcome(None, lambda: "no score and no criteria", {}, missing)


def _get(item: Any, name: str) -> float:
    return float(item[name] if isinstance(item, Mapping) else getattr(item, name))


def _from_account(card: Scorecard, criteria: Mapping[str, Any]) -> Outcome:
    total = sum(_get(c, "weight") for c in criteria.values())
    src = card.criteria_from or ""
    if card.method == "versus_competitor":
        ours = sum(_get(c, "weight") * _get(c, "ours") for c in criteria.values()) / total
        best = sum(_get(c, "weight") * _get(c, "best_competitor") for c in criteria.values()) / total
        score = _round(min(10.0, max(1.0, 5.5 + (ours - best) / 2.0)))
        return Outcome(
            score,
            lambda: (
                f"{src}: our weighted score {ours:.2f} against the best competitor's {best:.2f} "
                f"(5.5 at parity) gives {score:g}"
            ),
            {src: {k: dict(v) if isinstance(v, Mapping) else v for k, v in criteria.items()}},
        )
    score = _round(sum(_get(c, "weight") * _get(c, "score") for c in criteria.values()) / total)
    return Outcome(
        score,
        lambda: f"{src}: weighted average of {len(criteria)} criteria gives {score:g}",
        {src: {k: dict(v) if isinstance(v, Mapping) else v for k, v in criteria.items()}},
    )


def _from_ruleset(card: Scorecard, values: Mapping[str, Any]) -> Outcome:
    present = [(c, values.get(c.fact)) for c in card.criteria]
    have = [(c, float(v)) for c, v in present if v is not None]
    missing = tuple(c.fact for c, v in present if v is None)
    read = {c.fact: v for c, v in have}
    weight = sum(c.weight for c, _ in have)
    if missing and (card.on_missing == "undecided" or weight < card.min_weight or not have):
        rule = "every criterion" if card.on_missing == "undecided" else f"at least {card.min_weight:g} % of the weight"
        return Outcome(
            None, lambda: f"criteria without a score: {', '.join(missing)} (the scorecard needs {rule})", read, missing
        )
    score = _round(sum(c.weight * v for c, v in have) / weight)
    note = f"; {len(missing)} criteria without a score, weights renormalised" if missing else ""
    return Outcome(score, lambda: f"weighted average of {len(have)} criteria gives {score:g}{note}", read)


def _filters(comp: Compute) -> str:
    return " and ".join(f"{k} in {'/'.join(v)}" for k, v in comp.filters)


def run_compute(comp: Compute, values: Mapping[str, Any], as_of: dt.date) -> Outcome:
    args = [values.get(a) for a in comp.args]
    read = {a: v for a, v in zip(comp.args, args, strict=True) if v is not None}
    missing = tuple(a for a, v in zip(comp.args, args, strict=True) if v is None)
    op = comp.op
    if op == "count":
        v = args[0]
        n = 0 if v is None else len(v)
        return Outcome(float(n), lambda: f"{comp.args[0]} has {n} items", read)
    if op == "count_where":
        items = args[0] or []
        n = sum(
            1 for it in items if isinstance(it, Mapping) and all(it.get(k) in accepted for k, accepted in comp.filters)
        )
        return Outcome(float(n), lambda: f"{n} items of {comp.args[0]} have {_filters(comp)}", read)
    if missing:
        return Outcome(None, lambda: f"missing {', '.join(missing)}", read, missing)
    vals: list[Any] = [a for a in args if a is not None]
    if op == "ratio":
        num, den = float(vals[0]), float(vals[1])
        if den == 0:
            return Outcome(None, lambda: f"{comp.args[1]} is zero", read)
        return Outcome(_round(num / den), lambda: f"{comp.args[0]} / {comp.args[1]} = {num / den:.4g}", read)
    if op == "difference":
        return Outcome(_round(float(vals[0]) - float(vals[1])), lambda: f"{comp.args[0]} - {comp.args[1]}", read)
    if op == "product":
        result = comp.factor
        for a in vals:
            result *= float(a)
        shown = " x ".join([*comp.args, *comp.factor_params])
        return Outcome(_round(result), lambda: f"{shown} = {result:.6g}", read)
    if op == "sum":
        return Outcome(_round(sum(float(a) for a in vals)), lambda: " + ".join(comp.args), read)
    date: dt.date = vals[0]
    if op == "years_since":
        whole, rest, years = calendar_years(date, as_of)
        return Outcome(_round(years), lambda: f"{whole} years and {rest} days since {date}", read)
    days = (as_of - date).days if op == "days_since" else (date - as_of).days
    return Outcome(float(days), lambda: f"{days} days", read)


def anniversary(start: dt.date, years: int) -> dt.date:
    """`start`, `years` later; 29 February falls on 28 February in a common year."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February, in a year that has none
        return dt.date(start.year + years, 2, 28)


def calendar_years(start: dt.date, end: dt.date) -> tuple[int, int, float]:
    """The whole calendar years from `start` to `end` (anniversaries passed), the days since the
    last one, and the years as a number: the whole years plus the part of the year under way, so
    that an anniversary gives exactly a whole number (five years on the fifth anniversary, not
    4.9993 as days / 365.25 would say). Negative when `end` is before `start`."""
    if end < start:
        whole, rest, years = calendar_years(end, start)
        return -whole, -rest, -years
    whole = end.year - start.year
    if anniversary(start, whole) > end:
        whole -= 1
    last, following = anniversary(start, whole), anniversary(start, whole + 1)
    rest = (end - last).days
    return whole, rest, whole + rest / (following - last).days
