"""Interleaved timing: every contender runs once per round, in a rotating order, on the same
inputs, so that a slow spell of a shared machine falls on all of them alike.

Throughput comes from whole passes over the inputs (no per-call timer in the loop); latency from
one more pass per contender with a timer around each call. Ratios are taken round by round (two
contenders of the same round saw the same machine) and the median of those is reported.
"""

from __future__ import annotations

import gc
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Contender:
    """Something to time: `call` applied to each of `inputs`; `reset` runs before each pass, untimed."""

    key: str
    label: str
    call: Callable[[Any], Any]
    inputs: Sequence[Any]
    reset: Callable[[], None] | None = None
    batch: Callable[[], Any] | None = None  # a whole pass, when the API has its own loop (advise_many)
    latency: bool = True  # False for a contender that takes all the accounts at once (one table)


@dataclass
class Timing:
    key: str
    label: str
    count: int
    rounds: list[float] = field(default_factory=list)  # seconds per pass
    latencies_ns: list[int] = field(default_factory=list)

    @property
    def median_s(self) -> float:
        return statistics.median(self.rounds)

    @property
    def throughput(self) -> float:
        """Accounts per second, from the median pass."""
        return self.count / self.median_s

    def latency_us(self, q: float) -> float | None:
        data = sorted(self.latencies_ns)
        if not data:
            return None
        k = min(len(data) - 1, max(0, round(q * (len(data) - 1))))
        return data[k] / 1000.0

    def summary(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "accounts": self.count,
            "accounts_per_s": round(self.throughput, 1),
            "us_per_account": round(1e6 / self.throughput, 2),
            "pass_s": [round(r, 4) for r in self.rounds],
            "p50_us": _rounded(self.latency_us(0.50)),
            "p99_us": _rounded(self.latency_us(0.99)),
        }


def _rounded(x: float | None) -> float | None:
    return None if x is None else round(x, 2)


def _pass(c: Contender) -> float:
    if c.reset is not None:
        c.reset()
    gc.collect()
    call = c.call
    inputs = c.inputs
    if c.batch is not None:
        batch = c.batch
        start = time.perf_counter()
        batch()
        return time.perf_counter() - start
    start = time.perf_counter()
    for x in inputs:
        call(x)
    return time.perf_counter() - start


def _latency_pass(c: Contender) -> list[int]:
    if not c.latency:
        return []
    if c.reset is not None:
        c.reset()
    gc.collect()
    call = c.call
    clock = time.perf_counter_ns
    out = [0] * len(c.inputs)
    for i, x in enumerate(c.inputs):
        start = clock()
        call(x)
        out[i] = clock() - start
    return out


def measure(contenders: Sequence[Contender], rounds: int, warmup: bool = True, log: bool = True) -> dict[str, Timing]:
    """Time every contender `rounds` times, interleaved, then once more per call for latency."""
    timings = {c.key: Timing(c.key, c.label, len(c.inputs)) for c in contenders}
    if warmup:
        # First calls compile, fill caches and page in code: not what a nightly run measures.
        for c in contenders:
            for x in c.inputs[: min(50, len(c.inputs))]:
                c.call(x)
            if not c.latency and c.batch is not None:
                c.batch()
    n = len(contenders)
    for r in range(rounds):
        order = [contenders[(r + k) % n] for k in range(n)]
        for c in order:
            seconds = _pass(c)
            timings[c.key].rounds.append(seconds)
            if log:
                print(f"  round {r + 1}/{rounds} {c.key}: {len(c.inputs) / seconds:,.0f}/s", file=sys.stderr)
    for k in range(n):
        c = contenders[(rounds + k) % n]
        timings[c.key].latencies_ns = _latency_pass(c)
    return timings


def paired_ratio(a: Timing, b: Timing) -> float:
    """Median over rounds of throughput(a) / throughput(b): above 1 when `a` is faster."""
    ratios = [tb / ta for ta, tb in zip(a.rounds, b.rounds, strict=True)]
    return statistics.median(ratios)


def median_seconds(action: Callable[[], None], repeat: int) -> float:
    """The median wall time of `repeat` calls of `action` (a whole run each: the cluster
    benchmarks time runs of seconds, where the per-call noise of a round does not matter)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)
