"""Derived facts (the facts rulesets decide: tier, profile, scores...) and the catalog of every
fact a rule may read: the input's facts, then each derived one with the stage that decides it."""

from __future__ import annotations

from kamrules import codes
from kamrules.i18n.texts import Texts
from kamrules.language import spec as S
from kamrules.language.link.context import Linker
from kamrules.language.read import LoadedFile
from kamrules.language.rulebase import Derived
from kamrules.model.catalog import FactInfo, FactType, input_catalog, input_groups
from kamrules.model.vocabulary import LABELS

# Input lists of free words, some of which the rulesets recognise and sentences name by a label
# (`{relationship.choice_criteria}` prints "qualità e consegna" in Italian); any other word is
# the user's own, printed as written.
_LIST_LABELS = {"relationship.choice_criteria": "criterion"}


def _derived_type(spec: S.DerivedSpec) -> tuple[FactType, dict[str, dict[str, str]]]:
    labels: dict[str, dict[str, str]] = {}
    values: tuple[str, ...] = ()
    if isinstance(spec.values, dict):
        values = tuple(spec.values)
        labels = {k: Texts.of(v).as_dict() for k, v in spec.values.items()}
    elif isinstance(spec.values, list):
        values = tuple(spec.values)
    if spec.type == "list":
        return FactType("list", values, item_kind="choice" if values else "text"), labels
    if spec.type == "number":
        return FactType("number", minimum=spec.minimum, maximum=spec.maximum), labels
    return FactType(spec.type, values), labels


def declared(lk: Linker, rulesets: list[LoadedFile]) -> dict[str, Derived]:
    """The derived facts the rulesets declare (`derives:`), each in its ruleset's stage."""
    out: dict[str, Derived] = {}
    inputs = input_catalog(lk.input_model)
    groups = input_groups(lk.input_model)
    for f in rulesets:
        for name, spec in (f.spec.derives or {}).items():
            path = ("derives", name)
            if name in inputs or name.split(".")[0] in groups:
                lk.error(
                    f,
                    path,
                    codes.DERIVED_DECLARATION,
                    f"{name!r} is an account fact (or inside one of its groups); "
                    "a derived fact needs its own name, such as scores.x or tier",
                )
                continue
            if name in out:
                lk.error(
                    f,
                    path,
                    codes.DERIVED_DECLARATION,
                    f"derived fact {name!r} is already declared at {out[name].where}",
                )
                continue
            ftype, labels = _derived_type(spec)
            if spec.type in ("choice",) and not ftype.values:
                lk.error(f, path, codes.DERIVED_DECLARATION, f"derived fact {name!r} is a choice: list its values")
                continue
            out[name] = Derived(
                name=name,
                type=ftype,
                labels={k: Texts.from_dict(v) for k, v in labels.items()},
                description=Texts.of(spec.description),
                stage=f.spec.stage,
                where=f.doc.location(path),
            )
    return out


def catalog(lk: Linker, derived: dict[str, Derived]) -> dict[str, FactInfo]:
    """Every fact a rule may read: the input's, each derived one, and the labels of the input's
    choices (for messages: the vocabulary with exactly the fact's values)."""
    facts = dict(input_catalog(lk.input_model))
    for d in derived.values():
        facts[d.name] = FactInfo(
            d.name,
            d.type,
            "derived",
            stage=d.stage,
            declared_in=str(d.where),
            description=d.description.as_dict(),
            labels={k: v.as_dict() for k, v in d.labels.items()},
        )
    for path, kind in _LIST_LABELS.items():  # a list of words, some of which have labels
        info = facts.get(path)
        if info is not None and info.origin == "input":
            facts[path] = FactInfo(info.path, info.type, info.origin, description=info.description, labels=LABELS[kind])
    for path, info in list(facts.items()):
        if info.origin == "input" and info.type.kind == "choice":
            vocab = next((v for v in LABELS.values() if set(v) == set(info.type.values)), None)
            if vocab is not None:
                facts[path] = FactInfo(info.path, info.type, info.origin, description=info.description, labels=vocab)
    return facts
