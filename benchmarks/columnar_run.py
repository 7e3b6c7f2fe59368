"""The columnar portfolio run as `kam portfolio FILE --out OUT` will run it once wired (issue 16):
`python -m benchmarks.columnar_run FILE --out OUT [--jobs N] [--as-of DATE] [--sectors F]`.

The benchmark times it in a fresh process, as it times `kam portfolio`; it is also the smallest
example of how a caller drives `kamrules.batch.portfolio.run.ColumnarRun`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys


def main(argv: list[str] | None = None) -> int:
    from kamrules.batch.portfolio.run import ColumnarRun
    from kamrules.batch.readers import BATCH_ROWS, open_batches
    from kamrules.batch.writers import batch_writer, encoder, format_of
    from kamrules.portfolio.run import Request
    from kamrules.portfolio.summary import render_summary

    parser = argparse.ArgumentParser(prog="python -m benchmarks.columnar_run")
    parser.add_argument("file")
    parser.add_argument("--out", required=True)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date.today())
    parser.add_argument("--sectors")
    parser.add_argument("--columns")
    parser.add_argument("--batch-rows", type=int, default=BATCH_ROWS)
    args = parser.parse_args(argv)
    request = Request(args.file, args.as_of, sectors=args.sectors, columns=args.columns, jobs=args.jobs)
    job = ColumnarRun(request)
    fmt = format_of(args.out, None) or "csv"
    rejected = 0
    with open_batches(args.file, size=args.batch_rows) as source, batch_writer(args.out, fmt, job.schema) as out:
        encode = encoder(fmt)

        def write(result: object) -> None:
            nonlocal rejected
            out.write(result.table, result.encoded)  # type: ignore[attr-defined]
            rejected += len(result.errors)  # type: ignore[attr-defined]

        outcome = job.run(source, write, encode=encode, keep_table=encode is None)
    sys.stdout.write(render_summary(outcome))
    return 2 if rejected else 0


if __name__ == "__main__":
    raise SystemExit(main())
