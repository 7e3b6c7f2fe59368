"""`kam plan check`: the plan's checks, written as YAML rules (rulesets/plan/), run by the engine.

The plan is flattened into subjects (kamrules.plan.subjects), each subject is run through the
compiled plan-check rule base, and every warning a rule raises becomes a finding: its code is
the finding's stable id, its severity and message come from the rule, and its place is the
plan's file and line of the field the rule tested (the last test of the rule on the subject's
own facts), so that a reader goes straight to what needs fixing.
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from kamrules import codes
from kamrules.builtin import builtin_dirs
from kamrules.engine.program import Program
from kamrules.errors import Location, Problem, RulesetError
from kamrules.io.yamlsafe import Document
from kamrules.language.conditions.tree import All, Leaf, leaves
from kamrules.language.load import load_folders
from kamrules.language.read import BUILTIN_LABEL, SourceFolder
from kamrules.language.rulebase import Rule, RuleBase
from kamrules.language.templates import render
from kamrules.model.vocabulary import SEVERITY_ORDER, Severity
from kamrules.plan.check_facts import PlanFacts
from kamrules.plan.guide import guide
from kamrules.plan.model import Plan
from kamrules.plan.subjects import Subject, subjects

PLAN_RULES = "plan"
# Which vocabulary of the guide labels each of the plan's own closed choices in messages.
_VOCABULARY = {
    "plan.contract": "contract",
    "plan.pricing": "pricing",
    "objective.horizon": "horizon",
    "objective.status": "objective_status",
    "action.status": "action_status",
}
_STRATEGY_FACTS = ("plan.strategy", "plan.recorded_strategy", "plan.advised_strategy")


class Finding(BaseModel):
    """Something the plan lacks or gets wrong, and where."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    severity: Severity
    title: str
    message: str
    rule: str
    subject: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    path: str | None = None

    def where(self) -> str:
        return str(Location(self.file, self.line, self.column, None))


def plan_rules_dir() -> Path:
    """The built-in plan checks: the rulesets/plan/ folder of the built-in knowledge."""
    return builtin_dirs()[0] / PLAN_RULES


def user_plan_folders(rules: Sequence[str | Path]) -> list[Path]:
    """The plan-check folders inside `--rules` folders: each one's `plan/` with a manifest."""
    out: list[Path] = []
    for folder in rules:
        candidate = Path(folder) / PLAN_RULES
        if (candidate / "kamrules.yaml").is_file():
            out.append(candidate)
    return out


def load_plan_rulebase(extra: Sequence[str | Path] = ()) -> RuleBase:
    """The built-in plan checks, with `extra` folders layered on top (or replacing them)."""
    folders = [SourceFolder(plan_rules_dir(), f"{BUILTIN_LABEL}/rulesets/{PLAN_RULES}", builtin=True)]
    folders += [SourceFolder(Path(p), str(p)) for p in extra]
    return load_folders(folders, input_model=PlanFacts, input_name="plan")


def _gated(rule: Rule) -> bool:
    """Whether the rule tests `subject` at its top level (a check that forgot it would fire on
    every subject whose facts happen to be absent)."""
    parts = rule.when.items if isinstance(rule.when, All) else (rule.when,)
    return any(isinstance(p, Leaf) and p.fact == "subject" and p.op in ("eq", "one_of") for p in parts)


class PlanChecker:
    """The plan checks, compiled once; safe to share between threads."""

    def __init__(self, rulebase: RuleBase) -> None:
        ungated = [r for r in rulebase.rules if not _gated(r)]
        if ungated:
            raise RulesetError(
                "the plan checks have problems:",
                [
                    Problem(
                        codes.UNGATED_CHECK,
                        f"rule {r.id} does not say which subject it checks: add subject: plan, step, "
                        "objective, action or member to its when:",
                        r.where,
                    )
                    for r in ungated
                ],
            )
        self.rulebase = rulebase
        self.program = Program(rulebase)

    @classmethod
    def default(cls) -> PlanChecker:
        """The built-in plan checks (one shared, compiled instance)."""
        with _LOCK:
            return _default_checker()

    @classmethod
    def from_paths(cls, *paths: str | Path) -> PlanChecker:
        """The built-in plan checks with plan-check folders layered on top."""
        return cls(load_plan_rulebase(paths))

    def expected(self, strategy: str, as_of: dt.date) -> dict[str, Any]:
        """What the checks hold a plan for `strategy` to (expected.contract, expected.pricing)."""
        level = {"strategy": strategy}
        values: dict[str, Any] = {"subject": "plan", "plan": level, "plan.strategy": strategy}
        ev = self.program.run(values, as_of, trace=False)
        return {k: v for k, v in ev.values.items() if k.startswith("expected.")}

    def check(
        self,
        plan: Plan,
        *,
        as_of: dt.date,
        lang: str = "en",
        document: Document | None = None,
        advised: bool = False,
        advised_strategy: str | None = None,
        strategy_missing: Sequence[str] = (),
        strategy_labels: Mapping[str, str] | None = None,
    ) -> list[Finding]:
        """Every finding on `plan`, in the order of the file. `advised`: the account's advice
        was asked (its file was given); `advised_strategy`: the strategy it gives, if any;
        `strategy_missing`: the facts the account lacks for the advice to decide one."""
        g = guide()
        titles: dict[str, str] = {sid: step.title.get(lang) for sid, step in g.steps.items()}
        found: dict[tuple[str, str], Finding] = {}
        order: list[tuple[str, str]] = []
        for subject in subjects(
            plan,
            as_of=as_of,
            step_titles=titles,
            advised=advised,
            advised_strategy=advised_strategy,
            strategy_missing=strategy_missing,
        ):
            ev = self.program.run(dict(subject.values), as_of, lang, trace=False)
            for rule in ev.warnings:
                finding = self._finding(rule, subject, ev.values, as_of, lang, document, strategy_labels or {})
                key = (finding.id, subject.ref)
                previous = found.get(key)
                if previous is None:
                    order.append(key)
                if previous is None or SEVERITY_ORDER[finding.severity] > SEVERITY_ORDER[previous.severity]:
                    found[key] = finding
        findings = [found[k] for k in order]
        # Stable: findings without a line (a plan given as data) keep the order of the plan.
        return sorted(findings, key=lambda f: f.line or 0)

    def _finding(
        self,
        rule: Rule,
        subject: Subject,
        values: Mapping[str, Any],
        as_of: dt.date,
        lang: str,
        document: Document | None,
        strategy_labels: Mapping[str, str],
    ) -> Finding:
        rb = self.rulebase
        warn = rule.warn
        if warn is None:  # pragma: no cover - the engine lists only rules that warn
            raise ValueError(f"rule {rule.id} raises no warning")
        code = rb.warning_codes.get(warn.code)

        def lookup(name: str) -> Any:
            if name == "as_of":
                return as_of
            if name in rb.params:
                return rb.params[name].value
            return values.get(name)

        label = _labeller(rb, lang, strategy_labels)
        path = _located(rule, subject)
        where = document.location(path) if document is not None else Location(None, None, None, None)
        dotted = where.path if where.path is not None else _dotted(path)
        return Finding(
            id=warn.code,
            severity=warn.severity,
            title=code.title.get(lang) if code else warn.code,
            message=render(warn.message.get(lang), lookup, label, as_of, lang),
            rule=rule.id,
            subject=subject.ref,
            file=where.file,
            line=where.line,
            column=where.column,
            path=dotted,
        )


def _labeller(rb: RuleBase, lang: str, strategy_labels: Mapping[str, str]) -> Callable[[str, Any], str]:
    g = guide()

    def label(name: str, value: Any) -> str:
        if name in _VOCABULARY:
            return g.word(_VOCABULARY[name], value, lang)
        if name in _STRATEGY_FACTS and isinstance(value, str):
            return strategy_labels.get(value, value)
        return rb.label(name, value, lang)

    return label


def _located(rule: Rule, subject: Subject) -> tuple[str | int, ...]:
    """Where a finding points: the field the rule tests last (rules test what they are about
    last, after the tests that say when they apply), or the subject itself when that fact has
    no one place in the file (a count, a ratio)."""
    tests = leaves(rule.when)
    place = subject.location_of(tests[-1].fact) if tests else None
    return place if place is not None else subject.path


def _dotted(path: tuple[str | int, ...]) -> str | None:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or None


_LOCK = threading.Lock()


@functools.cache
def _default_checker() -> PlanChecker:
    return PlanChecker(load_plan_rulebase())
