"""What linking knows as it goes, and where its problems go.

The orchestrator (`kamrules.language.link`) fills a `Linker` step by step: the stages, the
parameters, the derived facts and the catalog of every fact, the warning codes, the levers and
the profiles; each item kind's module then reads what it needs from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, TypeVar

from pydantic import BaseModel

from kamrules.errors import Location, Problem
from kamrules.i18n.texts import Texts
from kamrules.language.conditions.context import ParamRef, ParseContext
from kamrules.language.read import LoadedFile, ReadState
from kamrules.language.rulebase import Derived, LeverDef, Param, Profile, Stage, Strategy, WarningCode
from kamrules.model.catalog import FactInfo

Path = tuple[str | int, ...]
S = TypeVar("S")


@dataclass(frozen=True)
class ItemSource(Generic[S]):
    """One item of a ruleset file (a rule, a table...): where it is, what it says, its stage."""

    file: LoadedFile
    path: Path  # ("tables", 2): the item's place in its file
    spec: S
    stage: str

    @property
    def ruleset(self) -> str:
        ruleset_id: str = self.file.spec.id
        return ruleset_id

    def location(self, *path: str | int) -> Location:
        return self.file.doc.location((*self.path, *path))


@dataclass(eq=False)
class Linker:
    """The files being linked, what has been resolved from them so far, and the problems found."""

    files: list[LoadedFile]
    state: ReadState
    sources: tuple[str, ...]
    input_model: type[BaseModel]
    input_name: str
    stages: list[Stage] = field(default_factory=list)
    stage_order: dict[str, int] = field(default_factory=dict)
    params: dict[str, Param] = field(default_factory=dict)
    param_choices: dict[str, list[str]] = field(default_factory=dict)  # a choice parameter's values
    derived: dict[str, Derived] = field(default_factory=dict)
    catalog: dict[str, FactInfo] = field(default_factory=dict)  # every fact a rule may read
    codes: dict[str, WarningCode] = field(default_factory=dict)
    levers: dict[str, LeverDef] = field(default_factory=dict)
    profiles: dict[str, Profile] = field(default_factory=dict)
    strategies: dict[str, Strategy] = field(default_factory=dict)
    treatment_rows: dict[str, Texts] = field(default_factory=dict)
    whole_facts: set[str] = field(default_factory=set)  # derived numbers that are counts or days
    order: int = 0

    @property
    def problems(self) -> list[Problem]:
        return self.state.problems

    def error(self, file: LoadedFile, path: Path, code: str, message: str, suggestion: str | None = None) -> None:
        """Report a problem at `path` of file `f`."""
        self.state.error(file.doc.location(path), code, message, suggestion)

    def error_at(self, where: Location, code: str, message: str, suggestion: str | None = None) -> None:
        self.state.error(where, code, message, suggestion)

    def next_order(self) -> int:
        """The next item's position in the rule base (the tie-breaker after priority)."""
        self.order += 1
        return self.order

    def of_kind(self, kind: str) -> list[LoadedFile]:
        return [f for f in self.files if f.kind == kind]

    def layer_of(self, display: str) -> int:
        for f in self.files:
            if f.display == display:
                return f.layer
        return -1

    def parse_context(self, file: LoadedFile, stage: str) -> ParseContext:
        """What a condition in stage `stage` of file `f` may read: the account facts and the facts
        decided in earlier stages, and every parameter."""
        here = self.stage_order[stage]
        visible = {
            k: v
            for k, v in self.catalog.items()
            if v.origin != "derived" or (v.stage is not None and self.stage_order.get(v.stage, 99) < here)
        }
        params = {n: ParamRef(n, p.type, p.value) for n, p in self.params.items()}
        return ParseContext(visible, self.catalog, params, stage, self.stage_order, file.doc.location, self.problems)
