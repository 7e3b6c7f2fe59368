"""One stage's decisions, once durable-rules has said which of its rules and rows hold.

In order:
* a table applies its hit policy to the rows that hold (a row on a missing fact does not hold;
  write a row with `missing: true` to handle absent data);
* when several rules or rows set the same fact, the highest `priority` wins, then the first in
  the rule base (rows of a table in their order);
* a collect table and a rule's `append:` add to a list fact instead;
* a fact nobody could set is undecided, and the missing facts that kept it so are recorded.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kamrules.engine.compute import Outcome
from kamrules.engine.evaluation import Evaluation
from kamrules.engine.missing import MissingFacts
from kamrules.engine.passes import Owner, StageProgram
from kamrules.engine.trace import Tracer
from kamrules.errors import Location
from kamrules.language.rulebase import OutputValue, Row, Table


@dataclass(frozen=True, slots=True)
class Write:
    """A value a rule or row would set, and its claim: priority first, then its place in the
    rule base (the item's order, then the row's index in its table)."""

    priority: int
    place: tuple[int, int]
    fact: str
    value: Any
    owner: Owner

    def rank(self) -> tuple[int, tuple[int, int]]:
        return (-self.priority, self.place)


def apply_outcome(
    item_id: str, fact: str, outcome: Outcome, where: Location, ev: Evaluation, tracer: Tracer | None
) -> None:
    """What a scorecard or computed fact decided (or the missing facts that kept it undecided)."""
    if outcome.value is None:
        if outcome.missing:
            ev.missing_detail[fact] = outcome.missing
        return
    ev.values[fact] = outcome.value
    ev.fired.add(item_id)
    if tracer is not None:
        tracer.outcome(item_id, fact, outcome, where, ev)


def run_stage(sp: StageProgram, ev: Evaluation, held: set[int], tracer: Tracer | None, missing: MissingFacts) -> None:
    """Decide the stage's facts from the items that `held` (indices among the stage's owners)."""
    if not sp.owners and not sp.decisions_here:
        return  # a stage of computed facts and scorecards only: nothing left to decide here
    values = ev.values
    writes: list[Write] = []
    appends: dict[str, list[Any]] = {}
    # Walk only what held (usually a handful), in rule-base order: table rows grouped by
    # table, then rules.
    matched_rows: dict[str, tuple[Table, list[Owner]]] = {}
    fired: list[Owner] = []
    for i in sorted(held):
        owner = sp.owners[i]
        if owner.table is not None:
            matched_rows.setdefault(owner.table.id, (owner.table, []))[1].append(owner)
            ev.fired.add(owner.ref)
        elif owner.rule is not None:
            fired.append(owner)
    for table, matched in matched_rows.values():
        _table_writes(sp, table, matched, ev, writes, appends)
    fired.sort(key=lambda o: (-o.rule.priority, o.rule.order) if o.rule else (0, 0))
    for owner in fired:
        _rule_writes(owner, ev, writes, appends)
    fired_rules = [o.rule for o in fired if o.rule is not None]
    writes.sort(key=Write.rank)
    decided: dict[str, Owner] = {}
    for w in writes:
        if w.fact in decided or w.fact in ev.conflicts or w.value is None:
            continue
        values[w.fact] = w.value
        decided[w.fact] = w.owner
    for fact, items in appends.items():
        values[fact] = items
    if tracer is not None:
        tracer.writes(decided, fired_rules, ev)
    for fact in sp.decisions_here:
        if values.get(fact) is None:
            ev.undecided[fact] = (
                [ev.conflicts[fact]] if fact in ev.conflicts else missing.missing(fact, values, ev.missing_detail)
            )


def _table_writes(
    sp: StageProgram,
    table: Table,
    matched: list[Owner],
    ev: Evaluation,
    writes: list[Write],
    appends: dict[str, list[Any]],
) -> None:
    by_row = {id(o.row): o for o in matched}
    for row in hit(table, [o.row for o in matched if o.row is not None], ev):
        for fact, out in row.outputs.items():
            value = _value(out, ev.values)
            if table.hit_policy == "collect" and fact in sp.list_facts:
                bucket = appends.setdefault(fact, [])
                if value not in bucket:
                    bucket.append(value)
            else:
                writes.append(Write(row.priority, (table.order, row.index), fact, value, by_row[id(row)]))


def _rule_writes(owner: Owner, ev: Evaluation, writes: list[Write], appends: dict[str, list[Any]]) -> None:
    rule = owner.rule
    if rule is None:  # pragma: no cover - only rules' owners get here
        raise TypeError(f"{owner.ref} is not a rule")
    ev.fired.add(rule.id)
    for fact, out in rule.sets.items():
        writes.append(Write(rule.priority, (rule.order, 0), fact, _value(out, ev.values), owner))
    for fact, out in rule.appends.items():
        value = _value(out, ev.values)
        bucket = appends.setdefault(fact, [])
        if value not in bucket:
            bucket.append(value)
    if rule.warn is not None:
        ev.warnings.append(rule)
    for pick in rule.levers:
        ev.levers.append((rule, pick))


def hit(table: Table, matched: list[Row], ev: Evaluation) -> list[Row]:
    """The rows of `table` that decide, among those that hold, by its hit policy; a unique table
    with several holding rows decides nothing and records the conflict."""
    if not matched:
        return []
    policy = table.hit_policy
    if policy == "collect":
        return matched
    if policy == "first":
        return [matched[0]]
    if policy == "priority":
        best = max(r.priority for r in matched)
        return [next(r for r in matched if r.priority == best)]
    if len(matched) > 1:
        for fact in table.outputs:
            ev.conflicts[fact] = conflict_reason(table, [r.id for r in matched])
        return []
    return matched


def conflict_reason(table: Table, row_ids: Sequence[str]) -> str:
    """Why a unique table decides nothing when several of its rows hold (the UNDECIDED
    warning's reason; the batch engine's, kamrules/batch/stage.py, too)."""
    return f"rows {', '.join(row_ids)} of table {table.id} all match, and its hit policy is unique"


def _value(out: OutputValue, values: Mapping[str, Any]) -> Any:
    if out.fact is not None:
        return values.get(out.fact)
    return out.literal
