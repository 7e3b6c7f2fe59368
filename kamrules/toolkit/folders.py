"""Which folders a toolkit command reads: the built-in knowledge, the user's folders, or both.

Most folders hold account rules, layered on the built-in rulesets. A folder whose manifest says
`input: plan` (or `portfolio_account`, `sector`, `portfolio`) holds one of the nested rule bases
instead (the plan checks, the portfolio's rules): it is read with the facts of that input and
layered on the matching built-in folder (rulesets/plan/, rulesets/portfolio/...), as
`kam plan check --rules` and `kam portfolio --rules` read it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel

from kamrules.errors import KamError
from kamrules.language.read import BUILTIN_LABEL, NESTED_MANIFEST, SourceFolder, default_sources

ACCOUNT = "account"


@dataclass(frozen=True)
class RuleBaseKind:
    """What a rule base reads (its manifest's `input:`), the model of those facts, and the
    built-in folders it is layered on."""

    input_name: str
    model: type[BaseModel]
    builtin: tuple[SourceFolder, ...]

    @property
    def is_account(self) -> bool:
        return self.input_name == ACCOUNT


def declared_input(paths: Sequence[str | Path]) -> str | None:
    """The `input:` the manifest of the last folder that has one declares (None if none does)."""
    from kamrules.io.files import read_text
    from kamrules.io.yamlsafe import parse_document

    found: str | None = None
    for p in paths:
        root = Path(p)
        manifest = root / NESTED_MANIFEST if root.is_dir() else root
        if manifest.name != NESTED_MANIFEST or not manifest.is_file():
            continue
        try:
            data = parse_document(read_text(manifest), str(manifest)).data
        except KamError:
            continue  # the loader reports it, located
        value = data.get("input") if isinstance(data, dict) else None
        if isinstance(value, str):
            found = value
    return found


def kind_of(paths: Sequence[str | Path]) -> RuleBaseKind:
    """The kind of rule base `paths` add to (account rules unless a manifest says otherwise; an
    input no built-in rule base reads is left to the loader to report)."""
    from kamrules.builtin import builtin_dirs
    from kamrules.model.account import Account

    name = declared_input(paths) or ACCOUNT
    if name == ACCOUNT:
        return RuleBaseKind(ACCOUNT, Account, tuple(default_sources()))
    rulesets = builtin_dirs()[0]
    if name == "plan":
        from kamrules.plan.check_facts import PlanFacts
        from kamrules.plan.checks import PLAN_RULES

        return RuleBaseKind(name, PlanFacts, (_builtin(rulesets, PLAN_RULES),))
    from kamrules.portfolio.knowledge import PARTS

    for sub, model, input_name in PARTS.values():
        if input_name == name:
            return RuleBaseKind(name, model, (_builtin(rulesets, sub),))
    return RuleBaseKind(ACCOUNT, Account, tuple(default_sources()))


def _builtin(rulesets: Path, sub: str) -> SourceFolder:
    return SourceFolder(rulesets / sub, f"{BUILTIN_LABEL}/rulesets/{sub}", builtin=True)


def folders_for(
    paths: Sequence[str | Path], *, builtin: bool = True, kind: RuleBaseKind | None = None
) -> list[SourceFolder]:
    """The built-in knowledge (unless `builtin` is false) with `paths` layered on top, in order.

    A folder whose manifest does not say `extends: builtin` replaces what comes before it, as
    everywhere else in kamrules; `builtin=False` reads the folders alone. Folders of a nested
    rule base (`input: plan`...) are layered on that rule base's built-in folder.
    """
    folders = list((kind or kind_of(paths)).builtin) if builtin else []
    folders += [SourceFolder(Path(p), str(p)) for p in paths]
    return folders
