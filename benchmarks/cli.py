"""`python -m benchmarks`: measure everything issue 7 asks for, in one run, and print the figures.

    python -m benchmarks                  # the full benchmark (several minutes: 1,000,000 accounts)
    python -m benchmarks --quick --json   # a couple of minutes: one JSON object for scripts
    python -m benchmarks --out run.json   # keep the figures; then:
    python -m benchmarks --markdown --from run.json   # the tables of docs/performance.md
    python -m benchmarks --from run.json --update docs/performance.md   # ...written into it
    python -m benchmarks --profile core   # cProfile of the decision core (or e2e, portfolio, columnar)

Exit code 1 when the contenders' answers differ on any account (an equivalence failure is a bug,
never a figure) or when `kam portfolio` fails.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

# per_row: accounts of the per-row baseline (its throughput is flat in the accounts, and a
# million would take about 13 minutes, so a tenth of the portfolio sizes is enough to compare).
FULL = {"accounts": 20_000, "rounds": 5, "portfolio": [100_000, 1_000_000], "cold_runs": 9, "per_row": 100_000}
QUICK = {"accounts": 2_000, "rounds": 3, "portfolio": [10_000], "cold_runs": 3, "per_row": 2_000}


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="small sizes: a couple of minutes on 2 cores")
    p.add_argument("--json", action="store_true", help="print one JSON object with every figure")
    p.add_argument("--markdown", action="store_true", help="print the tables of docs/performance.md")
    p.add_argument("--from", dest="source", metavar="FILE", help="render --markdown from a saved --out file")
    p.add_argument("--out", metavar="FILE", help="also write the JSON figures to FILE")
    p.add_argument(
        "--update",
        metavar="MARKDOWN",
        help="replace the generated tables in this file (docs/performance.md) with the run's",
    )
    p.add_argument("--accounts", type=int, help="accounts for (a) to (d) (full: 20,000; quick: 2,000)")
    p.add_argument("--rounds", type=int, help="interleaved rounds (full: 5; quick: 3)")
    p.add_argument("--seed", type=int, default=7, help="generator seed (default 7)")
    p.add_argument(
        "--portfolio",
        type=int,
        action="append",
        metavar="N",
        help="accounts of a `kam portfolio` run; repeat for several (full: 100,000 and 1,000,000)",
    )
    p.add_argument("--no-portfolio", action="store_true", help="skip (f) and (h)")
    p.add_argument("--no-columnar", action="store_true", help="skip (h), the columnar portfolio runs (issue 16)")
    p.add_argument(
        "--per-row",
        type=int,
        metavar="N",
        help="accounts of the per-row `kam portfolio` baseline the columnar runs are compared with "
        "(vs_per_row; full: 100,000, quick: 2,000; 0: none)",
    )
    p.add_argument("--jobs", type=int, default=2, help="--jobs of kam portfolio (default 2)")
    p.add_argument("--cold-runs", type=int, help="runs per cold-start command (full: 9; quick: 3)")
    p.add_argument("--no-cold", action="store_true", help="skip (e)")
    p.add_argument("--no-zen", action="store_true", help="skip (d)")
    p.add_argument("--no-breakdown", action="store_true", help="skip timing the steps of (b) one by one")
    p.add_argument(
        "--workdir",
        metavar="DIR",
        help="where generated portfolios and outputs go (default: a temporary folder; "
        "give one to reuse the generated CSV files between runs)",
    )
    p.add_argument(
        "--profile", choices=["core", "e2e", "portfolio", "columnar"], help="print a cProfile summary instead"
    )
    return p


PATH_OPTIONS = ("--workdir", "--out", "--from", "--update")


def shown_command(argv: list[str]) -> str:
    """The command line as recorded in the figures: file and folder options by their last part
    only, so that no path of the machine that ran it ends up in the published tables."""
    shown: list[str] = []
    hide = False
    for arg in argv:
        name, eq, value = arg.partition("=")
        if hide:
            shown.append(Path(arg).name)
        elif eq and name in PATH_OPTIONS:
            shown.append(f"{name}={Path(value).name}")
        else:
            shown.append(arg)
        hide = not eq and arg in PATH_OPTIONS
    return " ".join(["python -m benchmarks", *shown])


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    from benchmarks import coldstart, contenders, generate, portfolio, report
    from benchmarks.timing import measure, paired_ratio

    preset = QUICK if args.quick else FULL
    count = args.accounts or int(preset["accounts"])  # type: ignore[call-overload]
    rounds = args.rounds or int(preset["rounds"])  # type: ignore[call-overload]
    sizes = [] if args.no_portfolio else (args.portfolio or list(preset["portfolio"]))  # type: ignore[call-overload]
    cold_runs = args.cold_runs or int(preset["cold_runs"])  # type: ignore[call-overload]
    figures: dict[str, Any] = {
        "command": shown_command(sys.argv[1:]),
        "started": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": report.machine(),
        "code": report.code_version(),
        "accounts": count,
        "rounds": rounds,
        "seed": args.seed,
        "as_of": generate.AS_OF.isoformat(),
    }
    _log(f"generating {count:,} accounts (seed {args.seed})")
    prepared = contenders.prepare(generate.accounts(count, args.seed), generate.AS_OF)
    engines = contenders.engines(with_zen=not args.no_zen)
    figures["notes"] = list(engines.notes)

    _log("checking that every contender gives the same answers")
    eq = contenders.equivalence(prepared, engines)
    figures["equivalence"] = eq.summary()
    if not eq.ok:
        for m in eq.mismatches[:20]:
            _log("  MISMATCH " + m.describe())

    _log(f"timing (a) to (d): {rounds} interleaved rounds")
    timed = contenders.contenders(prepared, engines)
    if not args.no_breakdown:
        timed += contenders.breakdown(prepared, engines)
    timings = measure(timed, rounds)
    steps = {k: t for k, t in timings.items() if k.startswith("step_")}
    timings = {k: t for k, t in timings.items() if k not in steps}
    figures["throughput"] = {k: t.summary() for k, t in timings.items()}
    if steps:
        e2e_us = 1e6 / timings["e2e"].throughput
        figures["e2e_steps"] = {
            k: {**t.summary(), "share_of_e2e": round(1e6 / t.throughput / e2e_us, 3)} for k, t in steps.items()
        }
    ratios: dict[str, float] = {}
    zen_keys = [k for k in ("zen_dict", "zen_json") if k in timings]
    if zen_keys:
        best = max((timings[k].throughput, k) for k in zen_keys)[1]
        figures["zen_reference"] = best
        for k, t in timings.items():
            ratios[f"{k}_vs_zen"] = round(paired_ratio(t, timings[best]), 3)
    for k, t in timings.items():
        ratios[f"{k}_vs_plain"] = round(paired_ratio(t, timings["plain"]), 4)
    ratios["core_nomemo_vs_core_memo"] = round(paired_ratio(timings["core_nomemo"], timings["core_memo"]), 3)
    figures["ratios"] = ratios
    # The accounts and engines held here (hundreds of MB for the full size) are not needed by the
    # commands below, which run in processes of their own on the same two cores.
    del prepared, engines, timed, timings, steps
    gc.collect()

    if not args.no_cold:
        _log(f"cold start: {cold_runs} runs per command")
        figures["cold_start"] = coldstart.measure(workdir, cold_runs)
    runs = []
    columnar = []
    per_row = None
    per_row_count = args.per_row if args.per_row is not None else int(preset["per_row"])  # type: ignore[call-overload]
    if sizes and not args.no_columnar and per_row_count > 0:
        _log(f"per-row baseline: kam portfolio on {per_row_count:,} accounts, --jobs {args.jobs}")
        per_row = portfolio.run_per_row(workdir, per_row_count, args.seed, args.jobs)
        _log(f"  {per_row['wall_s']} s, {per_row['accounts_per_s']} accounts/s")
    for size in sizes:
        _log(f"kam portfolio: {size:,} accounts, --jobs {args.jobs}")
        runs.append(portfolio.run(workdir, size, args.seed, args.jobs))
        _log(f"  {runs[-1]['wall_s']} s, peak RSS {runs[-1].get('peak_rss_mb')} MB")
        for fmt in () if args.no_columnar else ("csv", "parquet"):
            _log(f"columnar run: {size:,} accounts, CSV to {fmt}, jobs {args.jobs}")
            columnar.append(portfolio.run_columnar(workdir, size, args.seed, args.jobs, fmt, runs[-1]))
            columnar[-1]["vs_per_row"] = portfolio.vs_per_row(columnar[-1], per_row)
            _log(f"  {columnar[-1]['wall_s']} s, peak RSS {columnar[-1].get('peak_rss_mb')} MB")
    figures["portfolio"] = runs
    figures["columnar"] = columnar
    figures["per_row_baseline"] = per_row
    figures["targets"] = report.targets(figures)
    figures["machine"]["load_average_end"] = report.machine().get("load_average")
    return figures


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from benchmarks import report

    if args.source:
        figures = json.loads(Path(args.source).read_text(encoding="utf-8"))
        if args.update:
            report.update(args.update, figures)
        elif args.json:
            print(json.dumps(figures, indent=2, ensure_ascii=False))
        else:
            print(report.markdown(figures))
        return 0
    with tempfile.TemporaryDirectory(prefix="kam-bench-") as tmp:
        workdir = Path(args.workdir) if args.workdir else Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        if args.profile:
            return _profile(args, workdir)
        figures = run(args, workdir)
    text = json.dumps(figures, indent=2, ensure_ascii=False)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")
    if args.update:
        report.update(args.update, figures)
    if args.json:
        print(text)
    if args.markdown or not args.json:
        print(report.markdown(figures))
    failed = not figures["equivalence"]["ok"] or any(r["exit_code"] not in (0, 1) for r in figures["portfolio"])
    columnar = figures.get("columnar", [])
    failed |= any(r["exit_code"] not in (0, 1) or r.get("same_as_today") is False for r in columnar)
    baseline = figures.get("per_row_baseline")
    failed |= baseline is not None and baseline["exit_code"] not in (0, 1)
    return 1 if failed else 0


def _profile(args: argparse.Namespace, workdir: Path) -> int:
    from benchmarks import profiling

    count = args.accounts or (2_000 if args.quick else 10_000)
    _log(f"profiling {args.profile} on {count:,} accounts")
    if args.profile == "core":
        prof = profiling.profile_core(count, args.seed)
    elif args.profile == "e2e":
        prof = profiling.profile_e2e(count, args.seed)
    elif args.profile == "columnar":
        prof = profiling.profile_columnar(count, args.seed, workdir)
    else:
        prof = profiling.profile_portfolio(count, args.seed, workdir)
    steps = {"phases_s": profiling.phases(prof)} if args.profile == "columnar" else {}
    if args.json:
        tops = {"by_own_time": profiling.top(prof), "by_cumulative_time": profiling.top(prof, key="cumtime")}
        print(json.dumps({"profile": args.profile, "accounts": count, **steps, **tops}, indent=2))
    else:
        print(profiling.render(prof, f"{args.profile}, {count:,} accounts"))
        for name, seconds in steps.get("phases_s", {}).items():
            print(f"{name:<58} {seconds:8.2f} s")
    return 0
