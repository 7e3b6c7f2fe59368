"""The example plan as data, variants of it written next to its account, lines of a file."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path
from typing import Any

import yaml

from kamrules.io.yamlsafe import parse_document
from tests.support import EXAMPLES

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


def line_of(path: Path, text: str) -> int:
    """The 1-based line of the first line of `path` that contains `text`."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if text in line:
            return number
    raise AssertionError(f"{text!r} is not in {path}")
