"""The fixtures: the built-in engine (`engine`), the fixed evaluation date (`as_of`), the command
line (`kam`), a fresh history database on SQLite and on PostgreSQL (`db_url`), for every test a
data folder of its own (`data_home`), and the HTTP service's rule base (`registry`, for the
session) and an app on it (`client`). Helpers are in tests/support; no test imports this
module."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# The rule-base cache goes to a temporary folder of this session, never the user's own cache
# (tests write only to temporary folders); set before any engine is built, and inherited by
# every `kam` child process the tests start.
_CACHE_DIR = tempfile.mkdtemp(prefix="kamrules-test-cache-")
os.environ["KAMRULES_CACHE_DIR"] = _CACHE_DIR
os.environ.pop("KAMRULES_NO_CACHE", None)
# The user's own rules folders must not change what the tests see (every command reads them).
os.environ.pop("KAMRULES_PATH", None)
# Nor their history database: each test gets a data folder of its own (made when first used).
os.environ.pop("KAMRULES_DB", None)
_DATA_DIR = tempfile.mkdtemp(prefix="kamrules-test-data-")
_DATA_HOMES = itertools.count()

from kamrules import Engine  # noqa: E402
from tests import support  # noqa: E402


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(_CACHE_DIR, ignore_errors=True)
    shutil.rmtree(_DATA_DIR, ignore_errors=True)


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


@pytest.fixture(autouse=True)
def data_home(monkeypatch: pytest.MonkeyPatch) -> Path:
    """The data folder of this test (XDG_DATA_HOME; not created until something writes there):
    no test ever opens the user's own history (kamrules.store's default file is in it)."""
    folder = Path(_DATA_DIR) / str(next(_DATA_HOMES))
    monkeypatch.setenv("XDG_DATA_HOME", str(folder))
    monkeypatch.delenv("KAMRULES_DB", raising=False)
    return folder


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty history database's URL: a SQLite file, or a schema of its own on the
    PostgreSQL server of the run (tests/support/stores.py says which, and when it skips)."""
    from tests.support.stores import database

    with database(request.param, tmp_path) as url:
        yield url


@pytest.fixture(scope="session")
def registry() -> Any:
    """The service's registry with the built-in rule base loaded and its test cases passed."""
    pytest.importorskip("fastapi", reason="the service extra is not installed")
    from kamrules.service.versions import Registry

    loaded = Registry(())
    loaded.load_first()
    return loaded


@pytest.fixture
def client(registry: Any) -> Iterator[Any]:
    """A TestClient on an app serving `registry` (no keys: loopback only)."""
    from fastapi.testclient import TestClient

    from kamrules.service.app import create_app
    from kamrules.service.settings import Settings

    with TestClient(create_app(Settings(), registry=registry), raise_server_exceptions=False) as test_client:
        yield test_client
