"""Hot reload: loaded, validated and tested before it is swapped in; a broken edit leaves the
old version serving and the answer lists the problems with file and line; a request in flight
finishes on the version it started with; --watch and another worker's reload are followed."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from kamrules.service.app import create_app
from kamrules.service.settings import Settings
from kamrules.service.versions import Registry
from tests.support.services import break_rules, rules_copy, touch_version


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return rules_copy(tmp_path)


@pytest.fixture
def client(folder: Path) -> Any:
    registry = Registry((str(folder),))
    registry.load_first()
    with TestClient(create_app(Settings(rules=(str(folder),)), registry=registry)) as test_client:
        yield test_client


def digest(client: Any) -> str:
    answer = client.post("/v1/advise", json={"id": "A", "name": "B"})
    assert answer.status_code == 200
    value: str = answer.json()["ruleset"]["digest"]
    assert answer.headers["Kam-Ruleset-Digest"] == value
    return value


def test_reload_swaps_a_changed_rule_base(client: Any, folder: Path) -> None:
    before = digest(client)
    same = client.post("/v1/rules/reload")
    assert same.status_code == 200 and same.json()["changed"] is False
    touch_version(folder, 1)
    answer = client.post("/v1/rules/reload")
    assert answer.status_code == 200 and answer.json()["changed"] is True
    after = answer.json()["rules"]["digest"]
    assert after != before and digest(client) == after
    rules = client.get("/v1/rules").json()
    assert rules["digest"] == after and rules["sequence"] == 2
    assert rules["test_cases"]["passed"] == rules["test_cases"]["total"] > 0
    assert rules["last_reload"]["ok"] is True


def test_a_broken_edit_keeps_the_old_version(client: Any, folder: Path) -> None:
    before = digest(client)
    break_rules(folder)
    answer = client.post("/v1/rules/reload")
    assert answer.status_code == 422
    problem = answer.json()
    assert problem["type"].endswith("rules-refused") and problem["stage"] == "load"
    assert problem["rules"]["digest"] == before
    located = [e for e in problem["errors"] if e["file"] and e["file"].endswith("overrides.yaml")]
    assert located and located[0]["line"] == 8
    assert "contract_notise_days" in json.dumps(problem)
    assert digest(client) == before
    assert client.get("/v1/rules").json()["last_reload"]["ok"] is False


def test_a_failing_test_case_keeps_the_old_version(client: Any, folder: Path) -> None:
    before = digest(client)
    overrides = folder / "overrides.yaml"
    overrides.write_text(overrides.read_text().replace("contract_notice_days: 120", "contract_notice_days: 100"))
    answer = client.post("/v1/rules/reload")
    assert answer.status_code == 422 and answer.json()["stage"] == "tests"
    failing = answer.json()["errors"][0]
    assert failing["code"] == "SRV002" and "contract_expiring_on_day_120" in failing["message"]
    assert failing["file"].endswith("notice.yaml") and failing["line"]
    assert digest(client) == before


class HoldingRecorder:
    """A recorder (the history store's plug-in point) that holds the first chunk of a stream
    until told to go on: the reload happens while the request is surely in flight."""

    def __init__(self) -> None:
        self.reached = threading.Event()
        self.go_on = threading.Event()
        self.recorded: list[tuple[str, str]] = []

    def recording(self, *, kind: str, version: Any, request_id: str, client: str | None) -> Any:
        holder = self

        class Held:
            def add(self, pairs: Any) -> None:
                holder.recorded.extend((request_id, advice.ruleset.digest) for _, advice in pairs)
                if not holder.reached.is_set():
                    holder.reached.set()
                    holder.go_on.wait(timeout=60)

            def add_snapshot(self, snapshot: Any) -> None:
                raise AssertionError("a stream of accounts has no portfolio rows")

            def close(self) -> None:
                pass

        return Held()


def test_requests_in_flight_finish_on_their_version(folder: Path) -> None:
    registry = Registry((str(folder),))
    registry.load_first()
    before = registry.current.digest
    recorder = HoldingRecorder()
    app = create_app(Settings(rules=(str(folder),)), registry=registry, recorder=recorder)
    body = "".join(f'{{"id": "R{i}", "name": "N"}}\n' for i in range(300))
    streamed: dict[str, Any] = {}
    with TestClient(app) as client:

        def stream() -> None:
            headers = {"Content-Type": "application/x-ndjson", "X-Request-ID": "the-stream"}
            streamed["answer"] = client.post("/v1/advise", content=body, headers=headers)

        worker = threading.Thread(target=stream)
        worker.start()
        assert recorder.reached.wait(timeout=60)  # the stream is under way, on the old version
        touch_version(folder, 2)
        assert client.post("/v1/rules/reload").json()["changed"] is True
        assert digest(client) != before  # a new request gets the new version...
        recorder.go_on.set()
        worker.join(timeout=60)
    answer = streamed["answer"]
    lines = [json.loads(line) for line in answer.text.splitlines() if line]
    # ... while the one in flight finished on the version it started with.
    assert answer.headers["Kam-Ruleset-Digest"] == before
    assert {line["advice"]["ruleset"]["digest"] for line in lines[:-1]} == {before}
    assert lines[-1]["summary"]["ruleset"]["digest"] == before and lines[-1]["summary"]["advised"] == 300
    recorded = [d for rid, d in recorder.recorded if rid == "the-stream"]
    assert recorded == [before] * 300


def test_watch_reloads_on_a_change(folder: Path) -> None:
    registry = Registry((str(folder),))
    registry.load_first()
    before = registry.current.digest
    settings = Settings(rules=(str(folder),), watch=True, watch_interval=0.2)
    with TestClient(create_app(settings, registry=registry)) as client:
        touch_version(folder, 3)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and digest(client) == before:
            time.sleep(0.1)
        assert digest(client) != before
        assert client.get("/v1/rules").json()["last_reload"]["trigger"] == "a change in the rules folders"


def test_another_workers_reload_is_followed(folder: Path, tmp_path: Path) -> None:
    from kamrules.service.watch import bump_generation

    run_dir = tmp_path / "run"
    run_dir.mkdir()
    registry = Registry((str(folder),))
    registry.load_first()
    before = registry.current.digest
    settings = Settings(rules=(str(folder),), run_dir=str(run_dir), watch_interval=0.2)
    with TestClient(create_app(settings, registry=registry)) as client:
        touch_version(folder, 4)
        bump_generation(str(run_dir))
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and digest(client) == before:
            time.sleep(0.1)
        assert digest(client) != before
