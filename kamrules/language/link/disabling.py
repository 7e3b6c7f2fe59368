"""Disabling (an overrides file's `disable:`): rules, tables, table rows, scorecards, computed facts
and test cases left out of the rule base by id."""

from __future__ import annotations

import dataclasses

from kamrules import codes
from kamrules.language.link.cases import skipped_case_ids
from kamrules.language.link.context import Linker
from kamrules.language.link.items import Linked
from kamrules.language.read import LoadedFile
from kamrules.language.rulebase import TestCase
from kamrules.suggest import suggest


def disabled_ids(lk: Linker, overrides: list[LoadedFile], linked: Linked, tests: list[TestCase]) -> list[str]:
    """The ids the overrides disable; one that names nothing is reported instead."""
    disabled: list[str] = []
    skipped: set[str] | None = None  # the ids of the test cases not loaded, read when needed
    for f in overrides:
        for i, item in enumerate(f.spec.disable or []):
            known = (
                [r.id for r in linked.rules]
                + [t.id for t in linked.tables]
                + [s.id for s in linked.scorecards]
                + [c.id for c in linked.computes]
                + [f"{t.id}:{row.id}" for t in linked.tables for row in t.rows]
                + [case.id for case in tests]
            )
            if item not in known:
                skipped = skipped_case_ids(lk) if skipped is None else skipped
                if item not in skipped:
                    lk.error(
                        f,
                        ("disable", i),
                        codes.NOTHING_DISABLED,
                        f"cannot disable {item!r}: no rule, table, row, scorecard, computed fact "
                        "or test case has that id",
                        suggest(item, known + sorted(skipped)),
                    )
                    continue
            disabled.append(item)
    return disabled


def without(linked: Linked, tests: list[TestCase], disabled: list[str]) -> tuple[Linked, list[TestCase]]:
    """The items and test cases that are not disabled."""
    off = set(disabled)
    kept = Linked(
        rules=[r for r in linked.rules if r.id not in off],
        tables=[
            dataclasses.replace(t, rows=tuple(row for row in t.rows if f"{t.id}:{row.id}" not in off))
            for t in linked.tables
            if t.id not in off
        ],
        scorecards=[s for s in linked.scorecards if s.id not in off],
        computes=[c for c in linked.computes if c.id not in off],
    )
    return kept, [case for case in tests if case.id not in off]
