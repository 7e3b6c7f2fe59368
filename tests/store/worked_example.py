"""The worked example of docs/history.md: two quarters of the example portfolio recorded, at
fixed times by a fixed user, so that what kam history and kam changes print can be compared
word for word."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from tests.support import EXAMPLES, kam

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
