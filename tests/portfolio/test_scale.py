"""A generated 10,000-account portfolio round-trips through CSV and XLSX: every account comes
out once, in order, with its facts intact and the advice the Python API gives it; CSV and XLSX
inputs give the same advice; worker processes give the same advice as one process."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from kamrules import Engine
from tests.support import AS_OF
from tests.support.portfolios import generate, nested, write_csv, write_xlsx

N = 10_000
SAMPLE = 97  # every 97th account is checked against the Python API, field by field

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def portfolio() -> list[dict[str, Any]]:
    return generate(N)


def kam(*args: str) -> tuple[int, str, str]:
    """`kam ARGS` in this process; its exit code, standard output and standard error."""
    from click.testing import CliRunner

    from cli.main import kam as group

    result = CliRunner().invoke(group, list(args), standalone_mode=False)
    if result.exception is not None:
        raise result.exception
    return int(result.return_value or 0), result.stdout, result.stderr


@pytest.fixture(scope="module")
def csv_rows(tmp_path_factory: pytest.TempPathFactory, portfolio: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The portfolio through CSV, advised by two worker processes."""
    folder = tmp_path_factory.mktemp("csv")
    source = folder / "portfolio.csv"
    write_csv(portfolio, source)
    out = folder / "advice.csv"
    code, stdout, stderr = kam("portfolio", str(source), "--as-of", AS_OF.isoformat(), "--out", str(out), "--jobs", "2")
    assert code == 0, stderr
    assert stderr == ""  # no progress bar: standard error is not a terminal here
    assert f"Accounts advised: {N}" in stdout
    assert "TOO_MANY_KEY_ACCOUNTS" in stdout  # a generated portfolio has far more than 50
    return read_csv(out)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def read_xlsx(path: Path) -> list[dict[str, Any]]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        header = [str(h) for h in next(rows)]
        # Trailing empty cells are not stored: pad each row to the header's width.
        return [dict(zip(header, [*r, *[None] * (len(header) - len(r))], strict=True)) for r in rows]
    finally:
        book.close()


def reference_classes(portfolio: list[dict[str, Any]]) -> dict[str, str]:
    """ABC by cumulative revenue share, largest first, ties in file order."""
    total = sum(r["business.revenue"] for r in portfolio)
    ranked = sorted(enumerate(portfolio), key=lambda item: (-item[1]["business.revenue"], item[0]))
    out: dict[str, str] = {}
    running = 0
    for _, row in ranked:
        share = running / total
        out[row["id"]] = "A" if share < 0.80 else "B" if share < 0.95 else "C"
        running += row["business.revenue"]
    return out


def check(rows: list[dict[str, Any]], portfolio: list[dict[str, Any]], engine: Engine, text: bool) -> None:
    assert len(rows) == N
    assert [r["id"] for r in rows] == [p["id"] for p in portfolio]
    assert {r["status"] for r in rows} == {"ok"}
    classes = reference_classes(portfolio)
    assert all(r["revenue_class"] == classes[r["id"]] for r in rows)
    for k in range(0, N, SAMPLE):
        row, source = rows[k], portfolio[k]
        # The facts come back as they went in.
        for key in ("business.revenue", "business.margin_pct", "business.share_of_wallet", "business.growth_rate"):
            assert float(row[key]) == pytest.approx(source[key], abs=0, rel=1e-12), key
        since = row["business.customer_since"]
        assert (since if text else str(since)) == source["business.customer_since"].isoformat()
        assert row["name"] == source["name"]
        # The advice is the Python API's.
        advice = engine.advise(nested(source), as_of=AS_OF)
        assert (row["tier"] or None) == advice.tier
        assert (row["profile"] or None) == advice.profile
        assert (row["strategy"] or None) == advice.strategy
        assert (row["warnings"] or "") == "; ".join(w.code for w in advice.warnings)


def test_csv_round_trip_with_worker_processes(
    csv_rows: list[dict[str, str]], portfolio: list[dict[str, Any]], engine: Engine
) -> None:
    check(csv_rows, portfolio, engine, text=True)


def test_xlsx_round_trip_gives_the_same_advice_as_csv(
    tmp_path: Path, portfolio: list[dict[str, Any]], engine: Engine, csv_rows: list[dict[str, str]]
) -> None:
    source = tmp_path / "portfolio.xlsx"
    write_xlsx(portfolio, source)
    out = tmp_path / "advice.xlsx"
    code, _, stderr = kam(
        "portfolio", str(source), "--as-of", AS_OF.isoformat(), "--out", str(out), "--xlsx-headers", "names"
    )
    assert code == 0, stderr
    rows = read_xlsx(out)
    for row in rows:
        if isinstance(row["business.customer_since"], dt.datetime):
            row["business.customer_since"] = row["business.customer_since"].date().isoformat()
    check(rows, portfolio, engine, text=False)
    decisions = ("tier", "profile", "strategy", "revenue_quality.quadrant", "revenue_potential.quadrant")
    # (contribution.quadrant is not an output column: it is the tier, compared above.)
    decisions += ("development_penetration.quadrant", "profitability_duration.quadrant")
    for a, b in zip(rows, csv_rows, strict=True):
        assert [a[d] or "" for d in decisions] == [b[d] for d in decisions]
