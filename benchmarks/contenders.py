"""The contenders (a) to (d), their inputs prepared outside the timed loops, and the check that
they all give the same answers.

(a) kamrules' decision core: `Program.run` on prepared values, trace off, with the default
    memo and with `memo_size=0`; each pass starts from an empty memo, as a nightly run over
    distinct accounts would (a memo warmed by the previous pass over the same accounts would
    flatter it).
(b) kamrules end to end: `Engine.advise_many` on raw facts (validation, evaluation with trace,
    the full advice model).
(c) the built-in rules by hand in plain Python (benchmarks/plain.py).
(d) zen-engine on an equivalent decision graph (benchmarks/zen_graph.py), given the account as
    a Python dict and as JSON text (its fastest input: a job reading JSON Lines can hand the
    lines over as they are).
(g) kamrules batch: `Engine.advise_table` on the raw facts as one Arrow table (validation,
    evaluation and the advice table, no trace), its durable-rules memos emptied before each pass.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from benchmarks import canon, plain, zen_graph
from benchmarks.timing import Contender


def zen_available() -> bool:
    return importlib.util.find_spec("zen") is not None


def _reset_engine(engine: Any) -> Callable[[], None]:
    """Empty the engine's per-ruleset memo and trace-sentence cache, outside the timed loop.

    Caches of things every account shares (compiled rules, texts of the rules, the encoding of
    the few choice values) are left warm: a nightly run has them warm after its first accounts.
    """
    clear: Callable[[], None] = engine.program.clear_caches
    return clear


@dataclass
class Prepared:
    raw: list[dict[str, Any]]  # as generated: what a caller hands to advise_many
    models: list[Any]  # validated kamrules Accounts
    values: list[dict[str, Any]]  # account_values(validated account): the decision core's input
    zen_dicts: list[dict[str, Any]]
    zen_texts: list[str]
    ids: list[str]
    as_of: dt.date
    table: Any = None  # the raw facts as an Arrow table (g)


def prepare(raw: list[dict[str, Any]], as_of: dt.date) -> Prepared:
    from kamrules.model.account import account_values
    from kamrules.model.validate import validate_account

    models = [validate_account(a) for a in raw]
    values = [account_values(m) for m in models]
    dicts = [zen_graph.context(m.model_dump(mode="json", exclude_none=True), as_of) for m in models]
    from kamrules.batch.tables import accounts_table

    table = accounts_table(raw)
    return Prepared(raw, models, values, dicts, [json.dumps(d) for d in dicts], [m.id for m in models], as_of, table)


def _reset_batch(engine: Any) -> Callable[[], None]:
    """Empty the batch rulesets' memos too, as `_reset_engine` does the per-account ones."""
    from kamrules.batch.plan import plans_of

    plans = plans_of(engine.program)

    def clear() -> None:
        engine.program.clear_caches()
        for plan in plans:
            for shard in plan.shards:
                shard.durable.memo.clear()

    return clear


@dataclass
class Engines:
    memo: Any  # kamrules Engine, default memo
    nomemo: Any  # kamrules Engine, memo_size=0
    zen: Any | None
    notes: list[str] = field(default_factory=list)


def engines(with_zen: bool = True) -> Engines:
    from kamrules import Engine

    memo = Engine.default()
    nomemo = Engine(memo.rulebase, memo_size=0)
    notes: list[str] = []
    zen = None
    if with_zen and zen_available():
        zen = zen_graph.engine()
    elif with_zen:
        notes.append("zen-engine is not installed (pip install -e '.[bench]'): (d) not measured")
    return Engines(memo, nomemo, zen, notes)


def contenders(p: Prepared, e: Engines) -> list[Contender]:
    as_of = p.as_of
    run_memo = e.memo.program.run
    run_nomemo = e.nomemo.program.run
    advise = e.memo.advise
    advise_many = e.memo.advise_many
    advise_plain = plain.advise
    raw = p.raw

    def e2e_batch() -> None:
        for _ in advise_many(raw, as_of=as_of):
            pass

    table = p.table
    advise_table = e.memo.advise_table

    def batch_table() -> None:
        advise_table(table, as_of=as_of)

    out = [
        Contender(
            "core_memo",
            "(a) kamrules decision core, memo on",
            lambda v: run_memo(dict(v), as_of, "en", trace=False),
            p.values,
            reset=_reset_engine(e.memo),
        ),
        Contender(
            "core_nomemo",
            "(a) kamrules decision core, memo off",
            lambda v: run_nomemo(dict(v), as_of, "en", trace=False),
            p.values,
            reset=_reset_engine(e.nomemo),
        ),
        Contender(
            "e2e",
            "(b) kamrules end to end (advise_many)",
            lambda a: advise(a, as_of=as_of),
            p.raw,
            reset=_reset_engine(e.memo),
            batch=e2e_batch,
        ),
        Contender("plain", "(c) plain Python, by hand", lambda v: advise_plain(v, as_of), p.values),
        Contender(
            "batch",
            "(g) kamrules batch (advise_table)",
            lambda _: None,
            p.raw,
            reset=_reset_batch(e.memo),
            batch=batch_table,
            latency=False,
        ),
    ]
    if e.zen is not None:
        evaluate = e.zen.evaluate
        key = zen_graph.KEY
        out.append(Contender("zen_dict", "(d) zen-engine, dict input", lambda c: evaluate(key, c), p.zen_dicts))
        out.append(Contender("zen_json", "(d) zen-engine, JSON text input", lambda c: evaluate(key, c), p.zen_texts))
    return out


def breakdown(p: Prepared, e: Engines) -> list[Contender]:
    """The steps of `advise` (b), each timed on its own, to show where end to end goes:
    validation, flattening, the evaluation with its trace, and building the advice model."""
    from kamrules.advice.build import build_advice
    from kamrules.model.account import account_values
    from kamrules.model.validate import validate_account

    as_of = p.as_of
    run = e.memo.program.run
    rulebase = e.memo.rulebase
    _reset_engine(e.memo)()
    evaluations = [
        (m.id, m.name, run(dict(v), as_of, "en", trace=True)) for m, v in zip(p.models, p.values, strict=True)
    ]
    return [
        Contender("step_validate", "(b) step: validate the facts", validate_account, p.raw),
        Contender("step_values", "(b) step: flatten to values", account_values, p.models),
        Contender(
            "step_run_trace",
            "(b) step: decision core with trace",
            lambda v: run(dict(v), as_of, "en", trace=True),
            p.values,
            reset=_reset_engine(e.memo),
        ),
        Contender(
            "step_build",
            "(b) step: build the advice",
            lambda item: build_advice(rulebase, item[2], item[0], item[1]),
            evaluations,
        ),
    ]


@dataclass
class Equivalence:
    accounts: int
    compared: list[str]
    mismatches: list[canon.Mismatch]

    @property
    def ok(self) -> bool:
        return not self.mismatches

    def summary(self, limit: int = 20) -> dict[str, Any]:
        return {
            "accounts": self.accounts,
            "reference": "core_nomemo",
            "compared": self.compared,
            "ok": self.ok,
            "mismatches": len(self.mismatches),
            "first": [m.describe() for m in self.mismatches[:limit]],
        }


def equivalence(p: Prepared, e: Engines) -> Equivalence:
    """Every contender's answer on every account, against kamrules' decision core (memo off)."""
    as_of = p.as_of
    _reset_engine(e.memo)()
    answers: dict[str, Sequence[canon.Canon]] = {
        "core_nomemo": [
            canon.from_evaluation(e.nomemo.program.run(dict(v), as_of, "en", trace=False)) for v in p.values
        ],
        "core_memo": [canon.from_evaluation(e.memo.program.run(dict(v), as_of, "en", trace=False)) for v in p.values],
        "e2e": [canon.from_advice(a) for a in e.memo.advise_many(p.raw, as_of=as_of)],
        "plain": [canon.from_plain(plain.advise(v, as_of)) for v in p.values],
        "batch": [canon.from_batch(row) for row in e.memo.advise_table(p.table, as_of=as_of).to_pylist()],
    }
    if e.zen is not None:
        answers["zen_dict"] = [canon.from_zen(e.zen.evaluate(zen_graph.KEY, c)) for c in p.zen_dicts]
        answers["zen_json"] = [canon.from_zen(e.zen.evaluate(zen_graph.KEY, c)) for c in p.zen_texts]
    reference = answers["core_nomemo"]
    mismatches: list[canon.Mismatch] = []
    for name, found in answers.items():
        if name != "core_nomemo":
            mismatches += canon.compare(p.ids, "core_nomemo", reference, name, found)
    return Equivalence(len(p.ids), list(answers), mismatches)
