"""Coverage: which rules, table rows, parameters and warning codes the test cases exercise.

* a rule is covered when its condition held in some case;
* a table row when it decided in some case (held, and chosen by the table's hit policy: a row
  always masked by an earlier one under `first` is not covered, however often it holds);
* a parameter when a covered rule or row uses it (condition, value set, or message);
* a warning code when some case raised it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kamrules.errors import Location
from kamrules.language.rulebase import RuleBase
from kamrules.toolkit.usage import params_by_item

if TYPE_CHECKING:
    from kamrules.toolkit.runner import CaseResult

KINDS = ("rules", "rows", "parameters", "warnings")


@dataclass(frozen=True)
class Item:
    id: str
    where: Location


@dataclass(frozen=True)
class Measure:
    """Coverage of one kind of item."""

    kind: str
    total: tuple[Item, ...]
    missed: tuple[Item, ...]

    @property
    def covered(self) -> int:
        return len(self.total) - len(self.missed)

    @property
    def percent(self) -> float:
        return 100.0 if not self.total else 100.0 * self.covered / len(self.total)


@dataclass(frozen=True)
class Coverage:
    measures: tuple[Measure, ...]

    def of(self, kind: str) -> Measure:
        return next(m for m in self.measures if m.kind == kind)

    def below(self, minimum: float) -> list[Measure]:
        """The kinds whose coverage is under `minimum` percent."""
        return [m for m in self.measures if m.percent + 1e-9 < minimum]


def _measure(kind: str, items: Iterable[Item], covered: set[str]) -> Measure:
    total = tuple(items)
    return Measure(kind, total, tuple(i for i in total if i.id not in covered))


def measure(rb: RuleBase, results: Iterable[CaseResult]) -> Coverage:
    applied: set[str] = set()
    raised: set[str] = set()
    for result in results:
        applied |= result.applied
        raised |= result.raised
    uses = params_by_item(rb)
    used_by_covered: set[str] = set()
    for item in applied:
        used_by_covered |= uses.get(item, set())
    rules = [Item(r.id, r.where) for r in rb.rules]
    rows = [Item(t.row_ref(row), row.where) for t in rb.tables for row in t.rows]
    params = [Item(p.name, p.where) for p in rb.params.values()]
    codes = [Item(c.code, c.where) for c in rb.warning_codes.values()]
    return Coverage(
        (
            _measure("rules", rules, applied),
            _measure("rows", rows, applied),
            _measure("parameters", params, used_by_covered),
            _measure("warnings", codes, raised),
        )
    )
