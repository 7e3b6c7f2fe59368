"""The fixtures: the built-in engine (`engine`), the fixed evaluation date (`as_of`), the command
line (`kam`). Helpers are in tests/support; no test imports this module."""

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
from tests import support  # noqa: E402


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(_CACHE_DIR, ignore_errors=True)


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine.default()


@pytest.fixture
def as_of() -> dt.date:
    return support.AS_OF


@pytest.fixture
def kam() -> Callable[..., support.Result]:
    """`kam ARGS` through the real entry point (so its exit codes): `tests.support.kam`, whose
    `Result` has the exit code, what was printed, and unpacks as `code, out, err`."""
    return support.kam
