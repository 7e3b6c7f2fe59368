"""One large CSV file on a Dask LocalCluster, read whole by one task against cut into byte ranges
(kamrules.dask.split): `python -m benchmarks.dask_split [--accounts N] [--workers W] [--pieces
P ...] [--repeat R]` (docs/scale.md, issue 17; needs the dask extra).

The generated accounts (benchmarks.generate) are written once as one CSV file. Timed, each the
median of R runs, the cluster up and its rule bases loaded:
- `single`: `ColumnarRun` in this process (`kam portfolio` on the batch engine, --jobs 1);
- `dask, whole`: `ClusterRun` with the file as one piece (the threshold above its size);
- `dask, P pieces`: the same file cut into P ranges (the threshold at its size / P), the client's
  scan for the cuts (`split.plan`) included, and timed alone too.
The summary only (the rows stay on the workers). Printed: wall seconds, accounts per second,
and each as a ratio of `single`.
"""

from __future__ import annotations

import argparse
import csv
import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path

from benchmarks.generate import AS_OF, CSV_COLUMNS, csv_rows
from benchmarks.timing import median_seconds


def _write(path: Path, accounts: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        writer.writerows(csv_rows(accounts, seed=7))


def _single(path: Path) -> None:
    from kamrules.batch.portfolio.run import ColumnarRun
    from kamrules.batch.readers import open_batches
    from kamrules.portfolio.run import Request

    job = ColumnarRun(Request(str(path), AS_OF))
    with open_batches(path) as source:
        job.run(source, lambda result: None)


def _cluster(client: object, path: Path, split_bytes: int, want: int) -> None:
    from kamrules.batch.portfolio.run import ColumnarRun
    from kamrules.dask.run import ClusterRun
    from kamrules.dask.sources import pieces
    from kamrules.dask.tasks import Output
    from kamrules.portfolio.run import Request

    job = ColumnarRun(Request(str(path), AS_OF))
    found = pieces(str(path), split_bytes=split_bytes)
    if len(found) != want:  # the measure would be of another cut
        raise SystemExit(f"{len(found)} pieces, not {want}: {found[0].uncut}")
    ClusterRun(job, client).run(found, Output("none"), lambda result: None)


def _plan(path: Path, split_bytes: int) -> None:
    from kamrules.dask.split import plan

    plan(str(path), str(path), None, None, None, split_bytes)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.dask_split")
    parser.add_argument("--accounts", type=int, default=120_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--pieces", type=int, nargs="+", default=[2, 4, 8])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    from distributed import Client, LocalCluster

    with tempfile.TemporaryDirectory(prefix="kam-dask-split-") as tmp:
        path = Path(tmp) / "all.csv"
        _write(path, args.accounts)
        size = path.stat().st_size
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
            _cluster(client, path, size, 1)  # the workers load the rule bases once
            runs: dict[str, Callable[[], None]] = {
                "single (this process, --jobs 1)": lambda: _single(path),
                "dask, whole (1 piece)": lambda: _cluster(client, path, size, 1),
            }
            for p in args.pieces:
                runs[f"dask, cut in {p} pieces"] = partial(_cluster, client, path, size // p + 1, p)
            seconds = {name: median_seconds(run, args.repeat) for name, run in runs.items()}
            scans = {p: median_seconds(partial(_plan, path, size // p + 1), args.repeat) for p in args.pieces}
    base = seconds["single (this process, --jobs 1)"]
    print(f"{args.accounts:,} accounts in one CSV file of {size / 1e6:.1f} MB, {args.workers} workers (1 thread each)")
    print("| run | wall s | accounts/s | vs single |")
    print("|---|---:|---:|---:|")
    for name, wall in seconds.items():
        print(f"| {name} | {wall:.2f} | {args.accounts / wall:,.0f} | {base / wall:.2f}x |")
    for p, wall in scans.items():
        print(f"the client's scan for {p} pieces (split.plan): {wall:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
