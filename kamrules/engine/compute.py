"""Scorecards and computed facts: arithmetic, done in Python before a stage's rules run.

What a scorecard does when criteria are missing is part of the language (docs/ruleset-language.md):

* `given:` present: the score is that fact, as is;
* `criteria_from:` present: the account's own weighted criteria. Weights are relative (scaled to
  add up to 100, as a ruleset's are); a criterion without a score (for `versus_competitor`,
  without `ours` or `best_competitor`) is a missing fact, handled as for ruleset criteria;
* ruleset `criteria:`: with `on_missing: renormalise` (the default), the weights of the criteria
  that have a score are scaled up to 100, provided they make at least `min_weight` of the total;
  below that, or with `on_missing: undecided` and any criterion missing, the score is undecided
  and the advice names the missing criteria.

The sentences of the trace come in the advice's language, from the same phrase book as the
rules' (`kamrules.language.conditions.explain`); `scale` and `minimum`/`maximum` are computed here too.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kamrules.language.conditions.explain import phrase, phrase_n, show
from kamrules.language.rulebase import Compute, Scorecard


@dataclass
class Outcome:
    """A computed value (None when undecided), why, and what it read.

    `explain(lang)` builds the sentence only when a trace asks for it: formatting numbers into
    text for every account would cost more than the arithmetic. `missing` names the missing
    facts that left the value undecided (a scorecard's criteria without a score, for instance).
    """

    value: Any
    explain: Callable[[str], str]
    facts: dict[str, Any] = field(default_factory=dict)
    missing: tuple[str, ...] = ()

    def because(self, lang: str = "en") -> str:
        return self.explain(lang)


def _round(x: float) -> float:
    return round(x, 4)


def run_scorecard(card: Scorecard, values: Mapping[str, Any]) -> Outcome:
    if card.given is not None and values.get(card.given) is not None:
        v = float(values[card.given])
        given = card.given
        return Outcome(v, lambda lang: phrase(lang, "sc_given").format(fact=given, value=f"{v:g}"), {given: v})
    if card.criteria_from is not None:
        criteria = values.get(card.criteria_from)
        if criteria:
            return _from_account(card, criteria)
    if card.criteria:
        return _from_ruleset(card, values)
    missing = tuple(x for x in (card.given, card.criteria_from) if x)
    return Outcome(None, lambda lang: phrase(lang, "sc_nothing"), {}, missing)


def _field(item: Any, name: str) -> float | None:
    value = item.get(name) if isinstance(item, Mapping) else getattr(item, name, None)
    return None if value is None else float(value)


def _undecided(card: Scorecard, missing: tuple[str, ...], read: dict[str, Any]) -> Outcome:
    def explain(lang: str) -> str:
        if card.on_missing == "undecided":
            needs = phrase(lang, "sc_needs_all")
        else:
            needs = phrase(lang, "sc_needs_weight").format(weight=f"{card.min_weight:g}")
        return phrase(lang, "sc_undecided").format(missing=", ".join(missing), needs=needs)

    return Outcome(None, explain, read, missing)


def _weighted(lang: str, n: int, score: float) -> str:
    return phrase_n(lang, "sc_weighted", n).format(n=n, score=f"{score:g}")


def _renormalised(lang: str, n: int) -> str:
    return phrase_n(lang, "sc_renormalised", n).format(n=n) if n else ""


def _from_account(card: Scorecard, criteria: Mapping[str, Any]) -> Outcome:
    src = card.criteria_from or ""
    fields = ("ours", "best_competitor") if card.method == "versus_competitor" else ("score",)
    total = 0.0
    have: list[tuple[float, tuple[float, ...]]] = []
    missing: list[str] = []
    for name, item in criteria.items():
        weight = _field(item, "weight") or 0.0
        total += weight
        scores = [_field(item, f) for f in fields]
        gaps = [f for f, v in zip(fields, scores, strict=True) if v is None]
        if gaps:
            missing += [f"{src}.{name}.{f}" for f in gaps]
        else:
            have.append((weight, tuple(v for v in scores if v is not None)))
    read = {src: {k: _plain(v) for k, v in criteria.items()}}
    weight = sum(w for w, _ in have)
    if (
        not have
        or weight <= 0
        or (missing and (card.on_missing == "undecided" or weight * 100.0 / total < card.min_weight))
    ):
        return _undecided(card, tuple(missing), read)
    unscored = len(criteria) - len(have)
    if card.method == "versus_competitor":
        ours = sum(w * s[0] for w, s in have) / weight
        best = sum(w * s[1] for w, s in have) / weight
        score = _round(min(10.0, max(1.0, 5.5 + (ours - best) / 2.0)))
        return Outcome(
            score,
            lambda lang: (
                phrase(lang, "sc_versus").format(src=src, ours=f"{ours:.2f}", best=f"{best:.2f}", score=f"{score:g}")
                + _renormalised(lang, unscored)
            ),
            read,
        )
    score = _round(sum(w * s[0] for w, s in have) / weight)
    n = len(have)
    return Outcome(
        score,
        lambda lang: f"{src}: {_weighted(lang, n, score)}{_renormalised(lang, unscored)}",
        read,
    )


def _plain(item: Any) -> Any:
    if isinstance(item, Mapping):
        return {k: v for k, v in item.items() if v is not None}
    if hasattr(item, "model_dump"):
        return item.model_dump(exclude_none=True)
    return item


def _from_ruleset(card: Scorecard, values: Mapping[str, Any]) -> Outcome:
    present = [(c, values.get(c.fact)) for c in card.criteria]
    have = [(c, float(v)) for c, v in present if v is not None]
    missing = tuple(c.fact for c, v in present if v is None)
    read = {c.fact: v for c, v in have}
    weight = sum(c.weight for c, _ in have)
    if missing and (card.on_missing == "undecided" or weight < card.min_weight or not have):
        return _undecided(card, missing, read)
    score = _round(sum(c.weight * v for c, v in have) / weight)
    n = len(have)
    return Outcome(
        score,
        lambda lang: _weighted(lang, n, score) + _renormalised(lang, len(missing)),
        read,
    )


def _filters(comp: Compute, lang: str) -> str:
    return phrase(lang, "and").join(phrase(lang, "cp_in").format(field=k, values="/".join(v)) for k, v in comp.filters)


def run_compute(comp: Compute, values: Mapping[str, Any], as_of: dt.date) -> Outcome:
    args = [values.get(a) for a in comp.args]
    read = {a: v for a, v in zip(comp.args, args, strict=True) if v is not None}
    missing = tuple(a for a, v in zip(comp.args, args, strict=True) if v is None)
    op = comp.op
    first = comp.args[0]
    if op == "count":
        v = args[0]
        n = 0 if v is None else len(v)
        return Outcome(float(n), lambda lang: phrase_n(lang, "cp_count", n).format(fact=first, n=n), read)
    if op == "count_where":
        items = args[0] or []
        k = sum(
            1 for it in items if isinstance(it, Mapping) and all(it.get(f) in accepted for f, accepted in comp.filters)
        )
        return Outcome(
            float(k),
            lambda lang: phrase_n(lang, "cp_count_where", k).format(n=k, fact=first, filters=_filters(comp, lang)),
            read,
        )
    if op in ("minimum", "maximum") and not missing:
        return _extreme(comp, args[0], read)
    if missing:
        shown = ", ".join(missing)
        return Outcome(None, lambda lang: phrase_n(lang, "cp_missing", len(missing)).format(facts=shown), read, missing)
    vals: list[Any] = [a for a in args if a is not None]
    if op == "ratio":
        num, den = float(vals[0]), float(vals[1])
        if den == 0:
            return Outcome(None, lambda lang: phrase(lang, "cp_zero").format(fact=comp.args[1]), read)
        return Outcome(_round(num / den), lambda lang: f"{first} / {comp.args[1]} = {num / den:.4g}", read)
    if op == "difference":
        diff = _round(float(vals[0]) - float(vals[1]))
        return Outcome(diff, lambda lang: f"{first} - {comp.args[1]} = {show(diff)}", read)
    if op == "product":
        result = comp.factor
        for a in vals:
            result *= float(a)
        shown = " x ".join([*comp.args, *comp.factor_params])
        return Outcome(_round(result), lambda lang: f"{shown} = {result:.6g}", read)
    if op == "scale":
        return _scaled(comp, float(vals[0]), read)
    if op == "sum":
        total = _round(sum(float(a) for a in vals))
        return Outcome(total, lambda lang: " + ".join(comp.args) + f" = {show(total)}", read)
    date: dt.date = vals[0]
    if op == "years_since":
        whole, rest, years = calendar_years(date, as_of)
        return Outcome(
            _round(years),
            lambda lang: phrase(lang, "cp_years_since").format(
                years=phrase_n(lang, "cp_years", whole).format(n=whole),
                days=phrase_n(lang, "cp_days", rest).format(n=rest),
                date=date.isoformat(),
            ),
            read,
        )
    days = (as_of - date).days if op == "days_since" else (date - as_of).days
    return Outcome(float(days), lambda lang: phrase_n(lang, "cp_days", days).format(n=days), read)


def scale_value(points: tuple[tuple[float, float], ...], x: float) -> tuple[float, int]:
    """The score of `x` on the points, and where it fell: -1 at or below the first point, the
    index k of the segment [k, k+1] it fell in, or len(points) at or above the last point."""
    if x <= points[0][0]:
        return points[0][1], -1
    if x >= points[-1][0]:
        return points[-1][1], len(points)
    for k in range(len(points) - 1):
        (x0, y0), (x1, y1) = points[k], points[k + 1]
        if x0 <= x <= x1:
            return y0 + (y1 - y0) * (x - x0) / (x1 - x0), k
    raise AssertionError("unreachable: the points' values increase")  # pragma: no cover


def scale_inverse(points: tuple[tuple[float, float], ...], y: float) -> float | None:
    """A value whose score is `y` (for `kam rules lint`'s counter-examples); None when none is."""
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        if min(y0, y1) <= y <= max(y0, y1):
            return x0 if y0 == y1 else x0 + (x1 - x0) * (y - y0) / (y1 - y0)
    if y == points[0][1]:
        return points[0][0]
    if y == points[-1][1]:
        return points[-1][0]
    return None


def _point(value: float, param: str) -> str:
    return f"{show(value)} ({param})" if param else show(value)


def _scaled(comp: Compute, x: float, read: dict[str, Any]) -> Outcome:
    """A piecewise-linear scale: where `x` falls among the points, and its score."""
    score, where = scale_value(comp.points, x)
    score = _round(score)
    fact, points, names = comp.args[0], comp.points, comp.point_params

    def explain(lang: str) -> str:
        if where < 0 or where >= len(points):
            k = 0 if where < 0 else len(points) - 1
            key = "cp_scale_below" if where < 0 else "cp_scale_above"
            return phrase(lang, key).format(
                fact=fact, value=show(x), point=_point(points[k][0], names[k][0]), score=show(score)
            )
        (x0, y0), (x1, y1) = points[where], points[where + 1]
        return phrase(lang, "cp_scale").format(
            fact=fact,
            value=show(x),
            low=_point(x0, names[where][0]),
            high=_point(x1, names[where + 1][0]),
            from_=_point(y0, names[where][1]),
            to=_point(y1, names[where + 1][1]),
            score=show(score),
        )

    return Outcome(score, explain, read)


def _extreme(comp: Compute, items: Any, read: dict[str, Any]) -> Outcome:
    """The least (minimum) or greatest (maximum) value of a field over a list's records."""
    name, fld = comp.args[0], comp.item_field
    found = [
        float(v)
        for it in items or []
        if isinstance(v := (it.get(fld) if isinstance(it, Mapping) else None), (int, float)) and not isinstance(v, bool)
    ]
    if not found:
        return Outcome(
            None, lambda lang: phrase(lang, "cp_no_field").format(fact=name, field=fld), read, (f"{name}.{fld}",)
        )
    value = min(found) if comp.op == "minimum" else max(found)
    n = len(found)
    return Outcome(
        _round(value),
        lambda lang: phrase_n(lang, f"cp_{comp.op}", n).format(fact=name, field=fld, n=n, value=show(value)),
        read,
    )


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
