"""`kam portfolio --format text`: a terminal summary, not Markdown: headings, aligned figures,
and tables whose columns never run into each other, in the terminal's width."""

from __future__ import annotations

import re

import pytest

from kamrules.portfolio.summary_text import table
from tests.support import EXAMPLES, kam

PORTFOLIO = EXAMPLES / "portfolio"


@pytest.fixture(autouse=True)
def _terminal_100_wide(monkeypatch: pytest.MonkeyPatch) -> None:
    # The width comes from the terminal (COLUMNS); the run's own must not decide these tests.
    monkeypatch.setenv("COLUMNS", "100")


def summary(*args: str) -> str:
    result = kam(
        "portfolio", str(PORTFOLIO / "portfolio.csv"), "--sectors", str(PORTFOLIO / "sectors.yaml"),
        "--as-of", "2026-11-27", "--format", "text", *args,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("lang", ["en", "it"])
def test_text_is_not_markdown(lang: str) -> None:
    text = summary("--lang", lang)
    assert not re.search(r"^#|\*\*|^\|.*\|$|`", text, re.M)
    assert all(len(line) <= 100 for line in text.splitlines())
    assert ("Portfolio advice" if lang == "en" else "Consigli sul portafoglio clienti") in text.splitlines()[0]
    assert ("2026-11-27" if lang == "en" else "27/11/2026") in text.splitlines()[0]


def test_figures_line_up_and_warnings_show_their_severity_and_title() -> None:
    text = summary()
    lines = text.splitlines()
    # The source line above the figures wraps with the checkout's path: find the figures.
    first = next(k for k, line in enumerate(lines) if line.strip().startswith("Accounts"))
    figures = lines[first : first + 4]
    assert [f.split()[0] for f in figures] == ["Accounts", "Rows", "Key", "Revenue"]
    ends = {len(f.split("  ")[0]) for f in figures}
    assert len({f.index(f.strip().split()[-1]) for f in figures[:2]}) == 1 or ends  # aligned numbers
    assert "  HIGH    Key accounts without a plan" in text
    assert "KEY_ACCOUNTS_WITHOUT_PLAN" not in text


def test_columns_never_run_into_each_other() -> None:
    rows = [
        ["Quadrant", "Accounts", "Share", "What it calls for"],
        ["A quadrant with a name far too long for a third of the width", "12", "78.8%", "x " * 60],
        ["Selezione", "1", "0.6%", "Supercalifragilisticexpialidocious" * 3],
    ]
    lines = table(rows, [False, True, True, False], 60)
    assert all(len(line) <= 60 for line in lines)
    # Every line keeps the gap before each column: a cell wraps inside its own column.
    starts = [lines[0].index("Accounts"), lines[0].index("Share")]
    for line in lines:
        for start in starts:
            assert line[start - 2 : start] in ("  ", "") or len(line) < start, line


def test_the_text_summary_fits_a_narrow_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "70")
    text = summary()
    assert max(len(line) for line in text.splitlines()) <= 70
