"""The portfolio on a Dask LocalCluster against the single-process columnar run, in one run:
`python -m benchmarks.dask_cluster [--accounts N] [--files K] [--workers W] [--repeat R]`
(docs/scale.md, issue 17; needs the dask extra).

The same generated accounts (benchmarks.generate) are written once as one CSV file (the
baseline's input) and as K CSV files and K Parquet files (the cluster's: a CSV file is one task).
Timed, each the median of R runs, the cluster and the data already there:
- `single`: `ColumnarRun` in this process (`kam portfolio` on the batch engine, --jobs 1);
- `jobs W`: the same with the batch engine's own W processes;
- `dask csv` / `dask parquet`: `ClusterRun` on a LocalCluster of W worker processes (one thread
  each), the summary only (the rows stay on the workers), then with the rows written by the
  workers as a Parquet dataset folder.
Printed: wall seconds, accounts per second, per worker core, and each as a ratio of `single`.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import tempfile
import time
from pathlib import Path

from benchmarks.generate import AS_OF, CSV_COLUMNS, csv_rows
from benchmarks.timing import median_seconds


def _write(folder: Path, accounts: int, files: int) -> None:
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    rows = list(csv_rows(accounts, seed=7))
    with (folder / "all.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        writer.writerows(rows)
    (folder / "csv").mkdir()
    (folder / "parquet").mkdir()
    size = -(-accounts // files)
    for k in range(files):
        path = folder / "csv" / f"part-{k:03d}.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(CSV_COLUMNS)
            writer.writerows(rows[k * size : (k + 1) * size])
        options = pacsv.ConvertOptions(column_types=dict.fromkeys(CSV_COLUMNS, pa.string()))
        table = pacsv.read_csv(path, convert_options=options)
        pq.write_table(table, folder / "parquet" / f"part-{k:03d}.parquet", row_group_size=16_384)


def _single(path: Path, jobs: int) -> None:
    from kamrules.batch.portfolio.run import ColumnarRun
    from kamrules.batch.readers import open_batches
    from kamrules.portfolio.run import Request

    job = ColumnarRun(Request(str(path), AS_OF, jobs=jobs))
    with open_batches(path) as source:
        job.run(source, lambda result: None)


def _cluster(client: object, given: str, out: Path | None) -> None:
    from kamrules.batch.portfolio.run import ColumnarRun
    from kamrules.dask.run import ClusterRun
    from kamrules.dask.sources import pieces
    from kamrules.dask.tasks import Output
    from kamrules.portfolio.run import Request

    job = ColumnarRun(Request(given, AS_OF))
    if out is not None:
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir()
    output = Output("dataset", folder=str(out)) if out is not None else Output("none")
    ClusterRun(job, client).run(pieces(given), output, lambda result: None, given)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.dask_cluster")
    parser.add_argument("--accounts", type=int, default=200_000)
    parser.add_argument("--files", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    from distributed import Client, LocalCluster

    with tempfile.TemporaryDirectory(prefix="kam-dask-bench-") as tmp:
        folder = Path(tmp)
        _write(folder, args.accounts, args.files)
        started = time.perf_counter()
        with (
            LocalCluster(
                n_workers=args.workers,
                processes=True,
                threads_per_worker=1,
                host="127.0.0.1",
                dashboard_address=None,
                silence_logs=50,
            ) as cluster,
            Client(cluster) as client,
        ):
            up = time.perf_counter() - started
            _cluster(client, str(folder / "parquet"), None)  # the workers load the rule bases once
            runs = {
                "single (this process, --jobs 1)": lambda: _single(folder / "all.csv", 1),
                f"batch engine --jobs {args.workers}": lambda: _single(folder / "all.csv", args.workers),
                f"dask csv, {args.files} files, summary only": lambda: _cluster(client, str(folder / "csv"), None),
                f"dask parquet, {args.files} files, summary only": lambda: _cluster(
                    client, str(folder / "parquet"), None
                ),
                f"dask parquet, {args.files} files, dataset written": lambda: _cluster(
                    client, str(folder / "parquet"), folder / "out"
                ),
            }
            seconds = {name: median_seconds(run, args.repeat) for name, run in runs.items()}
    base = seconds["single (this process, --jobs 1)"]
    print(f"{args.accounts:,} accounts, {args.workers} workers (1 thread each); LocalCluster up in {up:.1f} s")
    print("| run | wall s | accounts/s | accounts/s per worker core | vs single |")
    print("|---|---:|---:|---:|---:|")
    for name, wall in seconds.items():
        cores = 1 if name.startswith("single") else args.workers
        rate = args.accounts / wall
        print(f"| {name} | {wall:.2f} | {rate:,.0f} | {rate / cores:,.0f} | {base / wall:.2f}x |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
