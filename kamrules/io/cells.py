"""Text cells a spreadsheet would run as formulas, neutralised (the OWASP rule against CSV
injection).

Account ids, names and sectors come from CRM exports nobody cleaned; written as they are, a
name such as `=HYPERLINK("http://…")` or `@SUM(1+1)*cmd|' /C calc'!A0` becomes a live formula
when the CSV file is opened in Excel or LibreOffice. So a text cell that starts with `=`, `+`,
`-`, `@`, a tab or a carriage return, also after leading whitespace, is written with a leading
apostrophe, which spreadsheets read as "this is text" (OWASP, "CSV Injection"). A number
written as text (`-0.05`, `+3`) is a number, not a formula, and is left alone.

In an XLSX workbook every text cell is a text cell, never a formula, whatever this module says;
a cell it flags gets Excel's own mark for "typed with a leading apostrophe" (the cell style's
`quotePrefix`), so editing it in Excel does not make it a formula either. `kam portfolio
--raw-cells` writes the values as they are (for scripts that read the files back).
"""

from __future__ import annotations

import re

# The characters OWASP lists: a cell starting with one of them is a formula to a spreadsheet.
FORMULA_STARTS = frozenset("=+-@\t\r")
_NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?%?")


def formula_like(text: str) -> bool:
    """Would a spreadsheet read `text` as a formula (see the module's docstring)?"""
    if not text:
        return False
    if text[0] not in FORMULA_STARTS and text.lstrip()[:1] not in FORMULA_STARTS:
        return False
    return _NUMBER.fullmatch(text.strip()) is None


def neutralise(text: str) -> str:
    """`text`, with a leading apostrophe when a spreadsheet would run it as a formula."""
    return "'" + text if formula_like(text) else text
