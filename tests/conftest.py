"""Shared fixtures: the built-in engine, example accounts, a fixed evaluation date."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from collections.abc import Callable

import pytest

# The rule-base cache goes to a temporary folder of this session, never the user's own cache
# (tests write only to temporary folders); set before any engine is built, and inherited by
# every `kam` child process the tests start.
_CACHE_DIR = tempfile.mkdtemp(prefix="kamrules-test-cache-")
os.environ["KAMRULES_CACHE_DIR"] = _CACHE_DIR
os.environ.pop("KAMRULES_NO_CACHE", None)
# The user's own rules folders must not change what the tests see (every command reads them).
os.environ.pop("KAMRULES_PATH", None)

from kamrules import Engine  # noqa: E402
from tests.support import AS_OF, EXAMPLES, ROOT, account  # noqa: E402, F401  (older tests import them from here)


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(_CACHE_DIR, ignore_errors=True)


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine.default()


@pytest.fixture
def as_of() -> dt.date:
    return AS_OF


@pytest.fixture
def kam(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    """`kam ARGS` through the real entry point (so its exit codes), with what it printed."""
    from cli.main import run

    def invoke(*args: str) -> tuple[int, str, str]:
        code = run(list(args))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return invoke
