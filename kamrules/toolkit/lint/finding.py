"""What a lint check reports, and what every check is given to look at."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from kamrules.errors import Location
from kamrules.i18n.catalog import phrases
from kamrules.i18n.languages import LANGS
from kamrules.i18n.texts import Texts
from kamrules.language.read import LoadedFile
from kamrules.language.rulebase import RuleBase, Table
from kamrules.toolkit.lint.domains import ABSENT
from kamrules.toolkit.lint.solve import Solver
from kamrules.toolkit.lint.synth import Synthesiser
from kamrules.toolkit.lint.tables import TableAnalysis, analyse

SEVERITIES = ("info", "low", "medium", "high")


@dataclass(frozen=True)
class Finding:
    """One finding: a stable id (KR1xx), its severity, a message in en and it, and where."""

    id: str
    name: str
    severity: str
    message: Texts
    where: Location
    inputs: dict[str, Any] | None = None  # the values of a table's inputs that show the problem
    example: dict[str, Any] | None = None  # account facts producing them, ready to paste as a test
    example_id: str | None = None


@dataclass
class LintContext:
    """The rule base, the files it was read from, and shared, lazily computed analyses."""

    rb: RuleBase
    files: tuple[LoadedFile, ...]
    as_of: dt.date
    _solver: Solver | None = field(default=None, init=False)
    _synth: Synthesiser | None = field(default=None, init=False)
    _tables: dict[str, TableAnalysis | None] = field(default_factory=dict, init=False)

    @property
    def solver(self) -> Solver:
        if self._solver is None:
            self._solver = Solver.of(self.rb, self.as_of)
        return self._solver

    def analysis(self, table: Table) -> TableAnalysis | None:
        if table.id not in self._tables:
            self._tables[table.id] = analyse(table, self.solver)
        return self._tables[table.id]

    def example(self, values: dict[str, Any], ident: str) -> dict[str, Any] | None:
        if self._synth is None:
            self._synth = Synthesiser(self.rb, self.solver)
        return self._synth.account(values, ident)


def message(key: str, **values: Any) -> Texts:
    """A finding's message in every language: the catalogs' lint phrase `key` filled with
    `values` (a value that depends on the language is a function of it, called with each)."""
    return Texts(
        **{
            lang: phrases(lang, "lint").say(key, **{k: v(lang) if callable(v) else v for k, v in values.items()})
            for lang in LANGS
        }
    )


def describe(values: dict[str, Any], lang: str) -> str:
    """`tier = key_account, relationship.stage absent` (in `lang`)."""
    absent = phrases(lang, "lint")["absent"]
    parts = []
    for fact, value in values.items():
        if value is ABSENT:
            parts.append(f"{fact} {absent}")
        elif isinstance(value, float):
            parts.append(f"{fact} = {value:g}")
        elif isinstance(value, dt.date):
            parts.append(f"{fact} = {value.isoformat()}")
        else:
            parts.append(f"{fact} = {value}")
    return ", ".join(parts)
