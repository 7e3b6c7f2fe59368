"""--record and --db on kam advise, kam portfolio (and --compare) and kam plan check; where the
history goes by default; what a database that cannot be used does; what recording costs the
commands that do not record."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import EXAMPLES, ROOT, kam
from tests.support.stores import count

STRATEGIC = str(EXAMPLES / "accounts" / "strategic.yaml")
Q2 = str(EXAMPLES / "history" / "portfolio-2026-06.csv")
Q3 = str(EXAMPLES / "history" / "portfolio-2026-09.csv")


def test_advise_records_and_prints_what_it_did(db_url: str) -> None:
    plain = kam("advise", STRATEGIC, "--as-of", "2026-06-30", "--format", "json")
    recorded = kam("advise", STRATEGIC, "--as-of", "2026-06-30", "--format", "json", "--record", "--db", db_url)
    assert recorded.exit_code == 0, recorded.stderr
    assert recorded.stdout == plain.stdout  # recording changes nothing on standard output
    lines = recorded.stderr.splitlines()
    assert lines[0].startswith("kam: creating the history database at ")
    assert lines[1].startswith("kam: recorded run 1: 1 advice, 1 new, in ")
    again = kam("advise", STRATEGIC, "--as-of", "2026-06-30", "--format", "json", "--record", "--db", db_url)
    assert again.stderr.startswith("kam: already recorded as run 1 (1 advice) in ")
    assert count(db_url, "advices") == 1


def test_a_bad_account_is_not_recorded_the_good_ones_are(db_url: str, tmp_path: Path) -> None:
    accounts = tmp_path / "accounts.yaml"
    accounts.write_text("- {id: A-1, name: Good}\n- {id: A-2, name: Bad, business: {revenue: -5}}\n", encoding="utf-8")
    result = kam("advise", str(accounts), "--format", "json", "--record", "--db", db_url)
    assert result.exit_code == 2
    assert "kam: recorded run 1: 1 advice, 1 new, in " in result.stderr
    assert count(db_url, "advices") == 1


def test_portfolio_records_a_run_and_compares_with_the_last(db_url: str, tmp_path: Path) -> None:
    first = kam("portfolio", Q2, "--as-of", "2026-06-30", "--record", "--db", db_url, "--format", "json")
    assert first.exit_code == 0, first.stderr
    assert "kam: recorded run 1: 12 advices, 12 new, in " in first.stderr
    report = tmp_path / "report.html"
    second = kam(
        "portfolio",
        Q3,
        "--as-of",
        "2026-09-30",
        "--record",
        "--compare",
        "last",
        "--db",
        db_url,
        "--report",
        str(report),
    )
    assert second.exit_code == 0, second.stderr
    summary = second.stdout
    assert (
        f"## Changes since run 1 (portfolio, as of 2026-06-30, {Q2})\n\n11 accounts compared, 6 unchanged." in summary
    )
    assert "| IT-0050 | Romano Plastiche S.p.A. | key_account | regular_account | down |" in summary
    html = report.read_text(encoding="utf-8")
    assert '<section id="movements"><h2>Changes since run 1' in html
    assert "<td>IT-0050 Romano Plastiche S.p.A.</td><td>key_account → regular_account</td>" in html
    # Without --record: compared, not stored; JSON gets the movements as data.
    data = kam("portfolio", Q3, "--as-of", "2026-12-31", "--compare", "1", "--db", db_url, "--format", "json").json()
    assert data["movements"]["run_a"]["id"] == 1 and data["movements"]["compared"] == 11
    assert count(db_url, "runs") == 2
    # The movements speak the portfolio's language.
    italian = kam("portfolio", Q3, "--as-of", "2026-12-31", "--compare", "1", "--db", db_url, "--lang", "it").stdout
    assert f"## Cambiamenti dopo esecuzione 1 (portfolio, al 2026-06-30, {Q2})\n\n11 clienti confrontati" in italian


def test_plan_check_records_changed_plans_as_versions(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(EXAMPLES / "plans")
    args = ("plan", "check", "rossi-meccanica.plan.yaml", "--as-of", "2026-06-30", "--record", "--db", db_url)
    assert kam(*args).stderr.endswith("kam: plan of IT-0042 recorded as version 1 in " + _where(db_url) + "\n")
    assert "kam: plan of IT-0042 unchanged since version 1 in " in kam(*args).stderr
    changed = tmp_path / "plan.yaml"
    text = (EXAMPLES / "plans" / "rossi-meccanica.plan.yaml").read_text(encoding="utf-8")
    changed.write_text(
        text.replace(
            "file: rossi-meccanica.account.yaml", f"file: {EXAMPLES / 'plans' / 'rossi-meccanica.account.yaml'}"
        )
        + "\n# reviewed\n",
        encoding="utf-8",
    )
    result = kam("plan", "check", str(changed), "--as-of", "2026-06-30", "--record", "--db", db_url)
    assert "kam: plan of IT-0042 recorded as version 2 in " in result.stderr, result.stderr
    assert count(db_url, "plan_versions") == 2


def _where(url: str) -> str:
    from kamrules.store.connect import parse_url, redact

    return redact(parse_url(url))


def test_the_default_database_is_in_the_users_data_folder(data_home: Path) -> None:
    result = kam("advise", STRATEGIC, "--format", "json", "--record")
    assert result.exit_code == 0, result.stderr
    where = data_home / "kamrules" / "history.db"
    assert where.is_file()
    assert f"kam: recorded run 1: 1 advice, 1 new, in {where}\n" in result.stderr


def test_kamrules_db_names_the_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAMRULES_DB", str(tmp_path / "team.db"))
    assert kam("advise", STRATEGIC, "--format", "json", "--record").exit_code == 0
    assert (tmp_path / "team.db").is_file()
    assert kam("history", "IT-0042").exit_code == 0


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "mysql://kam@localhost/kam",
            "kam: STORE001 --db: kamrules cannot keep its history in 'mysql'; give a SQLite file",
        ),
        (
            "sqlite:////no/such/folder/h.db",
            "kam: STORE002 --db: /no/such/folder/h.db: the folder /no/such/folder does not exist",
        ),
        (
            "postgresql://kam:secret@127.0.0.1:1/kam",
            "kam: STORE003 history database postgresql+psycopg://kam:***@127.0.0.1:1/kam: ",
        ),
    ],
)
def test_a_database_that_cannot_be_used_fails_before_any_work(url: str, message: str) -> None:
    result = kam("advise", STRATEGIC, "--format", "json", "--record", "--db", url)
    assert result.exit_code == 2
    assert result.stdout == ""  # nothing advised, nothing half done
    assert result.stderr.startswith(message), result.stderr
    assert "secret" not in result.stderr
    assert "Traceback" not in result.stderr


def test_commands_that_do_not_record_never_load_the_database_layer() -> None:
    probe = (
        "import sys, contextlib, io\n"
        "from kamrules.cli.main import run\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    run(['--help']); run(['advise', sys.argv[1], '--format', 'json'])\n"
        "print(sorted(m for m in ('sqlalchemy', 'alembic', 'psycopg') if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe, STRATEGIC], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_asking_a_database_that_holds_no_history_creates_none(tmp_path: Path, data_home: Path, db_url: str) -> None:
    missing = tmp_path / "nothing.db"
    result = kam("history", "IT-0042", "--db", str(missing))
    assert (result.exit_code, result.stderr) == (
        2,
        f"kam: STORE005 there is no history at {missing} yet (record some with --record; docs/history.md)\n",
    )
    assert not missing.exists()
    result = kam("changes", "--since", "2026-07-01", "--db", db_url)
    assert result.exit_code == 2
    assert "yet (record some with --record; docs/history.md)" in result.stderr
    assert kam("history", "runs").exit_code == 2  # the default file is not created either
    assert not (data_home / "kamrules" / "history.db").exists()


def test_a_portfolio_with_no_account_advised_records_nothing(db_url: str, tmp_path: Path) -> None:
    from kamrules.store import StoreError, open_store

    bad = tmp_path / "bad.csv"
    bad.write_text("id,name,business.revenue\nA-1,Acme,-5\n", encoding="utf-8")
    result = kam("portfolio", str(bad), "--record", "--db", db_url, "--format", "json")
    assert result.exit_code == 2
    assert "kam: nothing recorded: no account could be advised\n" in result.stderr
    with open_store(db_url) as store, pytest.raises(StoreError, match="a run with no advice is not recorded"):
        store.record_advices([])
    assert count(db_url, "runs") == 0


@pytest.mark.slow
def test_worker_processes_record_the_same_run(tmp_path: Path) -> None:
    # Not a test of the database (one is enough): of the snapshots made in worker processes.
    db_url = str(tmp_path / "history.db")
    serial = kam("portfolio", Q2, "--as-of", "2026-06-30", "--record", "--db", db_url, "--format", "json")
    parallel = kam(
        "portfolio", Q2, "--as-of", "2026-06-30", "--record", "--db", db_url, "--format", "json", "--jobs", "2"
    )
    assert parallel.exit_code == 0, parallel.stderr
    assert "kam: recorded run 1: 12 advices, 12 new, in " in serial.stderr
    assert "kam: already recorded as run 1 (12 advices) in " in parallel.stderr  # the snapshots are identical
