"""The trace of a run: for each decision, the rule, row, scorecard or computed fact that made it,
the facts and parameters it read, and a sentence saying why (`explain.because`)."""

from __future__ import annotations

import threading
from typing import Any

from kamrules.engine.compute import Outcome
from kamrules.engine.evaluation import Evaluation, TraceItem, json_value
from kamrules.engine.memo import Memo
from kamrules.engine.passes import Owner
from kamrules.errors import Location
from kamrules.language.conditions.explain import because
from kamrules.language.conditions.tree import Cond, facts_read, params_read
from kamrules.language.rulebase import Rule, RuleBase

SENTENCES = 8192  # trace sentences remembered (per rule, language, date and values read)


class Tracer:
    """Writes trace entries for one rule base. Thread-safe.

    Trace sentences are the same for the same rule, language, date and values read: the most
    recent ones are remembered rather than rebuilt for every account.
    """

    def __init__(self, rulebase: RuleBase) -> None:
        self.rb = rulebase
        self._sentences: Memo[tuple[Any, ...], str] = Memo(SENTENCES)
        self._statics: dict[str, tuple[tuple[str, ...], dict[str, Any]]] = {}
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self._sentences.clear()

    def outcome(self, item_id: str, fact: str, outcome: Outcome, where: Location, ev: Evaluation) -> None:
        """The entry of a scorecard or computed fact that decided `fact`."""
        ev.trace.append(
            TraceItem(
                rule=item_id,
                because=outcome.because(ev.lang),
                decided={fact: json_value(outcome.value)},
                file=where.file,
                line=where.line,
                facts={k: json_value(v) for k, v in outcome.facts.items()},
                parameters={},
            )
        )

    def writes(self, decided: dict[str, Owner], fired_rules: list[Rule], ev: Evaluation) -> None:
        """The entries of a stage: each owner that decided facts, and each rule that fired for a
        warning, a lever or an addition to a list."""
        by_owner: dict[str, tuple[Owner, dict[str, Any]]] = {}
        for fact, owner in decided.items():
            by_owner.setdefault(owner.ref, (owner, {}))[1][fact] = json_value(ev.values.get(fact))
        for rule in fired_rules:
            if rule.id not in by_owner and (rule.warn or rule.levers or rule.appends):
                by_owner[rule.id] = (Owner(rule=rule, ref=rule.id), {})
        for key, (owner, decided_facts) in by_owner.items():
            facts = dict(decided_facts)
            if owner.table is not None and owner.row is not None:
                cond = owner.row.when
                where = owner.row.where
            else:
                if owner.rule is None:  # pragma: no cover - an owner is a rule or a row
                    raise TypeError(f"{key} is neither a rule nor a table row")
                cond = owner.rule.when
                where = owner.rule.where
                if owner.rule.warn is not None:
                    facts = {**facts, "warning": owner.rule.warn.code}
                if owner.rule.levers:
                    facts = {**facts, "levers": [p.id for p in owner.rule.levers]}
            reads, params = self._static(key, cond)
            values = ev.values
            read = {f: json_value(ev.as_of if f == "as_of" else values.get(f)) for f in reads}
            ev.trace.append(
                TraceItem(
                    rule=key,
                    because=self._sentence(key, cond, read, ev),
                    decided=facts,
                    file=where.file,
                    line=where.line,
                    facts=read,
                    parameters=dict(params),
                )
            )

    def _static(self, key: str, cond: Cond) -> tuple[tuple[str, ...], dict[str, Any]]:
        """The facts a rule reads and its parameters' values: the same for every account."""
        known = self._statics.get(key)
        if known is None:
            reads = tuple(sorted(facts_read(cond)))
            rb = self.rb
            params = {p: json_value(rb.params[p].value) for p in sorted(params_read(cond)) if p in rb.params}
            known = self._statics[key] = (reads, params)
        return known

    def _sentence(self, key: str, cond: Cond, read: dict[str, Any], ev: Evaluation) -> str:
        try:
            memo_key: tuple[Any, ...] = (key, ev.lang, ev.as_of, *read.values())
            hash(memo_key)
        except TypeError:  # a list or a mapping among the values read
            memo_key = (key, ev.lang, ev.as_of, repr(read))
        with self._lock:
            known = self._sentences.get(memo_key)
        if known is not None:
            return known
        text = because(cond, ev.values, ev.as_of, ev.lang)
        with self._lock:
            self._sentences.put(memo_key, text)
        return text
