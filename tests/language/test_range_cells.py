"""Finding 6: a range cell is parsed in time linear in its length.

The regular expression that split `[lo..hi)` backtracked in cubic time: an 8 KB cell such as
`[` + spaces + `1.` + spaces + `x` took 67 s to refuse. Here a 128 KB cell of that shape (and
of the comparison and decimal-comma shapes, which were quadratic) must be refused within a CPU
limit the old code exceeded by orders of magnitude.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kamrules.language.conditions.parse import cell_comparison, cell_range
from tests.support.bounded import Limits, assert_refused, run_kam, run_python

CELL_LIMITS = Limits(peak_mb=150, cpu_s=10)

# The expressions the parser used before, kept here to show the new one reads cells the same way.
_OLD_RANGE = re.compile(r"^\s*([\[\(\]])\s*(.+?)\s*\.\.\s*(.+?)\s*([\]\)\[])\s*$")
_OLD_CMP = re.compile(r"^\s*(>=|<=|!=|==|=|>|<)\s*(.+?)\s*$")


def rule_base_with_cell(folder: Path, cell: str) -> Path:
    folder.mkdir()
    (folder / "kamrules.yaml").write_text("kind: manifest\nname: cell\nversion: '1'\nstages: [{id: s}]\n", "utf-8")
    rule = f"  - {{id: r1, when: {{business.revenue: {json.dumps(cell)}}}, then: {{append: {{tags: t}}}}}}\n"
    (folder / "r.yaml").write_text(
        "kind: ruleset\nid: r\nstage: s\nderives: {tags: {type: list, values: [t]}}\nrules:\n" + rule, "utf-8"
    )
    return folder


HOSTILE_CELLS = {
    "range": "[" + " " * 65_536 + "1." + " " * 65_536 + "x",
    "comparison": "> a" + " " * 131_072 + "b",
    "range-of-dots": "[" + "1." * 65_536 + "x]",
}


@pytest.mark.parametrize("shape", list(HOSTILE_CELLS))
def test_a_128_kb_hostile_cell_is_refused_within_the_cpu_limit(tmp_path: Path, shape: str) -> None:
    rules = rule_base_with_cell(tmp_path / "rules", HOSTILE_CELLS[shape])
    result = run_kam("rules", "validate", str(rules), limits=CELL_LIMITS)
    assert_refused(result, "r.yaml:6", limits=CELL_LIMITS)


def test_number_and_date_cells_are_read_in_linear_time() -> None:
    # Every number and date cell of a CSV or XLSX export is read in the file's own format
    # (kamrules.io.numbers, kamrules.io.dates), cells up to 131,072 characters.
    code = (
        "from kamrules.io.numbers import read_number as N\n"
        "from kamrules.io.dates import read_date as D\n"
        "for n in (131072,) * 20:\n"
        "    assert N('1' + ' ' * n + 'x').value is None\n"
        "    assert N(' ' * n + '1.234,5' + ' ' * n + '%x').value is None\n"
        "    assert N('1' + ' 000' * (n // 4) + ',5').value is not None\n"
        "    assert N('1' + '.000' * (n // 4) + ',5x').value is None\n"
        "    assert D('01/' * (n // 3)).value is None and D('1' * n).value is None\n"
        "assert N('1.200,50 %').value == '1200.50%' and N('22,5%').value == '22.5%'\n"
    )
    result = run_python(code, Limits(peak_mb=100, cpu_s=5))
    assert result.code == 0, result.err


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=" [](.1x-\n=<>%", max_size=12))
def test_cells_read_as_before(cell: str) -> None:
    cell = cell.strip()
    old = _OLD_RANGE.match(cell)
    # A range whose bounds are both written (the old expression also matched a few cells whose
    # lower bound was a lone space, refused further on all the same).
    expected = (old.group(1), old.group(2).strip(), old.group(3).strip(), old.group(4)) if old else None
    if expected is not None and not expected[1]:
        expected = None
    assert cell_range(cell) == expected
    old_cmp = _OLD_CMP.match(cell)
    assert cell_comparison(cell) == (old_cmp.groups() if old_cmp else None)


def test_the_cells_users_write() -> None:
    assert cell_range("[3..7)") == ("[", "3", "7", ")")
    assert cell_range("( 1 .. 2 ]") == ("(", "1", "2", "]")
    assert cell_range("]0..limit[") == ("]", "0", "limit", "[")
    assert cell_range("[..7]") is None and cell_range("[3..]") is None and cell_range(">= 7") is None
    assert cell_comparison(">= limit") == (">=", "limit")
    assert cell_comparison("<7") == ("<", "7")
    assert cell_comparison(">=") == (">", "=")  # as the expression read it: `>` then `=`
    assert cell_comparison("basic") is None
