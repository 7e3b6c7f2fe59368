"""Finding 11: conditions of the environment are exit code 2 with the OS's reason, never an
internal error ("please report it", exit 3) or a silent success.

Standard input or output closed, a full device (/dev/full stands for ENOSPC: the same errno, on
any machine, without mounting a small file system), `ulimit -f`, a symbolic-link loop or a name
too long as the account file, /proc/self/mem (it opens, then fails to read with EIO).
"""

from __future__ import annotations

import csv
import os
import stat
from pathlib import Path

import pytest

from tests.support import EXAMPLES
from tests.support.bounded import Bounded, Limits, run_kam

ACCOUNT = str(EXAMPLES / "accounts" / "strategic.yaml")
PORTFOLIO = str(EXAMPLES / "portfolio" / "portfolio.csv")
AS_OF = ("--as-of", "2026-11-27")
LIMITS = Limits(peak_mb=150, cpu_s=30)


def assert_environment_error(result: Bounded, *words: str) -> None:
    assert not result.hung, result.err
    assert result.code == 2, (result.code, result.err)
    assert "Traceback" not in result.err and "internal error" not in result.err, result.err
    for word in words:
        assert word in result.err, (word, result.err)


def test_standard_input_closed() -> None:
    result = run_kam("advise", "-", limits=LIMITS, close=(0,))
    assert_environment_error(result, "standard input is closed")
    result = run_kam("portfolio", "-", limits=LIMITS, close=(0,))
    assert_environment_error(result, "standard input is closed")


@pytest.mark.parametrize("command", ["advise", "portfolio"])
def test_standard_output_closed_is_never_a_success(command: str) -> None:
    args = ["advise", ACCOUNT, "--format", "json"] if command == "advise" else ["portfolio", PORTFOLIO]
    result = run_kam(*args, *AS_OF, limits=LIMITS, close=(1,))
    assert_environment_error(result, "cannot write to standard output: it is closed")


@pytest.mark.parametrize("command", ["advise", "portfolio-csv", "portfolio-summary"])
def test_standard_output_on_a_full_device(command: str) -> None:
    args = {
        "advise": ["advise", ACCOUNT, "--format", "json"],
        "portfolio-csv": ["portfolio", PORTFOLIO, "--format", "csv"],
        "portfolio-summary": ["portfolio", PORTFOLIO],
    }[command]
    with open("/dev/full", "wb") as full:
        result = run_kam(*args, *AS_OF, limits=LIMITS, stdout_file=full.fileno())
    assert_environment_error(result, "standard output", "no space left on device")


def full_device(folder: Path) -> Path:
    """A device that is always full. As root, a node of the test's own (c 1 7), so that a
    regression can never replace the machine's /dev/full; otherwise /dev/full itself."""
    if os.geteuid() != 0:
        return Path("/dev/full")
    device = folder / "full"
    os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 7))
    return device


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_out_on_a_full_device(tmp_path: Path, fmt: str) -> None:
    device = full_device(tmp_path)
    if fmt == "json":
        args = ["advise", ACCOUNT, "--format", "json", "--out", str(device)]
    else:
        args = ["portfolio", PORTFOLIO, "--format", fmt, "--out", str(device)]
    result = run_kam(*args, *AS_OF, limits=LIMITS)
    assert_environment_error(result, f"cannot write {device}: no space left on device")
    assert stat.S_ISCHR(os.lstat(device).st_mode)


def large_portfolio(path: Path, rows: int) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "name", "business.revenue", "assessment.current_contribution"])
        for k in range(rows):
            writer.writerow([f"A{k}", f"Account {k}", 1000 + k, 1 + k % 10])
    return path


@pytest.mark.parametrize("to", ["out", "stdout"])
def test_ulimit_f(tmp_path: Path, to: str) -> None:
    source = large_portfolio(tmp_path / "p.csv", 400)
    limits = Limits(peak_mb=150, cpu_s=60, file_kb=256)  # the output is about 350 KB
    out = tmp_path / "out" / "rows.csv"
    out.parent.mkdir()
    # The first write over the limit fails: the rows' output, or the temporary file that holds the
    # advised rows until the effort allocation's totals are known (as large as the rows); either
    # way the message names the file.
    written = ("temporary file of the advised rows", str(out) if to == "out" else "standard output")
    if to == "out":
        result = run_kam("portfolio", str(source), "--out", str(out), *AS_OF, limits=limits)
        assert list(out.parent.iterdir()) == [], "a temporary or half file was left"
    else:
        result = run_kam("portfolio", str(source), "--format", "csv", *AS_OF, limits=limits, stdout_file=out)
    assert_environment_error(result, "cannot write ", ": file too large")
    assert any(name in result.err for name in written), result.err


def test_ulimit_f_on_an_output_file(tmp_path: Path) -> None:
    # The output itself over the limit (kam advise writes no temporary rows): named, nothing left.
    source = large_portfolio(tmp_path / "p.csv", 400)
    out = tmp_path / "out" / "advice.json"
    out.parent.mkdir()
    limits = Limits(peak_mb=150, cpu_s=60, file_kb=256)
    result = run_kam("advise", str(source), "--format", "json", "--out", str(out), *AS_OF, limits=limits)
    assert_environment_error(result, f"cannot write {out}: file too large")
    assert list(out.parent.iterdir()) == [], "a temporary or half file was left"


def test_a_symbolic_link_loop_as_the_account_file(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").symlink_to("b.yaml")
    (tmp_path / "b.yaml").symlink_to("a.yaml")
    for command in ("advise", "portfolio"):
        result = run_kam(command, str(tmp_path / "a.yaml"), limits=LIMITS)
        assert_environment_error(result, "too many levels of symbolic links")


def test_a_name_too_long(tmp_path: Path) -> None:
    name = str(tmp_path / ("x" * 300 + ".yaml"))
    for command in ("advise", "portfolio"):
        result = run_kam(command, name, limits=LIMITS)
        assert_environment_error(result, "file name too long")
    result = run_kam("advise", ACCOUNT, "--out", str(tmp_path / ("y" * 300 + ".json")), limits=LIMITS)
    assert_environment_error(result, "file name too long")


@pytest.mark.skipif(not Path("/proc/self/mem").exists(), reason="no /proc")
def test_proc_self_mem_as_the_account_file() -> None:
    for command in ("advise", "portfolio"):
        result = run_kam(command, "/proc/self/mem", limits=LIMITS)
        assert_environment_error(result, "/proc/self/mem", "input/output error")
