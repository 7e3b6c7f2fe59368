"""A `kam portfolio --record` killed with SIGKILL in the middle of writing its run leaves a sound
database that shows none of that run (and, while it wrote, showed none of it either); run again,
it records all of it."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from kamrules.store import open_store
from tests.support import EXAMPLES, ROOT, kam
from tests.support.stores import count

Q2 = EXAMPLES / "history" / "portfolio-2026-06.csv"
Q3 = EXAMPLES / "history" / "portfolio-2026-09.csv"

# `kam portfolio --record`, its writes cut into batches of 4 advices, stopping for good (until
# killed) once two batches are written: in the middle of the run's one transaction.
PAUSED_RECORDER = """
import sys, time
from pathlib import Path
import kamrules.store.record as record

marker = Path(sys.argv[1])
record.BATCH = 4
write_batch = record._write_batch
batches = []

def write_then_stop(*args, **kwargs):
    written = write_batch(*args, **kwargs)
    batches.append(written)
    if len(batches) == 2:
        marker.touch()
        time.sleep(600)
    return written

record._write_batch = write_then_stop
from kamrules.cli.main import main
main(sys.argv[2:])
"""


def test_a_run_killed_while_it_records_shows_none_of_it(db_url: str, tmp_path: Path) -> None:
    first = kam("portfolio", str(Q2), "--as-of", "2026-06-30", "--record", "--db", db_url, "--format", "json")
    assert first.exit_code == 0, first.stderr
    marker = tmp_path / "two-batches-written"
    args = ["portfolio", str(Q3), "--as-of", "2026-09-30", "--record", "--db", db_url, "--format", "json"]
    recorder = subprocess.Popen(
        [sys.executable, "-c", PAUSED_RECORDER, str(marker), *args],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert recorder.poll() is None, recorder.communicate()[1]
            assert time.monotonic() < deadline, "the recorder never reached its second batch"
            time.sleep(0.02)
        # Mid-transaction: a reader sees the first run only.
        with open_store(db_url) as store:
            assert [run.id for run in store.runs()] == [1]
        os.kill(recorder.pid, signal.SIGKILL)
        recorder.wait(timeout=30)
    finally:
        if recorder.poll() is None:
            recorder.kill()
            recorder.wait()
    assert recorder.returncode == -signal.SIGKILL
    with open_store(db_url) as store:
        assert store.check() == []  # SQLite: PRAGMA integrity_check and foreign_key_check too
        assert [run.id for run in store.runs()] == [1]
    assert count(db_url, "advices") == 12
    assert count(db_url, "run_advices") == 12
    again = kam(*args)
    assert again.exit_code == 0, again.stderr
    # (PostgreSQL may skip a run number: a sequence does not roll back.)
    assert re.match(r"kam: recorded run [23]: 12 advices, 12 new, in ", again.stderr)
    with open_store(db_url) as store:
        assert store.check() == []
        assert [run.accounts for run in store.runs()] == [12, 12]
