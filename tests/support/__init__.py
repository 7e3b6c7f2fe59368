"""What the tests share: the fixed evaluation date, the example folders, an account builder, and
`kam()`, which runs the command line in this process the way a user would see it; `write()` for
the small YAML folders tests build. The modules beside this one hold the helpers of one area:
`plans` (the example plan), `portfolios` (generated portfolios), `batch` (the batch engine's
advice beside `Engine.advise`'s), `columnar` and `columnar_inputs` (the columnar portfolio run
beside `kam portfolio`, on generated portfolio files with faults).

Import from here (`from tests.support import AS_OF, kam`); conftest.py only declares fixtures,
and nothing imports it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
# Every test that depends on today's date evaluates on this one, so golden outputs never drift.
AS_OF = dt.date(2026, 11, 27)


def account(**groups: Any) -> dict[str, Any]:
    """A minimal account with the given groups of facts."""
    facts: dict[str, Any] = {"id": groups.pop("id", "T-1"), "name": groups.pop("name", "Test S.p.A.")}
    facts.update(groups)
    return facts


@dataclass
class Result:
    """What `kam ARGS` did: its exit code and what it printed."""

    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)

    def __iter__(self) -> Iterator[Any]:
        """`code, out, err = kam(...)`: the three in that order."""
        return iter((self.exit_code, self.stdout, self.stderr))


class _Terminal(io.StringIO):
    """A captured stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def kam(*args: str | Path, stdin: str | bytes | None = None, stderr_is_terminal: bool = False) -> Result:
    """Run `kam ARGS` in this process, through the real entry point and its exit-code handling
    (`stdin`: text, written as UTF-8, or bytes as they are, such as a workbook piped in;
    `stderr_is_terminal`: standard error says it is a terminal, as for a progress bar)."""
    from cli.main import run

    out, err = io.StringIO(), _Terminal() if stderr_is_terminal else io.StringIO()
    old_stdin = sys.stdin
    if stdin is not None:
        data = stdin if isinstance(stdin, bytes) else stdin.encode("utf-8")
        sys.stdin = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = run([str(a) for a in args])
    finally:
        sys.stdin = old_stdin
    return Result(code, out.getvalue(), err.getvalue())


def write(folder: Path, name: str, text: str) -> Path:
    """Write a YAML file (dedented) into `folder`, creating folders as needed."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path
