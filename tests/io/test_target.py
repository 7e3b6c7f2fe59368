"""Findings 5 and 8: where `--out` and `--report` write.

5. A FIFO, a symbolic link (also to /proc/self/fd/1) and, as root, /dev/null became regular files
   holding the advice: the temporary file was renamed over whatever the name was. Now a special
   file is written in place, a link's target is written atomically (the link stays), and a
   socket is refused.
8. `kam portfolio p.csv --out p.csv` (also `--report p.csv`, `kam advise a.yaml --out a.yaml`)
   exited 0 having replaced its own input. Now it is refused with exit 2 before any work.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import stat
import tempfile
import threading
from pathlib import Path

import pytest

from tests.support import EXAMPLES, kam
from tests.support.bounded import Limits, assert_within, run_kam

ACCOUNT = EXAMPLES / "accounts" / "strategic.yaml"
PORTFOLIO = EXAMPLES / "portfolio" / "portfolio.csv"
AS_OF = ("--as-of", "2026-11-27")


def parts(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(".part")]


def test_a_fifo_is_written_in_place(tmp_path: Path) -> None:
    fifo = tmp_path / "advice.json"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = kam("advise", str(ACCOUNT), "--out", str(fifo), *AS_OF)
    reader.join(timeout=60)
    assert result.exit_code == 0, result.stderr
    assert stat.S_ISFIFO(fifo.lstat().st_mode), "the FIFO was replaced"
    assert json.loads(received[0])["account"]["id"]
    assert parts(tmp_path) == []


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_a_link_stays_a_link_and_its_target_is_written(tmp_path: Path, fmt: str) -> None:
    target = tmp_path / "real" / f"out.{fmt}"
    target.parent.mkdir()
    target.write_bytes(b"previous")
    target.chmod(0o640)
    link = tmp_path / f"link.{fmt}"
    link.symlink_to(os.path.relpath(target, tmp_path))
    if fmt == "json":
        result = kam("advise", str(ACCOUNT), "--out", str(link), *AS_OF)
    else:
        result = kam("portfolio", str(PORTFOLIO), "--out", str(link), *AS_OF)
    assert result.exit_code in (0, 1), result.stderr
    assert link.is_symlink(), "the link was replaced by a file"
    assert target.read_bytes() != b"previous"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640  # the replaced file's mode is kept
    assert parts(tmp_path) == [] and parts(target.parent) == []


def test_a_dangling_link_gets_its_target_created(tmp_path: Path) -> None:
    link = tmp_path / "advice.json"
    link.symlink_to("made.json")
    result = kam("advise", str(ACCOUNT), "--out", str(link), *AS_OF)
    assert result.exit_code == 0, result.stderr
    assert link.is_symlink() and json.loads((tmp_path / "made.json").read_text("utf-8"))


def null_device(folder: Path) -> Path:
    """A device to write to. As root, a null device node of the test's own (a regression here
    must never replace the machine's /dev/null, which the old code did as root); otherwise
    /dev/null itself, which a user cannot replace anyway."""
    if os.geteuid() != 0:
        return Path("/dev/null")
    device = folder / "null"
    os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    return device


def test_a_device_stays_a_device(tmp_path: Path) -> None:
    device = null_device(tmp_path)
    result = kam("advise", str(ACCOUNT), "--out", str(device), "--format", "json", *AS_OF)
    assert result.exit_code == 0, result.stderr
    assert stat.S_ISCHR(os.lstat(device).st_mode)
    assert parts(device.parent) == []


@pytest.mark.parametrize("via_link", [False, True])
def test_proc_self_fd_1_is_standard_output(tmp_path: Path, via_link: bool) -> None:
    out = "/proc/self/fd/1"
    if via_link:
        (tmp_path / "stdout.json").symlink_to(out)
        out = str(tmp_path / "stdout.json")
    result = run_kam("advise", str(ACCOUNT), "--out", out, "--format", "json", *AS_OF, limits=Limits(peak_mb=150))
    assert_within(result, Limits(peak_mb=150))
    assert result.code == 0, result.err
    assert json.loads(result.out)["account"]["id"]
    if via_link:
        assert (tmp_path / "stdout.json").is_symlink()


def test_a_socket_is_refused() -> None:
    # AF_UNIX paths are limited to about 100 bytes; pytest's tmp_path can be longer.
    folder = Path(tempfile.mkdtemp(prefix="kam-sock-", dir="/tmp"))
    path = folder / "s.json"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(path))
        result = kam("advise", str(ACCOUNT), "--out", str(path), *AS_OF)
        assert result.exit_code == 2
        assert "it is a socket, not a file" in result.stderr
        assert stat.S_ISSOCK(path.lstat().st_mode)
    finally:
        server.close()
        shutil.rmtree(folder, ignore_errors=True)


def test_a_link_loop_is_refused_with_the_os_reason(tmp_path: Path) -> None:
    (tmp_path / "a.json").symlink_to("b.json")
    (tmp_path / "b.json").symlink_to("a.json")
    result = kam("advise", str(ACCOUNT), "--out", str(tmp_path / "a.json"), *AS_OF)
    assert result.exit_code == 2
    assert "too many levels of symbolic links" in result.stderr


def copy(source: Path, folder: Path) -> Path:
    target = folder / source.name
    shutil.copyfile(source, target)
    return target


@pytest.mark.parametrize(
    "case",
    ["portfolio-out", "portfolio-report", "advise-out", "hard-link", "symbolic-link", "dotted-path", "plan-new"],
)
def test_an_input_is_never_an_output(tmp_path: Path, case: str) -> None:
    csv_file = copy(PORTFOLIO, tmp_path)
    yaml_file = copy(ACCOUNT, tmp_path)
    if case == "portfolio-out":
        source, args = csv_file, ["portfolio", str(csv_file), "--out", str(csv_file)]
    elif case == "portfolio-report":
        source, args = csv_file, ["portfolio", str(csv_file), "--report", str(csv_file)]
    elif case == "advise-out":
        source, args = yaml_file, ["advise", str(yaml_file), "--out", str(yaml_file), "--format", "yaml"]
    elif case == "hard-link":
        os.link(csv_file, tmp_path / "other.csv")
        source, args = csv_file, ["portfolio", str(csv_file), "--out", str(tmp_path / "other.csv")]
    elif case == "symbolic-link":
        (tmp_path / "link.csv").symlink_to(csv_file)
        source, args = csv_file, ["portfolio", str(tmp_path / "link.csv"), "--out", str(csv_file)]
    elif case == "dotted-path":
        (tmp_path / "sub").mkdir()
        source, args = yaml_file, ["advise", str(yaml_file), "--out", str(tmp_path / "sub" / ".." / yaml_file.name)]
    else:
        source, args = yaml_file, ["plan", "new", str(yaml_file), "--out", str(yaml_file)]
    before = source.read_bytes()
    result = kam(*args, *AS_OF)
    assert result.exit_code == 2, result.stderr
    assert "kam never writes over a file it reads" in result.stderr
    assert source.read_bytes() == before
    assert parts(tmp_path) == []


def test_out_and_report_cannot_be_one_file(tmp_path: Path) -> None:
    result = kam("portfolio", str(PORTFOLIO), "--out", str(tmp_path / "r.md"), "--report", str(tmp_path / "r.md"))
    assert result.exit_code == 2 and "give two files" in result.stderr
    assert not (tmp_path / "r.md").exists()
