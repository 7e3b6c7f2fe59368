"""Helpers for the toolkit's tests: run `kam` in-process, write small rule folders."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from cli.main import run


@dataclass
class Ran:
    code: int
    out: str
    err: str


def kam(capsys: pytest.CaptureFixture[str], *args: str) -> Ran:
    """Run `kam ARGS…` as the console script does, and capture what it printed."""
    capsys.readouterr()
    code = run([str(a) for a in args])
    captured = capsys.readouterr()
    return Ran(code, captured.out, captured.err)


def write(folder: Path, name: str, text: str) -> Path:
    """Write a YAML file (dedented) into `folder`, creating folders as needed."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path
