"""End to end: build the wheel, install it into a fresh virtual environment, and run `kam`
from a folder outside the repository, as a new user would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.support import EXAMPLES, ROOT


def run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, cwd=cwd, check=False, timeout=900)


@pytest.mark.slow
def test_the_wheel_installs_and_advises_from_anywhere(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    built = run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", dist, ROOT)
    assert built.returncode == 0, built.stderr
    (wheel,) = dist.glob("kamrules-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert not any(n.startswith("cli/") for n in names), "nothing named plain cli may be installed"
    assert "kamrules/cli/main.py" in names
    assert "kamrules/builtin/rulesets/kamrules.yaml" in names
    assert "kamrules/builtin/profiles/strategies.yaml" in names

    venv = tmp_path / "venv"
    assert run(sys.executable, "-m", "venv", venv).returncode == 0
    bin_dir = venv / "bin"
    # Dependencies come from the package index (or the local cache); the project itself from the wheel.
    installed = run(bin_dir / "pip", "install", "--quiet", wheel)
    assert installed.returncode == 0, installed.stderr

    elsewhere = tmp_path / "somewhere" / "else"
    elsewhere.mkdir(parents=True)
    account = elsewhere / "acct.yaml"
    account.write_text((EXAMPLES / "accounts" / "star.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    advised = run(bin_dir / "kam", "advise", "acct.yaml", "--format", "json", "--as-of", "2026-11-27", cwd=elsewhere)
    assert advised.returncode == 0, advised.stderr
    advice = json.loads(advised.stdout)
    assert (advice["profile"], advice["strategy"]) == ("star", "selective_investment")
    assert advice["treatment"]["pricing"] == "Market based"

    as_module = run(bin_dir / "python", "-m", "kamrules", "profiles", "--format", "json", cwd=elsewhere)
    assert as_module.returncode == 0 and len(json.loads(as_module.stdout)["profiles"]) == 4
    site = run(bin_dir / "python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").stdout.strip()
    assert not (Path(site) / "cli").exists()
    assert os.path.isdir(Path(site) / "kamrules" / "builtin" / "rulesets")
