"""Helpers for the plan tests: the example plan as data, writing variants of it, running `kam`."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner

from cli.main import run
from kamrules.io.yamlsafe import parse_document
from tests.conftest import EXAMPLES

EXAMPLE_PLAN = EXAMPLES / "plans" / "rossi-meccanica.plan.yaml"
EXAMPLE_ACCOUNT = EXAMPLES / "plans" / "rossi-meccanica.account.yaml"
_EXAMPLE = parse_document(EXAMPLE_PLAN.read_text(encoding="utf-8"), str(EXAMPLE_PLAN)).data


def example() -> dict[str, Any]:
    """A fresh copy of the example plan's data, to change one thing in."""
    return copy.deepcopy(_EXAMPLE)


def write_plan(folder: Path, data: dict[str, Any], name: str = "plan.yaml") -> Path:
    """Write a plan next to a copy of the example's account file (its account.file)."""
    shutil.copy(EXAMPLE_ACCOUNT, folder / EXAMPLE_ACCOUNT.name)
    path = folder / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def kam(*args: str) -> tuple[int, str, str]:
    """Run `kam` as the console script does: exit code, standard output, standard error."""
    runner = CliRunner()
    with runner.isolation() as streams:
        code = run(list(args))
    out, err = streams[0], streams[1]
    return code, out.getvalue().decode("utf-8"), err.getvalue().decode("utf-8") if err is not None else ""


def line_of(path: Path, text: str) -> int:
    """The 1-based line of the first line of `path` that contains `text`."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if text in line:
            return number
    raise AssertionError(f"{text!r} is not in {path}")
