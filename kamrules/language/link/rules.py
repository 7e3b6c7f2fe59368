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
    """The rule, or None when any part of it has a problem (each part is checked, and every
    problem reported, before it is left out)."""
    f, base, r, stage = item.file, item.path, item.spec, item.stage
    cond = parse_condition(r.when, (*base, "when"), lk.parse_context(f, stage))
    sets, sets_ok = _outputs(lk, item, "set")
    appends, appends_ok = _outputs(lk, item, "append")
    warn, warn_ok = _warning(lk, item)
    levers, levers_ok = _levers(lk, item)
    ok = cond is not None and sets_ok and appends_ok and warn_ok and levers_ok
    if ok and not (sets or appends or warn or levers):
        lk.error(f, (*base, "then"), codes.EMPTY_THEN, "then: does nothing; it needs set, append, warn or levers")
        return None
    if not ok or cond is None:
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


def _outputs(lk: Linker, item: ItemSource[S.RuleSpec], how: str) -> tuple[dict[str, OutputValue], bool]:
    """The facts `then: set:` (or `append:`) gives values, and whether every value fits."""
    written = item.spec.then.set if how == "set" else item.spec.then.append
    out: dict[str, OutputValue] = {}
    ok = True
    for key, value in (written or {}).items():
        path = (*item.path, "then", how, key)
        checked = check_output(lk, item.file, path, key, value, item.stage, append=how == "append")
        if checked is None:
            ok = False
        else:
            out[key] = checked
    return out, ok


def _warning(lk: Linker, item: ItemSource[S.RuleSpec]) -> tuple[Warn | None, bool]:
    """The warning the rule raises (None for none), and whether it is declared and worded right."""
    w = item.spec.then.warn
    if w is None:
        return None, True
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
        return None, False
    message = Texts.of(w.message)
    ok = check_template(lk, item.file, (*path, "message"), message, item.stage)
    return Warn(code=w.code, severity=w.severity or code.severity, message=message), ok


def _levers(lk: Linker, item: ItemSource[S.RuleSpec]) -> tuple[list[LeverPick], bool]:
    """The levers the rule pulls, and whether each is declared and its why worded right."""
    levers: list[LeverPick] = []
    ok = True
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
            ok = False
            continue
        why = Texts.of(lv.why)
        ok = check_template(lk, item.file, (*path, "why"), why, item.stage) and ok
        levers.append(LeverPick(id=lv.id, why=why))
    return levers, ok
