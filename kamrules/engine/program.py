"""A rule base compiled onto durable-rules, and its evaluation, stage by stage.

Stages run in the order the manifest declares. In each stage: scorecards and computed facts
first (arithmetic, in Python), then every rule and table row of the stage is asserted to
durable-rules at once, which says which ones hold. The facts they decide are added to the
account's values before the next stage runs: layers instead of Rete chaining, simpler to
explain and to trace.

Decisions inside a stage, in order:
* a table applies its hit policy to the rows that hold (a row on a missing fact does not hold;
  write a row with `missing: true` to handle absent data);
* when several rules or rows set the same fact, the highest `priority` wins, then the first in
  the rule base;
* a fact nobody could set is undecided, and the missing facts that kept it so are recorded.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kamrules.engine.compile import Item, ShardSpec, plan_shards
from kamrules.engine.compute import Outcome, run_compute, run_scorecard
from kamrules.engine.durable import DurableShard
from kamrules.engine.explain import because
from kamrules.errors import RulesetError
from kamrules.language.conditions import (
    facts_read,
    params_read,
    to_prims,
)
from kamrules.language.rulebase import (
    Compute,
    LeverPick,
    OutputValue,
    Row,
    Rule,
    RuleBase,
    Scorecard,
    Stage,
    Table,
)


@dataclass
class TraceItem:
    rule: str
    because: str
    decided: dict[str, Any]
    file: str | None
    line: int | None
    facts: dict[str, Any]
    parameters: dict[str, Any]


@dataclass
class FiredWarning:
    rule: Rule


@dataclass
class Evaluation:
    """Everything one account's run produced, before it is turned into advice."""

    values: dict[str, Any]
    as_of: dt.date
    lang: str
    trace: list[TraceItem] = field(default_factory=list)
    fired: set[str] = field(default_factory=set)  # rule ids and table:row refs that held
    warnings: list[Rule] = field(default_factory=list)
    levers: list[tuple[Rule, LeverPick]] = field(default_factory=list)
    undecided: dict[str, list[str]] = field(default_factory=dict)  # fact -> reasons
    conflicts: dict[str, str] = field(default_factory=dict)  # fact -> why
    # fact -> the missing facts that left a scorecard or computed fact undecided, when they are
    # finer than what it reads (the criterion without a score in the account's criteria)
    missing_detail: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass
class _Owner:
    rule: Rule | None = None
    table: Table | None = None
    row: Row | None = None
    ref: str = ""  # the rule id, or table:row


@dataclass
class _Shard:
    durable: DurableShard
    encode: Any
    item_of: list[int]  # durable rule position -> item index


@dataclass
class StageProgram:
    stage: Stage
    scorecards: list[Scorecard]
    computes: list[Compute]
    tables: list[Table]
    rules: list[Rule]
    owners: list[_Owner]
    decided_here: list[str]
    offset: int = 0  # where this stage's rules start among its pass's items
    decisions_here: list[str] = field(default_factory=list)  # the manifest's decisions among them
    list_facts: frozenset[str] = frozenset()  # derived list facts (collected, not overwritten)


@dataclass
class PassProgram:
    """Stages that read nothing from one another, asserted to durable-rules together.

    Stages run in the declared order; a stage that reads no fact decided by the stages of the
    current pass joins it, so that one assert answers for all of them. The outcome is the same
    as running them one by one: none can see what the others decide.
    """

    stages: list[StageProgram]
    shards: list[_Shard]


def default_max_rulesets() -> int:
    """How many durable-rules rulesets one rule base may compile to (about 1 MB each)."""
    raw = os.environ.get("KAMRULES_MAX_RULESETS", "")
    return int(raw) if raw.isdigit() else 100


_PLAIN = (str, int, type(None), bool)
# Computed facts that have a value even when what they read is missing (a count of nothing is 0).
_ON_MISSING_TOO = frozenset({"count", "count_where"})


def _json_value(value: Any) -> Any:
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is float:
        return int(value) if value.is_integer() else value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, Mapping):
        return {str(k): _json_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_value(v) for v in value]
    return value


class Program:
    """A rule base compiled onto durable-rules. Thread-safe; holds no per-account state."""

    def __init__(self, rulebase: RuleBase, *, memo_size: int = 4096, max_rulesets: int | None = None) -> None:
        self.rb = rulebase
        self.memo_size = memo_size
        self.max_rulesets = max_rulesets if max_rulesets is not None else default_max_rulesets()
        # Trace sentences are the same for the same rule, language and values read: keep the
        # most recent ones instead of rebuilding them for every account.
        self._because: dict[tuple[Any, ...], str] = {}
        self._statics: dict[str, tuple[tuple[str, ...], dict[str, Any]]] = {}
        self._because_lock = threading.Lock()
        plans = [self._plan_pass(group) for group in self._group_stages()]
        needed = sum(len(specs) for _, _, specs in plans)
        if needed > self.max_rulesets:
            branches = sum(spec.branches for _, _, specs in plans for spec in specs)
            raise RulesetError(
                f"the rule base is too large for durable-rules: its {branches:,} condition branches need "
                f"{needed} durable-rules rulesets (at most 48 branches each, since more than 64 conditions "
                f"matching one account fail), and each costs about 1 MB; the limit is {self.max_rulesets} "
                "(KAMRULES_MAX_RULESETS). Merge rules into decision tables or ranges, or raise the limit."
            )
        self.passes: list[PassProgram] = [self._compile_pass(*plan) for plan in plans]
        self.stages: list[StageProgram] = [sp for p in self.passes for sp in p.stages]

    def _stage_reads(self, stage: Stage) -> set[str]:
        """Every fact the stage's rules, rows, scorecards and computations read."""
        rb = self.rb
        reads: set[str] = set()
        for t in rb.tables:
            if t.stage == stage.id:
                reads.update(t.inputs.values())
                for row in t.rows:
                    reads |= facts_read(row.when)
                    reads.update(o.fact for o in row.outputs.values() if o.fact)
        for r in rb.rules:
            if r.stage == stage.id:
                reads |= facts_read(r.when)
                reads.update(o.fact for o in (*r.sets.values(), *r.appends.values()) if o.fact)
        for card in rb.scorecards:
            if card.stage == stage.id:
                reads.update(x for x in (card.given, card.criteria_from) if x)
                reads.update(c.fact for c in card.criteria)
        for comp in rb.computes:
            if comp.stage == stage.id:
                reads.update(comp.args)
        return reads

    def _group_stages(self) -> list[list[Stage]]:
        groups: list[list[Stage]] = []
        decided_in_group: set[str] = set()
        for stage in self.rb.stages:
            decides = {d for d, info in self.rb.derived.items() if info.stage == stage.id}
            if groups and not (self._stage_reads(stage) & decided_in_group):
                groups[-1].append(stage)
            else:
                groups.append([stage])
                decided_in_group = set()
            decided_in_group |= decides
        return groups

    def _plan_pass(self, stages: list[Stage]) -> tuple[list[StageProgram], list[Item], list[ShardSpec]]:
        rb = self.rb
        items: list[Item] = []
        programs: list[StageProgram] = []
        for stage in stages:
            tables = [t for t in rb.tables if t.stage == stage.id]
            rules = [r for r in rb.rules if r.stage == stage.id]
            owners: list[_Owner] = []
            offset = len(items)
            for t in tables:
                for row in t.rows:
                    items.append(
                        Item(t.row_ref(row), to_prims(row.when), f"row {row.id} of table {t.id} ({row.where})")
                    )
                    owners.append(_Owner(table=t, row=row, ref=t.row_ref(row)))
            for r in rules:
                items.append(Item(r.id, to_prims(r.when), f"rule {r.id} ({r.where})"))
                owners.append(_Owner(rule=r, ref=r.id))
            programs.append(
                StageProgram(
                    stage,
                    [s for s in rb.scorecards if s.stage == stage.id],
                    [c for c in rb.computes if c.stage == stage.id],
                    tables,
                    rules,
                    owners,
                    [d for d, info in rb.derived.items() if info.stage == stage.id],
                    offset,
                    [d for d, info in rb.derived.items() if info.stage == stage.id and d in rb.decisions],
                    frozenset(d for d, info in rb.derived.items() if info.type.kind == "list"),
                )
            )
        specs: list[ShardSpec] = []
        if items:
            try:
                kinds = {name: info.type.kind for name, info in rb.facts.items()}
                specs = plan_shards(items, kinds)
            except ValueError as exc:
                names = ", ".join(s.id for s in stages)
                raise RulesetError(f"a rule of stage {names} is too complex for durable-rules: {exc}") from None
        return programs, items, specs

    def _compile_pass(self, programs: list[StageProgram], items: list[Item], specs: list[ShardSpec]) -> PassProgram:
        digest = self.rb.digest.removeprefix("sha256:")
        name = "+".join(sp.stage.id for sp in programs)
        shards: list[_Shard] = []
        for spec in specs:
            labels = [items[i].label for i, _ in spec.items]
            durable = DurableShard(name, spec.definition(), labels, digest, memo_size=self.memo_size)
            shards.append(_Shard(durable, spec.keys.encoder(), [i for i, _ in spec.items]))
        return PassProgram(programs, shards)

    def shards(self) -> list[DurableShard]:
        """Every durable-rules ruleset this program compiled to."""
        return [shard.durable for p in self.passes for shard in p.shards]

    def clear_caches(self) -> None:
        """Forget the memoised durable-rules answers and trace sentences (benchmarks use this)."""
        for shard in self.shards():
            with shard.lock:
                shard.memo.clear()
        with self._because_lock:
            self._because.clear()

    # -- evaluation -----------------------------------------------------------------------------

    def run(self, values: dict[str, Any], as_of: dt.date, lang: str = "en", *, trace: bool = True) -> Evaluation:
        ev = Evaluation(values, as_of, lang)
        for p in self.passes:
            for sp in p.stages:
                for card in sp.scorecards:
                    self._apply_outcome(card.id, card.sets, run_scorecard(card, values), card.where, ev, trace)
                for comp in sp.computes:
                    if comp.op not in _ON_MISSING_TOO:
                        # The common case of an account without the facts: no outcome to build.
                        missing = tuple(a for a in comp.args if values.get(a) is None)
                        if missing:
                            ev.missing_detail[comp.sets] = missing
                            continue
                    self._apply_outcome(comp.id, comp.sets, run_compute(comp, values, as_of), comp.where, ev, trace)
            held = self.fire_pass(p, values, as_of) if p.shards else set()
            for sp in p.stages:
                start, end = sp.offset, sp.offset + len(sp.owners)
                mine = {i - start for i in held if start <= i < end} if held else held
                self._run_stage(sp, ev, trace, mine)
        return ev

    def fire_pass(self, p: PassProgram, values: Mapping[str, Any], as_of: dt.date) -> set[int]:
        """The indices (into the pass's items) of the rules and rows whose conditions hold."""
        held: set[int] = set()
        for shard in p.shards:
            fact = shard.encode(values, as_of)
            for n in shard.durable.fire(fact):
                held.add(shard.item_of[n])
        return held

    def _run_stage(self, sp: StageProgram, ev: Evaluation, trace: bool, held: set[int]) -> None:
        if not sp.owners and not sp.decisions_here:
            return  # a stage of computed facts and scorecards only: nothing left to decide here
        values = ev.values
        lang = ev.lang

        # (priority, order, fact, value, owner) candidates for each fact set in this stage.
        writes: list[tuple[int, int, str, Any, _Owner]] = []
        appends: dict[str, list[Any]] = {}
        # Walk only what held (usually a handful), in rule-base order: table rows grouped by
        # table, then rules.
        matched_rows: dict[str, tuple[Table, list[_Owner]]] = {}
        fired: list[_Owner] = []
        owners = sp.owners
        for i in sorted(held):
            owner = owners[i]
            if owner.table is not None:
                matched_rows.setdefault(owner.table.id, (owner.table, []))[1].append(owner)
                ev.fired.add(owner.ref)
            elif owner.rule is not None:
                fired.append(owner)
        for table, matched in matched_rows.values():
            by_row = {id(o.row): o for o in matched}
            for row in self._hit(table, [o.row for o in matched if o.row is not None], ev):
                for fact, out in row.outputs.items():
                    value = self._value(out, values)
                    if table.hit_policy == "collect" and fact in sp.list_facts:
                        bucket = appends.setdefault(fact, [])
                        if value not in bucket:
                            bucket.append(value)
                    else:
                        writes.append((row.priority, table.order * 10000 + row.index, fact, value, by_row[id(row)]))
        fired.sort(key=lambda o: (-o.rule.priority, o.rule.order) if o.rule else (0, 0))
        fired_rules = [o.rule for o in fired if o.rule is not None]
        for owner in fired:
            rule = owner.rule
            assert rule is not None
            ev.fired.add(rule.id)
            for fact, out in rule.sets.items():
                writes.append((rule.priority, rule.order * 10000, fact, self._value(out, values), owner))
            for fact, out in rule.appends.items():
                value = self._value(out, values)
                appends.setdefault(fact, [])
                if value not in appends[fact]:
                    appends[fact].append(value)
            if rule.warn is not None:
                ev.warnings.append(rule)
            for pick in rule.levers:
                ev.levers.append((rule, pick))
        writes.sort(key=lambda w: (-w[0], w[1]))
        decided: dict[str, _Owner] = {}
        for _prio, _order, fact, value, owner in writes:
            if fact in decided or fact in ev.conflicts:
                continue
            if value is None:
                continue
            values[fact] = value
            decided[fact] = owner
        for fact, items in appends.items():
            values[fact] = items
        if trace:
            self._trace_writes(decided, fired_rules, ev)
        for fact in sp.decisions_here:
            if values.get(fact) is None:
                ev.undecided[fact] = self._missing_for(fact, sp, ev)
        del lang

    def _hit(self, table: Table, matched: list[Row], ev: Evaluation) -> list[Row]:
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
            ids = ", ".join(r.id for r in matched)
            for fact in table.outputs:
                ev.conflicts[fact] = f"rows {ids} of table {table.id} all match, and its hit policy is unique"
            return []
        return matched

    def _value(self, out: OutputValue, values: Mapping[str, Any]) -> Any:
        if out.fact is not None:
            return values.get(out.fact)
        return out.literal

    def _apply_outcome(
        self, item_id: str, fact: str, outcome: Outcome, where: Any, ev: Evaluation, trace: bool
    ) -> None:
        if outcome.value is None:
            if outcome.missing:
                ev.missing_detail[fact] = outcome.missing
            return
        ev.values[fact] = outcome.value
        ev.fired.add(item_id)
        if trace:
            ev.trace.append(
                TraceItem(
                    item_id,
                    outcome.because(ev.lang),
                    {fact: _json_value(outcome.value)},
                    where.file,
                    where.line,
                    {k: _json_value(v) for k, v in outcome.facts.items()},
                    {},
                )
            )

    def _trace_writes(self, decided: dict[str, _Owner], fired_rules: list[Rule], ev: Evaluation) -> None:
        by_owner: dict[str, tuple[_Owner, dict[str, Any]]] = {}
        for fact, owner in decided.items():
            by_owner.setdefault(owner.ref, (owner, {}))[1][fact] = _json_value(ev.values.get(fact))
        for rule in fired_rules:
            if rule.id not in by_owner and (rule.warn or rule.levers or rule.appends):
                by_owner[rule.id] = (_Owner(rule=rule, ref=rule.id), {})
        for key, (owner, decided_facts) in by_owner.items():
            facts = dict(decided_facts)
            if owner.table is not None and owner.row is not None:
                cond = owner.row.when
                where = owner.row.where
            else:
                assert owner.rule is not None
                cond = owner.rule.when
                where = owner.rule.where
                if owner.rule.warn is not None:
                    facts = {**facts, "warning": owner.rule.warn.code}
                if owner.rule.levers:
                    facts = {**facts, "levers": [p.id for p in owner.rule.levers]}
            reads, params = self._static(key, cond)
            values = ev.values
            read = {f: _json_value(ev.as_of if f == "as_of" else values.get(f)) for f in reads}
            ev.trace.append(
                TraceItem(key, self._sentence(key, cond, read, ev), facts, where.file, where.line, read, dict(params))
            )

    def _static(self, key: str, cond: Any) -> tuple[tuple[str, ...], dict[str, Any]]:
        """The facts a rule reads and its parameters' values: the same for every account."""
        known = self._statics.get(key)
        if known is None:
            reads = tuple(sorted(facts_read(cond)))
            params = {p: _json_value(self.rb.params[p].value) for p in sorted(params_read(cond)) if p in self.rb.params}
            known = self._statics[key] = (reads, params)
        return known

    def _sentence(self, key: str, cond: Any, read: dict[str, Any], ev: Evaluation) -> str:
        try:
            memo_key: tuple[Any, ...] = (key, ev.lang, ev.as_of, *read.values())
            hash(memo_key)
        except TypeError:  # a list or a mapping among the values read
            memo_key = (key, ev.lang, ev.as_of, repr(read))
        with self._because_lock:
            known = self._because.get(memo_key)
        if known is not None:
            return known
        text = because(cond, ev.values, ev.as_of, ev.lang)
        with self._because_lock:
            if len(self._because) >= 8192:
                del self._because[next(iter(self._because))]
            self._because[memo_key] = text
        return text

    def _missing_for(self, fact: str, sp: StageProgram, ev: Evaluation) -> list[str]:
        """Why `fact` stayed undecided: a conflict, or the missing facts (see `missing_inputs`)."""
        if fact in ev.conflicts:
            return [ev.conflicts[fact]]
        return missing_inputs(self.rb, fact, ev.values, detail=ev.missing_detail)


def writers_read(rb: RuleBase, fact: str) -> list[str]:
    """Every fact read by the rules, rows, scorecards and computations that decide `fact`
    (the same for every account: kept with the rule base once worked out)."""
    cache: dict[str, list[str]] = rb.extra.setdefault("writers_read", {})
    known = cache.get(fact)
    if known is None:
        known = cache[fact] = _writers_read(rb, fact)
    return known


def _writers_read(rb: RuleBase, fact: str) -> list[str]:
    read: list[str] = []
    for table in rb.tables:
        if fact in table.outputs:
            read += list(table.inputs.values())
    for rule in rb.rules:
        if fact in rule.sets or fact in rule.appends:
            read += sorted(facts_read(rule.when))
    for card in rb.scorecards:
        if card.sets == fact:
            read += [x for x in (card.given, card.criteria_from) if x] + [c.fact for c in card.criteria]
    for comp in rb.computes:
        if comp.sets == fact:
            read += list(comp.args)
    return list(dict.fromkeys(read))


def missing_inputs(
    rb: RuleBase,
    fact: str,
    values: Mapping[str, Any],
    depth: int = 0,
    detail: Mapping[str, tuple[str, ...]] | None = None,
) -> list[str]:
    """The missing account facts that would decide `fact`, traced back through derived facts.

    A missing decision (tier, profile...) is named as such. A score given by hand or by its
    weighted criteria is named by its alternatives, "assessment.attractiveness or
    assessment.attractiveness_criteria"; `detail` (from the evaluation) names what is missing
    inside criteria that are given, "assessment.attractiveness_criteria.margin.score". Any other
    derived fact (a ratio, a score derived from the CRM facts, a table's output) is traced back
    to the account facts it is computed from.
    """
    out: list[str] = []
    for name in writers_read(rb, fact):
        if name == "as_of" or values.get(name) is not None:
            continue
        if name in rb.decisions or depth > 16:  # the derived scores' chains run a dozen facts deep
            out.append(name)
        elif name in rb.derived:
            card = next((c for c in rb.scorecards if c.sets == name), None)
            if card is not None and not card.criteria:
                given = [x for x in (card.given, card.criteria_from) if x]
                finer = list((detail or {}).get(name, ()))
                if finer:
                    given = [x for x in given if values.get(x) is None] + finer
                out.append(" or ".join(dict.fromkeys(given)))
            else:
                out.extend(missing_inputs(rb, name, values, depth + 1, detail))
        else:
            out.append(name)
    return list(dict.fromkeys(out))
