"""`kam rules diff`: what changed between two rule bases, in the terms a business user edits.

Not a text diff: parameters with their old and new values, rules, tables, rows, scorecards,
warning codes, levers, profiles and stages added, removed, disabled or changed, and for a change,
which aspect (the condition, the outcome, the priority, the message...). A rule whose condition
reads a parameter is not "changed" when only the parameter's value changed: that change is
reported once, on the parameter, and its effect shows in the impact on a portfolio.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal

from kamrules.errors import Location
from kamrules.language.conditions.explain import expected
from kamrules.language.conditions.tree import All, AnyOf, Arg, Cond, Leaf, Not
from kamrules.language.rulebase import OutputValue, Param, Rule, RuleBase, Table

Action = Literal["added", "removed", "changed", "disabled"]


@dataclass(frozen=True)
class Shown:
    """A condition (and what it sets) as it reads before or after a change; rendered in a language."""

    cond: Cond
    outputs: Mapping[str, OutputValue] | None = None


@dataclass(frozen=True)
class Change:
    kind: str  # parameter, rule, table, row, scorecard, computed, warning_code, lever, profile, strategy, ...
    action: Action
    id: str
    aspects: tuple[str, ...] = ()
    old: Any = None
    new: Any = None
    where: Location | None = None


# ---------------------------------------------------------------------------------------------
# Normal forms: what counts as the same, whatever the file, line or parameter value


def _arg(arg: Arg) -> Arg:
    return Arg("param", None, arg.name) if arg.kind == "param" else arg


def normal(cond: Cond) -> Cond:
    """The condition with parameters by name (their values are compared on the parameters)."""
    if isinstance(cond, Leaf):
        args = tuple(dict.fromkeys(_arg(a) for a in cond.args))
        return replace(cond, args=args)
    if isinstance(cond, Not):
        return Not(normal(cond.item))
    items = tuple(normal(c) for c in cond.items)
    return All(items) if isinstance(cond, All) else AnyOf(items)


def _output(out: OutputValue) -> OutputValue:
    return OutputValue(literal=None, fact=out.fact, param=out.param) if out.param else out


def _outputs(outputs: Mapping[str, OutputValue]) -> dict[str, OutputValue]:
    return {k: _output(v) for k, v in outputs.items()}


_JOIN = {"en": (" and ", " or ", "not", "always"), "it": (" e ", " o ", "non", "sempre")}


def show_cond(cond: Cond, lang: str = "en") -> str:
    """A condition in words, as the advice's explanations put it."""
    and_, or_, not_, always = _JOIN.get(lang, _JOIN["en"])
    if isinstance(cond, Leaf):
        return f"{cond.fact} {expected(cond, lang)}"
    if isinstance(cond, Not):
        return f"{not_} ({show_cond(cond.item, lang)})"
    if not cond.items:
        return always
    joiner = and_ if isinstance(cond, All) else or_
    parts = [show_cond(c, lang) if isinstance(c, Leaf) else f"({show_cond(c, lang)})" for c in cond.items]
    return joiner.join(parts)


def show(shown: Shown, lang: str = "en") -> str:
    text = show_cond(shown.cond, lang)
    return f"{text} → {show_outputs(shown.outputs)}" if shown.outputs is not None else text


def show_outputs(outputs: Mapping[str, OutputValue]) -> str:
    shown = []
    for fact, out in outputs.items():
        literal = f"{out.literal:g}" if isinstance(out.literal, float) else str(out.literal)
        value = out.fact if out.fact else (f"{out.param} ({literal})" if out.param else out.literal)
        shown.append(f"{fact} = {value}")
    return ", ".join(shown)


# ---------------------------------------------------------------------------------------------
# Comparing


def _keyed(old: Iterable[tuple[str, Any]], new: Iterable[tuple[str, Any]]) -> tuple[dict[str, Any], dict[str, Any]]:
    return dict(old), dict(new)


def _param_where(p: Param) -> Location:
    return p.overridden_at or p.where


def _params(old: RuleBase, new: RuleBase) -> list[Change]:
    out: list[Change] = []
    for name, p in new.params.items():
        q = old.params.get(name)
        if q is None:
            out.append(Change("parameter", "added", name, new=p.value, where=p.where))
        elif (q.type, q.value) != (p.type, p.value):
            aspects = ("value",) if q.type == p.type else ("type", "value")
            out.append(
                Change(
                    kind="parameter",
                    action="changed",
                    id=name,
                    aspects=aspects,
                    old=q.value,
                    new=p.value,
                    where=_param_where(p),
                )
            )
    out += [
        Change("parameter", "removed", n, old=q.value, where=q.where)
        for n, q in old.params.items()
        if n not in new.params
    ]
    return out


def _rule_aspects(a: Rule, b: Rule) -> list[str]:
    aspects = []
    if normal(a.when) != normal(b.when):
        aspects.append("condition")
    if _outputs(a.sets) != _outputs(b.sets) or _outputs(a.appends) != _outputs(b.appends):
        aspects.append("outcome")
    if (a.warn and (a.warn.code, a.warn.severity)) != (b.warn and (b.warn.code, b.warn.severity)):
        aspects.append("warning")
    if [p.id for p in a.levers] != [p.id for p in b.levers]:
        aspects.append("levers")
    texts_a = ([a.warn.message] if a.warn else []) + [p.why for p in a.levers]
    texts_b = ([b.warn.message] if b.warn else []) + [p.why for p in b.levers]
    if texts_a != texts_b:
        aspects.append("message")
    if a.priority != b.priority:
        aspects.append("priority")
    if a.stage != b.stage:
        aspects.append("stage")
    return aspects


def _rules(old: RuleBase, new: RuleBase) -> list[Change]:
    out: list[Change] = []
    before, after = _keyed(((r.id, r) for r in old.rules), ((r.id, r) for r in new.rules))
    for rid, r in after.items():
        q = before.get(rid)
        if q is None:
            out.append(Change("rule", "added", rid, new=Shown(r.when), where=r.where))
            continue
        aspects = _rule_aspects(q, r)
        if aspects:
            shown = "condition" in aspects
            old_shown = Shown(q.when) if shown else None
            new_shown = Shown(r.when) if shown else None
            out.append(
                Change(
                    kind="rule",
                    action="changed",
                    id=rid,
                    aspects=tuple(aspects),
                    old=old_shown,
                    new=new_shown,
                    where=r.where,
                )
            )
    for rid, q in before.items():
        if rid not in after:
            action: Action = "disabled" if rid in new.disabled else "removed"
            out.append(Change("rule", action, rid, old=Shown(q.when), where=q.where))
    return out


def _rows(a: Table, b: Table, disabled: Iterable[str]) -> list[Change]:
    out: list[Change] = []
    off = set(disabled)
    before, after = _keyed(((r.id, r) for r in a.rows), ((r.id, r) for r in b.rows))
    for rid, row in after.items():
        ref = f"{b.id}:{rid}"
        q = before.get(rid)
        if q is None:
            out.append(
                Change("row", "added", ref, new=f"{show_cond(row.when)} → {show_outputs(row.outputs)}", where=row.where)
            )
            continue
        aspects = []
        if normal(q.when) != normal(row.when):
            aspects.append("condition")
        if _outputs(q.outputs) != _outputs(row.outputs):
            aspects.append("outcome")
        if q.priority != row.priority:
            aspects.append("priority")
        if aspects:
            was, now = Shown(q.when, q.outputs), Shown(row.when, row.outputs)
            out.append(
                Change(kind="row", action="changed", id=ref, aspects=tuple(aspects), old=was, new=now, where=row.where)
            )
    for rid, q in before.items():
        if rid not in after:
            ref = f"{a.id}:{rid}"
            action: Action = "disabled" if ref in off else "removed"
            out.append(
                Change("row", action, ref, old=f"{show_cond(q.when)} → {show_outputs(q.outputs)}", where=q.where)
            )
    return out


def _tables(old: RuleBase, new: RuleBase) -> list[Change]:
    out: list[Change] = []
    before, after = _keyed(((t.id, t) for t in old.tables), ((t.id, t) for t in new.tables))
    for tid, t in after.items():
        q = before.get(tid)
        if q is None:
            out.append(Change("table", "added", tid, new=f"{len(t.rows)} rows", where=t.where))
            continue
        aspects = []
        if q.hit_policy != t.hit_policy:
            aspects.append("hit_policy")
        if (q.inputs, q.outputs) != (t.inputs, t.outputs):
            aspects.append("columns")
        common = [r.id for r in q.rows if r.id in {x.id for x in t.rows}]
        if t.hit_policy in ("first", "priority") and common != [r.id for r in t.rows if r.id in set(common)]:
            aspects.append("row_order")
        if aspects:
            if aspects[0] == "hit_policy":
                was, now = q.hit_policy, t.hit_policy
            elif aspects[0] == "row_order":
                was, now = [r.id for r in q.rows], [r.id for r in t.rows]
            else:
                was, now = None, None
            out.append(
                Change(kind="table", action="changed", id=tid, aspects=tuple(aspects), old=was, new=now, where=t.where)
            )
        out += _rows(q, t, new.disabled)
    for tid, q in before.items():
        if tid not in after:
            action: Action = "disabled" if tid in new.disabled else "removed"
            out.append(Change("table", action, tid, old=f"{len(q.rows)} rows", where=q.where))
    return out


def _simple(kind: str, old: Mapping[str, Any], new: Mapping[str, Any], fields: Mapping[str, str]) -> list[Change]:
    """Added, removed and changed items compared on the attributes named in `fields` (aspect -> attribute)."""
    out: list[Change] = []
    for key, item in new.items():
        q = old.get(key)
        where = getattr(item, "where", None)
        if q is None:
            out.append(Change(kind, "added", key, where=where))
            continue
        aspects = tuple(aspect for aspect, attr in fields.items() if _attr(q, attr) != _attr(item, attr))
        if aspects:
            first = fields[aspects[0]]
            out.append(
                Change(
                    kind=kind,
                    action="changed",
                    id=key,
                    aspects=aspects,
                    old=_attr(q, first),
                    new=_attr(item, first),
                    where=where,
                )
            )
    for key, q in old.items():
        if key not in new:
            out.append(Change(kind, "removed", key, where=getattr(q, "where", None)))
    return out


def _attr(item: Any, name: str) -> Any:
    # Only the fixed attribute names listed in this module are read, never a user-supplied one.
    return getattr(item, name)


def diff_rulebases(old: RuleBase, new: RuleBase) -> list[Change]:
    """Every semantic change from `old` to `new`, parameters first, then by kind."""
    changes = _params(old, new)
    changes += _rules(old, new)
    changes += _tables(old, new)
    changes += _simple(
        "scorecard",
        {s.id: s for s in old.scorecards},
        {s.id: s for s in new.scorecards},
        {"given": "given", "criteria_from": "criteria_from", "criteria": "criteria", "method": "method"},
    )
    changes += _simple(
        "computed",
        {c.id: c for c in old.computes},
        {c.id: c for c in new.computes},
        {"operation": "op", "facts": "args", "filters": "filters"},
    )
    changes += _simple("warning_code", old.warning_codes, new.warning_codes, {"severity": "severity", "title": "title"})
    changes += _simple("lever", old.levers, new.levers, {"label": "label"})
    changes += _simple("profile", old.profiles, new.profiles, {"strategy": "strategy", "description": "description"})
    changes += _simple("strategy", old.strategies, new.strategies, {"treatment": "treatment", "label": "label"})
    changes += _simple("derived_fact", old.derived, new.derived, {"type": "type", "stage": "stage"})
    old_stages = [s.id for s in old.stages]
    new_stages = [s.id for s in new.stages]
    if old_stages != new_stages:
        changes.append(
            Change(kind="stages", action="changed", id="stages", aspects=("order",), old=old_stages, new=new_stages)
        )
    if old.decisions != new.decisions:
        changes.append(
            Change(
                kind="decisions",
                action="changed",
                id="decisions",
                aspects=("facts",),
                old=list(old.decisions),
                new=list(new.decisions),
            )
        )
    return changes
