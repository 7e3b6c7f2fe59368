"""The machine a run was made on, the issue's targets judged on a run's figures, and the
Markdown tables of docs/performance.md (`python -m benchmarks --markdown`)."""

from __future__ import annotations

import importlib.metadata
import os
import platform
import sys
from typing import Any

CORE_VS_ZEN = 1.3
E2E_PER_S = 10_000
PORTFOLIO_ACCOUNTS = 1_000_000
PORTFOLIO_S = 60.0
PORTFOLIO_RSS_MB = 400.0
COLD_ADVISE_MS = 300.0
BATCH_VS_ZEN = 5.0  # issue 16: batch end to end against zen-engine per account
COLUMNAR_CSV_S = 30.0  # issue 16: a million accounts CSV to CSV, jobs 2
COLUMNAR_PARQUET_S = 15.0  # issue 16: ... CSV to Parquet
COLUMNAR_RSS_MB = 500.0  # issue 16: peak RSS of the process tree, flat in the number of rows
FLAT = 1.25  # "flat": a million accounts' peak at most this much the smallest size's


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _version(dist: str) -> str | None:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


def machine() -> dict[str, Any]:
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count() or 0
    info: dict[str, Any] = {
        "nproc": usable,
        "cpu": _cpu_model(),
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "platform": platform.platform(terse=True),
        "versions": {
            d: _version(d) for d in ("kamrules", "durable-rules", "zen-engine", "pydantic", "pydantic-core", "click")
        },
    }
    if hasattr(os, "getloadavg"):
        info["load_average"] = [round(x, 2) for x in os.getloadavg()]
    return info


def code_version() -> dict[str, Any]:
    """The commit measured (and whether the checkout had changes), when this is a git checkout."""
    import subprocess
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    try:
        commit = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        status = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return {"commit": None, "modified": None}
    return {"commit": commit, "modified": bool(status.strip())}


def _target(name: str, goal: str, value: Any, met: bool | None, detail: str) -> dict[str, Any]:
    return {"target": name, "goal": goal, "measured": value, "met": met, "detail": detail}


def targets(figures: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target of issue 7: its goal, the measured value, met or not, and by how much."""
    out: list[dict[str, Any]] = []
    ratios = figures.get("ratios", {})
    vs_zen = ratios.get("core_memo_vs_zen")
    if vs_zen is None:
        out.append(_target("decision core vs zen-engine", f">= {CORE_VS_ZEN}x", None, None, "zen-engine not measured"))
    else:
        off = ratios.get("core_nomemo_vs_zen")
        out.append(
            _target(
                "decision core vs zen-engine",
                f">= {CORE_VS_ZEN}x",
                vs_zen,
                vs_zen >= CORE_VS_ZEN,
                f"{vs_zen:.2f}x zen-engine's throughput with the memo ({off:.2f}x without); the target needs "
                f"{CORE_VS_ZEN / vs_zen:.2f}x the current speed",
            )
        )
    e2e = figures.get("throughput", {}).get("e2e")
    if e2e is not None:
        rate = e2e["accounts_per_s"]
        out.append(
            _target(
                "end to end, accounts/s/process",
                f">= {E2E_PER_S:,}",
                rate,
                rate >= E2E_PER_S,
                f"{rate:,.0f}/s; the target needs {E2E_PER_S / rate:.2f}x the current speed"
                if rate < E2E_PER_S
                else f"{rate / E2E_PER_S:.2f}x the target",
            )
        )
    batch = ratios.get("batch_vs_zen")
    if batch is not None:
        plain = ratios.get("batch_vs_plain")
        out.append(
            _target(
                "batch end to end vs zen-engine (issue 16)",
                f">= {BATCH_VS_ZEN:g}x",
                batch,
                batch >= BATCH_VS_ZEN,
                f"{batch:.2f}x zen-engine's throughput ({plain:.2f}x plain Python, the stretch goal); "
                + (
                    f"the target needs {BATCH_VS_ZEN / batch:.2f}x the current speed"
                    if batch < BATCH_VS_ZEN
                    else "within the target"
                ),
            )
        )
    runs = {r["accounts"]: r for r in figures.get("portfolio", [])}
    big = runs.get(PORTFOLIO_ACCOUNTS)
    if big is None:
        measured = max(runs) if runs else None
        note = "not measured (the full benchmark runs it)"
        if measured:
            r = runs[measured]
            note += f"; {measured:,} accounts took {r['wall_s']} s ({r['accounts_per_s']:,.0f}/s)"
        out.append(_target("1,000,000 accounts CSV to CSV, --jobs 2", f"<= {PORTFOLIO_S:.0f} s", None, None, note))
        out.append(_target("portfolio peak RSS (process tree)", f"<= {PORTFOLIO_RSS_MB:.0f} MB", None, None, note))
    else:
        wall = big["wall_s"]
        out.append(
            _target(
                "1,000,000 accounts CSV to CSV, --jobs 2",
                f"<= {PORTFOLIO_S:.0f} s",
                wall,
                wall <= PORTFOLIO_S and big["exit_code"] in (0, 1),
                f"{wall:.0f} s ({big['accounts_per_s']:,.0f} accounts/s); "
                + (f"{wall / PORTFOLIO_S:.1f}x the allowed time" if wall > PORTFOLIO_S else "within the target"),
            )
        )
        rss = big.get("peak_rss_mb")
        out.append(
            _target(
                "portfolio peak RSS (process tree)",
                f"<= {PORTFOLIO_RSS_MB:.0f} MB",
                rss,
                rss is not None and rss <= PORTFOLIO_RSS_MB,
                f"{rss} MB RSS summed over {big.get('peak_processes', '?')} processes "
                f"(PSS {big.get('peak_pss_mb', '?')} MB)",
            )
        )
    out += columnar_targets(figures)
    cold = figures.get("cold_start", {}).get("kam_advise_one")
    if cold is not None:
        ms = cold["median_ms"]
        floor = figures["cold_start"]["python_pass"]["median_ms"]
        out.append(
            _target(
                "kam advise one.yaml, cold, median",
                f"<= {COLD_ADVISE_MS:.0f} ms",
                ms,
                ms <= COLD_ADVISE_MS,
                f"{ms:.0f} ms (the interpreter alone: {floor:.0f} ms; with PYTHONDONTWRITEBYTECODE=1: "
                f"{figures['cold_start'].get('kam_advise_one_no_bytecode', {}).get('median_ms', '?')} ms; "
                "the first run, without the rule-base cache: "
                f"{figures['cold_start'].get('kam_advise_one_no_rule_cache', {}).get('median_ms', '?')} ms); "
                + (f"{ms - COLD_ADVISE_MS:.0f} ms over" if ms > COLD_ADVISE_MS else "within the target"),
            )
        )
    return out


def columnar_targets(figures: dict[str, Any]) -> list[dict[str, Any]]:
    """Issue 16's targets for the columnar portfolio run (h), judged on the million accounts."""
    runs = {(r["accounts"], r["format"]): r for r in figures.get("columnar", [])}
    out = []
    for fmt, limit in (("csv", COLUMNAR_CSV_S), ("parquet", COLUMNAR_PARQUET_S)):
        name = f"1,000,000 accounts CSV to {'CSV' if fmt == 'csv' else 'Parquet'}, columnar, jobs 2 (issue 16)"
        big = runs.get((PORTFOLIO_ACCOUNTS, fmt))
        if big is None:
            out.append(_target(name, f"<= {limit:.0f} s", None, None, "not measured (the full benchmark runs it)"))
            continue
        wall = big["wall_s"]
        same = (
            ""
            if big.get("same_as_today") is None
            else (
                "; the same bytes as kam portfolio's"
                if big["same_as_today"]
                else "; **not** the same bytes as kam portfolio's"
            )
        )
        out.append(
            _target(
                name,
                f"<= {limit:.0f} s",
                wall,
                wall <= limit and big["exit_code"] in (0, 1) and big.get("same_as_today") is not False,
                f"{wall:.1f} s ({big['accounts_per_s']:,.0f} accounts/s, {big.get('vs_today', '?')}x kam portfolio)"
                + same
                + (f"; {wall / limit:.2f}x the allowed time" if wall > limit else ""),
            )
        )
    measured = [r for r in figures.get("columnar", []) if r.get("peak_rss_mb") is not None]
    if measured:
        peak = max(measured, key=lambda r: r["peak_rss_mb"])
        smallest = min(r["accounts"] for r in measured)
        small_peak = max(r["peak_rss_mb"] for r in measured if r["accounts"] == smallest)
        largest = max(r["accounts"] for r in measured)
        flat = peak["peak_rss_mb"] <= FLAT * small_peak
        out.append(
            _target(
                "columnar peak RSS (process tree), flat in the rows (issue 16)",
                f"<= {COLUMNAR_RSS_MB:.0f} MB",
                peak["peak_rss_mb"],
                peak["peak_rss_mb"] <= COLUMNAR_RSS_MB and flat,
                f"{peak['peak_rss_mb']:.0f} MB at most ({peak['accounts']:,} accounts to {peak['format']}, "
                f"{peak.get('peak_processes', '?')} processes; PSS {peak.get('peak_pss_mb', '?')} MB); "
                f"{small_peak:.0f} MB at {smallest:,} accounts, {largest // max(smallest, 1)}x fewer"
                + ("" if flat else f": not flat (over {FLAT:g}x)"),
            )
        )
    return out


def _num(x: Any, digits: int = 0) -> str:
    if x is None:
        return "–"
    if isinstance(x, float) and digits:
        return f"{x:,.{digits}f}"
    return f"{x:,.0f}" if isinstance(x, (int, float)) else str(x)


def markdown(figures: dict[str, Any]) -> str:
    """The tables of docs/performance.md, from one run's figures."""
    m = figures["machine"]
    code = figures.get("code") or {}
    measured = f"; code {code['commit']}{' (modified)' if code.get('modified') else ''}" if code.get("commit") else ""
    lines = [
        f"Run: `{figures['command']}` — {figures['accounts']:,} accounts, seed {figures['seed']}, "
        f"{figures['rounds']} interleaved rounds; {figures.get('started', '')}{measured}",
        "",
        f"Machine: {m['nproc']} cores ({m['cpu']}), {m['implementation']} {m['python']}, {m['platform']}; "
        + ", ".join(f"{k} {v}" for k, v in m["versions"].items() if v)
        + (f"; load average at start {m['load_average'][0]}" if m.get("load_average") else ""),
        "",
        "| contender | accounts/s | µs/account | p50 µs | p99 µs | vs zen-engine | vs plain Python |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    ratios = figures.get("ratios", {})
    for key, t in figures["throughput"].items():
        lines.append(
            f"| {t['label']} | {_num(t['accounts_per_s'])} | {_num(t['us_per_account'], 1)} | "
            f"{_num(t['p50_us'], 1)} | {_num(t['p99_us'], 1)} | "
            f"{_num(ratios.get(f'{key}_vs_zen'), 2)}{'×' if ratios.get(f'{key}_vs_zen') else ''} | "
            f"{_num(ratios.get(f'{key}_vs_plain'), 3)}{'×' if ratios.get(f'{key}_vs_plain') else ''} |"
        )
    steps = figures.get("e2e_steps")
    if steps:
        lines += [
            "",
            "| where end to end goes (each step timed alone) | µs/account | share of (b) |",
            "|---|---:|---:|",
        ]
        for t in steps.values():
            lines.append(
                f"| {t['label'].removeprefix('(b) step: ')} | {t['us_per_account']:,.1f} | {t['share_of_e2e']:.0%} |"
            )
    eq = figures.get("equivalence", {})
    lines += [
        "",
        f"Equivalence: {eq.get('accounts', 0):,} accounts, {', '.join(eq.get('compared', []))} against "
        f"{eq.get('reference', '?')}: "
        + ("all equal." if eq.get("ok") else f"**{eq.get('mismatches')} differences**."),
    ]
    cold = figures.get("cold_start")
    if cold:
        lines += [
            "",
            "| cold start (fresh process) | median ms | min ms | max ms | runs |",
            "|---|---:|---:|---:|---:|",
        ]
        for key, label in (
            ("python_pass", "`python -c pass` (the floor)"),
            ("kam_help", "`kam --help`"),
            ("kam_advise_one", "`kam advise one.yaml`"),
            ("kam_advise_one_no_bytecode", "`kam advise one.yaml`, PYTHONDONTWRITEBYTECODE=1 (editable install)"),
            (
                "kam_advise_one_no_rule_cache",
                "`kam advise one.yaml`, KAMRULES_NO_CACHE=1 (a first run: the YAML read and checked)",
            ),
        ):
            c = cold.get(key)
            if c is None:
                continue
            lines.append(f"| {label} | {c['median_ms']:.0f} | {c['min_ms']:.0f} | {c['max_ms']:.0f} | {c['runs']} |")
    runs = figures.get("portfolio")
    if runs:
        lines += [
            "",
            "| `kam portfolio` CSV → CSV | jobs | wall s | accounts/s | peak RSS MB (tree) | peak PSS MB | exit |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for r in runs:
            lines.append(
                f"| {r['accounts']:,} accounts ({r['input_mb']} MB in, {r['output_mb']} MB out) | {r['jobs']} | "
                f"{r['wall_s']:.1f} | {_num(r['accounts_per_s'])} | {_num(r.get('peak_rss_mb'))} | "
                f"{_num(r.get('peak_pss_mb'))} | {r['exit_code']} |"
            )
    columnar = figures.get("columnar")
    if columnar:
        lines += [
            "",
            "| columnar run (h), CSV → | jobs | wall s | accounts/s | vs kam portfolio | vs per-row "
            "| peak RSS MB (tree) | peak PSS MB | same bytes | exit |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---|---:|",
        ]
        base = figures.get("per_row_baseline")
        if base:
            lines.append(
                f"| per-row baseline: {base['accounts']:,} accounts to csv | {base['jobs']} | {base['wall_s']:.1f} | "
                f"{_num(base['accounts_per_s'])} | – | 1.00x | {_num(base.get('peak_rss_mb'))} | "
                f"{_num(base.get('peak_pss_mb'))} | – | {base['exit_code']} |"
            )
        for r in columnar:
            same = {True: "yes", False: "**no**", None: "–"}[r.get("same_as_today")]
            per_row = f"{r['vs_per_row']}x" if r.get("vs_per_row") is not None else "–"
            lines.append(
                f"| {r['accounts']:,} accounts to {r['format']} ({r['output_mb']} MB out) | {r['jobs']} | "
                f"{r['wall_s']:.1f} | {_num(r['accounts_per_s'])} | {r.get('vs_today', '–')}x | {per_row} | "
                f"{_num(r.get('peak_rss_mb'))} | {_num(r.get('peak_pss_mb'))} | {same} | {r['exit_code']} |"
            )
    for note in figures.get("notes", []):
        lines += ["", f"Note: {note}."]
    lines += ["", "| target (issue 7) | goal | measured | met |", "|---|---|---|---|"]
    for t in figures.get("targets", []):
        met = {True: "yes", False: "**no**", None: "not measured"}[t["met"]]
        lines.append(f"| {t['target']} | {t['goal']} | {t['detail']} | {met} |")
    return "\n".join(lines) + "\n"


BEGIN = "<!-- benchmark:begin (python -m benchmarks --markdown --from run.json --update docs/performance.md) -->"
END = "<!-- benchmark:end -->"


def update(path: str, figures: dict[str, Any]) -> None:
    """Replace the generated tables of a Markdown file (between BEGIN and END) with this run's."""
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    start = text.find(BEGIN)
    end = text.find(END)
    if start < 0 or end < start:
        raise SystemExit(f"{path}: no {BEGIN} ... {END} section to update")
    text = text[: start + len(BEGIN)] + "\n" + markdown(figures) + text[end:]
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)
