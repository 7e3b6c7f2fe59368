"""Linking: the files read become one checked, resolved `RuleBase`.

One small orchestrator (`link`) runs the steps in order, each in its own module: the manifests'
stages, the rulesets in stage order, their parameters (with the overrides' values), the derived
facts and the catalog of every fact, the warning codes and levers, the profiles and strategies;
then every item, kind by kind (`items`: one module per kind of item), the test cases, and what the
overrides disable. Every problem goes to the read state, with its file, line and column.
"""

from __future__ import annotations

from pydantic import BaseModel

from kamrules import codes
from kamrules.errors import Location
from kamrules.i18n.texts import Texts
from kamrules.language import spec as S
from kamrules.language.link import cases, declarations, derived, disabling, manifest, parameters, profiles
from kamrules.language.link.context import Linker
from kamrules.language.link.items import Linked, link_items
from kamrules.language.read import LoadedFile, ReadState
from kamrules.language.rulebase import RuleBase, SourceFile, TestCase
from kamrules.model.account import Account
from kamrules.suggest import suggest


def link(
    files: list[LoadedFile],
    state: ReadState,
    sources: tuple[str, ...],
    *,
    input_model: type[BaseModel] = Account,
    input_name: str = "account",
) -> RuleBase:
    """The rule base `files` make (items with problems left out); problems go to `state`."""
    lk = Linker(files, state, sources, input_model, input_name)
    manifests = lk.of_kind(S.FileKind.MANIFEST)
    if not manifests:
        lk.error_at(
            Location(sources[0] if sources else None),
            codes.MANIFEST,
            "no manifest (a file with kind: manifest) declares the stages; a folder used on its own "
            "needs one, or give it on top of the built-in knowledge",
        )
        return _empty()
    lk.stages = manifest.stages(lk, manifests)
    lk.stage_order = {s.id: s.index for s in lk.stages}
    rulesets = _rulesets(lk)
    overrides = lk.of_kind(S.FileKind.OVERRIDES)
    lk.params = parameters.overridden(lk, parameters.declared(lk, rulesets), overrides)
    lk.derived = derived.declared(lk, rulesets)
    manifest.check_inputs(lk, manifests)
    lk.catalog = derived.catalog(lk, lk.derived)
    lk.codes = declarations.warning_codes(rulesets)
    lk.levers = declarations.levers(rulesets)
    lk.profiles = profiles.profiles(lk)
    lk.strategies, lk.treatment_rows = profiles.strategies(lk)
    linked = link_items(lk, rulesets)
    tests = cases.cases(lk)
    disabled = disabling.disabled_ids(lk, overrides, linked, tests)
    linked, tests = disabling.without(linked, tests, disabled)
    decisions = manifest.decisions(lk, manifests, lk.derived)
    profiles.check_strategies(lk, lk.profiles, lk.strategies)
    return _rulebase(lk, manifests, linked, tests, decisions=decisions, disabled=disabled)


def _rulebase(
    lk: Linker,
    manifests: list[LoadedFile],
    linked: Linked,
    tests: list[TestCase],
    *,
    decisions: list[str],
    disabled: list[str],
) -> RuleBase:
    name, version = manifest.identity(manifests)
    return RuleBase(
        name=name,
        version=version,
        digest=manifest.digest(lk.files),
        description=Texts.of(manifests[0].spec.description),
        stages=tuple(lk.stages),
        decisions=tuple(decisions),
        params=lk.params,
        facts=lk.catalog,
        derived=lk.derived,
        warning_codes=lk.codes,
        levers=lk.levers,
        rules=tuple(linked.rules),
        tables=tuple(linked.tables),
        scorecards=tuple(linked.scorecards),
        computes=tuple(linked.computes),
        profiles=lk.profiles,
        strategies=lk.strategies,
        treatment_rows=lk.treatment_rows,
        tests=tuple(tests),
        files=tuple(SourceFile(path=f.display, kind=f.kind, digest=f.digest) for f in lk.files),
        disabled=tuple(disabled),
        sources=lk.sources,
    )


def _rulesets(lk: Linker) -> list[LoadedFile]:
    """The ruleset files in stage order; a later layer's ruleset replaces one with its id, and a
    ruleset in a stage no manifest declares is reported and left out."""
    by_id: dict[str, LoadedFile] = {}
    for f in lk.of_kind(S.FileKind.RULESET):
        prev = by_id.get(f.spec.id)
        if prev is not None and prev.layer == f.layer:
            lk.error(f, ("id",), codes.DUPLICATE_ITEM_ID, f"ruleset id {f.spec.id!r} is also used by {prev.display}")
            continue
        by_id[f.spec.id] = f
    for f in by_id.values():
        if f.spec.stage not in lk.stage_order:
            lk.error(
                f,
                ("stage",),
                codes.STAGE,
                f"unknown stage {f.spec.stage!r}; the stages are {', '.join(lk.stage_order)}",
                suggest(f.spec.stage, list(lk.stage_order)),
            )
    rulesets = [f for f in by_id.values() if f.spec.stage in lk.stage_order]
    return sorted(rulesets, key=lambda f: lk.stage_order[f.spec.stage])


def _empty() -> RuleBase:
    return RuleBase(
        name="",
        version="",
        digest="",
        description=Texts(),
        stages=(),
        decisions=(),
        params={},
        facts={},
        derived={},
        warning_codes={},
        levers={},
        rules=(),
        tables=(),
        scorecards=(),
        computes=(),
        profiles={},
        strategies={},
        treatment_rows={},
        tests=(),
        files=(),
    )
