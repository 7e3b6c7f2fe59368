"""The columnar portfolio run's memory is bounded by its batches, not by its rows (issue 16).

The run is measured as the benchmark measures it (`benchmarks.portfolio`: the peak of the summed
resident sets of the command and its worker processes, sampled from /proc) on two generated
portfolios, 20,000 and 200,000 accounts, CSV to CSV with `--jobs 2`. What the larger one costs
more, divided by its extra rows, is the memory the run keeps per row: 16 bytes a ranked account
by design (the revenue ranking), and the first pass's parts (about 60 bytes) while they are
reduced. Holding any output column for every row costs 8 bytes a row or more, and holding the
rows themselves, as the effort spool once did, up to 2,400 (the encoded CSV line): this test
measured 1,770 bytes a row (564 MB, then 868) before the spool freed its batches, 55 after
(548 MB, then 557).

The bound is generous (the RSS is sampled every 50 ms and another process's load can move a
peak by some tens of MB) and the test asserts no time.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

pytest.importorskip("pyarrow")

SMALL, LARGE = 20_000, 200_000
# Bytes a row the run may keep: the facts and the scan's parts (about 80) with room for the
# sampling's noise (60 MB over 180,000 rows is about 350); an output kept per row is 2,400.
BOUND = 1_000


@pytest.mark.slow  # about a minute: 220,000 accounts generated and advised
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="the process tree's memory is read from /proc")
def test_peak_memory_grows_by_less_than_a_kilobyte_a_row(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = Path(__file__).resolve().parents[2]
    monkeypatch.syspath_prepend(str(root))
    monkeypatch.setenv("KAMRULES_MAX_FILE_MB", "1000")
    from benchmarks import portfolio

    if not portfolio.PROC.exists():
        pytest.skip("no /proc")
    runs = {n: portfolio.run_columnar(tmp_path, n, 7, 2, "csv", None) for n in (SMALL, LARGE)}
    for n, run in runs.items():
        assert run["exit_code"] in (0, 1), run.get("stderr")
        assert run["rows_written"] == n
    grown = (runs[LARGE]["peak_rss_mb"] - runs[SMALL]["peak_rss_mb"]) * 1024 * 1024
    per_row = grown / (LARGE - SMALL)
    print(f"peak RSS {runs[SMALL]['peak_rss_mb']} MB at {SMALL:,} rows, {runs[LARGE]['peak_rss_mb']} MB at {LARGE:,}")
    print(f"{per_row:.0f} bytes a row", file=sys.stderr)
    assert per_row < BOUND, f"the run keeps {per_row:.0f} bytes a row ({runs})"
