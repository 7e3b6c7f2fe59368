"""Lookups (`lookups:`): a derived fact set from the profile files (a profile's strategy), as a
table with one row per profile."""

from __future__ import annotations

from kamrules import codes
from kamrules.i18n.texts import Texts
from kamrules.language import spec as S
from kamrules.language.conditions.context import InvalidCondition, resolve_fact
from kamrules.language.conditions.tree import Arg, Leaf
from kamrules.language.link.context import ItemSource, Linker
from kamrules.language.link.outputs import check_output
from kamrules.language.rulebase import Row, Table

KEY = "lookups"


def specs(ruleset: S.RulesetFile) -> list[S.LookupSpec]:
    return ruleset.lookups or []


def link(lk: Linker, item: ItemSource[S.LookupSpec]) -> Table | None:
    f, base, spec, stage = item.file, item.path, item.spec, item.stage
    try:
        info = resolve_fact(spec.key, (*base, "key"), lk.parse_context(f, stage))
    except InvalidCondition:
        return None
    if not lk.profiles:
        lk.error(f, base, codes.LOOKUP, "a lookup reads the profile files, and none are loaded")
        return None
    rows: list[Row] = []
    for n, (pid, p) in enumerate(lk.profiles.items()):
        if info.type.kind == "choice" and pid not in info.type.values:
            lk.error_at(
                p.where, codes.LOOKUP, f"profile {pid!r} is not a value of {spec.key} ({', '.join(info.type.values)})"
            )
            continue
        out = check_output(lk, f, (*base, "sets"), spec.sets, p.strategy, stage)
        if out is None:
            continue
        cond = Leaf(spec.key, "eq", (Arg("lit", pid),), where=p.strategy_where, source=pid)
        rows.append(
            Row(
                id=pid,
                index=n,
                when=cond,
                outputs={spec.sets: out},
                priority=0,
                because=Texts(),
                where=p.strategy_where,
            )
        )
    if not rows:
        return None
    return Table(
        id=spec.id,
        ruleset=item.ruleset,
        stage=stage,
        description=Texts.of(spec.description),
        hit_policy="unique",
        inputs={"profile": spec.key},
        outputs=(spec.sets,),
        rows=tuple(rows),
        where=f.doc.location(base),
        order=lk.next_order(),
        from_profiles=True,
    )
