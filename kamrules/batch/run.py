"""The batch evaluation: every pass of the program over a frame of accounts.

As `Program.run`, pass by pass: scorecards and computed facts first, then durable-rules says
which rules and rows hold (`decide.fire_pass`), then each stage's decisions (`stage.run_stage`).
A decision left undecided gets the reasons the per-account path gives it (`MissingFacts`),
worked out once per distinct combination of what they depend on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from kamrules.batch import frame as fr
from kamrules.batch.compute import run_compute, run_scorecard
from kamrules.batch.decide import fire_pass
from kamrules.batch.plan import PassPlan
from kamrules.batch.stage import Outcomes, run_stage
from kamrules.engine.missing import MissingFacts
from kamrules.engine.program import Program


@dataclass
class Reasons:
    """Per row, the reasons a decision is undecided (-1: decided), as codes into `texts`."""

    codes: np.ndarray
    texts: list[list[str]]


@dataclass
class Result:
    frame: fr.Frame
    outcomes: Outcomes
    undecided: dict[str, Reasons] = field(default_factory=dict)
    distinct: dict[str, int] = field(default_factory=dict)  # durable ruleset -> distinct inputs


def evaluate(program: Program, plans: list[PassPlan], frame: fr.Frame) -> Result:
    """Every pass of `program` (its batch `plans`) over the accounts of `frame`, which gains the
    facts decided."""
    rb, missing = program.rb, program.missing
    out = Outcomes()
    result = Result(frame, out)
    stats: Callable[[str, int], None] = result.distinct.__setitem__
    for plan in plans:
        for sp in plan.program.stages:
            for card in sp.scorecards:
                value, detail = run_scorecard(card, frame)
                frame.columns[card.sets] = fr.Num(value)
                out.details[card.sets] = detail
            for comp in sp.computes:
                value, maybe = run_compute(comp, frame)
                date = rb.facts[comp.sets].type.kind == "date"
                frame.columns[comp.sets] = fr.Num(value, date=date)
                if maybe is not None:
                    out.details[comp.sets] = maybe
        held = fire_pass(plan, frame, stats) if plan.shards else np.zeros((frame.n, len(plan.items)), dtype=bool)
        for sp in plan.program.stages:
            start = sp.offset
            run_stage(rb, sp, held[:, start : start + len(sp.owners)], frame, out)
            for fact in sp.decisions_here:
                undecided = ~frame.get(fact).present()
                result.undecided[fact] = _reasons(missing, fact, undecided, frame, out)
    return result


def _closure(missing: MissingFacts, fact: str) -> list[str]:
    """Every fact `missing.missing(fact, ...)` may look at."""
    rb = missing.rb
    seen: dict[str, None] = {}
    todo = [fact]
    while todo:
        name = todo.pop()
        for read in missing.writers_read(name):
            if read not in seen:
                seen[read] = None
                if read in rb.derived and read not in rb.decisions:
                    todo.append(read)
    return list(seen)


def _reasons(missing: MissingFacts, fact: str, undecided: np.ndarray, frame: fr.Frame, out: Outcomes) -> Reasons:
    n = frame.n
    codes = np.full(n, -1, dtype=np.int64)
    texts: list[list[str]] = []
    if not undecided.any():
        return Reasons(codes, texts)
    conflict = out.conflicts.get(fact)
    rows = undecided.copy()
    if conflict is not None:
        in_conflict = undecided & (conflict[0] >= 0)
        for k, text in enumerate(conflict[1]):
            mine = in_conflict & (conflict[0] == k)
            if mine.any():
                codes[mine] = len(texts)
                texts.append([text])
        rows &= ~in_conflict
    if not rows.any():
        return Reasons(codes, texts)
    names = [x for x in _closure(missing, fact) if x != "as_of"]
    present = [frame.get(x).present()[rows] for x in names]
    detailed = [x for x in names if x in out.details]
    parts = [p.astype(np.int64) for p in present] + [out.details[x].codes[rows] + 1 for x in detailed]
    matrix = np.stack(parts, axis=1) if parts else np.zeros((int(rows.sum()), 1), dtype=np.int64)
    distinct, inverse = np.unique(matrix, axis=0, return_inverse=True)
    base = len(texts)
    for signature in distinct:
        values = {x: (True if bit else None) for x, bit in zip(names, signature[: len(names)].tolist(), strict=True)}
        detail = {}
        for x, code in zip(detailed, signature[len(names) :].tolist(), strict=True):
            if code > 0:
                detail[x] = out.details[x].values[code - 1]
        texts.append(missing.missing(fact, values, detail))
    codes[rows] = base + inverse.reshape(-1)
    return Reasons(codes, texts)
