"""Portfolio files for the columnar tests, derived from the benchmark's generated accounts with
faults (`benchmarks.faults`): the same rows as CSV with other delimiters and encodings, with bad
bytes or a stray quote (which the column-wise reader leaves to Python's csv), as a CRM export
with a column map, as XLSX, JSON Lines, YAML and Parquet."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
from pathlib import Path
from typing import Any

from benchmarks.faults import COLUMNS, faulty_rows
from benchmarks.generate import accounts

ITALIAN_STAGES = {"exploratory": "Esplorativa", "basic": "Di base", "cooperative": "Cooperativa"}


def rows(count: int, seed: int) -> list[list[str]]:
    return list(faulty_rows(count, seed))


def csv_text(data: list[list[str]], delimiter: str = ",", header: tuple[str, ...] = COLUMNS) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(data)
    return out.getvalue()


def write_csv(path: Path, data: list[list[str]], *, delimiter: str = ",", encoding: str = "utf-8") -> Path:
    path.write_bytes(csv_text(data, delimiter).encode(encoding, errors="replace"))
    return path


def with_bad_bytes(path: Path, data: list[list[str]]) -> Path:
    """UTF-8 with, in a few rows, a byte that is not UTF-8 (an error row naming its column)."""
    raw = csv_text(data).encode("utf-8").split(b"\r\n")
    for k in range(5, len(raw) - 1, 97):
        raw[k] = raw[k].replace(b",", b",\xe0", 1)
    path.write_bytes(b"\r\n".join(raw))
    return path


def with_stray_quote(path: Path, data: list[list[str]]) -> Path:
    """A quote inside a cell that is not quoted (`12" pipes`): Python's csv keeps it literally."""
    text = csv_text(data).splitlines(keepends=True)
    for k in range(3, len(text), 50):
        if text[k].count('"') == 0 and "," in text[k]:
            text[k] = text[k].replace(",", ',12" pipes ', 1)
    path.write_text("".join(text), encoding="utf-8")
    return path


def crm_export(path: Path, mapping: Path, data: list[list[str]]) -> tuple[Path, Path]:
    """The rows as an Italian CRM exports them: its own column names, `;`, decimal commas,
    stages in Italian, an extra column; and the column map that reads it."""
    names = {c: f"CRM {c}" for c in COLUMNS}
    at = {c: k for k, c in enumerate(COLUMNS)}
    out = []
    for given in data:
        row = list(given)
        for column in ("business.revenue", "business.cost_to_serve", "assessment.attractiveness"):
            k = at[column]
            if k < len(row) and row[k].replace(".", "", 1).isdigit():
                whole, _, frac = row[k].partition(".")
                row[k] = f"{int(whole):,}".replace(",", ".") + ("," + frac if frac else "")
        k = at["relationship.stage"]
        if k < len(row):
            row[k] = ITALIAN_STAGES.get(row[k], row[k])
        out.append([*row, "Giulia"] if len(row) == len(COLUMNS) else row)
    header = (*(names[c] for c in COLUMNS), "Owner")
    path.write_bytes(b"\xef\xbb\xbf" + csv_text(out, ";", header).encode("utf-8"))
    lines = ["columns:"] + [f"  {json.dumps(names[c])}: {c}" for c in COLUMNS]
    lines += ["values:", "  relationship.stage: " + json.dumps({v: k for k, v in ITALIAN_STAGES.items()})]
    lines += ["  plan.exists: {Sì: true}", "unmapped: keep", 'decimal: ","']
    mapping.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, mapping


def jsonl(path: Path, count: int, seed: int) -> Path:
    """Generated accounts as JSON Lines, with the faults of a hand-made file: lines that are not
    JSON or not an account, texts a CSV cell would read otherwise, blank lines."""
    rng = random.Random(seed)
    lines = []
    for facts in accounts(count, seed):
        roll = rng.random()
        if roll < 0.02:
            lines.append("not json")
        elif roll < 0.03:
            lines.append("[1, 2]")
        elif roll < 0.04:
            facts["name"] = ""
        elif roll < 0.05:
            facts.setdefault("relationship", {})["perceptions"] = "[draft] to be checked"
        elif roll < 0.06:
            facts["business"] = "big"
        elif roll < 0.07:
            facts.setdefault("business", {})["revenue"] = "1200,5"
        elif roll < 0.08:
            lines.append("")
        elif roll < 0.09:
            facts["plan"] = {"exists": rng.choice([True, False, "yes", "maybe"])}
        lines.append(json.dumps(facts, ensure_ascii=False))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def yaml_list(path: Path, count: int, seed: int) -> Path:
    import yaml

    data = accounts(count, seed)
    data[3]["business"] = {"revenue": -1}
    data[5]["id"] = data[4]["id"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _typed(column: str, cell: str) -> Any:
    if cell == "":
        return None
    if column.startswith(("business.customer_since", "business.contract_end")):
        try:
            return dt.date.fromisoformat(cell)
        except ValueError:
            return cell
    try:
        number = float(cell)
    except ValueError:
        return cell
    return int(number) if number.is_integer() and column.startswith("assessment.") else number


def xlsx(path: Path, data: list[list[str]]) -> Path:
    """The rows as a workbook: numbers as numbers, dates as dates, the rest as text."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("accounts")
    sheet.append(list(COLUMNS))
    for row in data:
        sheet.append([_typed(c, v) for c, v in zip(COLUMNS, row, strict=False)] + row[len(COLUMNS) :])
    book.save(path)
    return path


def parquet(path: Path, data: list[list[str]], *, typed: bool) -> Path:
    """The (not blank) rows as Parquet: every cell as text, or numbers and dates typed."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    kept = [row + [""] * (len(COLUMNS) - len(row)) for row in data if any(c.strip() for c in row)]
    kept = [row[: len(COLUMNS)] for row in kept]
    columns = {}
    for k, column in enumerate(COLUMNS):
        values = [row[k] or None for row in kept]
        if typed:
            converted = [_typed(column, v) if v is not None else None for v in values]
            try:
                columns[column] = pa.array(converted)
                continue
            except (pa.ArrowInvalid, pa.ArrowTypeError):
                pass
        columns[column] = pa.array(values, pa.string())
    pq.write_table(pa.table(columns), path)
    return path
