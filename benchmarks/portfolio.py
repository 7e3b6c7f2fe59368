"""(f) `kam portfolio` CSV to CSV on generated portfolios: wall time and the process tree's peak
memory.

The command runs as a user would run it, in its own process with `--jobs N` worker processes.
Memory is sampled from /proc every 50 ms over the whole tree (the command and its workers):
the peak of the sum of their resident sets (RSS, which counts shared pages once per process,
so it is the pessimistic figure the target is judged on), and of their proportional sets (PSS,
shared pages split between processes). Linux only: elsewhere no memory figure is given.
getrusage's ru_maxrss is not used: a child started by fork (or vfork) and exec carries the
high-water mark of the parent that started it, here the benchmark's own, much larger.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from benchmarks.coldstart import environments, kam_command
from benchmarks.generate import AS_OF, write_csv

PROC = Path("/proc")


def _parents() -> dict[int, int]:
    """Every process's parent, from /proc/<pid>/stat (the kernel may lack the `children` files)."""
    out: dict[int, int] = {}
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name may hold spaces and parentheses: the fields follow the last ")".
        fields = stat[stat.rfind(")") + 2 :].split()
        if len(fields) > 1 and fields[1].isdigit():
            out[int(entry.name)] = int(fields[1])
    return out


def _tree(root: int) -> list[int]:
    parents = _parents()
    kids: dict[int, list[int]] = {}
    for pid, ppid in parents.items():
        kids.setdefault(ppid, []).append(pid)
    seen = [root]
    k = 0
    while k < len(seen):
        seen.extend(kids.get(seen[k], ()))
        k += 1
    return seen


def _status_kb(pid: int, field: str) -> int:
    try:
        for line in (PROC / str(pid) / "status").read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return 0
    return 0


def _pss_kb(pid: int) -> int:
    try:
        for line in (PROC / str(pid) / "smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return 0
    return 0


class TreeSampler(threading.Thread):
    """Samples the memory of a process and all its descendants until stopped."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.interval = interval
        self.peak_rss_kb = 0
        self.peak_pss_kb = 0
        self.peak_processes = 0
        self.samples = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            pids = _tree(self.pid)
            rss = sum(_status_kb(p, "VmRSS:") for p in pids)
            pss = sum(_pss_kb(p) for p in pids)
            self.peak_rss_kb = max(self.peak_rss_kb, rss)
            self.peak_pss_kb = max(self.peak_pss_kb, pss)
            self.peak_processes = max(self.peak_processes, len(pids))
            self.samples += 1
            self._stop_event.wait(self.interval)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


def _count_rows(path: Path) -> int:
    """Data rows of a CSV written by kam (no line breaks inside cells): lines minus the header."""
    lines = 0
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            lines += chunk.count(b"\n")
    return max(0, lines - 1)


def input_file(workdir: Path, count: int, seed: int) -> Path:
    """The generated portfolio, written once per size and seed and reused (it is deterministic)."""
    path = workdir / f"portfolio-{count}-seed{seed}.csv"
    if not path.exists():
        partial = path.with_suffix(".partial")
        write_csv(partial, count, seed, AS_OF)
        os.replace(partial, path)
    return path


def _digest(path: Path) -> str:
    """The file's SHA-256, read in chunks (outputs of a million accounts are gigabytes)."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 22):
            digest.update(chunk)
    return digest.hexdigest()


def _measure(
    argv: list[str],
    workdir: Path,
    out: Path,
    source: Path,
    count: int,
    jobs: int,
    cwd: Path | None = None,
    env_extra: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Run `argv` as a user would, sampling the process tree's memory; the figures of the run."""
    start = time.perf_counter()
    env, _ = environments(workdir)
    env = {**env, **(env_extra or {})}
    proc = subprocess.Popen(
        argv, cwd=cwd or workdir, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    sampler = TreeSampler(proc.pid) if PROC.exists() else None
    if sampler is not None:
        sampler.start()
    _, err = proc.communicate()
    wall = time.perf_counter() - start
    if sampler is not None:
        sampler.stop()
    result: dict[str, Any] = {
        "accounts": count,
        "jobs": jobs,
        "wall_s": round(wall, 2),
        "accounts_per_s": round(count / wall, 1),
        "exit_code": proc.returncode,
        "input_mb": round(source.stat().st_size / 1e6, 1),
        "output_mb": round(out.stat().st_size / 1e6, 1) if out.exists() else None,
    }
    if sampler is not None:
        result.update(
            peak_rss_mb=round(sampler.peak_rss_kb / 1024, 1),
            peak_pss_mb=round(sampler.peak_pss_kb / 1024, 1),
            peak_processes=sampler.peak_processes,
            memory_samples=sampler.samples,
        )
    if proc.returncode not in (0, 1):
        result["stderr"] = err[-2000:]
        print(f"{argv[0]} exited {proc.returncode}: {err[-500:]}", file=sys.stderr)
    return result


def run(workdir: Path, count: int, seed: int, jobs: int, as_of: dt.date = AS_OF) -> dict[str, Any]:
    """(f) `kam portfolio FILE.csv --out out.csv --jobs N`; the output is kept (its digest) for the
    columnar runs to be compared with, then removed."""
    started = time.perf_counter()
    source = input_file(workdir, count, seed)
    generated_s = time.perf_counter() - started
    out = workdir / f"out-{count}.csv"
    argv = [
        *kam_command(),
        "portfolio",
        str(source),
        "--out",
        str(out),
        "--jobs",
        str(jobs),
        "--as-of",
        as_of.isoformat(),
    ]
    result = _measure(argv, workdir, out, source, count, jobs)
    result["rows_written"] = _count_rows(out) if out.exists() else 0
    result["generate_s"] = round(generated_s, 1)
    if out.exists():
        result["output_sha256"] = _digest(out)
        out.unlink()  # up to gigabytes for a million accounts
    return result


def run_per_row(workdir: Path, count: int, seed: int, jobs: int, as_of: dt.date = AS_OF) -> dict[str, Any]:
    """The per-row baseline: `kam portfolio FILE.csv --out out.csv --jobs N` with the per-row
    run forced (KAMRULES_COLUMNAR_FROM above the file's size), on `count` accounts of the same
    generator, in the same session as the columnar runs it is the yardstick of (`vs_per_row`)."""
    source = input_file(workdir, count, seed)
    out = workdir / f"per-row-{count}.csv"
    argv = [*kam_command(), "portfolio", str(source), "--out", str(out), "--jobs", str(jobs)]
    argv += ["--as-of", as_of.isoformat()]
    forced = {"KAMRULES_COLUMNAR_FROM": str(source.stat().st_size + 1)}
    result = _measure(argv, workdir, out, source, count, jobs, env_extra=forced)
    result["engine"] = "per-row"
    result["rows_written"] = _count_rows(out) if out.exists() else 0
    out.unlink(missing_ok=True)
    return result


def vs_per_row(run: dict[str, Any], baseline: dict[str, Any] | None) -> float | None:
    """How many times the per-row baseline's throughput (accounts a second) `run` has."""
    if not baseline or not baseline.get("accounts_per_s") or not run.get("accounts_per_s"):
        return None
    return round(run["accounts_per_s"] / baseline["accounts_per_s"], 2)


def run_columnar(
    workdir: Path, count: int, seed: int, jobs: int, fmt: str, today: dict[str, Any] | None, as_of: dt.date = AS_OF
) -> dict[str, Any]:
    """(h) the columnar run (kamrules.batch.portfolio, issue 16) on the same CSV, CSV to `fmt`
    (csv or parquet), run as `benchmarks.columnar_run` in a process of its own. A CSV output is
    compared with today's (`today`'s digest): the same bytes, or `same_as_today` says not."""
    source = input_file(workdir, count, seed).resolve()
    out = (workdir / f"columnar-{count}.{fmt}").resolve()
    argv = [sys.executable, "-m", "benchmarks.columnar_run", str(source), "--out", str(out)]
    argv += ["--jobs", str(jobs), "--as-of", as_of.isoformat()]
    root = Path(__file__).resolve().parent.parent  # where `benchmarks` is importable from
    result = _measure(argv, workdir.resolve(), out, source, count, jobs, cwd=root)
    result["format"] = fmt
    if out.exists():
        if fmt == "csv":
            result["rows_written"] = _count_rows(out)
            if today is not None and today.get("output_sha256"):
                result["same_as_today"] = _digest(out) == today["output_sha256"]
        else:
            import pyarrow.parquet as pq

            result["rows_written"] = pq.ParquetFile(out).metadata.num_rows
        out.unlink()
    if today is not None and today.get("wall_s"):
        result["vs_today"] = round(today["wall_s"] / result["wall_s"], 2)
    return result
