"""The columnar portfolio run gives what today's `kam portfolio` gives: the same output file
(CSV and JSON Lines byte for byte, XLSX cell for cell), the same error rows (number, line,
column, code, message) and the same summary, on the examples and on generated portfolios full of
faults, in every input format, in small batches (rows of one account and its duplicate fall in
different batches) and with worker processes."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import EXAMPLES
from tests.support import columnar_inputs as inputs
from tests.support.columnar import differences

PORTFOLIO = EXAMPLES / "portfolio"
SECTORS = str(PORTFOLIO / "sectors.yaml")


@pytest.mark.parametrize(
    ("name", "options"),
    [
        ("portfolio.csv", {"sectors": SECTORS}),
        ("portfolio.csv", {"sectors": SECTORS, "lang": "it", "size": 5}),
        ("portfolio.csv", {"rules": (str(EXAMPLES / "my-rules"),), "size": 4}),
        ("portfolio.yaml", {"sectors": SECTORS, "size": 2}),
        ("salesforce-export.csv", {"columns": str(PORTFOLIO / "salesforce-columns.yaml"), "sectors": SECTORS}),
        ("hubspot-export.csv", {"columns": str(PORTFOLIO / "hubspot-columns.yaml")}),
    ],
)
def test_the_examples(tmp_path: Path, name: str, options: dict[str, object]) -> None:
    assert differences(PORTFOLIO / name, tmp_path, **options) == []


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "xlsx"])
def test_every_output_format(tmp_path: Path, fmt: str) -> None:
    assert differences(PORTFOLIO / "portfolio.csv", tmp_path, fmt, sectors=SECTORS) == []


def test_a_plans_folder(tmp_path: Path) -> None:
    plans = tmp_path / "plans"
    plans.mkdir()
    for ident in ("IT-0042", "IT-0044"):
        (plans / f"{ident}.yaml").write_text(f"kind: plan\naccount: {{id: {ident}, name: X}}\n", encoding="utf-8")
    assert differences(PORTFOLIO / "portfolio.csv", tmp_path, plans=str(plans)) == []


@pytest.fixture(scope="module")
def faulty() -> list[list[str]]:
    return inputs.rows(1500, 3)


@pytest.mark.parametrize("size", [97, 16384])
def test_generated_rows_with_faults(tmp_path: Path, faulty: list[list[str]], size: int) -> None:
    path = inputs.write_csv(tmp_path / "p.csv", faulty)
    assert differences(path, tmp_path, sectors=SECTORS, size=size) == []


@pytest.mark.parametrize(
    ("delimiter", "encoding"), [(";", "utf-8"), ("\t", "utf-8"), ("|", "cp1252"), (",", "utf-8-sig")]
)
def test_delimiters_and_encodings(tmp_path: Path, faulty: list[list[str]], delimiter: str, encoding: str) -> None:
    path = inputs.write_csv(tmp_path / "p.csv", faulty[:600], delimiter=delimiter, encoding=encoding)
    assert differences(path, tmp_path, size=128) == []
    assert differences(path, tmp_path, "jsonl", size=128, encoding=encoding, delimiter=delimiter) == []


def test_bad_bytes_and_stray_quotes_go_through_pythons_reader(tmp_path: Path, faulty: list[list[str]]) -> None:
    from kamrules.batch.readers import open_batches

    for make in (inputs.with_bad_bytes, inputs.with_stray_quote):
        path = make(tmp_path / f"{make.__name__}.csv", faulty[:500])
        if make is inputs.with_bad_bytes:  # a stray quote alone: pyarrow reads it as Python's csv does
            with open_batches(path) as source:
                assert not source.columnar
        assert differences(path, tmp_path, size=64) == []


def test_a_crm_export_through_a_column_map(tmp_path: Path, faulty: list[list[str]]) -> None:
    path, mapping = inputs.crm_export(tmp_path / "crm.csv", tmp_path / "map.yaml", faulty[:800])
    assert differences(path, tmp_path, columns=str(mapping), size=100) == []
    text = mapping.read_text(encoding="utf-8")
    for unmapped in ("ignore", "error"):
        mapping.write_text(text.replace("unmapped: keep", f"unmapped: {unmapped}"), encoding="utf-8")
        assert differences(path, tmp_path, columns=str(mapping), size=300) == []


def test_json_lines_yaml_and_xlsx_inputs(tmp_path: Path, faulty: list[list[str]]) -> None:
    assert differences(inputs.jsonl(tmp_path / "p.jsonl", 700, 5), tmp_path, size=64) == []
    assert differences(inputs.yaml_list(tmp_path / "p.yaml", 60, 6), tmp_path, size=16) == []
    assert differences(inputs.xlsx(tmp_path / "p.xlsx", faulty[:400]), tmp_path, size=50) == []


@pytest.mark.slow
def test_worker_processes(tmp_path: Path, faulty: list[list[str]]) -> None:
    path = inputs.write_csv(tmp_path / "p.csv", faulty)
    assert differences(path, tmp_path, sectors=SECTORS, jobs=2, size=200) == []
    assert differences(path, tmp_path, "jsonl", jobs=2, size=700) == []


def test_empty_portfolios(tmp_path: Path) -> None:
    for name, text in (("h.csv", "id,name\n"), ("e.jsonl", ""), ("e.yaml", "[]\n")):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        assert differences(path, tmp_path) == []
