"""Stopping cleanly when asked to: SIGINT (Ctrl-C), SIGTERM (`kill`, a job scheduler, systemd)
and SIGHUP (the terminal closed).

Python's default for SIGTERM and SIGHUP is to die on the spot: no `finally`, no context manager,
so `.part` files and openpyxl's temporary files stayed behind, and `--jobs` worker processes
(and multiprocessing's resource tracker) lived on for minutes holding the caller's pipes. `kam`
turns each of the three signals into `Stopped`, an exception raised in the main thread: every
temporary file is removed on the way out, the workers are stopped, and the exit code is 128 +
the signal's number (130, 143, 129), with one line on standard error and no traceback.

Worker processes ignore these signals (the parent, which the terminal and `kill` reach, stops
them), and on Linux they also die with their parent if it is killed outright (`kill -9`).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Iterator
from types import FrameType
from typing import Any


class Stopped(KeyboardInterrupt):
    """A stop signal, raised where the main thread was (a KeyboardInterrupt, so that whatever
    handles Ctrl-C handles SIGTERM and SIGHUP the same way)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def stop_signals() -> list[signal.Signals]:
    """The signals `kam` stops on (SIGHUP does not exist on Windows)."""
    names = ("SIGINT", "SIGTERM", "SIGHUP")
    return [signal.Signals[name] for name in names if name in signal.Signals.__members__]


_deferred: list[int] = []  # a stop signal that arrived during `uninterrupted()`
_depth = [0]


def _stop(signum: int, frame: FrameType | None) -> None:
    # The clean-up runs once and is not cut short by a second signal (a second Ctrl-C, or the
    # SIGTERM a supervisor sends after SIGHUP): later ones are dropped. Not SIG_IGN:
    # an ignored signal stays ignored in a process started from here, and a worker deaf to
    # SIGTERM could not be stopped.
    for sig in stop_signals():
        signal.signal(sig, _again)
    if hasattr(signal, "SIGPIPE"):
        # Stopping writes to the pipes of workers it has just stopped: EPIPE, not death by SIGPIPE.
        signal.signal(signal.SIGPIPE, signal.SIG_IGN)
    if _depth[0]:
        _deferred.append(signum)
        return
    raise Stopped(signum)


def _again(signum: int, frame: FrameType | None) -> None:
    """A stop signal after the first: the clean-up is already under way."""


@contextlib.contextmanager
def uninterrupted() -> Iterator[None]:
    """A step a stop signal must not cut in two (starting a worker process: a child whose
    start-up data was half sent prints a traceback); the signal takes effect when it ends."""
    _depth[0] += 1
    try:
        yield
    finally:
        _depth[0] -= 1
        if not _depth[0] and _deferred:
            raise Stopped(_deferred.pop())


def install() -> None:
    """Make the stop signals raise `Stopped` in this process (the `kam` entry point calls it)."""
    for sig in stop_signals():
        with contextlib.suppress(OSError, ValueError):  # not the main thread, or not allowed here
            signal.signal(sig, _stop)


def exit_code(exc: KeyboardInterrupt) -> int:
    """128 + the signal's number: 130 for Ctrl-C, 143 for SIGTERM, 129 for SIGHUP."""
    return 128 + (exc.signum if isinstance(exc, Stopped) else signal.SIGINT)


def describe(exc: KeyboardInterrupt) -> str:
    if isinstance(exc, Stopped) and exc.signum != signal.SIGINT:
        return f"interrupted by {signal.Signals(exc.signum).name}"
    return "interrupted"


def in_worker() -> None:
    """Set up a worker process: the stop signals are its parent's to act on, and (Linux) it
    receives SIGTERM when its parent dies, however that happens."""
    for sig in stop_signals():
        signal.signal(sig, signal.SIG_DFL if sig == signal.SIGTERM else signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):  # blocked while it started (kamrules.portfolio.spawn)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, stop_signals())
    if sys.platform.startswith("linux"):
        import multiprocessing

        parent = multiprocessing.parent_process()
        with contextlib.suppress(OSError, AttributeError):
            import ctypes

            pr_set_pdeathsig = 1
            ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, int(signal.SIGTERM), 0, 0, 0)
        if parent is not None and os.getppid() != parent.pid:  # it died before prctl took effect
            os._exit(1)


def stop_pool(pool: Any) -> None:
    """Stop a ProcessPoolExecutor's workers now, rather than letting them finish their chunks:
    the pending work is cancelled and each worker receives SIGTERM. (Python 3.11 and 3.12 have no
    public call for this; `_processes` is the executor's own table of its workers.)"""
    import multiprocessing

    pool.shutdown(wait=False, cancel_futures=True)
    processes = list((getattr(pool, "_processes", None) or {}).values())
    # A worker whose start the signal followed (kamrules.portfolio.spawn) is not in the table yet.
    processes += [p for p in multiprocessing.active_children() if p not in processes]
    for process in processes:
        with contextlib.suppress(OSError, ValueError, AttributeError):
            process.terminate()
    for process in processes:  # one that does not end on SIGTERM must not keep kam waiting
        with contextlib.suppress(OSError, ValueError, AttributeError, AssertionError):
            process.join(timeout=5)
            if process.is_alive():
                process.kill()
