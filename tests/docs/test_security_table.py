"""docs/security.md's table of threats and limits is the one tests/support/limits_table.py
makes from the code's limits and the tests' ceilings, and every test it names exists."""

from __future__ import annotations

import importlib
import re

from tests.support import limits_table


def test_the_table_in_the_docs_is_current() -> None:
    page = limits_table.PAGE.read_text(encoding="utf-8")
    measured = limits_table.current_measures(page)
    expected = limits_table.render(limits_table.rows(), measured)
    start, end = page.index(limits_table.BEGIN), page.index(limits_table.END) + len(limits_table.END)
    assert page[start:end] == expected, "run: python -m tests.support.limits_table (and --measure after a change)"


def test_every_test_named_exists() -> None:
    for row in limits_table.rows():
        path, function = row.test.split("::")
        module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
        assert callable(getattr(module, function, None)), row.test


def test_every_row_was_measured_within_its_ceiling() -> None:
    measured = limits_table.current_measures(limits_table.PAGE.read_text(encoding="utf-8"))
    for row in limits_table.rows():
        ceiling = re.match(r"(\d+) MB", row.ceiling_text())
        if ceiling is None:
            continue
        shown = measured.get(row.test, "")
        peak = re.match(r"(\d+) MB", shown)
        assert peak is not None, f"{row.test} not measured"
        assert int(peak.group(1)) < int(ceiling.group(1)), (row.test, shown, row.ceiling_text())
