"""A rule base's stages, grouped into passes and compiled onto durable-rules shards.

Stages run in the order the manifest declares. A stage that reads no fact decided by the stages
of the current pass joins it, so that one assert to durable-rules answers for all of them: the
outcome is the same as running them one by one, since none can see what the others decide.
Each pass's rules and table rows are its *items*, packed into shards (`compile.plan_shards`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kamrules.engine.compile import Item, ShardSpec, plan_shards
from kamrules.engine.durable import DurableShard
from kamrules.engine.lower import to_prims
from kamrules.errors import RulesetError
from kamrules.language.conditions.tree import facts_read
from kamrules.language.rulebase import Compute, Row, Rule, RuleBase, Scorecard, Stage, Table


@dataclass(frozen=True, kw_only=True, slots=True)
class Owner:
    """What an item of a pass is: a rule, or a row of a table (`ref` is the rule id or table:row)."""

    ref: str
    rule: Rule | None = None
    table: Table | None = None
    row: Row | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class CompiledShard:
    """One durable-rules ruleset of a pass: its session, the encoder of its fact, and which item
    of the pass each of its durable rules stands for."""

    durable: DurableShard
    encode: Callable[[Mapping[str, Any], dt.date], str]
    item_of: list[int]  # durable rule position -> item index


@dataclass(frozen=True, kw_only=True)
class StageProgram:
    """One stage, compiled: what it computes, its tables and rules, and where its items sit in
    its pass (`offset`)."""

    stage: Stage
    scorecards: list[Scorecard]
    computes: list[Compute]
    tables: list[Table]
    rules: list[Rule]
    owners: list[Owner]
    decided_here: list[str]
    offset: int = 0  # where this stage's rules start among its pass's items
    decisions_here: list[str] = field(default_factory=list)  # the manifest's decisions among them
    list_facts: frozenset[str] = frozenset()  # derived list facts (collected, not overwritten)


@dataclass(frozen=True, kw_only=True)
class PassProgram:
    """Stages that read nothing from one another, asserted to durable-rules together."""

    stages: list[StageProgram]
    shards: list[CompiledShard]


def stage_reads(rb: RuleBase, stage: Stage) -> set[str]:
    """Every fact the stage's rules, rows, scorecards and computations read."""
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


def group_stages(rb: RuleBase) -> list[list[Stage]]:
    """The stages in passes (see the module's docstring)."""
    groups: list[list[Stage]] = []
    decided_in_group: set[str] = set()
    for stage in rb.stages:
        decides = {d for d, info in rb.derived.items() if info.stage == stage.id}
        if groups and not (stage_reads(rb, stage) & decided_in_group):
            groups[-1].append(stage)
        else:
            groups.append([stage])
            decided_in_group = set()
        decided_in_group |= decides
    return groups


def owner_item(owner: Owner) -> Item:
    """What durable-rules decides for an owner: a table row's or a rule's condition, lowered
    (the batch engine, kamrules/batch/plan.py, regroups a pass's items by the facts they read)."""
    if owner.table is not None and owner.row is not None:
        row = owner.row
        return Item(owner.ref, to_prims(row.when), f"row {row.id} of table {owner.table.id} ({row.where})")
    assert owner.rule is not None, owner
    return Item(owner.ref, to_prims(owner.rule.when), f"rule {owner.rule.id} ({owner.rule.where})")


def plan_pass(rb: RuleBase, stages: list[Stage]) -> tuple[list[StageProgram], list[Item], list[ShardSpec]]:
    """The stage programs of a pass, its items (every table row, then every rule, stage by
    stage) and the shards they pack into."""
    items: list[Item] = []
    programs: list[StageProgram] = []
    for stage in stages:
        tables = [t for t in rb.tables if t.stage == stage.id]
        rules = [r for r in rb.rules if r.stage == stage.id]
        owners: list[Owner] = []
        offset = len(items)
        for t in tables:
            owners += [Owner(table=t, row=row, ref=t.row_ref(row)) for row in t.rows]
        owners += [Owner(rule=r, ref=r.id) for r in rules]
        items += [owner_item(owner) for owner in owners]
        decided = [d for d, info in rb.derived.items() if info.stage == stage.id]
        programs.append(
            StageProgram(
                stage=stage,
                scorecards=[s for s in rb.scorecards if s.stage == stage.id],
                computes=[c for c in rb.computes if c.stage == stage.id],
                tables=tables,
                rules=rules,
                owners=owners,
                decided_here=decided,
                offset=offset,
                decisions_here=[d for d in decided if d in rb.decisions],
                list_facts=frozenset(d for d, info in rb.derived.items() if info.type.kind == "list"),
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


def compile_pass(
    rb: RuleBase, programs: list[StageProgram], items: list[Item], specs: list[ShardSpec], *, memo_size: int
) -> PassProgram:
    """The pass with each shard created in durable-rules."""
    digest = rb.digest.removeprefix("sha256:")
    name = "+".join(sp.stage.id for sp in programs)
    shards: list[CompiledShard] = []
    for spec in specs:
        labels = [items[i].label for i, _ in spec.items]
        durable = DurableShard(name, spec.definition(), labels, digest, memo_size=memo_size)
        shards.append(CompiledShard(durable=durable, encode=spec.keys.encoder(), item_of=[i for i, _ in spec.items]))
    return PassProgram(stages=programs, shards=shards)
