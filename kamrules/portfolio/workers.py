"""`--jobs N`: rows advised by N worker processes, results in input order.

durable-rules' C core holds the GIL on every call, so threads would not run it faster; worker
processes do. Each worker is started with "spawn" (a fresh interpreter: the parent's
durable-rules sessions are never copied into a forked child), compiles the rule bases once, and
then advises chunks of rows. The parent reads the file, sends chunks, and writes results in
input order; at most a few chunks per worker are in flight, so memory stays bounded.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from kamrules.io.columns import ColumnMap
from kamrules.io.rows import RawRow
from kamrules.portfolio.evaluate import Evaluator, RowResult, Shared
from kamrules.portfolio.prepare import RowProblem, prepare
from kamrules.portfolio.scan import Place, ScanRow, summary

Task = tuple[RawRow, Place | None, RowProblem | None]
CHUNK = 200
IN_FLIGHT_PER_WORKER = 3

_state: dict[str, Any] = {}


def _init(shared: Shared, colmap: ColumnMap, name: str) -> None:
    from kamrules.portfolio.knowledge import account_engine, load_knowledge

    _state["evaluator"] = Evaluator(account_engine(shared.rules), load_knowledge(shared.rules), shared)
    _state["colmap"] = colmap
    _state["name"] = name


def evaluate_serial(evaluator: Evaluator, colmap: ColumnMap, name: str, tasks: Iterable[Task]) -> Iterator[RowResult]:
    """The results of `tasks`, in order, computed here (lazily: one row at a time)."""
    for raw, place, duplicate in tasks:
        prep = prepare(raw, colmap, name)
        try:
            yield evaluator.evaluate(prep, place, duplicate)
        except Exception as exc:
            yield evaluator.internal_error(prep, exc)


def _work(tasks: list[Task]) -> list[RowResult]:
    return list(evaluate_serial(_state["evaluator"], _state["colmap"], _state["name"], tasks))


def _init_scan(colmap: ColumnMap, name: str) -> None:
    _state["colmap"] = colmap
    _state["name"] = name


def _scan_work(rows: list[RawRow]) -> list[ScanRow]:
    return [summary(prepare(raw, _state["colmap"], _state["name"])) for raw in rows]


def scan_parallel(rows: Iterable[RawRow], jobs: int, colmap: ColumnMap, name: str) -> Iterator[ScanRow]:
    """The first pass's summaries, in file order, validated by `jobs` worker processes (the
    parent only reads the file and aggregates)."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_init_scan, initargs=(colmap, name)) as pool:
        pending: deque[Future[list[ScanRow]]] = deque()
        try:
            for chunk in _chunks(rows, CHUNK * 2):
                pending.append(pool.submit(_scan_work, chunk))
                while len(pending) >= jobs * IN_FLIGHT_PER_WORKER:
                    yield from pending.popleft().result()
            while pending:
                yield from pending.popleft().result()
        except BaseException:
            for future in pending:
                future.cancel()
            raise


def _chunks(tasks: Iterable[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for task in tasks:
        chunk.append(task)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def evaluate_parallel(
    tasks: Iterable[Task], jobs: int, shared: Shared, colmap: ColumnMap, name: str
) -> Iterator[RowResult]:
    """The results of `tasks`, in order, computed by `jobs` worker processes."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_init, initargs=(shared, colmap, name)) as pool:
        pending: deque[Future[list[RowResult]]] = deque()
        try:
            for chunk in _chunks(tasks, CHUNK):
                pending.append(pool.submit(_work, chunk))
                while len(pending) >= jobs * IN_FLIGHT_PER_WORKER:
                    yield from pending.popleft().result()
            while pending:
                yield from pending.popleft().result()
        except BaseException:
            for future in pending:
                future.cancel()
            raise
