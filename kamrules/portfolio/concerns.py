"""Which accounts a portfolio warning concerns, so that the report can link each warning to them.

The portfolio warnings are raised by the totals rule base (rulesets/portfolio/totals/) on the
portfolio's aggregates; the accounts behind each aggregate are found here, from the report's
record of every account, in one table by warning code. A warning whose code the table does not
know (one a `--rules` folder adds) is shown without links.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

Point = dict[str, Any]


def _key(point: Point) -> bool:
    return point.get("tier") == "key_account"


def _revenue(point: Point) -> float:
    value = point.get("business.revenue")
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0.0


def _largest(n: int) -> Callable[[Sequence[Point]], list[Point]]:
    def pick(points: Sequence[Point]) -> list[Point]:
        ranked = sorted((p for p in points if _revenue(p) > 0), key=lambda p: -_revenue(p))
        return ranked[:n]

    return pick


def _where(test: Callable[[Point], bool]) -> Callable[[Sequence[Point]], list[Point]]:
    def pick(points: Sequence[Point]) -> list[Point]:
        return [p for p in points if test(p)]

    return pick


# (code, rule id or None for any rule) -> the accounts, in the order the report lists them.
CONCERNS: dict[tuple[str, str | None], Callable[[Sequence[Point]], list[Point]]] = {
    ("TOO_MANY_KEY_ACCOUNTS", None): _where(_key),
    ("REVENUE_CONCENTRATION", "single_account_concentration"): _largest(1),
    ("REVENUE_CONCENTRATION", None): _largest(5),
    ("KEY_ACCOUNTS_WITHOUT_PLAN", None): _where(lambda p: _key(p) and bool(p.get("no_plan"))),
    ("KEY_ACCOUNT_PLANS_OUTDATED", None): _where(lambda p: _key(p) and bool(p.get("plan_outdated"))),
}


def concerned(code: str, rule: str, points: Sequence[Point]) -> list[Point] | None:
    """The accounts a portfolio warning concerns; None when its code is not in the table."""
    pick = CONCERNS.get((code, rule)) or CONCERNS.get((code, None))
    return pick(points) if pick is not None else None
