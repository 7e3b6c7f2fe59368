"""Several writers at once lose nothing: 8 processes, started together on a new database (so
they also race to create its schema), each recording advices one transaction at a time and a
batch as a run, some of them the very same advice."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kamrules.store import open_store
from tests.support import ROOT
from tests.support.stores import count

WRITERS = 8
SINGLES = 10  # advices each writer records one call at a time
BATCH = 20  # advices each writer records as one run

WRITER = """
import sys, time
from pathlib import Path
import pytest

from kamrules.store import open_store
from tests.support.stores import advice, facts

n, url, go = sys.argv[1], sys.argv[2], Path(sys.argv[3])
deadline = time.monotonic() + 60
while not go.exists() and time.monotonic() < deadline:
    time.sleep(0.005)
with open_store(url) as store:
    for i in range({singles}):
        store.record_advice(facts(f"P{{n}}-{{i}}"), advice(f"P{{n}}-{{i}}"))
    store.record_advice(facts("SHARED"), advice("SHARED"))
    store.record_advices([(facts(f"B{{n}}-{{i}}"), advice(f"B{{n}}-{{i}}")) for i in range({batch})], kind="portfolio")
"""


@pytest.mark.slow
def test_eight_concurrent_writers_lose_no_row(db_url: str, tmp_path: Path) -> None:
    go = tmp_path / "go"
    script = WRITER.format(singles=SINGLES, batch=BATCH)
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(n), db_url, str(go)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(WRITERS)
    ]
    go.touch()  # all at once
    for writer in writers:
        _, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err
    advices = WRITERS * SINGLES + 1 + WRITERS * BATCH  # the shared advice is stored once
    assert count(db_url, "advices") == advices
    assert count(db_url, "run_advices") == advices
    assert count(db_url, "runs") == WRITERS * SINGLES + 1 + WRITERS  # and so is its run
    with open_store(db_url) as store:
        assert store.check() == []
        assert len(store.history("SHARED").entries) == 1
