"""(e) The command line's cold start: each run a fresh process, the median of several.

The operating system's file cache and Python's bytecode cache are warm (one discarded run
first), as they are for a user who runs `kam` twice: what is measured is the interpreter
starting, importing and doing the work. The bytecode cache is kept in the work folder
(PYTHONPYCACHEPREFIX), whatever PYTHONDONTWRITEBYTECODE says in the caller's environment, so
that an environment which forbids it (some containers and CI set it) does not add the
compilation of every module to each run. The same command with PYTHONDONTWRITEBYTECODE=1 is
measured too: what that costs an editable install (a checkout), whose sources then compile on
every run. The rule-base cache (`kamrules.language.cache`) lives in the work folder too; the
discarded first run fills it, as a user's first `kam advise` does, and the same command is also
timed with `KAMRULES_NO_CACHE=1`: a first run, or the first after the rules were edited, which
reads and checks the YAML knowledge. `python -c pass` is measured alongside: the floor no command can go under. The
commands take turns, round by round, so a slow spell of a shared machine falls on all of them.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import yaml

ONE_ACCOUNT: dict[str, Any] = {
    "id": "IT-0042",
    "name": "Rossi Meccanica S.p.A.",
    "sector": "automotive",
    "company": {
        "address": "Via Roma 1, 10100 Torino",
        "phone": "+39 011 555 0101",
        "email": "acquisti@rossimeccanica.example",
        "products": ["gearboxes", "transmissions"],
        "markets": ["EU"],
        "revenue": 85000000,
        "roi": 0.12,
        "ros": 0.07,
    },
    "business": {
        "revenue": 1200000,
        "potential_revenue": 3000000,
        "margin_pct": 0.22,
        "share_of_wallet": 0.45,
        "cost_to_serve": 90000,
        "contract_end": "2027-01-31",
    },
    "relationship": {
        "dmu": [{"name": "Anna Rossi", "role": "decider", "influence": "high", "attitude": "sponsor"}],
        "choice_criteria": ["quality", "delivery"],
        "stage": "cooperative",
        "loyalty": "high",
        "satisfaction": "medium",
        "price_sensitivity": "medium",
    },
    "assessment": {
        "current_contribution": 8,
        "potential_contribution": 9,
        "attractiveness": 7.5,
        "relative_strength": 6,
    },
}


def kam_command() -> list[str]:
    """The installed `kam` script next to this interpreter, else on PATH, else `python -m kamrules`."""
    beside = Path(sys.executable).parent / "kam"
    if beside.exists():
        return [str(beside)]
    found = shutil.which("kam")
    return [found] if found else [sys.executable, "-m", "kamrules"]


def _time(argv: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, int]:
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return (time.perf_counter() - start) * 1000.0, done.returncode


def _summary(samples: list[float], codes: set[int]) -> dict[str, Any]:
    return {
        "median_ms": round(statistics.median(samples), 1),
        "min_ms": round(min(samples), 1),
        "max_ms": round(max(samples), 1),
        "runs": len(samples),
        "exit_codes": sorted(codes),
    }


def interleaved(commands: dict[str, tuple[list[str], dict[str, str]]], runs: int, cwd: Path) -> dict[str, Any]:
    """The median time of each command over `runs` rounds, the commands taking turns."""
    for argv, env in commands.values():
        _time(argv, cwd, env)  # discarded: pages the files in, writes the bytecode cache
    names = list(commands)
    samples: dict[str, list[float]] = {n: [] for n in names}
    codes: dict[str, set[int]] = {n: set() for n in names}
    for r in range(runs):
        for k in range(len(names)):
            name = names[(r + k) % len(names)]
            argv, env = commands[name]
            ms, code = _time(argv, cwd, env)
            samples[name].append(ms)
            codes[name].add(code)
    return {n: _summary(samples[n], codes[n]) for n in names}


def environments(workdir: Path) -> tuple[dict[str, str], dict[str, str]]:
    """(with a bytecode cache in the work folder, with PYTHONDONTWRITEBYTECODE=1); both with
    the rule-base cache in the work folder."""
    base = {k: v for k, v in os.environ.items() if k != "KAMRULES_NO_CACHE"}
    base["KAMRULES_CACHE_DIR"] = str(workdir / "kamrules-cache")
    cached = {k: v for k, v in base.items() if k != "PYTHONDONTWRITEBYTECODE"}
    cached["PYTHONPYCACHEPREFIX"] = str(workdir / "pycache")
    # Installed packages keep the bytecode pip compiled; sources that were never compiled (an
    # editable install's, such as a checkout of kamrules) are compiled again on every run.
    uncached = {k: v for k, v in base.items() if k != "PYTHONPYCACHEPREFIX"}
    uncached["PYTHONDONTWRITEBYTECODE"] = "1"
    return cached, uncached


def import_profile(argv: list[str], cwd: Path, env: dict[str, str], top: int = 15) -> list[dict[str, Any]]:
    """The slowest imports of one run (`python -X importtime`), by cumulative microseconds."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", *argv],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    rows: list[dict[str, Any]] = []
    pattern = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)")
    for line in done.stderr.splitlines():
        match = pattern.match(line)
        if match:
            depth = len(match.group(3)) // 2
            rows.append(
                {
                    "module": match.group(4),
                    "self_us": int(match.group(1)),
                    "cumulative_us": int(match.group(2)),
                    "depth": depth,
                }
            )
    # The outer levels of the import tree say where the time goes; deeper ones repeat it.
    shallow = [r for r in rows if int(r["depth"]) <= 2]
    return sorted(shallow, key=lambda r: -int(r["cumulative_us"]))[:top]


def measure(workdir: Path, runs: int, with_imports: bool = True) -> dict[str, Any]:
    one = workdir / "one.yaml"
    one.write_text(yaml.safe_dump(ONE_ACCOUNT, sort_keys=False, allow_unicode=True), encoding="utf-8")
    kam = kam_command()
    cached, uncached = environments(workdir)
    out: dict[str, Any] = {
        "command": " ".join(Path(kam[0]).name if k == 0 else a for k, a in enumerate(kam)),
        **interleaved(
            {
                "python_pass": ([sys.executable, "-c", "pass"], cached),
                "kam_help": ([*kam, "--help"], cached),
                "kam_advise_one": ([*kam, "advise", str(one)], cached),
                "kam_advise_one_no_bytecode": ([*kam, "advise", str(one)], uncached),
                "kam_advise_one_no_rule_cache": ([*kam, "advise", str(one)], {**cached, "KAMRULES_NO_CACHE": "1"}),
            },
            runs,
            workdir,
        ),
    }
    if with_imports:
        out["advise_imports"] = import_profile(["-m", "kamrules", "advise", str(one)], workdir, cached)
    return out
