"""Batches across worker processes, results in input order, workers stopped on error or signal.

durable-rules' C core holds Python's lock, so the batch engine's work runs in processes, not
threads. `Workers` starts them with "spawn" (a fresh interpreter each: nothing of the parent's
durable-rules sessions is copied), runs an initializer once in each (the rule bases are loaded
there, once), and then `map` sends batches and yields results in input order, with at most
`in_flight` batches per worker sent ahead, so memory stays bounded whatever the input's size.

On any error, and on SIGINT or SIGTERM received by the parent, the workers are terminated
before the exception goes on; the workers themselves ignore SIGINT (a Ctrl-C at a terminal
reaches the whole process group: the parent decides).
"""

from __future__ import annotations

import multiprocessing
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from multiprocessing.pool import AsyncResult, Pool
from types import FrameType
from typing import Any, Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")
IN_FLIGHT = 2


def _ignore_interrupts(initializer: Callable[..., None] | None, args: tuple[Any, ...]) -> None:
    from kamrules.stopping import in_worker

    in_worker()  # the stop signals are the parent's to act on (and unblocked, if spawned blocked)
    if initializer is not None:
        initializer(*args)


class Workers:
    """A pool of `jobs` spawned worker processes, to be used as a context manager."""

    def __init__(
        self,
        jobs: int,
        initializer: Callable[..., None] | None = None,
        initargs: tuple[Any, ...] = (),
        in_flight: int = IN_FLIGHT,
        context: Any = None,
    ) -> None:
        """`context`: a "spawn" multiprocessing context (default: multiprocessing's own); `kam
        portfolio` gives one whose workers start deaf to the terminal's Ctrl-C."""
        self.jobs = jobs
        self.in_flight = in_flight
        context = context or multiprocessing.get_context("spawn")
        from kamrules.stopping import uninterrupted

        # The pool starts all its workers here: a stop signal waits until they all have their
        # start-up data (a child cut off while reading it prints a traceback).
        self.pool: Pool | None = None
        try:
            with uninterrupted():
                self.pool = context.Pool(jobs, _ignore_interrupts, (initializer, initargs))
        except BaseException:  # the signal deferred while they started: stop them before it goes on
            self.terminate()
            raise
        self._previous: Any = None

    def __enter__(self) -> Workers:
        # SIGTERM's default action would leave the workers and a half-written file behind; a
        # handler already set (kam's: kamrules.stopping, which says "interrupted") is kept.
        if threading.current_thread() is threading.main_thread() and signal.getsignal(signal.SIGTERM) in (
            signal.SIG_DFL,
            None,
        ):
            self._previous = signal.signal(signal.SIGTERM, _stop)
        return self

    def __exit__(self, kind: Any, value: Any, traceback: Any) -> None:
        try:
            if kind is None:
                self.close()
            else:
                self.terminate()
        finally:
            if self._previous is not None:
                signal.signal(signal.SIGTERM, self._previous)

    def map(self, work: Callable[[T], R], items: Iterable[T], local: Callable[[T], R] | None = None) -> Iterator[R]:
        """`work(item)` for each item, yielded in the items' order. The workers compute them; with
        `local`, this process computes an item itself whenever the workers have all they may hold
        (it works too, instead of waiting)."""
        assert self.pool is not None
        pending: deque[AsyncResult[R] | _Done[R]] = deque()
        limit = self.jobs * self.in_flight
        cap = limit if local is None else limit + 1  # results held, waiting for their turn
        remote = 0
        try:
            for item in items:
                if local is not None and remote >= limit:
                    pending.append(_Done(local(item)))
                else:
                    pending.append(self.pool.apply_async(work, (item,)))
                    remote += 1
                while pending and (len(pending) >= cap or pending[0].ready()):
                    head = pending.popleft()
                    remote -= not isinstance(head, _Done)
                    yield head.get()
            while pending:
                yield pending.popleft().get()
        except BaseException:
            self.terminate()
            raise

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
            self.pool.join()
            self.pool = None

    def terminate(self) -> None:
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
            self.pool = None


class _Done(Generic[R]):
    """A result this process computed itself, waiting for its turn."""

    def __init__(self, value: R) -> None:
        self.value = value

    def ready(self) -> bool:
        return True

    def get(self) -> R:
        return self.value


def _stop(signum: int, frame: FrameType | None) -> None:
    # SIGTERM: leave as its default action would (exit 143), but through the `finally` blocks
    # that stop the workers and remove a half-written output file.
    raise SystemExit(128 + signum)
