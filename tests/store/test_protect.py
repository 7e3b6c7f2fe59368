"""Data protection: purging an account (with or without its decisions), retention, and the log
of both."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from sqlalchemy import text

import kamrules.store.store as store_module
from kamrules.store import PlanInput, open_store
from kamrules.store.connect import make_engine, parse_url
from tests.support import kam
from tests.support.stores import advice, count, facts

DMU = {"dmu": [{"name": "Anna Rossi", "role": "decider"}]}


def _plan(account_id: str) -> PlanInput:
    return PlanInput(
        account_id, "Rossi", {"dmu": DMU["dmu"]}, dt.date(2026, 6, 30), [], ("plan", "1", "sha256:" + "c" * 64)
    )


def _fill(url: str) -> None:
    with open_store(url) as store:
        store.record_advices(
            [
                (
                    facts("IT-1", "Rossi", relationship=DMU),
                    advice("IT-1", "Rossi", warnings=(("STAGE_GAP", "medium"),)),
                ),
                (facts("IT-2", "Bianchi"), advice("IT-2", "Bianchi")),
            ],
            kind="portfolio",
        )
        store.record_advice(facts("IT-1", "Rossi", relationship=DMU), advice("IT-1", "Rossi", as_of="2026-09-30"))
        store.record_plan(_plan("IT-1"))


def _everything(url: str) -> str:
    """Every row of every table, as text: where a name could hide."""
    engine = make_engine(parse_url(url))
    out = []
    with engine.connect() as conn:
        for table in ("runs", "advices", "advice_warnings", "run_advices", "plan_versions", "purges"):
            out += [json.dumps([str(v) for v in row]) for row in conn.execute(text(f"SELECT * FROM {table}"))]
    engine.dispose()
    return "\n".join(out)


def test_purge_deletes_the_account_and_only_it(db_url: str) -> None:
    _fill(db_url)
    with open_store(db_url) as store:
        done = store.purge("IT-1", by="dpo")
        assert (done.advices, done.plans, done.runs) == (2, 1, 1)  # the run of IT-1 alone went with it
        assert store.history("IT-1").entries == [] and store.history("IT-1").plans == []
        assert len(store.history("IT-2").entries) == 1
        assert store.run(1).accounts == 1
        assert store.check() == []
    everything = _everything(db_url)
    assert "Anna Rossi" not in everything and "Rossi" not in everything.replace('"IT-1"', "")
    assert count(db_url, "purges") == 1
    if db_url.startswith("sqlite"):  # not in the file's free pages, nor in its write-ahead log
        files = Path(db_url.removeprefix("sqlite:///")).parent.glob("history.db*")
        assert all(b"Anna Rossi" not in f.read_bytes() for f in files)


def test_a_new_sqlite_file_is_private(tmp_path: Path) -> None:
    open_store(str(tmp_path / "private.db")).close()
    assert (tmp_path / "private.db").stat().st_mode & 0o777 == 0o600


def test_purge_keeping_the_decisions_erases_facts_names_and_plan_texts(db_url: str) -> None:
    _fill(db_url)
    with open_store(db_url) as store:
        done = store.purge("IT-1", keep_decisions=True)
        assert (done.advices, done.plans, done.runs) == (2, 1, 0)
        history = store.history("IT-1")
        assert history.account.name is None
        assert [(e.tier, e.facts_erased) for e in history.entries] == [("key_account", True), ("key_account", True)]
        assert [w.code for w in history.entries[0].warnings] == ["STAGE_GAP"]
        assert history.plans[0].erased
        assert store.check() == []
    everything = _everything(db_url)
    assert "Anna Rossi" not in everything and "Rossi" not in everything
    # Recorded again later, the account's new advice is stored (the purge did not block it).
    with open_store(db_url) as store:
        assert store.record_advice(facts("IT-1", "Rossi"), advice("IT-1", "Rossi", as_of="2026-12-31")).new == 1


def test_retain_drops_what_is_older_unless_a_newer_run_gave_it_again(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    moments = iter([dt.datetime(2024, 1, 10), dt.datetime(2024, 1, 11), dt.datetime(2026, 6, 1)])
    monkeypatch.setattr(store_module, "utcnow", lambda: next(moments))
    with open_store(db_url) as store:
        store.record_advice(facts("OLD"), advice("OLD", as_of="2024-01-10"))
        store.record_advice(facts("KEPT"), advice("KEPT", as_of="2024-01-10"))
        # Two years on, the same advice (same facts, same date) is part of a new run.
        store.record_advices([(facts("KEPT"), advice("KEPT", as_of="2024-01-10")), (facts("NEW"), advice("NEW"))])
        done = store.retain(365, now=dt.datetime(2026, 6, 2, tzinfo=dt.UTC))
        assert (done.advices, done.runs, done.scope) == (1, 2, "retain")
        assert done.before == dt.datetime(2025, 6, 2)
        assert store.history("OLD").entries == []
        assert len(store.history("KEPT").entries) == 1
        assert [r.id for r in store.runs()] == [3]
        assert store.check() == []


def test_retain_keeping_the_decisions(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    moments = iter([dt.datetime(2024, 1, 10)])
    monkeypatch.setattr(store_module, "utcnow", lambda: next(moments))
    with open_store(db_url) as store:
        store.record_advice(facts("OLD", relationship=DMU), advice("OLD", as_of="2024-01-10"))
        done = store.retain(30, keep_decisions=True, now=dt.datetime(2026, 6, 2))
        assert (done.advices, done.runs) == (1, 0)
        entry = store.history("OLD").entries[0]
        assert entry.facts_erased and entry.tier == "key_account"
        assert store.retain(30, keep_decisions=True, now=dt.datetime(2026, 6, 2)).advices == 0  # nothing left to erase
    assert "Anna Rossi" not in _everything(db_url)


def test_the_purge_command(db_url: str) -> None:
    _fill(db_url)
    result = kam("history", "purge", "IT-1", "--db", db_url)
    assert result.exit_code == 2
    assert "this would delete the account 'IT-1' in " in result.stderr and "add --yes to confirm" in result.stderr
    result = kam("history", "purge", "IT-1", "--keep-decisions", "--yes", "--db", db_url)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == "kam: the account IT-1: erased the facts of 2 advices and 1 plan version\n"
    result = kam("history", "purge", "--retain", "0", "--yes", "--db", db_url)
    assert result.exit_code == 0, result.stderr
    assert re.match(
        r"kam: what was recorded before \S+ \S+ UTC: deleted 3 advices and 1 plan version; 2 runs", result.stderr
    )
    result = kam("history", "purge", "IT-1", "--retain", "3", "--yes", "--db", db_url)
    assert result.exit_code == 2 and "give an ACCOUNT or --retain DAYS (one of the two)" in result.stderr
