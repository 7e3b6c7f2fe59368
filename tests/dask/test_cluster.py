"""kamrules on a real Dask cluster on this machine: a LocalCluster of two worker processes (one
thread each), bound to 127.0.0.1, shared by this module's tests and closed at its end.

The cluster's rows equal the single-process columnar run's, row for row (100,000 generated
accounts); a worker killed in the middle of a run leaves every row written exactly once; a piece
with bad rows reports them with their file and row number; a rule base edited between two runs
is the one the second run uses."""

from __future__ import annotations

import contextlib
import csv
import json
import os
import shutil
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import kamrules.dask
from kamrules.batch.portfolio.run import ColumnarRun
from kamrules.dask.run import ClusterRun
from kamrules.dask.sources import pieces
from kamrules.dask.tasks import Output, PieceResult
from kamrules.portfolio.run import Request
from tests.support import AS_OF, EXAMPLES, kam
from tests.support import columnar_inputs as inputs
from tests.support.dask import from_pandas, single, summary_but_source, without
from tests.support.portfolios import generate

pytestmark = pytest.mark.slow

distributed = pytest.importorskip("distributed")
dd = pytest.importorskip("dask.dataframe")

PORTFOLIO = EXAMPLES / "portfolio" / "portfolio.csv"


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    with (
        distributed.LocalCluster(
            n_workers=2,
            processes=True,
            threads_per_worker=1,
            host="127.0.0.1",
            dashboard_address=None,  # no bokeh needed, no port opened for it
            silence_logs=50,
        ) as local,
        distributed.Client(local) as client,
    ):
        yield client


@pytest.fixture(scope="module")
def accounts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """100,000 generated accounts, in four Parquet files of 25,000 (row groups of 5,000), and
    the same rows in one file."""
    folder = tmp_path_factory.mktemp("accounts")
    table = pa.Table.from_pylist(generate(100_000, seed=17))
    pq.write_table(table, folder / "all.parquet", row_group_size=5_000)
    (folder / "parts").mkdir()
    for k in range(4):
        pq.write_table(table.slice(k * 25_000, 25_000), folder / "parts" / f"p{k}.parquet", row_group_size=5_000)
    return folder


def test_a_hundred_thousand_accounts_as_on_one_machine(cluster: Any, accounts: Path, tmp_path: Path) -> None:
    want, summary = single(accounts / "all.parquet")
    # The Python API: a Dask DataFrame in, a Dask DataFrame out, numbered as the file.
    ddf = dd.read_parquet(accounts / "all.parquet", split_row_groups=4)  # partitions of 20,000 rows
    got = from_pandas(kamrules.dask.advise(ddf, as_of=AS_OF).compute(), want.schema)
    assert got.num_rows == 100_000
    assert got.equals(want)
    # The command: four files (their own row numbers), written by the workers as a dataset.
    out = tmp_path / "advice"
    args = ("portfolio", accounts / "parts" / "*.parquet", "--scheduler", cluster.scheduler.address)
    code, stdout, stderr = kam(*args, "--as-of", AS_OF.isoformat(), "--out", f"{out}/", "--format", "json")
    assert code == 0, stderr
    assert sorted(p.name for p in out.iterdir()) == [f"part-{k:05d}.parquet" for k in range(4)]
    dataset = pq.read_table(sorted(out.iterdir())).combine_chunks()
    assert without(dataset, "row").equals(without(want, "row"))
    assert summary_but_source(json.loads(stdout)) == summary_but_source(summary)


def test_a_worker_killed_in_the_middle_of_a_run_loses_no_row(cluster: Any, accounts: Path, tmp_path: Path) -> None:
    job = ColumnarRun(Request(str(accounts / "parts"), AS_OF))
    found = pieces(str(accounts / "parts"), piece_rows=5_000)  # 20 pieces: work for both workers
    assert len(found) == 20
    killed: list[int] = []
    followed: list[tuple[int, int]] = []

    def kill_one(done: int, total: int) -> None:
        followed.append((done, total))
        if killed:
            return
        victim = sorted(cluster.scheduler_info()["workers"])[0]
        killed.append(cluster.run(os.getpid, workers=[victim])[victim])
        os.kill(killed[0], signal.SIGKILL)  # the worker process dies at once, its tasks and results with it

    out = tmp_path / "advice"
    out.mkdir()
    received: list[int] = []

    def on_result(result: PieceResult) -> None:
        received.append(result.index)

    ClusterRun(job, cluster).run(found, Output("dataset", folder=str(out)), on_result, "parts", progress=kill_one)
    assert killed and not _alive(killed[0])
    assert received == list(range(20))  # every piece once, in order
    assert followed[-1] == (100_000, 100_000) and len(followed) == 20  # the progress: each piece once
    assert [d for d, _ in followed] == sorted({d for d, _ in followed})
    dataset = pq.read_table(sorted(out.glob("part-*.parquet")))
    ids = dataset.column("id").to_pylist()
    assert len(ids) == len(set(ids)) == 100_000  # every row exactly once
    assert not list(out.glob(".*"))  # no part left half-written
    cluster.wait_for_workers(2, timeout=60)  # the nanny restarted the killed one for the next tests


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_bad_rows_are_reported_with_their_file_and_row(cluster: Any, tmp_path: Path) -> None:
    data = inputs.rows(1_500, 4)
    at = inputs.COLUMNS.index("id")
    good = [[*row[:at], f"A-{k}", *row[at + 1 :]] for k, row in enumerate(data[1_000:])]
    good = [row for row in good if len(row) == len(inputs.COLUMNS) and all(row)]  # ids of their own
    inputs.write_csv(tmp_path / "a.csv", good)
    inputs.write_csv(tmp_path / "b.csv", data[:1_000])  # the faults: this file's rows
    # One machine, on the same file, reports the same error rows.
    want_err = kam("portfolio", tmp_path / "b.csv", "--as-of", AS_OF.isoformat()).stderr
    scheduler = ("--scheduler", cluster.scheduler.address, "--as-of", AS_OF.isoformat())
    code, stdout, stderr = kam("portfolio", tmp_path / "*.csv", *scheduler, "--out", tmp_path / "o.csv", "--raw-cells")
    assert code == 2
    assert f"{tmp_path / 'b.csv'}:" in stderr and f"{tmp_path / 'a.csv'}:" not in stderr
    reported = [line for line in stderr.splitlines() if line.startswith(str(tmp_path))]
    assert reported == [line for line in want_err.splitlines() if line.startswith(str(tmp_path))]
    assert reported and all(": row " in line for line in reported)
    with (tmp_path / "o.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(good) + 1_000 - _blank(data[:1_000])
    errors = [r for r in rows if r["status"] == "error"]
    assert errors and f"kam: {len(errors)} rows could not be advised" in stderr
    assert stderr.splitlines()[-1] == want_err.splitlines()[-1]  # the count, as one machine says it
    assert f"Rows rejected: {len(errors)}" in stdout


def _blank(data: list[list[str]]) -> int:
    return sum(1 for row in data if not any(c.strip() for c in row))


def test_a_rule_base_edited_between_two_runs_is_picked_up(cluster: Any, tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    (rules / "portfolio").mkdir(parents=True)
    manifest = "kind: manifest\nname: ours\nversion: '1'\nextends: builtin\n"
    (rules / "kamrules.yaml").write_text(manifest, encoding="utf-8")
    (rules / "portfolio" / "kamrules.yaml").write_text(manifest + "input: portfolio_account\n", encoding="utf-8")
    overrides = rules / "portfolio" / "overrides.yaml"

    def margin_class(threshold: str) -> str:
        overrides.write_text(f"kind: overrides\nparameters: {{margin_class_1_from: {threshold}}}\n", encoding="utf-8")
        out = tmp_path / f"o-{threshold.rstrip('%')}.csv"
        args = ("--rules", rules, "--scheduler", cluster.scheduler.address, "--as-of", AS_OF.isoformat())
        code, _, stderr = kam("portfolio", PORTFOLIO, *args, "--out", out, "--raw-cells")
        assert code == 0, stderr
        with out.open(encoding="utf-8-sig", newline="") as handle:
            return next(r["margin_class"] for r in csv.DictReader(handle) if r["id"] == "IT-0043")

    assert margin_class("40%") == "2"  # 31 % margin: class 1 starts at 40 %
    assert margin_class("30%") == "1"  # edited: the workers load the new rule base
    with contextlib.suppress(FileNotFoundError):
        shutil.rmtree(rules)


def test_one_file_gives_one_machines_bytes(cluster: Any, tmp_path: Path) -> None:
    options = ("--as-of", AS_OF.isoformat(), "--sectors", EXAMPLES / "portfolio" / "sectors.yaml")
    scheduler = ("--scheduler", cluster.scheduler.address)
    for extra in (("--format", "jsonl"), ("--format", "csv"), ("--format", "csv", "--raw-cells")):
        want = kam("portfolio", PORTFOLIO, *options, *extra)
        got = kam("portfolio", PORTFOLIO, *options, *scheduler, *extra)
        assert (got.exit_code, got.stdout, got.stderr) == (want.exit_code, want.stdout, want.stderr), extra
    for headers in ("labels", "names"):  # the workbook as one machine writes it, headers included
        want_book, got_book = tmp_path / f"want-{headers}.xlsx", tmp_path / f"got-{headers}.xlsx"
        assert kam("portfolio", PORTFOLIO, *options, "--out", want_book, "--xlsx-headers", headers).exit_code == 0
        got = kam("portfolio", PORTFOLIO, *options, *scheduler, "--out", got_book, "--xlsx-headers", headers)
        assert got.exit_code == 0, got.stderr
        assert _sheet_values(got_book) == _sheet_values(want_book)
    want_table, _ = single(PORTFOLIO, sectors=str(EXAMPLES / "portfolio" / "sectors.yaml"))
    code, stdout, stderr = kam("portfolio", PORTFOLIO, *options, *scheduler, "--out", tmp_path / "o.parquet")
    assert code == 0, stderr
    assert pq.read_table(tmp_path / "o.parquet").equals(want_table)
    assert "Accounts advised: 12" in stdout


def test_a_crm_export_read_in_its_own_formats_as_on_one_machine(cluster: Any, tmp_path: Path) -> None:
    """A Salesforce export (1.200.000,00 and dd/mm/yyyy, detected, or forced by the options)
    through its column map, with a plan: the rows, the notes on how its cells were read, the
    summary (effort shares, plan progress) as one machine gives them."""
    export = EXAMPLES / "portfolio" / "salesforce-export.csv"
    rossi = "0015g00000AbC01AAE"  # the export's id of the account the example plan is about
    plan = (EXAMPLES / "plans" / "rossi-meccanica.plan.yaml").read_text(encoding="utf-8")
    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / f"{rossi}.yaml").write_text(plan.replace("id: IT-0042", f"id: {rossi}"), encoding="utf-8")
    options = (
        *("--as-of", AS_OF.isoformat(), "--plans", tmp_path / "plans"),
        *("--columns", EXAMPLES / "portfolio" / "salesforce-columns.yaml"),
    )
    scheduler = ("--scheduler", cluster.scheduler.address)
    for extra in (
        ("--format", "jsonl"),
        ("--format", "csv"),
        ("--format", "csv", "--raw-cells"),
        ("--format", "json"),
        ("--format", "jsonl", "--dates", "mdy"),
    ):
        want = kam("portfolio", export, *options, *extra)
        got = kam("portfolio", export, *options, *scheduler, *extra)
        assert (got.exit_code, got.stdout, got.stderr) == (want.exit_code, want.stdout, want.stderr), extra
    summary = kam("portfolio", export, *options, *scheduler, "--format", "json")
    assert "dates are read day first" in summary.stderr
    assert [a["id"] for a in summary.json()["plans_progress"]["accounts"]] == [rossi]
    assert summary.json()["effort"]["allocated"] == 4


def _sheet_values(path: Path) -> list[list[list[object]]]:
    """Every sheet's cell values, row by row (the files' own timestamps aside)."""
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    try:
        return [[list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets]
    finally:
        book.close()


def test_the_same_run_again_on_one_client(cluster: Any) -> None:
    """The same job run several times on one client: each run's shipment and effort totals
    are scattered under a key of their own. Under their content's hash, the second run reused
    the key the first was releasing, and failed with "lost dependencies" (distributed issue
    8576)."""
    job = ColumnarRun(Request(str(PORTFOLIO), AS_OF))
    want, _ = single(PORTFOLIO)
    for _ in range(4):
        tables: list[pa.RecordBatch] = []
        ClusterRun(job, cluster).run(pieces(str(PORTFOLIO)), Output("table"), _keep(tables))
        assert pa.Table.from_batches(tables, schema=want.schema).equals(want)


def _keep(tables: list[pa.RecordBatch]) -> Any:
    def on_result(result: PieceResult) -> None:
        tables.extend(result.tables)

    return on_result


@pytest.mark.parametrize("kind", ["csv", "jsonl"])
def test_a_large_file_cut_in_pieces_gives_one_machines_bytes(
    cluster: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    """A file past the threshold (lowered here) is cut into ranges that both workers read: the
    rows, the error rows with their row and line numbers, the duplicates named by their first
    row, the count of rows rejected, as one machine gives them, byte for byte."""
    if kind == "csv":
        data = inputs.rows(3_000, 23)  # faults: bad cells, short and long rows, blanks, duplicates
        # Without its cells holding line breaks, which no cut may split (the next test's).
        data = [row for row in data if not any("\n" in c or "\r" in c for c in row)]
        path = inputs.write_csv(tmp_path / "big.csv", data)
    else:
        path = inputs.jsonl(tmp_path / "big.jsonl", 3_000, 23)
    monkeypatch.setattr("kamrules.dask.split.SPLIT_BYTES", path.stat().st_size // 5 + 1)
    found = pieces(str(path))
    assert len(found) == 5 and all(p.cut is not None for p in found)  # ranges of about a fifth
    options = ("--as-of", AS_OF.isoformat())
    for extra in (("--format", "csv"), ("--format", "jsonl")):
        want = kam("portfolio", path, *options, *extra)
        got = kam("portfolio", path, *options, "--scheduler", cluster.scheduler.address, *extra)
        assert want.exit_code == 2 and ": row " in want.stderr  # the file has error rows
        assert (got.exit_code, got.stdout, got.stderr) == (want.exit_code, want.stdout, want.stderr), extra
    want = kam("portfolio", path, *options, "--format", "json")
    got = kam("portfolio", path, *options, "--scheduler", cluster.scheduler.address, "--format", "json")
    assert got.json() == want.json()  # the summary too: one file, named as one machine names it


def test_a_large_file_that_cannot_be_cut_is_read_whole_saying_why(
    cluster: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cell holding a line break: no cut may split its record, so the file is one piece,
    and standard error says so before the rows' messages, which are one machine's."""
    path = inputs.write_csv(tmp_path / "big.csv", inputs.rows(1_500, 29))  # some cells hold line breaks
    monkeypatch.setattr("kamrules.dask.split.SPLIT_BYTES", path.stat().st_size // 4)
    options = ("--as-of", AS_OF.isoformat(), "--format", "csv")
    want = kam("portfolio", path, *options)
    got = kam("portfolio", path, *options, "--scheduler", cluster.scheduler.address)
    said, _, rest = got.stderr.partition("\n")
    assert said.startswith(
        f"kam: {path}: read whole by one worker, not cut in pieces: a quoted cell holds a line break"
    )
    assert (got.exit_code, got.stdout, rest) == (want.exit_code, want.stdout, want.stderr)


def test_an_id_given_in_two_files_is_named_with_both(cluster: Any, tmp_path: Path) -> None:
    """The later row of an id names the file of its first row when that is another file (each
    file is numbered on its own); a duplicate within one file reads as on one machine."""
    header, first, second, *_ = PORTFOLIO.read_text(encoding="utf-8").splitlines(keepends=True)
    shutil.copy(PORTFOLIO, tmp_path / "a.csv")
    own = "ZZ-0001" + first[first.index(",") :]  # an id of b.csv's own, given twice there
    (tmp_path / "b.csv").write_text(header + second + first + own + own, encoding="utf-8")
    args = ("--scheduler", cluster.scheduler.address, "--as-of", AS_OF.isoformat(), "--format", "csv")
    code, stdout, stderr = kam("portfolio", tmp_path / "*.csv", *args)
    assert code == 2
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    one, two = (line[: line.index(",")] for line in (first, second))
    reported = [line for line in stderr.splitlines() if line.startswith(str(tmp_path))]
    assert reported == [
        f"{b}:2: row 2, column id: ROW001 duplicate id {two!r} in {b}: row 3 of {a} has the same id",
        f"{b}:3: row 3, column id: ROW001 duplicate id {one!r} in {b}: row 2 of {a} has the same id",
        f"{b}:5: row 5, column id: ROW001 duplicate id 'ZZ-0001': row 4 has the same id",
    ]
    rows = list(csv.DictReader(stdout.splitlines()))
    assert [r["status"] == "error" for r in rows[-4:]] == [True, True, False, True] and len(rows) == 16


def test_the_ranges_of_a_cut_file_are_dealt_round_the_workers(cluster: Any, tmp_path: Path) -> None:
    """Every range of a file shares its formats, held by one worker: left to Dask's placement
    (a task goes where its inputs are), every range ran there."""
    path = inputs.write_csv(tmp_path / "big.csv", _no_breaks_in_cells(inputs.rows(2_000, 31)))
    found = pieces(str(path), split_bytes=path.stat().st_size // 4 + 1)
    assert len(found) == 4
    with distributed.get_task_stream(cluster) as stream:
        ClusterRun(ColumnarRun(Request(str(path), AS_OF)), cluster).run(found, Output("none"), lambda r: None)
    for task in ("scan_piece", "advise_piece"):
        workers = {t["worker"] for t in stream.data if str(t["key"]).startswith((task, f"('{task}"))}
        assert len(workers) == 2, task


def _no_breaks_in_cells(data: list[list[str]]) -> list[list[str]]:
    return [row for row in data if not any("\n" in c or "\r" in c for c in row)]
