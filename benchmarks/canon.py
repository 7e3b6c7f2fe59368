"""One comparable form of every contender's answer, and the equivalence check.

Each contender answers in its own shape (a kamrules `Evaluation` or `Advice`, the plain-Python
`Result`, zen-engine's JSON); this module turns each into the same tuple, outside the timed
loops. What is compared: tier, profile, profile source, strategy, the warning codes (each with
its most severe severity, `UNDECIDED` included), the lever ids and the missing information items.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from benchmarks.plain import Result

SEVERITY = {"info": 0, "low": 1, "medium": 2, "high": 3}
DECISIONS = ("tier", "profile", "strategy")

Canon = tuple[
    str | None,
    str | None,
    str | None,
    str | None,
    tuple[tuple[str, str], ...],
    tuple[str, ...],
    tuple[str, ...],
]
FIELDS = ("tier", "profile", "profile_source", "strategy", "warnings", "levers", "information.missing")


def _warnings(pairs: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    best: dict[str, str] = {}
    for code, severity in pairs:
        if code not in best or SEVERITY[severity] > SEVERITY[best[code]]:
            best[code] = severity
    return tuple(sorted(best.items()))


def _undecided(decided: Sequence[str | None]) -> list[tuple[str, str]]:
    return [("UNDECIDED", "high")] if any(d is None for d in decided) else []


def canon(
    tier: Any,
    profile: Any,
    source: Any,
    strategy: Any,
    warnings: Iterable[tuple[str, str]],
    levers: Iterable[str],
    missing: Iterable[str] | None,
) -> Canon:
    pairs = list(warnings) + _undecided((tier, profile, strategy))
    return (tier, profile, source, strategy, _warnings(pairs), tuple(sorted(set(levers))), tuple(sorted(missing or ())))


def from_evaluation(ev: Any) -> Canon:
    """A kamrules `Evaluation` (the decision core's answer)."""
    v = ev.values
    return canon(
        v.get("tier"),
        v.get("profile"),
        v.get("profile_source"),
        v.get("strategy"),
        [(rule.warn.code, rule.warn.severity) for rule in ev.warnings],
        [pick.id for _, pick in ev.levers],
        v.get("information.missing"),
    )


def from_advice(advice: Any) -> Canon:
    """A kamrules `Advice` (end to end)."""
    return canon(
        advice.tier,
        advice.profile,
        advice.profile_source,
        advice.strategy,
        [(w.code, w.severity) for w in advice.warnings if w.code != "UNDECIDED"],
        [lever.id for lever in advice.levers],
        advice.facts.get("information.missing"),
    )


def from_batch(row: dict[str, Any]) -> Canon:
    """A row of `Engine.advise_table`'s advice table."""
    return canon(
        row["tier"],
        row["profile"],
        row["profile_source"],
        row["strategy"],
        [(w["code"], w["severity"]) for w in row["warnings"] or () if w["code"] != "UNDECIDED"],
        [lever["id"] for lever in row["levers"] or ()],
        (row["facts"] or {}).get("information.missing"),
    )


def from_plain(result: Result) -> Canon:
    return canon(*result)


def from_zen(response: Any) -> Canon:
    """zen-engine's result object (see benchmarks/zen_graph.py for its fields)."""
    r = response.get("result", response)
    return canon(
        r.get("tier"),
        r.get("profile"),
        r.get("profile_source"),
        r.get("strategy"),
        [(w["code"], w["severity"]) for w in r.get("warnings") or ()],
        [lv for lv in r.get("levers") or () if lv],
        r.get("missing"),
    )


@dataclass
class Mismatch:
    index: int
    account_id: str
    reference: str
    other: str
    field: str
    expected: Any
    found: Any

    def describe(self) -> str:
        return (
            f"account {self.account_id} (#{self.index}): {self.field} is {self.expected!r} in {self.reference} "
            f"but {self.found!r} in {self.other}"
        )


def compare(
    ids: Sequence[str], reference: str, expected: Sequence[Canon], other: str, found: Sequence[Canon]
) -> list[Mismatch]:
    """Every account whose answers differ, naming the first field that differs."""
    out: list[Mismatch] = []
    for i, (a, b) in enumerate(zip(expected, found, strict=True)):
        if a != b:
            k = next(k for k in range(len(FIELDS)) if a[k] != b[k])
            out.append(Mismatch(i, ids[i], reference, other, FIELDS[k], a[k], b[k]))
    return out
