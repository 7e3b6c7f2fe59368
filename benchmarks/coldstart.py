"""(e) The command line's cold start: each run a fresh process, the median of several.

The operating system's file cache is warm (one discarded run first), as it is for a user who
runs `kam` twice; what is measured is the interpreter starting, importing and doing the work.
`python -c pass` is measured alongside: the floor no command can go under.
"""

from __future__ import annotations

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


def _time(argv: list[str], cwd: Path) -> tuple[float, int]:
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return (time.perf_counter() - start) * 1000.0, done.returncode


def median_ms(argv: list[str], runs: int, cwd: Path) -> dict[str, Any]:
    _time(argv, cwd)  # discarded: pages the files in
    samples = []
    codes = set()
    for _ in range(runs):
        ms, code = _time(argv, cwd)
        samples.append(ms)
        codes.add(code)
    return {
        "median_ms": round(statistics.median(samples), 1),
        "min_ms": round(min(samples), 1),
        "max_ms": round(max(samples), 1),
        "runs": runs,
        "exit_codes": sorted(codes),
    }


def import_profile(argv: list[str], cwd: Path, top: int = 15) -> list[dict[str, Any]]:
    """The slowest imports of one run (`python -X importtime`), by cumulative microseconds."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", *argv],
        cwd=cwd,
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
    out: dict[str, Any] = {
        "command": " ".join(Path(kam[0]).name if k == 0 else a for k, a in enumerate(kam)),
        "python_pass": median_ms([sys.executable, "-c", "pass"], runs, workdir),
        "kam_help": median_ms([*kam, "--help"], runs, workdir),
        "kam_advise_one": median_ms([*kam, "advise", str(one)], runs, workdir),
    }
    if with_imports:
        out["advise_imports"] = import_profile(["-m", "kamrules", "advise", str(one)], workdir)
    return out
