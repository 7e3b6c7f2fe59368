"""Finding 7: SIGTERM, SIGHUP and SIGINT stop `kam portfolio` cleanly.

They used to kill it with `.part` files (and openpyxl's temporary files) left behind; with
`--jobs 2` the workers and multiprocessing's resource tracker stayed alive for minutes holding
the caller's pipes, so the caller hung; SIGINT during an XLSX write sometimes printed a
traceback. Now: exit code 128 + the signal, one line, no traceback, no temporary file, no
process left, and the caller's pipes closed as the command ends.

Each run waits until the work is under way (the output's temporary file exists, the workers
are running), never for a fixed time; the only clock is the hang guard, which fails the test.
"""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.support.bounded import Limits, kam_argv, limiter

HANG_GUARD_S = 60
LIMITS = Limits(peak_mb=400, cpu_s=240)


def portfolio(path: Path, rows: int) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["id", "name", "business.revenue", "business.margin_pct", "assessment.current_contribution", "sector"]
        )
        for k in range(rows):
            writer.writerow([f"A{k}", f"Account {k}", 1000 + k * 7 % 5000, (k % 40) / 100, 1 + k % 10, "automotive"])
    return path


def live_group_members(pgid: int) -> list[int]:
    """Processes of the group that are still running (zombies hold no pipe and do no work)."""
    alive = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        state, pgrp = fields[0], int(fields[2])
        if pgrp == pgid and state != "Z":
            alive.append(int(entry.name))
    return alive


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                found.append(int(entry.name))
    return found


def wait_for(condition: object, proc: subprocess.Popen[bytes], what: str) -> None:
    """Poll until `condition()` holds (the run is under way, or over); the guard only catches a
    hang."""
    deadline = time.monotonic() + HANG_GUARD_S
    while not condition():  # type: ignore[operator]
        if proc.returncode is None and proc.poll() is not None:
            pytest.fail(f"kam ended (code {proc.returncode}) before {what}")
        if time.monotonic() > deadline:
            pytest.fail(f"no sign of {what} within {HANG_GUARD_S} s")
        time.sleep(0.02)


def start(args: list[str], scratch: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "TMPDIR": str(scratch), "OPENBLAS_NUM_THREADS": "1"}  # openpyxl spools here
    return subprocess.Popen(
        kam_argv(*args),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        preexec_fn=limiter(LIMITS),  # noqa: PLW1509 - limits and a session of its own
    )


def finish(proc: subprocess.Popen[bytes]) -> tuple[bytes, bytes]:
    """Standard output and error to their end: both pipes closed, by everyone holding them."""
    timer = threading.Timer(HANG_GUARD_S, lambda: os.killpg(proc.pid, signal.SIGKILL))
    timer.start()
    try:
        out, err = proc.communicate()
    finally:
        hung = not timer.is_alive()
        timer.cancel()
    assert not hung, "the caller was left hanging: something held kam's pipes"
    return out, err


CASES = [
    ("SIGTERM", "csv", 2),
    ("SIGHUP", "xlsx", 2),
    ("SIGINT", "xlsx", 2),  # as a terminal sends it: to the whole process group
    ("SIGTERM", "xlsx", 1),
]


@pytest.mark.slow
@pytest.mark.parametrize(("name", "fmt", "jobs"), CASES)
def test_a_signal_stops_the_run_cleanly(tmp_path: Path, name: str, fmt: str, jobs: int) -> None:
    sig = signal.Signals[name]
    source = portfolio(tmp_path / "p.csv", 20_000)
    folder = tmp_path / "out"
    folder.mkdir()
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    out = folder / f"advice.{fmt}"
    args = ["portfolio", str(source), "--out", str(out), "--jobs", str(jobs), "--as-of", "2026-11-27"]
    proc = start(args, scratch)
    if fmt == "csv":
        wait_for(lambda: any(p.name.endswith(".part") for p in folder.iterdir()), proc, "the .part file")
    else:
        wait_for(lambda: any(scratch.iterdir()), proc, "openpyxl's temporary file")
    if jobs > 1:
        wait_for(lambda: len(children_of(proc.pid)) >= jobs, proc, "the workers")
    if sig == signal.SIGINT:
        os.killpg(proc.pid, sig)
    else:
        proc.send_signal(sig)
    _, err = finish(proc)
    stderr = err.decode("utf-8", "replace")
    assert proc.returncode == 128 + sig, (proc.returncode, stderr)
    assert "interrupted" in stderr
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr, stderr
    assert list(folder.iterdir()) == [], "a .part file or a half output was left"
    assert list(scratch.iterdir()) == [], "a temporary file was left"
    # multiprocessing's resource tracker leaves when it reads the end of its pipe: moments later.
    wait_for(lambda: live_group_members(proc.pid) == [], proc, "the end of every process of the run")


@pytest.mark.slow
def test_workers_end_with_their_parent_even_on_kill_9(tmp_path: Path) -> None:
    source = portfolio(tmp_path / "p.csv", 20_000)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    proc = start(["portfolio", str(source), "--jobs", "2", "--as-of", "2026-11-27"], scratch)
    wait_for(lambda: len(children_of(proc.pid)) >= 2, proc, "the workers")
    proc.kill()
    finish(proc)  # returns only when no worker (nor the resource tracker) holds the pipes
    assert proc.returncode == -signal.SIGKILL


def test_the_exit_codes() -> None:
    code = (
        "from kamrules import stopping\n"
        "import signal\n"
        "assert stopping.exit_code(stopping.Stopped(signal.SIGTERM)) == 143\n"
        "assert stopping.exit_code(stopping.Stopped(signal.SIGHUP)) == 129\n"
        "assert stopping.exit_code(KeyboardInterrupt()) == 130\n"
        "assert stopping.describe(stopping.Stopped(signal.SIGTERM)) == 'interrupted by SIGTERM'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
