"""Rules (`rules:`): when the condition holds, set or add derived facts, raise a warning, pull levers."""

from __future__ import annotations

from kamrules import codes
from kamrules.i18n.texts import Texts
from kamrules.language import spec as S
from kamrules.language.conditions.parse import parse_condition
from kamrules.language.link.context import ItemSource, Linker
from kamrules.language.link.outputs import check_output
from kamrules.language.link.templates import check_template
from kamrules.language.rulebase import LeverPick, OutputValue, Rule, Warn
from kamrules.suggest import suggest

KEY = "rules"


def specs(ruleset: S.RulesetFile) -> list[S.RuleSpec]:
    return ruleset.rules or []


def link(lk: Linker, item: ItemSource[S.RuleSpec]) -> Rule | None:
    f, base, r, stage = item.file, item.path, item.spec, item.stage
    before = len(lk.problems)
    cond = parse_condition(r.when, (*base, "when"), lk.parse_context(f, stage))
    sets: dict[str, OutputValue] = {}
    appends: dict[str, OutputValue] = {}
    for key, value in (r.then.set or {}).items():
        out = check_output(lk, f, (*base, "then", "set", key), key, value, stage)
        if out is not None:
            sets[key] = out
    for key, value in (r.then.append or {}).items():
        out = check_output(lk, f, (*base, "then", "append", key), key, value, stage, append=True)
        if out is not None:
            appends[key] = out
    warn = _warning(lk, item)
    levers = _levers(lk, item)
    if not (sets or appends or warn or levers) and len(lk.problems) == before:
        lk.error(f, (*base, "then"), codes.EMPTY_THEN, "then: does nothing; it needs set, append, warn or levers")
    if len(lk.problems) != before:
        return None
    return Rule(
        id=r.id,
        ruleset=item.ruleset,
        stage=stage,
        description=Texts.of(r.description),
        priority=r.priority,
        when=cond,
        sets=sets,
        appends=appends,
        warn=warn,
        levers=tuple(levers),
        where=f.doc.location(base),
        order=lk.next_order(),
    )


def _warning(lk: Linker, item: ItemSource[S.RuleSpec]) -> Warn | None:
    w = item.spec.then.warn
    if w is None:
        return None
    path = (*item.path, "then", "warn")
    code = lk.codes.get(w.code)
    if code is None:
        lk.error(
            item.file,
            (*path, "code"),
            codes.UNKNOWN_WARNING,
            f"warning code {w.code!r} is not declared (declare it under warnings: in a ruleset)",
            suggest(w.code, list(lk.codes)),
        )
        return None
    message = Texts.of(w.message)
    check_template(lk, item.file, (*path, "message"), message, item.stage)
    return Warn(code=w.code, severity=w.severity or code.severity, message=message)


def _levers(lk: Linker, item: ItemSource[S.RuleSpec]) -> list[LeverPick]:
    levers: list[LeverPick] = []
    for k, lv in enumerate(item.spec.then.levers or []):
        path = (*item.path, "then", "levers", k)
        if lv.id not in lk.levers:
            lk.error(
                item.file,
                (*path, "id"),
                codes.UNKNOWN_LEVER,
                f"lever {lv.id!r} is not declared",
                suggest(lv.id, list(lk.levers)),
            )
            continue
        why = Texts.of(lv.why)
        check_template(lk, item.file, (*path, "why"), why, item.stage)
        levers.append(LeverPick(id=lv.id, why=why))
    return levers
