"""multiprocessing's "spawn" context for the `--jobs` workers, whose processes start deaf to the
terminal's SIGINT and SIGHUP.

A worker process is spawned with SIGINT and SIGHUP blocked (a signal mask survives exec), so a
Ctrl-C typed while it is still importing kamrules, before kamrules.stopping.in_worker sets it
up, stays pending instead of printing a traceback; in_worker then ignores and unblocks them.
The terminal sends SIGINT to the whole process group: only the parent is to act on it, and a
signal that reaches the parent while it starts a worker is delivered as soon as the start is
complete (blocked meanwhile, not lost). The classes are at module level because "spawn" pickles
the process object for the child.
"""

from __future__ import annotations

import multiprocessing.context
import signal

from kamrules.stopping import stop_signals, uninterrupted


class QuietProcess(multiprocessing.context.SpawnProcess):
    """A spawned process that starts with SIGINT and SIGHUP blocked."""

    def start(self) -> None:
        deaf = [sig for sig in stop_signals() if sig != signal.SIGTERM]
        if not hasattr(signal, "pthread_sigmask"):
            super().start()
            return
        before = signal.pthread_sigmask(signal.SIG_BLOCK, deaf)
        try:
            with uninterrupted():  # a SIGTERM now waits until the child has all its start-up data
                super().start()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, before)


class QuietContext(multiprocessing.context.SpawnContext):
    Process = QuietProcess


def spawn_context() -> QuietContext:
    """The context to give ProcessPoolExecutor (see the module's docstring)."""
    return QuietContext()
