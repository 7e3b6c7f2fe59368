"""Issue 20's classes through the history store: ids and names with SQL, terminal escapes,
spreadsheet formulas, Markdown and HTML, bidirectional overrides, line separators and a NUL go
through kam advise --record, kam history and kam changes (text, Markdown, CSV) and kam portfolio
--compare's report, on SQLite and on PostgreSQL: stored exactly (bound parameters), shown
harmlessly, and the one account the database cannot hold (a NUL: PostgreSQL refuses it in text)
left out with STORE011 while the others are recorded.

Found and fixed here: on PostgreSQL one account with a NUL in its id failed the whole run's
recording (STORE003 after the advice was printed); the CSV of kam history and kam changes passed
terminal escapes through; the movements section of the HTML report let bidirectional overrides
reorder what it shows; asking the history of an id with a NUL was a database error (503 in the
service) instead of "nothing recorded".
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.support import kam
from tests.support.stores import ACCEPTED, UNSAFE, assert_csv_harmless, assert_harmless, count, hostile_accounts


def _write(path: Path, accounts: list[dict[str, Any]]) -> Path:
    path.write_text(json.dumps(accounts), encoding="utf-8")
    return path


def _recorded(db_url: str, tmp_path: Path) -> None:
    accounts = hostile_accounts()
    for as_of, batch in (("2026-06-30", accounts), ("2026-09-30", hostile_accounts(current=3))):
        path = _write(tmp_path / f"accounts-{as_of}.json", batch)
        result = kam("advise", path, "--as-of", as_of, "--record", "--db", db_url, "--format", "json")
        assert result.exit_code == 0, result.stderr
        assert len(result.json()) == len(accounts)  # every account is advised, the NUL one included
        assert "kam: STORE011 account 'NUL\\x00id': its id or name holds a NUL character" in result.stderr
        assert f": {len(ACCEPTED)} advices, {len(ACCEPTED)} new, in " in result.stderr


def test_hostile_ids_and_names_are_stored_exactly_and_shown_harmlessly(db_url: str, tmp_path: Path) -> None:
    _recorded(db_url, tmp_path)
    assert (count(db_url, "runs"), count(db_url, "advices")) == (2, 2 * len(ACCEPTED))  # no table dropped
    for ident, name in ACCEPTED:
        data = kam("history", ident, "--db", db_url, "--format", "json").json()
        assert data["account"] == {"id": ident, "name": name.strip()}  # exactly (as validated: trimmed)
        assert [e["tier"] for e in data["entries"]] == ["key_account", "potential_key_account"]
        for fmt in ("text", "markdown"):
            shown = kam("history", ident, "--db", db_url, "--format", fmt)
            assert shown.exit_code == 0, shown.stderr
            assert_harmless(shown.stdout, markdown=fmt == "markdown")
        assert_csv_harmless(kam("history", ident, "--db", db_url, "--format", "csv").stdout)
    for args in (("--since", "2026-07-01"), ("1", "2")):
        assert_harmless(kam("changes", *args, "--db", db_url).stdout)
        assert_harmless(kam("changes", *args, "--db", db_url, "--format", "markdown").stdout, markdown=True)
        rows = assert_csv_harmless(kam("changes", *args, "--db", db_url, "--format", "csv").stdout)
        assert len([r for r in rows if r[0] == "tier"]) == len(ACCEPTED)
    assert_harmless(kam("history", "runs", "--db", db_url).stdout)
    missing = kam("history", "NUL\x00id", "--db", db_url)  # never stored: nothing recorded, not a database error
    assert (missing.exit_code, missing.stderr) == (
        2,
        "kam: STORE008 nothing is recorded for the account 'NUL\\x00id'\n",
    )


def test_a_run_of_only_unstorable_accounts_is_refused(db_url: str, tmp_path: Path) -> None:
    path = _write(tmp_path / "nul.json", [a for a in hostile_accounts() if "\x00" in a["id"]])
    result = kam("advise", path, "--record", "--db", db_url, "--format", "json")
    assert result.exit_code == 2 and result.json()["account"]["id"] == "NUL\x00id"  # advised, not recorded
    assert result.stderr.endswith("kam: STORE011 account 'NUL\\x00id': its id or name holds a NUL character, which "
                                  "the history cannot store: not recorded\n")  # fmt: skip


def test_the_portfolio_report_shows_hostile_movements_harmlessly(db_url: str, tmp_path: Path) -> None:
    columns = ("id", "name", "assessment.current_contribution", "assessment.potential_contribution")

    def portfolio(name: str, current: int) -> Path:
        import csv

        path = tmp_path / name
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(columns)
            # A CSV cell may hold a line break: the reader keeps it (as a CRM export would).
            writer.writerows((ident, label, current, 9) for ident, label in ACCEPTED)
        return path

    first = kam("portfolio", portfolio("q2.csv", 8), "--as-of", "2026-06-30", "--record", "--db", db_url)
    assert first.exit_code == 0, first.stderr
    report = tmp_path / "report.html"
    second = kam(
        "portfolio", portfolio("q3.csv", 3), "--as-of", "2026-09-30", "--compare", "last", "--db", db_url,
        "--report", report,
    )  # fmt: skip
    assert second.exit_code == 0, second.stderr
    html = report.read_text(encoding="utf-8")
    movements = html[html.index('<section id="movements">') :].split("</section>")[0]
    assert UNSAFE.search(movements) is None
    assert "<script>" not in movements and "&lt;script&gt;" in movements
    assert "bidi\\u202egnp.exe" in movements  # shown as its escape, in place
