"""Shared fixtures: the built-in engine, example accounts, a fixed evaluation date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kamrules import Engine

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
AS_OF = dt.date(2026, 11, 27)


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine.default()


@pytest.fixture
def as_of() -> dt.date:
    return AS_OF


def account(**groups: Any) -> dict[str, Any]:
    """A minimal account with the given groups of facts."""
    facts: dict[str, Any] = {"id": groups.pop("id", "T-1"), "name": groups.pop("name", "Test S.p.A.")}
    facts.update(groups)
    return facts


@pytest.fixture
def kam(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    """`kam ARGS` through the real entry point (so its exit codes), with what it printed."""
    from kamrules.cli.main import run

    def invoke(*args: str) -> tuple[int, str, str]:
        code = run(list(args))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return invoke
