"""The service and the history store together (issues 18 and 19): kam serve --record records every
advice it gives (one run per request, by api-key:NAME), and GET /v1/accounts/{id}/history and
GET /v1/changes answer what kam history and kam changes print, on SQLite and on PostgreSQL."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from kamrules.service.app import create_app
from kamrules.service.settings import Settings
from tests.support import EXAMPLES, kam
from tests.support.portfolios import generate, write_csv
from tests.support.stores import count

STRATEGIC = (EXAMPLES / "accounts" / "strategic.yaml").read_text(encoding="utf-8")
Q2 = EXAMPLES / "history" / "portfolio-2026-06.csv"
Q3 = EXAMPLES / "history" / "portfolio-2026-09.csv"
YAML = {"Content-Type": "application/yaml"}


@pytest.fixture(scope="module")
def key_file(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A keys file with crm (advise) and ops (admin only), made by kam keys add."""
    path = tmp_path_factory.mktemp("keys") / "keys.yaml"
    made: dict[str, Any] = {"file": path}
    for name, scope in (("crm", "advise"), ("ops", "admin")):
        result = kam("keys", "add", name, "--scope", scope, "--file", str(path))
        assert result.exit_code == 0, result.stderr
        made[name] = {"Authorization": f"Bearer {result.stdout.strip()}"}
    return made


@pytest.fixture
def recording(registry: Any, db_url: str, key_file: dict[str, Any]) -> Iterator[TestClient]:
    settings = Settings(api_keys=str(key_file["file"]), record=True, history_db=db_url)
    with TestClient(create_app(settings, registry=registry), raise_server_exceptions=False) as client:
        yield client


def _portfolio(client: TestClient, path: Path, as_of: str, headers: dict[str, str]) -> None:
    with path.open("rb") as handle:
        files = {"portfolio": (path.name, handle, "text/csv")}
        answer = client.post(f"/v1/portfolio?as_of={as_of}", files=files, headers=headers)
    assert answer.status_code == 200, answer.text


def test_every_advice_is_recorded_by_the_key_that_asked(
    recording: TestClient, db_url: str, key_file: dict[str, Any]
) -> None:
    crm = key_file["crm"]
    one = recording.post("/v1/advise?as_of=2026-06-30", content=STRATEGIC, headers=YAML | crm)
    assert one.status_code == 200, one.text
    again = recording.post("/v1/advise?as_of=2026-06-30", content=STRATEGIC, headers=YAML | crm)
    assert again.json() == one.json()
    _portfolio(recording, Q2, "2026-06-30", crm)
    from kamrules.store import open_store

    with open_store(db_url) as store:
        runs = store.runs()
    assert [(r.kind, r.recorded_by, r.accounts, r.as_of.isoformat() if r.as_of else None) for r in runs] == [
        ("portfolio", "api-key:crm", 12, "2026-06-30"),
        ("advise", "api-key:crm", 1, "2026-06-30"),  # the same advice twice is one run, stored once
    ]
    assert runs[0].source is not None and runs[0].source.startswith("request ")
    assert runs[0].ruleset is not None and runs[0].ruleset.name == "kamrules-builtin"
    assert count(db_url, "advices") == 13  # the YAML account is not the portfolio row of the same id: two advices
    assert 'kamrules_recorded_total{result="ok"} 3.0' in recording.get("/metrics", headers=key_file["ops"]).text


def test_a_streamed_batch_is_one_run_and_its_bad_rows_are_not_recorded(
    recording: TestClient, db_url: str, key_file: dict[str, Any], tmp_path: Path
) -> None:
    rows = generate(150)  # more than one chunk of the stream (64 rows)
    rows[7]["business.revenue"] = "-5"
    write_csv(rows, tmp_path / "batch.csv")
    body = (tmp_path / "batch.csv").read_bytes()
    answer = recording.post(
        "/v1/advise?as_of=2026-06-30", content=body, headers={"Content-Type": "text/csv"} | key_file["crm"]
    )
    assert answer.status_code == 200
    assert answer.text.splitlines()[-1].startswith('{"summary": {"rows": 150, "advised": 149, "rejected": 1')
    assert (count(db_url, "runs"), count(db_url, "advices")) == (1, 149)


def test_history_and_changes_are_what_the_commands_print(
    recording: TestClient, db_url: str, key_file: dict[str, Any]
) -> None:
    crm = key_file["crm"]
    _portfolio(recording, Q2, "2026-06-30", crm)
    _portfolio(recording, Q3, "2026-09-30", crm)
    history = recording.get("/v1/accounts/IT-0046/history", headers=crm)
    assert history.status_code == 200, history.text
    assert history.json() == kam("history", "IT-0046", "--db", db_url, "--format", "json").json()
    assert [e["causes"] for e in history.json()["entries"]] == [["first"], ["facts"]]
    since = recording.get("/v1/changes?since=2026-07-01", headers=crm)
    assert since.json() == kam("changes", "--since", "2026-07-01", "--db", db_url, "--format", "json").json()
    between = recording.get("/v1/changes?run_a=1&run_b=last", headers=crm)
    assert between.json() == kam("changes", "1", "last", "--db", db_url, "--format", "json").json()
    assert [m["account"]["id"] for m in between.json()["tier"]] == ["IT-0050", "IT-0047"]
    # The other formats, as the commands print them, in the language asked for.
    text = recording.get("/v1/changes?since=2026-07-01&lang=it", headers=crm | {"Accept": "text/plain"})
    assert text.headers["content-type"] == "text/plain; charset=utf-8"
    assert text.text == kam("changes", "--since", "2026-07-01", "--db", db_url, "--lang", "it").stdout
    table = recording.get("/v1/changes?run_a=1&run_b=2", headers=crm | {"Accept": "text/csv"}).text
    header = next(csv.reader(io.StringIO(table)))
    assert header[:3] == ["section", "account_id", "account_name"]
    markdown = recording.get("/v1/accounts/IT-0046/history?all=true", headers=crm | {"Accept": "text/markdown"})
    assert markdown.text == kam("history", "IT-0046", "--db", db_url, "--format", "markdown", "--all").stdout


@pytest.mark.parametrize(
    ("query", "status", "code", "parameter"),
    [
        ("/v1/accounts/NOPE/history", 404, "STORE008", "id"),
        ("/v1/changes?run_a=1&run_b=9", 404, "STORE007", "run_b"),
        ("/v1/changes?run_a=%C2%B2&run_b=1", 400, "STORE006", "run_a"),  # a digit to str.isdigit, not to int()
        ("/v1/changes?run_a=" + "9" * 30 + "&run_b=1", 400, "STORE006", "run_a"),  # over a BIGINT
        ("/v1/changes?run_a=" + "9" * 41 + "&run_b=1", 400, "HTTP400", "run_a"),
        ("/v1/changes?since=2026-07-01&until=2026-06-01", 400, "STORE009", "until"),
        ("/v1/changes?since=2026-13-01", 400, "HTTP400", "since"),
        ("/v1/changes", 400, "HTTP400", "since"),
        ("/v1/changes?run_a=1", 400, "HTTP400", "run_b"),
        ("/v1/changes?since=2026-07-01&run_a=1&run_b=2", 400, "HTTP400", "run_a"),
        ("/v1/changes?until=2026-07-01&run_a=1&run_b=2", 400, "HTTP400", "until"),
    ],
)
def test_bad_input_and_what_is_not_recorded_are_problems_naming_the_parameter(
    recording: TestClient, key_file: dict[str, Any], query: str, status: int, code: str, parameter: str
) -> None:
    _portfolio(recording, Q2, "2026-06-30", key_file["crm"])
    answer = recording.get(query, headers=key_file["crm"])
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    body = answer.json()
    assert [(e["code"], e["parameter"]) for e in body["errors"]] == [(code, parameter)]
    assert "history.db" not in answer.text and "postgresql" not in answer.text  # where the database is stays private
    assert body["detail"].count(body["errors"][0]["message"]) <= 1


def test_the_history_needs_the_advise_scope_and_an_acceptable_format(
    recording: TestClient, key_file: dict[str, Any]
) -> None:
    assert recording.get("/v1/changes?since=2026-07-01").status_code == 401
    assert recording.get("/v1/changes?since=2026-07-01", headers=key_file["ops"]).status_code == 403
    assert recording.get("/v1/accounts/A/history", headers=key_file["ops"]).status_code == 403
    wrong = recording.get("/v1/changes?since=2026-07-01", headers=key_file["crm"] | {"Accept": "image/png"})
    assert wrong.status_code == 406


def test_the_openapi_document_has_the_history_routes_only_when_there_is_a_history(
    recording: TestClient, client: TestClient
) -> None:
    paths = recording.get("/openapi.json").json()["paths"]
    assert set(paths["/v1/changes"]["get"]["responses"]) >= {"200", "400", "401", "403", "404", "503"}
    assert {p["name"] for p in paths["/v1/changes"]["get"]["parameters"]} == {
        "since",
        "until",
        "run_a",
        "run_b",
        "lang",
    }
    assert "/v1/accounts/{id}/history" in paths
    assert not any("history" in p or "changes" in p for p in client.get("/openapi.json").json()["paths"])
    assert client.get("/v1/changes?since=2026-07-01").status_code == 404


def test_a_recorder_that_fails_loses_no_answer(registry: Any, caplog: pytest.LogCaptureFixture) -> None:
    class Broken:
        def recording(self, **_: Any) -> Any:
            raise RuntimeError("the database went away")

    with TestClient(create_app(Settings(), registry=registry, recorder=Broken())) as client:
        answer = client.post("/v1/advise?as_of=2026-06-30", content=STRATEGIC, headers=YAML)
        assert answer.status_code == 200 and answer.json()["tier"] == "key_account"
        assert 'kamrules_recorded_total{result="failed"} 1.0' in client.get("/metrics").text
    assert "could not be recorded" in caplog.text


def test_kam_serve_refuses_a_history_it_cannot_use_and_db_alone(tmp_path: Path) -> None:
    result = kam("serve", "--record", "--db", "mysql://kam@localhost/kam")
    assert result.exit_code == 2 and result.stderr.startswith("kam: STORE001 --db: kamrules cannot keep"), result.stderr
    result = kam("serve", "--db", str(tmp_path / "h.db"))
    assert result.exit_code == 2 and "--db names the history database of --record or --history" in result.stderr
    assert not (tmp_path / "h.db").exists()


@pytest.mark.slow
def test_kam_serve_record_with_workers_records_and_answers(tmp_path: Path) -> None:
    # The settings reach every worker process (kam serve hands them down in the environment).
    import httpx

    from tests.support.services import server_process

    db = tmp_path / "history.db"
    with server_process("--record", "--db", str(db), "--workers", "2") as (base, _proc, _log):
        for _ in range(4):  # whichever worker answers
            answer = httpx.post(f"{base}/v1/advise?as_of=2026-06-30", content=STRATEGIC, headers=YAML, timeout=60)
            assert answer.status_code == 200
        history = httpx.get(f"{base}/v1/accounts/IT-0042/history", timeout=60).json()
    assert [e["recorded_by"] for e in history["entries"]] == ["service"]  # no keys: who asked is the service
    assert kam("history", "runs", "--db", str(db), "--format", "json").json()[0]["kind"] == "advise"
