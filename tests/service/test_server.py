"""`kam serve` as a process: SIGTERM lets the requests in flight finish, SIGHUP reloads, and with
--workers a reload reaches every worker. Each server listens on 127.0.0.1 and is always stopped."""

from __future__ import annotations

import json
import signal
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support import kam
from tests.support.services import break_rules, rules_copy, server_process, touch_version

pytestmark = pytest.mark.slow


def digest_of(base: str) -> str:
    # A new connection each time: with several workers, the kernel spreads them.
    with httpx.Client(timeout=30) as client:
        answer = client.post(base + "/v1/advise", json={"id": "A", "name": "B"})
    assert answer.status_code == 200, answer.text
    value: str = answer.headers["Kam-Ruleset-Digest"]
    return value


def wait_for(condition: Any, timeout: float = 60.0) -> bool:
    stop = time.monotonic() + timeout
    while time.monotonic() < stop:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_sigterm_lets_the_request_in_flight_finish() -> None:
    rows = 6000
    body = "".join(
        f'{{"id": "S{i}", "name": "N{i}", "assessment": {{"current_contribution": {1 + i % 9}}}}}\n'
        for i in range(rows)
    )
    with server_process("--log-level", "warning") as (base, proc, _log):
        got: dict[str, Any] = {}
        started = threading.Event()

        def stream() -> None:
            headers = {"Content-Type": "application/x-ndjson"}
            with (
                httpx.Client(timeout=120) as client,
                client.stream("POST", base + "/v1/advise", content=body, headers=headers) as answer,
            ):
                chunks = []
                for chunk in answer.iter_text():
                    chunks.append(chunk)
                    started.set()
                got["status"] = answer.status_code
                got["text"] = "".join(chunks)

        worker = threading.Thread(target=stream)
        worker.start()
        assert started.wait(timeout=60)
        proc.send_signal(signal.SIGTERM)
        worker.join(timeout=120)
        # uvicorn ends by raising the signal again once it has drained: killed by SIGTERM, cleanly.
        assert proc.wait(timeout=60) in (0, -signal.SIGTERM)
    lines = [json.loads(line) for line in got["text"].splitlines() if line]
    assert got["status"] == 200
    assert lines[-1]["summary"]["advised"] == rows and len(lines) == rows + 1


def test_sighup_reloads_and_a_broken_edit_is_refused(tmp_path: Path) -> None:
    folder = rules_copy(tmp_path)
    with server_process("--rules", str(folder), "--log-level", "info") as (base, proc, log):
        before = digest_of(base)
        break_rules(folder)
        proc.send_signal(signal.SIGHUP)
        assert wait_for(lambda: "refused" in log.read_text())
        assert "overrides.yaml:8" in log.read_text()
        assert digest_of(base) == before
        rules = httpx.get(base + "/v1/rules").json()
        assert rules["last_reload"]["ok"] is False and rules["last_reload"]["trigger"] == "SIGHUP"
        rules_copy(tmp_path / "fresh")
        (folder / "overrides.yaml").write_text((tmp_path / "fresh" / "my-rules" / "overrides.yaml").read_text())
        touch_version(folder, 7)
        proc.send_signal(signal.SIGHUP)
        assert wait_for(lambda: digest_of(base) != before)


def test_a_reload_reaches_every_worker(tmp_path: Path) -> None:
    folder = rules_copy(tmp_path)
    with server_process("--rules", str(folder), "--workers", "2", "--log-level", "warning") as (base, proc, _log):
        first = digest_of(base)
        touch_version(folder, 1)
        answer = httpx.post(base + "/v1/rules/reload", timeout=60)
        assert answer.status_code == 200 and answer.json()["changed"] is True
        second = answer.json()["rules"]["digest"]
        # Every worker serves it: twenty new connections in a row all name it.
        assert wait_for(lambda: all(digest_of(base) == second for _ in range(20)))
        touch_version(folder, 2)
        proc.send_signal(signal.SIGHUP)  # to the supervisor: every worker reloads in place
        assert wait_for(lambda: all(digest_of(base) not in (first, second) for _ in range(20)))
        metrics = httpx.get(base + "/metrics").text
        assert 'kamrules_http_requests_total{method="POST",route="/v1/advise",status="200"}' in metrics
        assert proc.poll() is None


def test_a_broken_rule_base_stops_kam_serve_before_it_listens(tmp_path: Path) -> None:
    folder = rules_copy(tmp_path)
    break_rules(folder)
    result = kam("serve", "--rules", str(folder), "--port", "0")
    assert result.exit_code == 2
    assert "overrides.yaml:8" in result.stderr and "cannot be served" in result.stderr
