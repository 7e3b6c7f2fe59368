"""What the history store's tests share (tests/store, tests/cli, tests/service): advices made
without the engine (fast, and exactly what a test needs), counting rows, the PostgreSQL server of
the run, and the worked example of docs/history.md (two quarters of the example portfolio
recorded at fixed times by a fixed user, so that what kam history and kam changes print can be
compared word for word).

The `db_url` fixture (tests/conftest.py) gives each test a fresh database: a SQLite file, or a
schema of its own on the PostgreSQL server named by KAMRULES_TEST_POSTGRES_URL (.ci/run starts a
throwaway cluster and sets it; locally: `.ci/postgres start DIR`). Without it the PostgreSQL half
skips, except in CI (KAMRULES_CI=1), where it fails.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support import EXAMPLES, kam

POSTGRES_ENV = "KAMRULES_TEST_POSTGRES_URL"


def postgres_base() -> str:
    url = os.environ.get(POSTGRES_ENV, "").strip()
    if not url:
        if os.environ.get("KAMRULES_CI") == "1":
            pytest.fail(f"{POSTGRES_ENV} is not set: .ci/run must start PostgreSQL for the store's tests")
        pytest.skip(f"no PostgreSQL server: set {POSTGRES_ENV} (see .ci/postgres)")
    return url


@contextlib.contextmanager
def database(kind: str, folder: Path) -> Iterator[str]:
    """A fresh, empty history database's URL: `sqlite` (a file in `folder`) or `postgresql` (a
    schema of its own on the server, dropped afterwards)."""
    if kind == "sqlite":
        yield f"sqlite:///{(folder / 'history.db').as_posix()}"
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


RULESET = {"name": "kamrules-builtin", "version": "1.0.0", "digest": "sha256:" + "a" * 64}


def facts(account_id: str = "T-1", name: str = "Test S.p.A.", **groups: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"id": account_id, "name": name}
    data.update(groups)
    return data


def advice(
    account_id: str = "T-1",
    name: str = "Test S.p.A.",
    *,
    as_of: str = "2026-06-30",
    tier: str | None = "key_account",
    profile: str | None = "strategic",
    strategy: str | None = "strategic_investment",
    warnings: tuple[tuple[str, str], ...] = (),
    ruleset: dict[str, str] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """An advice as `Advice.model_dump(mode="json")` gives it (the fields the store reads)."""
    return {
        "account": {"id": account_id, "name": name},
        "tier": tier,
        "profile": profile,
        "profile_source": "matrix",
        "strategy": strategy,
        "treatment": None,
        "levers": [{"id": "personal_trust", "why": "…", "label": "Personal trust", "rules": ["r1"]}],
        "warnings": [{"code": c, "severity": s, "message": "…", "rule": f"rule:{c}"} for c, s in warnings],
        "scores": {"current_contribution": 8.0, "potential_contribution": 9.0, "attractiveness": 7.5},
        "trace": [],
        "ruleset": ruleset or RULESET,
        "lang": "en",
        "as_of": as_of,
        **extra,
    }


def count(url: str, table: str) -> int:
    from sqlalchemy import create_engine, text

    from kamrules.store.connect import parse_url

    engine = create_engine(parse_url(url))
    try:
        with engine.connect() as conn:
            return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
    finally:
        engine.dispose()


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


QUARTERS = (
    ("2026-06-30", EXAMPLES / "history" / "portfolio-2026-06.csv", dt.datetime(2026, 6, 30, 17, 5)),
    ("2026-09-30", EXAMPLES / "history" / "portfolio-2026-09.csv", dt.datetime(2026, 9, 30, 16, 40)),
)


def record_quarters(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import kamrules.store.store as store_module

    clock: Iterator[dt.datetime] = iter(moment for _, _, moment in QUARTERS)
    monkeypatch.setattr(store_module, "utcnow", lambda: next(clock))
    monkeypatch.setattr(store_module, "os_user", lambda: "giulia")
    monkeypatch.chdir(EXAMPLES.parent)
    for as_of, path, _ in QUARTERS:
        relative = str(path.relative_to(EXAMPLES.parent))
        result = kam("portfolio", relative, "--as-of", as_of, "--record", "--db", db_url, "--format", "json")
        assert result.exit_code == 0, result.stderr
