"""Load rulesets and profiles from folders: read them, layer them, link them.

Layering: folders are read in order, the built-in knowledge first. A folder whose manifest has
no `extends: builtin` stands on its own and replaces what came before it. A later folder may
override parameter values and disable items (`kind: overrides`), replace a rule (`replaces:`),
replace a whole ruleset or profile by id, and add rulesets, stages, warning codes and levers.

Every problem is collected, not just the first, and each one names its file, line and column.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel

from kamrules.errors import Problem, RulesetError, problems_from
from kamrules.language import spec as S
from kamrules.language.link import link
from kamrules.language.read import LoadedFile, ReadState, SourceFolder, default_sources, read_folder
from kamrules.language.rulebase import RuleBase
from kamrules.model.account import Account


@dataclass(frozen=True)
class LoadReport:
    """Everything loading found: the rule base (None when there are problems), every problem,
    and the files it was built from (for tools that look at what was written, such as lint)."""

    rulebase: RuleBase | None
    problems: tuple[Problem, ...]
    files: tuple[LoadedFile, ...]
    readable: bool  # False when some file could not be read at all (linking was skipped)
    linked: RuleBase | None = None  # what linking built, problems or not (items with problems left out)


def load_rulebase(paths: Sequence[str | Path] = (), *, builtin: bool = True, tests: bool = True) -> RuleBase:
    """Load the built-in knowledge (unless `builtin` is false) with `paths` layered on top;
    `tests` false leaves the test-case files out (they never change the advice)."""
    folders = default_sources() if builtin else []
    folders += [SourceFolder(Path(p), str(p)) for p in paths]
    return load_folders(folders, tests=tests)


def load_folders(
    folders: Sequence[SourceFolder],
    *,
    input_model: type[BaseModel] = Account,
    input_name: str = "account",
    tests: bool = True,
) -> RuleBase:
    """Load, layer and link the knowledge in `folders`.

    `input_model` is the pydantic model of the facts the rules read (the account facts by
    default; a portfolio or a plan for their own rule bases); a manifest may name it with
    `input:`, which must then match `input_name`. Raises `RulesetError` naming every problem.
    """
    report = load_report(folders, input_model=input_model, input_name=input_name, tests=tests)
    if not report.readable:
        raise RulesetError("the rulesets cannot be loaded:", report.problems)
    if report.rulebase is None:
        raise RulesetError("the rulesets have problems:", report.problems)
    return report.rulebase


def load_report(
    folders: Sequence[SourceFolder],
    *,
    input_model: type[BaseModel] = Account,
    input_name: str = "account",
    tests: bool = True,
) -> LoadReport:
    """Load, layer and link the knowledge in `folders`, collecting every problem instead of raising.

    Files with schema errors in some items are linked without those items, so that one run
    reports the problems of every file. Only when a file cannot be read at all (not YAML, no
    kind, a wrong required field) is linking skipped, since every reference to what it declares
    would then be reported as a problem of its own.
    """
    state = ReadState()
    layer_of = _layers(folders)
    layers: list[list[LoadedFile]] = [[] for _ in range(max(layer_of, default=-1) + 1)]
    for folder, layer in zip(folders, layer_of, strict=True):
        layers[layer].extend(read_folder(folder, layer, state, tests))
    read_all = [f for files in layers for f in files]
    if state.unreadable or not read_all:
        return LoadReport(None, problems_from(state.problems), tuple(read_all), readable=False)
    start = _first_effective_layer(layers)
    effective = [f for files in layers[start:] for f in files]
    # (A folder given twice counts at its first place, as it always has.)
    sources = tuple(f.display for f in folders if layer_of[list(folders).index(f)] >= start)
    rulebase = link(effective, state, sources, input_model=input_model, input_name=input_name)
    problems = problems_from(state.problems)
    return LoadReport(None if problems else rulebase, problems, tuple(effective), readable=True, linked=rulebase)


def _layers(folders: Sequence[SourceFolder]) -> list[int]:
    """The layer of each folder: one per folder, the two built-in folders together in one."""
    layer_of: list[int] = []
    layer = -1
    for i, folder in enumerate(folders):
        if not (folder.builtin and i > 0 and folders[i - 1].builtin):
            layer += 1
        layer_of.append(layer)
    return layer_of


def _first_effective_layer(layers: list[list[LoadedFile]]) -> int:
    """A standalone manifest (no `extends: builtin`) drops the layers before it."""
    start = 0
    for i, files in enumerate(layers):
        for f in files:
            if f.kind == S.FileKind.MANIFEST and f.spec.extends is None:
                start = i
    return start
