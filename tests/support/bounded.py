"""Run `kam` (or a snippet of Python) in a child process held to hard resource limits.

Every hostile-input test (the limits of docs/security.md) runs this way: the child gets an address-space limit
(RLIMIT_AS), a CPU-time limit (RLIMIT_CPU) and, where a test says so, a file-size limit
(RLIMIT_FSIZE), so an explosion is stopped by the kernel and fails the test instead of taking
the machine with it. The child's peak resident memory comes from wait4(), as the kernel counts
it. A wall-clock guard kills a child that hangs (blocked, not busy); it bounds a failure, and
no test asserts anything about time.

The child is started by a small launcher (a fresh interpreter of about 10 MB), not by the test
process itself: Linux counts in a process's peak the memory of the process it was forked from
(the high-water mark of the copy is kept across exec), so a child forked from a test process
that has grown to hundreds of MB would show that as its own peak.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

MB = 1024 * 1024
# What a Python process with durable-rules, pydantic and openpyxl loaded maps without using it
# (thread stacks, arenas, the C extensions): the address-space limit is this plus the budget.
ADDRESS_SPACE_BASE_MB = 400
HANG_GUARD_S = 120


@dataclass(frozen=True)
class Limits:
    """The ceilings of one child: `peak_mb` is asserted on its resident memory (what the table
    of docs/security.md states), `memory_mb` is the address space the kernel lets it map."""

    peak_mb: int = 200
    cpu_s: int = 30
    file_kb: int | None = None

    @property
    def memory_mb(self) -> int:
        return ADDRESS_SPACE_BASE_MB + 2 * self.peak_mb


@dataclass
class Bounded:
    """What the child did."""

    code: int  # exit code, or -N when signal N ended it
    stdout: bytes
    stderr: bytes
    peak_kb: int
    hung: bool = False

    @property
    def out(self) -> str:
        return self.stdout.decode("utf-8", errors="replace")

    @property
    def err(self) -> str:
        return self.stderr.decode("utf-8", errors="replace")

    @property
    def peak_mb(self) -> float:
        return self.peak_kb / 1024


def limiter(limits: Limits, close: Sequence[int] = ()) -> Callable[[], None]:
    """What the child runs before exec: its own session, the limits, and `close` (descriptors to
    close, so that it starts with standard input or output closed)."""

    def apply() -> None:
        os.setsid()  # its own process group: the guard kills the child and its workers together
        memory = limits.memory_mb * MB
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_s, limits.cpu_s + 5))
        if limits.file_kb is not None:
            size = limits.file_kb * 1024
            resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
        for fd in close:
            os.close(fd)

    return apply


# Run by the launcher (`python -c LAUNCHER`): its own session, then the child forked from this
# small process, limited before exec; the child's exit status and peak memory are written to
# the descriptor named by the first argument.
LAUNCHER = r"""
import json, os, resource, sys
report, spec = int(sys.argv[1]), json.loads(sys.argv[2])
os.setsid()
pid = os.fork()
if pid == 0:
    os.close(report)
    memory = spec["memory"]
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (spec["cpu"], spec["cpu"] + 5))
    if spec["fsize"] is not None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (spec["fsize"], spec["fsize"]))
    for fd in spec["close"]:
        os.close(fd)
    try:
        os.execve(spec["argv"][0], spec["argv"], os.environ)
    finally:
        os._exit(127)
for fd in (0, 1):
    os.close(fd)  # the child's alone: a reader sees the end when the child closes them
_, status, usage = os.wait4(pid, 0)
os.write(report, json.dumps([os.waitstatus_to_exitcode(status), usage.ru_maxrss]).encode())
"""


def run_bounded(
    argv: Sequence[str],
    limits: Limits,
    *,
    stdin: bytes | None = None,
    stdin_file: Path | int | None = None,
    stdout_file: Path | int | None = None,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    close: Sequence[int] = (),
) -> Bounded:
    """Run `argv` under `limits`; standard output and error are collected (or sent to
    `stdout_file`), standard input is `stdin` (bytes) or `stdin_file` (a path or a descriptor);
    the descriptors in `close` are closed in the child."""
    full_env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", **(env or {})}
    stdin_arg: int | object = subprocess.DEVNULL
    opened: list[object] = []
    if stdin is not None:
        stdin_arg = subprocess.PIPE
    elif isinstance(stdin_file, Path):
        handle = stdin_file.open("rb")
        opened.append(handle)
        stdin_arg = handle
    elif isinstance(stdin_file, int):
        stdin_arg = stdin_file
    stdout_arg: int | object = subprocess.PIPE
    if isinstance(stdout_file, Path):
        handle = stdout_file.open("wb")
        opened.append(handle)
        stdout_arg = handle
    elif isinstance(stdout_file, int):
        stdout_arg = stdout_file
    spec = {
        "argv": list(argv),
        "memory": limits.memory_mb * MB,
        "cpu": limits.cpu_s,
        "fsize": None if limits.file_kb is None else limits.file_kb * 1024,
        "close": list(close),
    }
    report_r, report_w = os.pipe()
    proc = subprocess.Popen(
        [sys.executable, "-c", LAUNCHER, str(report_w), json.dumps(spec)],
        stdin=stdin_arg,
        stdout=stdout_arg,
        stderr=subprocess.PIPE,
        env=full_env,
        cwd=cwd,
        pass_fds=(report_w,),
    )
    os.close(report_w)
    for handle in opened:
        handle.close()  # type: ignore[attr-defined]
    hung = threading.Event()

    def guard() -> None:
        hung.set()
        with _quiet():
            os.killpg(proc.pid, signal.SIGKILL)

    timer = threading.Timer(HANG_GUARD_S, guard)
    timer.start()
    out, err = _collect(proc, stdin)
    with os.fdopen(report_r, "rb") as report:
        reported = report.read()
    proc.wait()
    timer.cancel()
    code, peak_kb = json.loads(reported) if reported else (proc.returncode, 0)
    _log_peak(peak_kb)
    return Bounded(code, out, err, peak_kb, hung.is_set())


def _log_peak(peak_kb: int) -> None:
    """With KAMRULES_PEAK_LOG set (`python -m tests.support.limits_table --measure`), note the
    child's peak memory against the test that ran it: docs/security.md's measured column."""
    log = os.environ.get("KAMRULES_PEAK_LOG")
    test = os.environ.get("PYTEST_CURRENT_TEST", "").rsplit(" ", 1)[0]
    if log and test:
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(json.dumps({"test": test, "peak_kb": peak_kb}) + "\n")


def _collect(proc: subprocess.Popen[bytes], stdin: bytes | None) -> tuple[bytes, bytes]:
    """Standard output and error read to the end (threads: either may fill its pipe first)."""
    chunks: dict[str, bytes] = {"out": b"", "err": b""}

    def drain(name: str, stream: object) -> None:
        chunks[name] = stream.read()  # type: ignore[attr-defined]
        stream.close()  # type: ignore[attr-defined]

    readers = [threading.Thread(target=drain, args=("err", proc.stderr))]
    if proc.stdout is not None:
        readers.append(threading.Thread(target=drain, args=("out", proc.stdout)))
    for reader in readers:
        reader.start()
    if proc.stdin is not None:
        with _quiet():
            proc.stdin.write(stdin or b"")
        with _quiet():
            proc.stdin.close()
    for reader in readers:
        reader.join()
    return chunks["out"], chunks["err"]


class _quiet:
    """Ignore the OSErrors of a child that is already gone."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: object, exc: object, tb: object) -> bool:
        return isinstance(exc, OSError)


def kam_argv(*args: str) -> list[str]:
    return [sys.executable, "-m", "kamrules", *args]


def run_kam(*args: str, limits: Limits | None = None, **kwargs: object) -> Bounded:
    """`kam ARGS` in a bounded child (see the module's docstring)."""
    return run_bounded(kam_argv(*args), limits or Limits(), **kwargs)  # type: ignore[arg-type]


def run_python(code: str, limits: Limits | None = None) -> Bounded:
    """A snippet of Python in a bounded child (for a function that must stay within bounds)."""
    return run_bounded([sys.executable, "-c", code], limits or Limits())


def assert_refused(result: Bounded, *words: str, limits: Limits | None = None) -> None:
    """Exit code 2, a message holding `words` (on either stream), no traceback, within the peak-memory ceiling."""
    limits = limits or Limits()
    assert not result.hung, f"the child hung and was killed: {result.err[-800:]}"
    assert result.code == 2, (result.code, result.err[-2000:])
    assert "Traceback" not in result.err, result.err[-2000:]
    said = result.err + result.out  # kam rules validate reports on standard output
    for word in words:
        assert word in said, (word, said[-2000:])
    assert result.peak_mb < limits.peak_mb, f"peak memory {result.peak_mb:.0f} MB over {limits.peak_mb} MB"


def assert_within(result: Bounded, limits: Limits | None = None) -> None:
    """The child ended by itself (no hang, no kill by a limit) within the peak-memory ceiling."""
    limits = limits or Limits()
    assert not result.hung, f"the child hung and was killed: {result.err[-800:]}"
    assert result.code >= 0, f"killed by signal {-result.code} (a limit?): {result.err[-800:]}"
    assert "Traceback" not in result.err and "MemoryError" not in result.err, result.err[-2000:]
    assert result.peak_mb < limits.peak_mb, f"peak memory {result.peak_mb:.0f} MB over {limits.peak_mb} MB"
