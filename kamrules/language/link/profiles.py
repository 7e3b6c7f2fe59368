"""The customer profiles (kind: profile) and the strategies with their treatment (kind: strategies)."""

from __future__ import annotations

from kamrules import codes
from kamrules.i18n.texts import Texts
from kamrules.language import spec as S
from kamrules.language.link.context import Linker
from kamrules.language.rulebase import Profile, Strategy
from kamrules.suggest import suggest


def profiles(lk: Linker) -> dict[str, Profile]:
    """The profiles in their declared order; a later layer's profile replaces one with its id."""
    out: dict[str, Profile] = {}
    for f in lk.of_kind(S.FileKind.PROFILE):
        s: S.ProfileFile = f.spec
        prev = out.get(s.id)
        if prev is not None and prev.where.file and lk.layer_of(prev.where.file) == f.layer:
            lk.error(f, ("id",), codes.DUPLICATE_ITEM_ID, f"profile {s.id!r} is also defined in {prev.where.file}")
            continue
        out[s.id] = Profile(
            id=s.id,
            label=Texts.of(s.label),
            description=Texts.of(s.description),
            buying_behaviour=Texts.of(s.buying_behaviour),
            strategy=s.strategy,
            strategy_where=f.doc.location(("strategy",)),
            where=f.doc.location(()),
            order=s.order,
        )
    return dict(sorted(out.items(), key=lambda kv: kv[1].order))


def strategies(lk: Linker) -> tuple[dict[str, Strategy], dict[str, Texts]]:
    """The strategies, each with a text for every treatment row, and the rows' titles."""
    out: dict[str, Strategy] = {}
    rows: dict[str, Texts] = {}
    for f in lk.of_kind(S.FileKind.STRATEGIES):
        s: S.StrategiesFile = f.spec
        for key, title in s.rows.items():
            rows[key] = Texts.of(title)
        for sid, spec in s.strategies.items():
            treatment: dict[str, tuple[Texts, ...] | Texts] = {}
            for key, value in spec.treatment.items():
                if key not in s.rows:
                    lk.error(
                        f,
                        ("strategies", sid, "treatment", key),
                        codes.TREATMENT_ROWS,
                        f"treatment key {key!r} is not one of the rows",
                        suggest(key, list(s.rows)),
                    )
                treatment[key] = tuple(Texts.of(v) for v in value) if isinstance(value, list) else Texts.of(value)
            for key in s.rows:
                if key not in treatment:
                    lk.error(
                        f, ("strategies", sid, "treatment"), codes.TREATMENT_ROWS, f"strategy {sid} has no {key!r} row"
                    )
            out[sid] = Strategy(
                id=sid, label=Texts.of(spec.label), treatment=treatment, where=f.doc.location(("strategies", sid))
            )
    return out, rows


def check_strategies(lk: Linker, found: dict[str, Profile], defined: dict[str, Strategy]) -> None:
    """Each profile names a strategy a strategies file defines (when one is loaded)."""
    for pid, p in found.items():
        if defined and p.strategy not in defined:
            lk.error_at(
                p.strategy_where,
                codes.UNKNOWN_STRATEGY,
                f"profile {pid} names strategy {p.strategy!r}, which no strategies file defines",
                suggest(p.strategy, list(defined)),
            )
