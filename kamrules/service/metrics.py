"""What /metrics tells Prometheus: requests, latencies, errors, advice by tier and profile, and
the rule base being served.

Each app has its own registry (several apps may live in one process: tests, embedding). Under
`kam serve --workers N` every worker writes its counts to files in the run folder
(prometheus-client's multiprocess mode, PROMETHEUS_MULTIPROC_DIR) and /metrics, whichever
worker answers it, adds up all of them.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


class Metrics:
    def __init__(self) -> None:
        from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

        self.multiprocess = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))
        # In multiprocess mode the values live in files; the registry only collects them.
        self.registry = CollectorRegistry()
        own = None if self.multiprocess else self.registry
        self.requests = Counter(
            "kamrules_http_requests_total", "HTTP requests answered.", ["method", "route", "status"], registry=own
        )
        self.latency = Histogram(
            "kamrules_http_request_duration_seconds",
            "Time to answer a request (to the end of its body).",
            ["method", "route"],
            buckets=LATENCY_BUCKETS,
            registry=own,
        )
        self.errors = Counter(
            "kamrules_http_errors_total",
            "Requests answered with a problem (4xx, 5xx).",
            ["route", "status"],
            registry=own,
        )
        self.advice = Counter(
            "kamrules_advice_total", "Accounts advised, by tier and profile.", ["tier", "profile"], registry=own
        )
        self.rejected = Counter("kamrules_rejected_accounts_total", "Accounts refused (invalid facts).", registry=own)
        self.recorded = Counter(
            "kamrules_recorded_total",
            "Requests whose advice the history store recorded, by result (ok, failed).",
            ["result"],
            registry=own,
        )
        self.reloads = Counter(
            "kamrules_rules_reloads_total", "Rule base reloads, by result.", ["result"], registry=own
        )
        gauge_mode: dict[str, Any] = {"multiprocess_mode": "mostrecent"} if self.multiprocess else {}
        self.rulebase = Gauge(
            "kamrules_rulebase_info",
            "The rule base served (1), with its name, version and digest.",
            ["name", "version", "digest"],
            registry=own,
            **gauge_mode,
        )
        self.rulebase_loaded = Gauge(
            "kamrules_rulebase_loaded_timestamp_seconds",
            "When the served rule base was loaded.",
            registry=own,
            **gauge_mode,
        )
        if self.multiprocess:
            from prometheus_client import multiprocess

            multiprocess.MultiProcessCollector(self.registry)  # type: ignore[no-untyped-call]
        self._served: tuple[str, str, str] | None = None

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route).observe(seconds)
        if status >= 400:
            self.errors.labels(route, str(status)).inc()

    def advised(self, pairs: Iterable[tuple[str | None, str | None]]) -> None:
        for tier, profile in pairs:
            self.advice.labels(tier or "undecided", profile or "undecided").inc()

    def served(self, name: str, version: str, digest: str, loaded_at: float) -> None:
        if self._served is not None:
            self.rulebase.labels(*self._served).set(0)
        self._served = (name, version, digest)
        self.rulebase.labels(name, version, digest).set(1)
        self.rulebase_loaded.set(loaded_at)

    def exposition(self) -> tuple[bytes, str]:
        from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

        return generate_latest(self.registry), CONTENT_TYPE_LATEST
