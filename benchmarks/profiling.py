"""`python -m benchmarks --profile core|e2e|portfolio`: where the time goes, by function (cProfile).

cProfile slows pure-Python code more than C code, so read the shares, not the absolute times;
the throughput figures come from the unprofiled benchmark.
"""

from __future__ import annotations

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


def render(prof: cProfile.Profile, title: str, limit: int = 30) -> str:
    buf = io.StringIO()
    buf.write(f"== {title}: by own time ==\n")
    pstats.Stats(prof, stream=buf).sort_stats("tottime").print_stats(limit)
    buf.write(f"== {title}: by cumulative time ==\n")
    pstats.Stats(prof, stream=buf).sort_stats("cumulative").print_stats(limit)
    return buf.getvalue()
