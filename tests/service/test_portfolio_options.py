"""POST /v1/portfolio takes what kam portfolio takes: a Parquet body, a CRM export with its column
map and a sectors file as form parts, the cell formats and the score basis as query parameters;
the answers are kam portfolio's."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from tests.support import AS_OF, EXAMPLES, kam
from tests.support import columnar_inputs as inputs

DAY = AS_OF.isoformat()
MAPS = EXAMPLES / "portfolio"
PARQUET = "application/vnd.apache.parquet"


def _table(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows without what differs between a CSV and a Parquet file: the row numbers (a
    Parquet record's is its position) and the error texts that quote them."""
    return [{k: v for k, v in row.items() if k not in ("row", "error.problem")} for row in data["rows"]]


def _cli_rows(tmp_path: Path, *args: str) -> list[dict[str, Any]]:
    out = tmp_path / "rows.jsonl"
    kam("portfolio", *args, "--out", str(out), "--as-of", DAY)
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def test_a_parquet_body_is_advised_as_the_same_csv(client: Any, tmp_path: Path) -> None:
    data = [row for row in inputs.rows(40, 5) if len(row) <= len(inputs.COLUMNS)]
    csv_file = inputs.write_csv(tmp_path / "p.csv", data)
    parquet = inputs.parquet(tmp_path / "p.parquet", data, typed=True)
    url = f"/v1/portfolio?as_of={DAY}"
    as_csv = client.post(url, content=csv_file.read_bytes(), headers={"Content-Type": "text/csv"})
    as_parquet = client.post(url, content=parquet.read_bytes(), headers={"Content-Type": PARQUET})
    assert as_csv.status_code == 200 and as_parquet.status_code == 200, as_parquet.text
    assert _table(as_parquet.json()) == _table(as_csv.json())
    assert as_parquet.json()["summary"]["source"] == "<body> (PARQUET)"
    # Unnamed, told by its first bytes; uploaded in a form, by its name.
    sniffed = client.post(f"/v1/portfolio?as_of={DAY}", content=parquet.read_bytes())
    assert sniffed.status_code == 200 and _table(sniffed.json()) == _table(as_csv.json())
    with parquet.open("rb") as handle:
        uploaded = client.post(f"/v1/portfolio?as_of={DAY}", files={"portfolio": ("crm.parquet", handle, "")})
    assert uploaded.status_code == 200 and uploaded.json()["summary"]["source"] == "crm.parquet (PARQUET)"


def test_a_crm_export_with_its_column_map_and_sectors(client: Any, tmp_path: Path) -> None:
    export, mapping, sectors = MAPS / "salesforce-export.csv", MAPS / "salesforce-columns.yaml", MAPS / "sectors.yaml"
    with export.open("rb") as e, mapping.open("rb") as m, sectors.open("rb") as s:
        files = {
            "portfolio": ("salesforce-export.csv", e, "text/csv"),
            "columns": ("salesforce-columns.yaml", m, "application/yaml"),
            "sectors": ("sectors.yaml", s, "application/yaml"),
        }
        answer = client.post(f"/v1/portfolio?as_of={DAY}", files=files)
    assert answer.status_code == 200, answer.text
    options = ("--columns", str(mapping), "--sectors", str(sectors))
    cli = kam("portfolio", str(export), *options, "--format", "json", "--as-of", DAY).json()
    assert answer.json()["summary"] == cli | {"source": answer.json()["summary"]["source"]}
    assert answer.json()["summary"]["source"].startswith("salesforce-export.csv (CSV")
    without = kam("portfolio", str(export), "--columns", str(mapping), "--format", "json", "--as-of", DAY).json()
    assert answer.json()["summary"]["matrices"] != without["matrices"], "the sectors file was read"
    assert answer.json()["rows"] == _cli_rows(tmp_path, str(export), *options)


def test_a_broken_column_map_is_answered_with_its_name_and_line(client: Any) -> None:
    broken = b"columns:\n  Account Name: name\n  Fatturato: business.revnue\n"
    files = {
        "portfolio": ("export.csv", (MAPS / "portfolio.csv").read_bytes(), "text/csv"),
        "columns": ("my-map.yaml", broken, "application/yaml"),
    }
    answer = client.post(f"/v1/portfolio?as_of={DAY}", files=files)
    assert answer.status_code == 400 and answer.headers["content-type"] == "application/problem+json"
    (error,) = answer.json()["errors"]
    assert error["file"] == "my-map.yaml" and error["line"] == 3 and error["code"] == "MAP010", error
    assert "business.revnue" in error["message"] and error["suggestion"] == "business.revenue"
    assert "kam-serve-" not in answer.text  # no server path


def test_cell_formats_and_scores_are_kam_portfolios_options(client: Any, tmp_path: Path) -> None:
    # A CSV whose numbers are Italian: 1.200,50 forced, as kam portfolio --decimal , --thousands . reads it.
    text = 'id,name,business.revenue,business.margin_pct\nA1,Alfa,"1.200.000,50","12,5%"\nA2,Beta,"80.000","8%"\n'
    body = text.encode("utf-8")
    query = f"as_of={DAY}&decimal=,&thousands=.&dates=dmy&scores=portfolio"
    answer = client.post(f"/v1/portfolio?{query}", content=body, headers={"Content-Type": "text/csv"})
    assert answer.status_code == 200, answer.text
    source = tmp_path / "it.csv"
    source.write_bytes(body)
    options = ("--decimal", ",", "--thousands", ".", "--dates", "dmy", "--scores", "portfolio")
    assert answer.json()["rows"] == _cli_rows(tmp_path, str(source), *options)
    assert answer.json()["rows"][0]["business.revenue"] == 1200000.5


def test_bad_options_and_forms_are_400(client: Any) -> None:
    body = (MAPS / "portfolio.csv").read_bytes()
    same = client.post(
        f"/v1/portfolio?as_of={DAY}&decimal=.&thousands=.", content=body, headers={"Content-Type": "text/csv"}
    )
    assert same.status_code == 400 and "both the decimal mark and the thousands separator" in same.json()["detail"]
    unknown = client.post("/v1/portfolio?scores=ranked", content=body, headers={"Content-Type": "text/csv"})
    assert unknown.status_code in (400, 422) and unknown.headers["content-type"] == "application/problem+json"
    twice = [
        ("portfolio", ("a.csv", io.BytesIO(body), "text/csv")),
        ("portfolio", ("b.csv", io.BytesIO(body), "text/csv")),
    ]
    answer = client.post("/v1/portfolio", files=twice)
    assert answer.status_code == 400 and "given twice" in answer.json()["detail"]
