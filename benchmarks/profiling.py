"""`python -m benchmarks --profile core|e2e|portfolio|columnar`: where the time goes, by function (cProfile).

cProfile slows pure-Python code more than C code, so read the shares, not the absolute times;
the throughput figures come from the unprofiled benchmark.
"""

from __future__ import annotations

import contextlib
import cProfile
import io
import pstats
from pathlib import Path
from typing import Any

from benchmarks.generate import AS_OF, accounts


def _where(func: tuple[str, int, str]) -> str:
    filename, line, name = func
    if filename == "~":
        return name  # a built-in, such as <built-in method durable_rules_engine.assert_fact>
    parts = Path(filename).parts
    for anchor in ("kamrules", "cli", "benchmarks", "site-packages", "lib"):
        if anchor in parts:
            k = len(parts) - 1 - parts[::-1].index(anchor)
            rel = "/".join(parts[k + 1 :] if anchor in ("site-packages", "lib") else parts[k:])
            return f"{rel}:{line}({name})"
    return f"{Path(filename).name}:{line}({name})"


def top(profile: cProfile.Profile, limit: int = 25, key: str = "tottime") -> list[dict[str, Any]]:
    stats = pstats.Stats(profile)
    total = sum(row[2] for row in stats.stats.values())  # type: ignore[attr-defined]
    rows = []
    for func, (_cc, nc, tt, ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        rows.append(
            {
                "function": _where(func),
                "calls": nc,
                "tottime_s": round(tt, 4),
                "cumtime_s": round(ct, 4),
                "tottime_share": round(tt / total, 4) if total else 0.0,
                "cumtime_share": round(ct / total, 4) if total else 0.0,
            }
        )
    rows.sort(key=lambda r: -float(r[key.replace("time", "time_s")]))
    return rows[:limit]


def profile_core(count: int, seed: int) -> cProfile.Profile:
    from kamrules import Engine
    from kamrules.model.account import account_values
    from kamrules.model.validate import validate_account

    engine = Engine.default()
    values = [account_values(validate_account(a)) for a in accounts(count, seed)]
    run = engine.program.run
    prof = cProfile.Profile()
    prof.enable()
    for v in values:
        run(dict(v), AS_OF, "en", trace=False)
    prof.disable()
    return prof


def profile_e2e(count: int, seed: int) -> cProfile.Profile:
    from kamrules import Engine

    engine = Engine.default()
    raw = accounts(count, seed)
    prof = cProfile.Profile()
    prof.enable()
    for _ in engine.advise_many(raw, as_of=AS_OF):
        pass
    prof.disable()
    return prof


def profile_portfolio(count: int, seed: int, workdir: Path) -> cProfile.Profile:
    """The portfolio's whole CSV-to-CSV path in one process (--jobs 1), as the CLI runs it."""
    from benchmarks.portfolio import input_file
    from kamrules.io.outputs import row_writer
    from kamrules.portfolio.run import PortfolioRun, Request

    source = input_file(workdir, count, seed)
    out = workdir / "profile-out.csv"
    job = PortfolioRun(Request(str(source), AS_OF, "en"))
    prof = cProfile.Profile()
    prof.enable()
    with row_writer(out, "csv", job.columns, delimiter=",") as sink:
        job.run(lambda result: sink.write(result.cells))
    prof.disable()
    out.unlink()
    return prof


def profile_columnar(count: int, seed: int, workdir: Path) -> cProfile.Profile:
    """The columnar run (issue 16), CSV to CSV in one process (--jobs 1: a profile sees one
    process), as `benchmarks.columnar_run` drives it; `phases` sorts its time by step."""
    from benchmarks import columnar_run
    from benchmarks.portfolio import input_file

    source = input_file(workdir, count, seed)
    out = workdir / "profile-columnar-out.csv"
    argv = [str(source), "--out", str(out), "--jobs", "1", "--as-of", AS_OF.isoformat()]
    prof = cProfile.Profile()
    with contextlib.redirect_stdout(io.StringIO()):  # the summary is not the profile's
        prof.enable()
        columnar_run.main(argv)
        prof.disable()
    out.unlink(missing_ok=True)
    return prof


# The columnar run's steps, each the functions whose names hold one of its markers ("file:name";
# durable-rules' C core shows as built-in methods of durable_rules_engine). Steps nest: the
# second pass includes durable-rules and the cell validation, as a caller includes its callees.
PHASES = (
    ("read the input (CSV to Arrow batches)", ("batch/readers/",)),
    ("first pass (scan: valid rows, ids, revenues)", ("portfolio/steps.py:scan_batch",)),
    ("second pass (advise: validate, decide, texts, tallies)", ("portfolio/steps.py:advise_batch",)),
    ("  of which cell validation", ("batch/validate.py:",)),
    ("  of which durable-rules (distinct cases)", ("durable",)),
    ("effort shares", ("portfolio/effort.py:share",)),
    ("encode the CSV", ("writers/encode.py:",)),
)


def _named(func: tuple[str, int, str]) -> str:
    return f"{func[0].replace(chr(92), '/')}:{func[2]}"


def phases(prof: cProfile.Profile) -> dict[str, float]:
    """Seconds per step of `PHASES`: the cumulative time of the step's functions where they are
    entered from outside the step (from a function that is neither one of them nor one they
    call), so that an inner function (a generator expression resumed by `bytes.join`) or a
    recursive call is not counted twice."""
    stats: dict[Any, Any] = pstats.Stats(prof).stats  # type: ignore[attr-defined]
    callees: dict[Any, set[Any]] = {}
    for func, entry in stats.items():
        for caller in entry[4]:
            callees.setdefault(caller, set()).add(func)
    out: dict[str, float] = {"total": sum(entry[2] for entry in stats.values())}
    for name, markers in PHASES:
        roots = {f for f in stats if any(m in _named(f) for m in markers)}
        below, todo = set(roots), list(roots)
        while todo:
            for callee in callees.get(todo.pop(), ()):
                if callee not in below:
                    below.add(callee)
                    todo.append(callee)
        out[name] = sum(edge[3] for f in roots for caller, edge in stats[f][4].items() if caller not in below)
    return {k: round(v, 2) for k, v in out.items()}


def render(prof: cProfile.Profile, title: str, limit: int = 30) -> str:
    buf = io.StringIO()
    buf.write(f"== {title}: by own time ==\n")
    pstats.Stats(prof, stream=buf).sort_stats("tottime").print_stats(limit)
    buf.write(f"== {title}: by cumulative time ==\n")
    pstats.Stats(prof, stream=buf).sort_stats("cumulative").print_stats(limit)
    return buf.getvalue()
