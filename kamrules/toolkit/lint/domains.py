"""The values worth trying for a fact: one from each region its conditions tell apart.

A condition on one fact compares it with constants, so the constants cut the fact's range into
regions where every comparison gives the same answer. One representative of each region (each
cut point itself, a value between two cut points, one below, one above, and "no value") is
therefore enough to decide, exactly, whether some value makes a condition true: this is what the
gap, overlap and masking analysis of decision tables and the never-true check rely on.

Derived facts take only the values some rule or row can give them (`producible`): a rule that
needs `matrix.source: override` can never fire if nothing ever sets that value.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from kamrules.engine.lower import Prim
from kamrules.language.conditions.evaluate import comparable
from kamrules.language.rulebase import RuleBase
from kamrules.model.catalog import FactInfo


class _Absent:
    """The representative of "no value": the fact is not given (or not decided)."""

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Any = _Absent()
OTHER_TEXT = "something_else"


@dataclass(frozen=True)
class Cuts:
    """The constants a fact is compared with, by the encoding compared (see `Prim.key`)."""

    values: tuple[Any, ...] = ()
    days: tuple[float, ...] = ()
    counts: tuple[float, ...] = ()
    items: tuple[str, ...] = ()


def cuts_of(prims: Iterable[Prim]) -> Cuts:
    values: list[Any] = []
    days: list[float] = []
    counts: list[float] = []
    items: list[str] = []
    for p in prims:
        if p.arg.kind == "fact":
            continue
        if p.key == "value":
            values.append(p.arg.value)
        elif p.key == "days":
            days.append(float(p.arg.value))
        elif p.key == "count":
            counts.append(float(p.arg.value))
        elif p.key == "has" and p.arg.name is not None:
            items.append(p.arg.name)
    return Cuts(tuple(values), tuple(days), tuple(counts), tuple(dict.fromkeys(items)))


def _around(points: Iterable[float], low: float | None, high: float | None, step: float) -> list[float]:
    """Each point, the middle of each gap between points, and one value beyond each end."""
    cut = sorted(set(points))
    if not cut:
        anchor = low if low is not None else (high if high is not None else 1.0)
        return [anchor]
    out = set(cut)
    out.update((a + b) / 2 for a, b in itertools.pairwise(cut))
    out.add((low + cut[0]) / 2 if low is not None and low < cut[0] else cut[0] - step)
    out.add((cut[-1] + high) / 2 if high is not None and high > cut[-1] else cut[-1] + step)
    if low is not None:
        out.add(low)
    if high is not None:
        out.add(high)
    return sorted(v for v in out if (low is None or v >= low) and (high is None or v <= high))


def representatives(info: FactInfo, cuts: Cuts, as_of: dt.date, allowed: frozenset[Any] | None = None) -> list[Any]:
    """The values to try for `info`'s fact (ABSENT last), given the constants it is compared with.

    `allowed` restricts a derived fact to the values something can give it (None: any value).
    """
    kind = info.type.kind
    out: list[Any]
    if kind == "number":
        if allowed is not None:
            out = sorted(float(v) for v in allowed if isinstance(v, (int, float)))
        else:
            points = [float(v) for v in cuts.values if isinstance(v, (int, float)) and not isinstance(v, bool)]
            out = _around(points, info.type.minimum, info.type.maximum, 1.0)
    elif kind == "date":
        ordinals = [comparable(v) for v in cuts.values if isinstance(v, dt.date)]
        ordinals += [as_of.toordinal() + d for d in cuts.days]
        out = [dt.date.fromordinal(int(v)) for v in _around(ordinals or [as_of.toordinal()], None, None, 1.0)]
    elif kind == "choice":
        out = [v for v in info.type.values if allowed is None or v in allowed]
    elif kind == "boolean":
        out = [True, False]
    elif kind == "text":
        out = [*dict.fromkeys(str(v) for v in cuts.values), OTHER_TEXT]
    elif kind == "list":
        out = _lists(info, cuts, allowed)
    else:  # a mapping: only its presence or size is ever tested
        out = [{}, {"item": 1.0}]
    return [*out, ABSENT]


def _lists(info: FactInfo, cuts: Cuts, allowed: frozenset[Any] | None) -> list[Any]:
    if info.type.item_kind == "object":
        sizes = sorted({0, 1, *(int(c) for c in cuts.counts), *(int(c) + 1 for c in cuts.counts)})
        return [[{"name": f"Item {i + 1}"} for i in range(n)] for n in sizes if n >= 0]
    items = list(cuts.items)
    if allowed is not None:
        items = [i for i in items if i in allowed] + [i for i in sorted(map(str, allowed)) if i not in items]
    elif info.type.values:
        items += [v for v in info.type.values if v not in items][:1]
    else:
        items.append(OTHER_TEXT)
    out: list[Any] = [[]]
    out += [[item] for item in items]
    if len(items) > 1:
        out.append(list(items))
    return out


def producible(rb: RuleBase) -> dict[str, frozenset[Any] | None]:
    """Derived fact -> every value some rule, row or append can give it (None: cannot tell)."""
    sources: dict[str, list[tuple[str, Any]]] = {}  # fact -> ("lit", value) | ("fact", other) | ("any", None)
    for rule in rb.rules:
        for fact, out in (*rule.sets.items(), *rule.appends.items()):
            sources.setdefault(fact, []).append(("fact", out.fact) if out.fact else ("lit", out.literal))
    for table in rb.tables:
        for row in table.rows:
            for fact, out in row.outputs.items():
                sources.setdefault(fact, []).append(("fact", out.fact) if out.fact else ("lit", out.literal))
    for card in rb.scorecards:
        sources.setdefault(card.sets, []).append(("any", None))
    for comp in rb.computes:
        sources.setdefault(comp.sets, []).append(("any", None))

    memo: dict[str, frozenset[Any] | None] = {}

    def values_of(fact: str, seen: frozenset[str]) -> frozenset[Any] | None:
        if fact in memo:
            return memo[fact]
        info = rb.facts.get(fact)
        if info is not None and info.origin != "derived":
            return frozenset(info.type.values) if info.type.kind == "choice" else None
        if fact in seen:
            return None
        found: set[Any] = set()
        for kind, value in sources.get(fact, []):
            if kind == "any":
                return None
            if kind == "lit":
                found.add(value)
                continue
            other = values_of(str(value), seen | {fact})
            if other is None:
                return None
            found |= other
        return frozenset(found)

    for fact in rb.derived:
        memo[fact] = values_of(fact, frozenset())
    return memo


def allowed_values(rb: RuleBase, fact: str, made: Mapping[str, frozenset[Any] | None]) -> frozenset[Any] | None:
    """The values a fact can take: any, for an account fact; what is produced, for a derived one."""
    return made.get(fact) if fact in rb.derived else None
