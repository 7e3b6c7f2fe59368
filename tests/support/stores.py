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
import re
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


# Accounts whose ids and names attack whatever shows them: SQL, terminal escapes, spreadsheet
# formulas, Markdown and HTML, bidirectional overrides, line separators, a NUL (which PostgreSQL
# cannot store: STORE011), an id longer than the store's columns were sized for, an id with "/".
HOSTILE = (
    ("X'; DROP TABLE runs; --", "Robert'); DELETE FROM advices; --"),
    ("\x1b]0;owned\x07\x1b[2J", "\x1b[31mred\x1b[0m \x9b31m C1"),
    ('=HYPERLINK("http://evil")', "@SUM(1+1)*cmd|' /C calc'!A0"),
    ("+1-2", "-2+3"),
    ("pipe|<script>", "[link](javascript:alert(1)) <img src=x onerror=alert(1)>"),
    ("bidi\u202egnp.exe", "line\u2028separator\nnew line\rreturn\u0085next"),
    ("A" * 300, "long " * 100),
    ("a/b/../c", "slashes"),
    ("NUL\x00id", "nul"),
)
ACCEPTED = [pair for pair in HOSTILE if "\x00" not in pair[0] + pair[1]]
UNSAFE = re.compile("[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def hostile_accounts(current: int = 8) -> list[dict[str, Any]]:
    """The hostile ids and names as accounts that are advised: key accounts, or with a current
    contribution of 3, potential key accounts (a tier that moves)."""
    scores = {"current_contribution": current, "potential_contribution": 9}
    return [{"id": ident, "name": name, "assessment": scores} for ident, name in HOSTILE]


def assert_harmless(text: str, *, markdown: bool = False) -> None:
    """No character a terminal or an editor would act on (a line break ends a line, nothing
    else); in Markdown, nothing that opens a tag or a link."""
    lines = text.replace("\r\n", "\n").split("\n")
    found = [(n, m.group()) for n, line in enumerate(lines) for m in UNSAFE.finditer(line)]
    assert found == [], found[:5]
    if markdown:
        assert re.search(r"(?<!\\)<[A-Za-z/!?]", text) is None
        assert re.search(r"(?<!\\)\]\(", text) is None


def assert_csv_harmless(text: str) -> list[list[str]]:
    """Every cell of a CSV output free of controls, and none a spreadsheet would run."""
    import csv
    import io

    rows = list(csv.reader(io.StringIO(text)))
    for row in rows:
        for cell in row:
            assert UNSAFE.search(cell) is None and "\n" not in cell and "\r" not in cell, cell
            assert not cell.lstrip().startswith(("=", "+", "-", "@")) or re.fullmatch(r"[-+]?[\d.]+", cell), cell
    return rows
