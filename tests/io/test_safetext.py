"""Finding 10: control characters and line separators from the data never reach a terminal, a
Markdown renderer or a YAML comment as they are.

Escape sequences in a name reached the terminal (clear the screen, move the cursor, set the
window title); `kam advise --format markdown` and the portfolio summary passed `<script>`,
`[x](javascript:…)` and raw HTML through; U+2028 or U+0085 in a name broke out of the header
comment of `kam plan new` and wrote YAML keys.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
import yaml

from kamrules.io.safetext import comment_text, markdown_text, terminal_text
from tests.support import kam

# What a hostile CRM export can put in a name: OSC (window title), CSI (clear, move, colour),
# a C1 CSI, BEL, the line separators, a bidi override, HTML and a javascript: link.
HOSTILE_NAME = (
    "Evil\x1b]0;pwned\x07\x1b[2J\x1b[1A\x9b31m\r\u202eRTL\u2066x\u2069"
    "\u2028evil_key: 1\x85other: 2\u2029 <script>alert(1)</script> <img src=x onerror=alert(1)>"
    " [click](javascript:alert(1)) ![p](http://evil.example/p.png) <http://evil.example>"
)
HOSTILE_ID = "X\x1b[2J\u2028id2"
AS_OF = ("--as-of", "2026-11-27")
# Everything a terminal or a YAML reader acts on; a tab and the line feeds of the layout aside.
DANGEROUS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def account_file(folder: Path) -> Path:
    path = folder / "evil.yaml"
    data = {"id": HOSTILE_ID, "name": HOSTILE_NAME, "sector": "auto\x1b[1A", "business": {"revenue": 1000}}
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def portfolio_file(folder: Path) -> Path:
    path = folder / "evil.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "name", "sector", "business.revenue"])
        writer.writerow([HOSTILE_ID, HOSTILE_NAME, "auto\x1b[1A", 1000])
        writer.writerow(["B", "Plain", "auto", 10])
    return path


def assert_markdown_inert(text: str) -> None:
    assert not DANGEROUS.search(text), repr(DANGEROUS.search(text))
    assert not re.search(r"(?<!\\)<[A-Za-z/!?]", text), "raw HTML or an autolink"
    assert not re.search(r"(?<!\\)\]\(", text), "a Markdown link or image"


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_kam_advise_for_people(tmp_path: Path, fmt: str) -> None:
    result = kam("advise", str(account_file(tmp_path)), "--format", fmt, "--explain", *AS_OF)
    assert result.exit_code in (0, 1), result.stderr
    assert not DANGEROUS.search(result.stdout)
    assert "Evil\\x1b]0;pwned\\x07" in result.stdout  # shown, visibly, not dropped
    if fmt == "markdown":
        assert_markdown_inert(result.stdout)


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_data_formats_keep_the_values(tmp_path: Path, fmt: str) -> None:
    result = kam("advise", str(account_file(tmp_path)), "--format", fmt, *AS_OF)
    data = json.loads(result.stdout) if fmt == "json" else yaml.safe_load(result.stdout)
    assert data["account"]["name"] == HOSTILE_NAME


@pytest.mark.parametrize("fmt", ["markdown", "text"])
def test_the_portfolio_summary(tmp_path: Path, fmt: str) -> None:
    result = kam("portfolio", str(portfolio_file(tmp_path)), "--format", fmt, *AS_OF)
    assert result.exit_code in (0, 1), result.stderr
    assert "Evil\\x1b]0;pwned" in result.stdout  # the largest account, named safely
    assert not DANGEROUS.search(result.stdout)
    if fmt == "markdown":  # text is the terminal's summary, not Markdown
        assert_markdown_inert(result.stdout)


def test_the_portfolio_report(tmp_path: Path) -> None:
    report = tmp_path / "report.html"
    result = kam("portfolio", str(portfolio_file(tmp_path)), "--report", str(report), *AS_OF)
    assert result.exit_code in (0, 1), result.stderr
    page = report.read_text(encoding="utf-8")
    body = page[page.index("<body>") :]
    assert not DANGEROUS.search(body.replace("\n", "")), repr(DANGEROUS.search(body.replace("\n", "")))
    assert "Evil\\x1b]0;pwned\\x07" in body  # shown, visibly, in the table of accounts
    assert "\\u202eRTL" in body  # the override shown, not obeyed
    assert "<script>alert(1)" not in body and "&lt;script&gt;alert(1)" in body


def test_a_name_cannot_write_yaml_into_a_plan(tmp_path: Path) -> None:
    out = tmp_path / "plan.yaml"
    result = kam("plan", "new", str(account_file(tmp_path)), "--out", str(out), *AS_OF)
    assert result.exit_code == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert "evil_key" not in data and "other" not in data
    assert data["account"]["name"] == HOSTILE_NAME  # the value itself is kept, YAML-escaped
    header = text.split("\nkind:", 1)[0]
    assert not DANGEROUS.search(header)
    assert all(line.startswith("#") for line in header.splitlines())


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("a\x1b[2Jb", "a\\x1b[2Jb"),
        ("a\u2028b\x85c\u2029d", "a\\u2028b\\x85c\\u2029d"),
        ("\u202eabc\u2066", "\\u202eabc\\u2066"),
        ("tab\tkept", "tab\tkept"),
        ("line\nfeed\rcr", "line\\x0afeed\\x0dcr"),
    ],
)
def test_terminal_text(raw: str, shown: str) -> None:
    assert terminal_text(raw) == shown
    assert comment_text(raw) == shown


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("<script>x</script>", "\\<script>x\\</script>"),
        ("[a](javascript:alert(1))", "[a\\](javascript:alert(1))"),
        ("<http://x>", "\\<http://x>"),
        ("share < 60% | ok", "share < 60% \\| ok"),
        ("two\nlines", "two lines"),
        ("R&D", "R&D"),
    ],
)
def test_markdown_text(raw: str, shown: str) -> None:
    assert markdown_text(raw) == shown
