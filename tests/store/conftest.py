"""The store's tests run on SQLite and on a real PostgreSQL server: `db_url` is parametrised over
both. The server's URL comes from KAMRULES_TEST_POSTGRES_URL (.ci/run starts a throwaway cluster
and sets it; locally: `.ci/postgres start DIR`). Without it the PostgreSQL half skips, except in
CI (KAMRULES_CI=1), where it fails. Each test gets its own PostgreSQL schema, dropped after it."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

POSTGRES_ENV = "KAMRULES_TEST_POSTGRES_URL"


def postgres_base() -> str:
    url = os.environ.get(POSTGRES_ENV, "").strip()
    if not url:
        if os.environ.get("KAMRULES_CI") == "1":
            pytest.fail(f"{POSTGRES_ENV} is not set: .ci/run must start PostgreSQL for the store's tests")
        pytest.skip(f"no PostgreSQL server: set {POSTGRES_ENV} (see .ci/postgres)")
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty history database's URL: a SQLite file, or a schema of its own on the server."""
    if request.param == "sqlite":
        yield f"sqlite:///{(tmp_path / 'history.db').as_posix()}"
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    base = make_url(postgres_base()).set(drivername="postgresql+psycopg")
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = base.update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(autouse=True)
def _no_user_database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No store test ever opens the user's own history: no KAMRULES_DB, a data folder of its own."""
    monkeypatch.delenv("KAMRULES_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
