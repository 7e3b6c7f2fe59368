"""Effort allocation (DOMAIN.md §6, "Allocare in modo efficace gli sforzi (tempo, spese,
supporti)"): each account's share of the KAM time, visits and budget.

The portfolio rule base gives each account a weight for each kind of effort (rulesets/portfolio/
effort.yaml: tier points x the strategy's factor x its place in the portfolio). A share is a
weight divided by the portfolio's total, which is known only when every row has been advised:
so the rows are spooled to a temporary file as they come (memory stays bounded) and handed on,
with their shares, once the totals are known. When effort.yaml plans a total (hours, visits,
budget above 0), each share is also given in that unit.
"""

from __future__ import annotations

import heapq
import json
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import IO, Any

from kamrules.errors import OutputError
from kamrules.language.rulebase import RuleBase
from kamrules.portfolio.evaluate import RowResult
from kamrules.portfolio.flatten import WARNINGS_SEEN
from kamrules.portfolio.prepare import RowProblem
from kamrules.store.snapshots import SNAPSHOT_CELL

KINDS = ("time", "visits", "budget")
_TOTALS = {"time": "effort_total_hours", "visits": "effort_total_visits", "budget": "effort_total_budget"}
_AMOUNTS = {"time": "effort.hours", "visits": "effort.visits", "budget": "effort.budget"}
TOP = 10


def _weight(cells: Mapping[str, Any], kind: str) -> float | None:
    value = cells.get(f"effort.{kind}_weight")
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


@dataclass
class EffortTally:
    """The portfolio's total weights, then each account's shares and what they add up to."""

    planned: dict[str, float] = field(default_factory=dict)  # kind -> total to allocate (hours...)
    weights: dict[str, float] = field(default_factory=lambda: dict.fromkeys(KINDS, 0.0))
    allocated: int = 0  # accounts with a weight
    unallocated: int = 0  # advised accounts with none (tier or strategy undecided)
    by_tier: dict[str, dict[str, float]] = field(default_factory=dict)  # tier -> kind -> share
    _top: list[tuple[float, int, str, str]] = field(default_factory=list)
    _seen: int = 0

    @classmethod
    def for_rulebase(cls, rb: RuleBase) -> EffortTally:
        planned = {kind: float(rb.params[p].value) for kind, p in _TOTALS.items() if p in rb.params}
        return cls({kind: v for kind, v in planned.items() if v > 0})

    def weigh(self, cells: Mapping[str, Any], ok: bool) -> None:
        """First look at a row: add its weights to the totals."""
        if not ok:
            return
        weights = [_weight(cells, kind) for kind in KINDS]
        if any(w is None for w in weights):
            self.unallocated += 1
            return
        self.allocated += 1
        for kind, w in zip(KINDS, weights, strict=True):
            self.weights[kind] += w or 0.0

    def share(self, cells: dict[str, Any], ok: bool) -> None:
        """Second look at the same row: its shares (and amounts), written into its cells."""
        self._seen += 1
        if not ok:
            return
        for kind in KINDS:
            weight, total = _weight(cells, kind), self.weights[kind]
            if weight is None or total <= 0:
                continue
            share = weight / total
            cells[f"effort.{kind}_share"] = round(share, 6)
            if kind in self.planned:
                cells[_AMOUNTS[kind]] = round(share * self.planned[kind], 2)
            tier = str(cells.get("tier"))
            by_kind = self.by_tier.setdefault(tier, dict.fromkeys(KINDS, 0.0))
            by_kind[kind] += share
        time_share = cells.get("effort.time_share")
        if isinstance(time_share, float):
            item = (time_share, -self._seen, str(cells.get("id")), str(cells.get("name") or cells.get("id")))
            if len(self._top) < TOP:
                heapq.heappush(self._top, item)
            else:
                heapq.heappushpop(self._top, item)

    def top(self) -> list[tuple[str, str, float]]:
        """(id, name, share of time) of the accounts with the largest shares, largest first."""
        return [(ident, name, share) for share, _, ident, name in sorted(self._top, reverse=True)]


class Spool:
    """Rows kept on disk until the totals are known: written once, read back once, in order, as
    JSON Lines in a private temporary file (removed when read back, or by the system)."""

    def __init__(self) -> None:
        # Open across add and replay, closed by replay or close: no single `with` block spans it.
        self._file: IO[str] = tempfile.TemporaryFile("w+", encoding="utf-8", prefix="kamrules-effort-")  # noqa: SIM115
        self.rows = 0

    def add(self, result: RowResult) -> None:
        problems = [[p.column, p.message, p.code, p.line, p.parameter] for p in result.problems]
        cells = result.cells
        if SNAPSHOT_CELL in cells:  # --record: what the history keeps, an object, as JSON data
            from kamrules.store.snapshots import cell_to_json

            cells = {**cells, SNAPSHOT_CELL: cell_to_json(cells[SNAPSHOT_CELL])}
        record = [result.index, result.row, result.line, cells, problems]
        try:
            self._file.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
        except OSError as exc:  # a full disk, ulimit -f: an environment error naming the file (exit 2)
            raise OutputError.of(f"the temporary file of the advised rows in {tempfile.gettempdir()}", exc) from None
        self.rows += 1

    def replay(self) -> Iterator[RowResult]:
        self._file.seek(0)
        for line in self._file:
            index, row, at, cells, problems = json.loads(line)
            warnings = cells.get(WARNINGS_SEEN)
            if warnings is not None:
                cells[WARNINGS_SEEN] = [tuple(pair) for pair in warnings]
            if SNAPSHOT_CELL in cells:
                from kamrules.store.snapshots import cell_from_json

                cells[SNAPSHOT_CELL] = cell_from_json(cells[SNAPSHOT_CELL])
            yield RowResult(index, row, at, cells, [RowProblem(*p) for p in problems])
        self._file.close()

    def close(self) -> None:
        self._file.close()


def with_shares(
    results: Iterable[RowResult],
    effort: EffortTally,
    progress: Callable[[int, int], None] | None = None,
    total_rows: int = 0,
) -> Iterator[RowResult]:
    """`results` again, in order, each with its shares of the effort: every result is weighed
    and spooled first (`progress` follows that pass), then read back and shared out."""
    spool = Spool()
    try:
        for done, result in enumerate(results, start=1):
            effort.weigh(result.cells, result.ok)
            spool.add(result)
            if progress is not None:
                progress(done, total_rows)
    except BaseException:
        spool.close()
        raise
    for result in spool.replay():
        effort.share(result.cells, result.ok)
        yield result
