"""A bounded load on loopback with the rule base reloaded meanwhile: zero failed requests, and
every answer names a version that was loaded (benchmarks/service.py, at a size CI affords: 3,000
requests from 32 clients, a reload every half second; the full 20,000 are in docs/performance.md)."""

from __future__ import annotations

import pytest

from benchmarks import service

pytestmark = pytest.mark.slow


def test_load_with_reloads_has_no_error() -> None:
    figures = service.run(requests=3_000, clients=32, reload_every=0.5, distinct=500)
    assert figures["errors"] == [] and figures["error_count"] == 0
    assert figures["service"]["requests"] == 3_000
    assert figures["reloads"] >= 2 and figures["refused_reloads"] == 0
    assert figures["unknown_versions"] == []
    assert figures["versions_answered"] >= 2  # answers came from more than one version
    assert figures["in_process"]["per_s"] > 0 and figures["service"]["per_s"] > 0
