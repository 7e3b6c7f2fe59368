"""POST /v1/advise answers as `kam advise` does: the same JSON, the same error codes, fields and
locations (as problem+json), batches streamed with every row answered in place."""

from __future__ import annotations

import json
from typing import Any

from tests.support import AS_OF, EXAMPLES, kam

DAY = AS_OF.isoformat()
STAR = EXAMPLES / "accounts" / "star.yaml"
PORTFOLIO = EXAMPLES / "portfolio" / "portfolio.csv"


def lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_one_account_is_the_json_of_kam_advise(client: Any) -> None:
    body = STAR.read_text(encoding="utf-8")
    answer = client.post(f"/v1/advise?as_of={DAY}", content=body, headers={"Content-Type": "application/yaml"})
    assert answer.status_code == 200
    assert answer.json() == kam("advise", str(STAR), "--format", "json", "--as-of", DAY).json()
    digest = answer.json()["ruleset"]["digest"]
    assert answer.headers["Kam-Ruleset-Digest"] == digest
    assert answer.headers["Kam-Ruleset-Version"] == answer.json()["ruleset"]["version"]


def test_a_list_is_answered_with_a_list_in_italian_with_explain(client: Any) -> None:
    accounts = [
        json.loads(json.dumps(__import__("yaml").safe_load(p.read_text()), default=str))
        for p in sorted((EXAMPLES / "accounts").glob("*.yaml"))
    ]
    answer = client.post(
        f"/v1/advise?as_of={DAY}&explain=true", json=accounts, headers={"Accept-Language": "it-IT, en;q=0.5"}
    )
    assert answer.status_code == 200
    files = [str(p) for p in sorted((EXAMPLES / "accounts").glob("*.yaml"))]
    expected = kam("advise", *files, "--format", "json", "--as-of", DAY, "--lang", "it", "--explain").json()
    assert answer.json() == expected
    assert all(a["lang"] == "it" and a["why_not"] is not None for a in answer.json())


def test_text_is_the_text_output(client: Any) -> None:
    body = STAR.read_text(encoding="utf-8")
    answer = client.post(
        f"/v1/advise?as_of={DAY}", content=body, headers={"Content-Type": "application/yaml", "Accept": "text/plain"}
    )
    assert answer.status_code == 200
    assert answer.text == kam("advise", str(STAR), "--format", "text", "--as-of", DAY).stdout


def test_invalid_facts_are_the_cli_problems_located(client: Any) -> None:
    body = '{"id": "X", "name": "Y",\n "business": {"revenue": -5, "share_of_wallet": 1.4}}'
    answer = client.post(f"/v1/advise?as_of={DAY}", content=body, headers={"Content-Type": "application/json"})
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()
    assert problem["type"].endswith("#problem-invalid-facts") and problem["status"] == 422
    assert problem["request_id"] == answer.headers["X-Request-ID"]
    cli = kam("advise", "-", "--as-of", DAY, stdin=body).stderr
    for error in problem["errors"]:
        where = f"<stdin>:{error['line']}:{error['column']}: {error['path']}: {error['code']} {error['message']}"
        assert where in cli
    assert {e["path"] for e in problem["errors"]} == {"business.revenue", "business.share_of_wallet"}


def test_unreadable_yaml_is_400_with_line_and_column(client: Any) -> None:
    body = "id: X\nname: [unclosed\n"
    answer = client.post("/v1/advise", content=body, headers={"Content-Type": "application/yaml"})
    assert answer.status_code == 400
    error = answer.json()["errors"][0]
    cli = kam("advise", "-", stdin=body).stderr
    assert error["code"] in cli and f"<stdin>:{error['line']}" in cli
    assert "Traceback" not in answer.text


def test_csv_batch_streams_every_row_in_place(client: Any) -> None:
    rows = PORTFOLIO.read_text(encoding="utf-8").splitlines()
    header, good = rows[0], rows[1:]
    bad = ",".join(["BAD-1", "Broken", *[""] * (header.count(","))][: header.count(",") + 1])
    columns = header.split(",")
    cells = bad.split(",")
    cells[columns.index("business.revenue")] = "-10"
    body = "\n".join([header, good[0], ",".join(cells), *good[1:]]) + "\n"
    answer = client.post(f"/v1/advise?as_of={DAY}", content=body, headers={"Content-Type": "text/csv"})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/x-ndjson")
    out = lines(answer.text)
    summary = out.pop()["summary"]
    assert summary["rows"] == len(good) + 1 and summary["rejected"] == 1 and summary["advised"] == len(good)
    assert [o["row"] for o in out] == list(range(2, len(good) + 3))  # spreadsheet rows, header is row 1
    broken = out[1]
    assert broken["row"] == 3 and broken["line"] == 3
    error = broken["problem"]["errors"][0]
    assert error["path"] == "business.revenue" and error["code"].startswith("FACT") and error["line"] == 3
    cli = kam("advise", str(PORTFOLIO), "--format", "json", "--as-of", DAY).json()
    assert [o["advice"] for o in out if "advice" in o] == cli


def test_json_lines_batch_keeps_a_broken_line(client: Any) -> None:
    body = '{"id": "A", "name": "Alpha"}\n{"id": "B", "name": \n{"id": "C", "name": "Gamma"}\n'
    answer = client.post(f"/v1/advise?as_of={DAY}", content=body, headers={"Content-Type": "application/x-ndjson"})
    out = lines(answer.text)
    assert [o.get("row") for o in out[:-1]] == [1, 2, 3]
    assert out[0]["advice"]["account"]["id"] == "A" and out[2]["advice"]["account"]["id"] == "C"
    assert out[1]["problem"]["errors"][0]["line"] == 2
    assert out[-1]["summary"]["rejected"] == 1


def test_format_told_from_content_without_content_type(client: Any) -> None:
    body = '{"id": "A", "name": "Alpha"}\n{"id": "B", "name": "Beta"}\n'
    answer = client.post("/v1/advise", content=body.encode(), headers={"Content-Type": "application/octet-stream"})
    assert answer.status_code == 200 and len(lines(answer.text)) == 3


def test_bad_parameters_are_400_problems(client: Any) -> None:
    for query in ("lang=fr", "as_of=27/11/2026", "explain=maybe"):
        answer = client.post(f"/v1/advise?{query}", json={"id": "A", "name": "B"})
        assert answer.status_code == 400, query
        assert answer.json()["errors"][0]["path"].startswith("query.")


def test_unsupported_and_unacceptable_media(client: Any) -> None:
    assert client.post("/v1/advise", content=b"x", headers={"Content-Type": "image/png"}).status_code == 415
    answer = client.post("/v1/advise", json={"id": "A", "name": "B"}, headers={"Accept": "image/png"})
    assert answer.status_code == 406 and answer.json()["type"].endswith("not-acceptable")


def test_an_internal_error_is_a_500_problem_without_traceback(client: Any, monkeypatch: Any) -> None:
    engine = client.app.state.services.registry.current.engine

    def boom(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(engine, "advise", boom)
    answer = client.post("/v1/advise", json={"id": "A", "name": "B"}, headers={"X-Request-ID": "trace-me-1"})
    assert answer.status_code == 500
    assert answer.json()["request_id"] == "trace-me-1" == answer.headers["X-Request-ID"]
    assert "Traceback" not in answer.text and "secret internals" not in answer.text
    stream = client.post(
        "/v1/advise",
        content='{"id": "A", "name": "B"}\n{"id": "C", "name": "D"}\n',
        headers={"Content-Type": "application/x-ndjson"},
    )
    assert [o["problem"]["status"] for o in lines(stream.text)[:-1]] == [500, 500]


def test_every_answer_has_a_request_id(client: Any) -> None:
    for answer in (
        client.get("/healthz"),
        client.get("/nowhere"),
        client.post("/v1/advise", content=b"{", headers={"Content-Type": "application/json"}),
        client.get("/healthz", headers={"X-Request-ID": "<script>"}),
    ):
        assert answer.headers.get("X-Request-ID"), answer.url
    assert client.get("/healthz", headers={"X-Request-ID": "<script>"}).headers["X-Request-ID"] != "<script>"
    assert client.get("/nowhere").json()["status"] == 404
