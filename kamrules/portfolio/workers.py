"""`--jobs N`: rows advised by N worker processes, results in input order.

durable-rules' C core holds the GIL on every call, so threads would not run it faster; worker
processes do. Each worker is started with "spawn" (a fresh interpreter: the parent's
durable-rules sessions are never copied into a forked child), compiles the rule bases once, and
then advises chunks of rows. The parent reads the file, sends chunks, and writes results in
input order; at most a few chunks per worker are in flight, so memory stays bounded.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, TypeVar

from kamrules.io.rows import RawRow
from kamrules.portfolio.columns import ColumnMap
from kamrules.portfolio.evaluate import Evaluator, RowResult, Shared
from kamrules.portfolio.prepare import RowProblem, prepare
from kamrules.portfolio.scan import Place, ScanRow, summary
from kamrules.portfolio.spawn import spawn_context
from kamrules.stopping import in_worker, stop_pool

Task = tuple[RawRow, Place | None, RowProblem | None]
CHUNK = 200
IN_FLIGHT_PER_WORKER = 3

_state: dict[str, Any] = {}
R = TypeVar("R")


def _init(shared: Shared, colmap: ColumnMap, name: str) -> None:
    from kamrules.portfolio.knowledge import account_engine, load_knowledge

    in_worker()
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
    in_worker()
    _state["colmap"] = colmap
    _state["name"] = name


def _scan_work(rows: list[RawRow]) -> list[ScanRow]:
    return [summary(prepare(raw, _state["colmap"], _state["name"])) for raw in rows]


def scan_parallel(rows: Iterable[RawRow], jobs: int, colmap: ColumnMap, name: str) -> Iterator[ScanRow]:
    """The first pass's summaries, in file order, validated by `jobs` worker processes (the
    parent only reads the file and aggregates)."""
    return _in_order(_scan_work, _chunks(rows, CHUNK * 2), jobs, _init_scan, (colmap, name))


def evaluate_parallel(
    tasks: Iterable[Task], jobs: int, shared: Shared, colmap: ColumnMap, name: str
) -> Iterator[RowResult]:
    """The results of `tasks`, in order, computed by `jobs` worker processes."""
    return _in_order(_work, _chunks(tasks, CHUNK), jobs, _init, (shared, colmap, name))


def _in_order(
    work: Callable[[list[Any]], list[R]],
    chunks: Iterable[list[Any]],
    jobs: int,
    initializer: Callable[..., None],
    initargs: tuple[Any, ...],
) -> Iterator[R]:
    """`work` on each chunk in `jobs` worker processes, the results in input order, with at most
    a few chunks per worker in flight (bounded memory); the rest is cancelled on any error."""
    context = spawn_context()  # "spawn", its workers deaf to the terminal's Ctrl-C (kamrules.stopping)
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=initializer, initargs=initargs) as pool:
        pending: deque[Future[list[R]]] = deque()
        try:
            for chunk in chunks:
                pending.append(pool.submit(work, chunk))
                while len(pending) >= jobs * IN_FLIGHT_PER_WORKER:
                    yield from pending.popleft().result()
            while pending:
                yield from pending.popleft().result()
        except BaseException:
            # An error, Ctrl-C, SIGTERM, or the caller closing this generator: the workers are
            # stopped now, not after their chunks (kamrules.stopping).
            for future in pending:
                future.cancel()
            stop_pool(pool)
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
