"""The three portfolio rule bases, loaded and compiled.

They are nested in the built-in rulesets folder (`rulesets/portfolio/`, `.../sectors/`,
`.../totals/`), each with its own manifest, so the account loader leaves them alone. A user's
`--rules DIR` is layered on them the same way: its `portfolio/` (and `portfolio/sectors/`,
`portfolio/totals/`) subfolders, when present, override or extend the built-in ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel

from kamrules.api import Engine
from kamrules.builtin import builtin_dirs
from kamrules.engine.program import Program
from kamrules.language.load import load_folders
from kamrules.language.read import BUILTIN_LABEL, SourceFolder
from kamrules.language.rulebase import RuleBase
from kamrules.portfolio.inputs import AccountPosition, PortfolioTotals, SectorFacts

# (subfolder, input model, input name) of each rule base.
PARTS: dict[str, tuple[str, type[BaseModel], str]] = {
    "accounts": ("portfolio", AccountPosition, "portfolio_account"),
    "sectors": ("portfolio/sectors", SectorFacts, "sector"),
    "totals": ("portfolio/totals", PortfolioTotals, "portfolio"),
}


@dataclass(frozen=True)
class Compiled:
    rulebase: RuleBase
    program: Program


@dataclass(frozen=True)
class PortfolioKnowledge:
    """The portfolio's rule bases: per account, per sector, and for the whole portfolio."""

    accounts: Compiled
    sectors: Compiled
    totals: Compiled


def _folders(sub: str, user_paths: Sequence[str | Path]) -> list[SourceFolder]:
    rulesets, _profiles = builtin_dirs()
    folders = [SourceFolder(rulesets / sub, f"{BUILTIN_LABEL}/rulesets/{sub}", builtin=True)]
    for p in user_paths:
        candidate = Path(p) / sub
        if candidate.is_dir() and any(candidate.glob("*.y*ml")):
            folders.append(SourceFolder(candidate, str(candidate)))
    return folders


def account_engine(user_paths: Sequence[str | Path] = ()) -> Engine:
    """The account rule base (the advice of `kam advise`), with the same --rules folders."""
    return Engine.from_paths(*user_paths) if user_paths else Engine.default()


def load_part(name: str, user_paths: Sequence[str | Path] = ()) -> Compiled:
    sub, model, input_name = PARTS[name]
    rb = load_folders(_folders(sub, user_paths), input_model=model, input_name=input_name)
    return Compiled(rb, Program(rb))


def load_knowledge(user_paths: Sequence[str | Path] = ()) -> PortfolioKnowledge:
    """Load and compile the three rule bases (raises `RulesetError` naming every problem)."""
    return PortfolioKnowledge(
        load_part("accounts", user_paths), load_part("sectors", user_paths), load_part("totals", user_paths)
    )
