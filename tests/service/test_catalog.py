"""Portfolio, plans, profiles, schemas: the same answers as the commands that compute them."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from tests.support import AS_OF, EXAMPLES, kam

DAY = AS_OF.isoformat()
PORTFOLIO = EXAMPLES / "portfolio" / "portfolio.csv"
STAR = EXAMPLES / "accounts" / "star.yaml"


def test_portfolio_summary_and_table_are_kam_portfolios(client: Any, tmp_path: Path) -> None:
    with PORTFOLIO.open("rb") as handle:
        answer = client.post(f"/v1/portfolio?as_of={DAY}", files={"portfolio": ("portfolio.csv", handle, "text/csv")})
    assert answer.status_code == 200
    data = answer.json()
    cli = kam("portfolio", str(PORTFOLIO), "--format", "json", "--as-of", DAY).json()
    assert data["summary"] == cli | {"source": data["summary"]["source"]}
    assert data["summary"]["source"].startswith("portfolio.csv (CSV")
    rows = tmp_path / "rows.jsonl"
    kam("portfolio", str(PORTFOLIO), "--out", str(rows), "--as-of", DAY)
    expected = [json.loads(line) for line in rows.read_text().splitlines()]
    assert data["rows"] == expected and data["columns"] == list(expected[0])


def test_portfolio_html_report_and_xlsx(client: Any) -> None:
    body = PORTFOLIO.read_bytes()
    html = client.post(
        f"/v1/portfolio?as_of={DAY}", content=body, headers={"Content-Type": "text/csv", "Accept": "text/html"}
    )
    assert (html.status_code == 200 and html.text.startswith("<!doctype html")) or "<html" in html.text[:200]
    assert "&lt;body&gt;" in html.text and "kam-serve-" not in html.text  # the body's name, escaped; no server path
    assert "default-src 'none'" in html.headers["Content-Security-Policy"]
    xlsx_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = client.post(
        f"/v1/portfolio?as_of={DAY}", content=body, headers={"Content-Type": "text/csv", "Accept": xlsx_type}
    )
    assert book.status_code == 200 and book.content[:2] == b"PK"
    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(book.content), read_only=True).active
    assert sheet is not None
    assert sum(1 for _ in sheet.iter_rows()) == len(PORTFOLIO.read_text().splitlines())


def test_portfolio_errors_name_the_uploaded_file(client: Any) -> None:
    answer = client.post("/v1/portfolio", files={"portfolio": ("crm.csv", b"", "text/csv")})
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["file"] == "crm.csv" and "kam-serve-" not in answer.text
    hostile = client.post("/v1/portfolio", files={"portfolio": ("../../<x>.csv", b"", "text/csv")})
    assert hostile.status_code == 400 and "<x>" not in hostile.text and ".." not in hostile.json()["errors"][0]["file"]


def test_plan_draft_is_kam_plan_new(client: Any) -> None:
    body = STAR.read_text(encoding="utf-8")
    answer = client.post(f"/v1/plans/draft?as_of={DAY}", content=body, headers={"Content-Type": "application/yaml"})
    assert answer.status_code == 200
    assert answer.json() == kam("plan", "new", str(STAR), "--format", "json", "--as-of", DAY).json() | {
        "account": answer.json()["account"]
    }
    assert answer.json()["account"]["id"] == "IT-0233"
    as_yaml = client.post(
        f"/v1/plans/draft?as_of={DAY}",
        content=body,
        headers={"Content-Type": "application/yaml", "Accept": "application/yaml"},
    )
    assert as_yaml.status_code == 200 and as_yaml.text.startswith(("#", "kind", "plan", "account"))


def test_plan_check_is_kam_plan_check(client: Any) -> None:
    plans = sorted((EXAMPLES / "plans").glob("*.plan.yaml"))
    plan = plans[0]
    cli = kam("plan", "check", str(plan), "--format", "json", "--as-of", DAY, "--fail-on", "never")
    files = {"plan": (plan.name, plan.read_bytes(), "application/yaml")}
    account_file = cli.json()["plan"]
    answer = client.post(f"/v1/plans/check?as_of={DAY}", files=files)
    if answer.status_code == 400:  # the plan names its account file: send it along, as a part
        assert answer.json()["errors"][0]["code"] == "PLAN008"
        named = json.loads(json.dumps(__import__("yaml").safe_load(plan.read_text()), default=str))["account"]["file"]
        account = (plan.parent / named).resolve()
        files["account"] = (account.name, account.read_bytes(), "application/yaml")
        answer = client.post(f"/v1/plans/check?as_of={DAY}", files=files)
    assert answer.status_code == 200, answer.text
    data = answer.json()
    assert account_file.endswith(data["plan"])
    assert data | {"plan": cli.json()["plan"]} == cli.json()


def test_bad_plan_is_a_located_problem(client: Any) -> None:
    answer = client.post(
        "/v1/plans/check", content="kind: plan\naccount: [\n", headers={"Content-Type": "application/yaml"}
    )
    assert answer.status_code in (400, 422)
    assert answer.json()["errors"][0]["line"] and answer.json()["errors"][0]["file"] == "<body>"


def test_profiles_and_schemas_are_the_commands(client: Any) -> None:
    assert client.get("/v1/profiles?lang=it").json() == kam("profiles", "--format", "json", "--lang", "it").json()
    for kind in ("account", "advice", "plan"):
        assert client.get(f"/v1/schema/{kind}").json() == kam("schema", kind).json()
    assert client.get("/v1/schema/ruleset").status_code == 404


def test_openapi_documents_every_route(client: Any) -> None:
    spec = client.get("/openapi.json").json()
    paths = set(spec["paths"])
    expected = {"/v1/advise", "/v1/portfolio", "/v1/plans/draft", "/v1/plans/check", "/v1/profiles"}
    expected |= {"/v1/schema/{kind}", "/v1/rules", "/v1/rules/reload", "/healthz", "/readyz", "/metrics"}
    assert expected <= paths
    assert "Problem" in spec["components"]["schemas"] and "AccountFacts" in spec["components"]["schemas"]


def test_metrics_count_requests_advice_and_the_rule_base(client: Any) -> None:
    client.post("/v1/advise", content=STAR.read_text(), headers={"Content-Type": "application/yaml"})
    client.post("/v1/advise", json={"id": 1})
    text = client.get("/metrics").text
    assert 'kamrules_http_requests_total{method="POST",route="/v1/advise",status="200"}' in text
    assert 'kamrules_advice_total{profile="star",tier="potential_key_account"}' in text
    assert 'kamrules_http_errors_total{route="/v1/advise",status="422"}' in text
    assert "kamrules_rulebase_info{" in text and "kamrules_http_request_duration_seconds_bucket" in text
