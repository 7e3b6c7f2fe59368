"""Finding 1: `kam advise` streams: memory does not grow with the number of accounts, each advice
is written as it is made, and the output is byte for byte what the whole rendering gave.

It kept every record and every advice (about 41 KB an account): a 2.2 MB, 100,000-row CSV took
45 s and 4.1 GB; a 95 MB CSV was killed at 20 GB. CSV and JSON Lines are now read row by row
from the file, and each advice is written and dropped.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from kamrules import Engine
from kamrules.advice.render import render_markdown, render_text
from kamrules.errors import KamError
from kamrules.io.files import decode_text
from kamrules.io.spool import check_text
from tests.support import AS_OF, EXAMPLES, kam
from tests.support.bounded import Limits, assert_within, kam_argv, run_kam

ACCOUNTS = [EXAMPLES / "accounts" / f"{p}.yaml" for p in ("strategic", "status", "star", "opportunity")]
# 3,000 accounts advised as JSON took about 360 MB before (measured: 243 MB for 2,000); a
# stream holds one at a time whatever the count.
STREAM_LIMITS = Limits(peak_mb=100, cpu_s=120)


HEADER = [
    "id",
    "name",
    "business.revenue",
    "business.margin_pct",
    "assessment.current_contribution",
    "assessment.potential_contribution",
    "assessment.attractiveness",
    "assessment.relative_strength",
]


def accounts_csv(path: Path, rows: int) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for k in range(rows):
            writer.writerow([f"A{k}", f"Account {k}", 1000 + k, (k % 40) / 100, 1 + k % 10, 1 + k * 7 % 10, 3, 4])
    return path


@pytest.mark.slow
@pytest.mark.parametrize(("source", "fmt"), [("csv", "json"), ("jsonl", "markdown")])
def test_memory_does_not_grow_with_the_number_of_accounts(tmp_path: Path, source: str, fmt: str) -> None:
    peaks = []
    for rows in (50, 3000):
        path = accounts_csv(tmp_path / f"a{rows}.csv", rows)
        if source == "jsonl":
            with path.open(encoding="utf-8") as handle:
                records = [{"id": r["id"], "name": r["name"]} for r in csv.DictReader(handle)]
            path = tmp_path / f"a{rows}.jsonl"
            path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        out = tmp_path / f"out{rows}.{fmt}"
        result = run_kam("advise", str(path), "--out", str(out), "--as-of", "2026-11-27", limits=STREAM_LIMITS)
        assert_within(result, STREAM_LIMITS)
        assert result.code == 0, result.err
        peaks.append(result.peak_mb)
    assert peaks[1] - peaks[0] < 15, f"memory grew from {peaks[0]:.0f} MB to {peaks[1]:.0f} MB"


@pytest.mark.slow
def test_each_advice_is_written_as_it_is_made(tmp_path: Path) -> None:
    # Reading only the first 4 KB leaves kam blocked on a full pipe a few advices in: with the
    # output written as it goes, it still has the input file open, part-way through.
    path = accounts_csv(tmp_path / "a.csv", 3000)
    proc = subprocess.Popen(
        kam_argv("advise", str(path), "--format", "json", "--as-of", "2026-11-27"),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert proc.stdout is not None
    try:
        first = proc.stdout.read(4096)  # blocks until kam writes
        positions = _read_positions(proc.pid, path)
    finally:
        proc.kill()
        proc.wait()
    assert first.startswith(b"[\n  {")
    assert positions, "the first advice came out after the input was read and closed"
    assert min(positions) < path.stat().st_size


def _read_positions(pid: int, path: Path) -> list[int]:
    """Where the process stands in each descriptor it has open on `path`."""
    found = []
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            if Path(os.readlink(fd)) == path.resolve():
                info = (Path(f"/proc/{pid}/fdinfo") / fd.name).read_text()
                found.append(int(info.split("pos:")[1].split()[0]))
        except OSError:
            continue
    return found


def _whole(engine: Engine, files: list[Path], fmt: str) -> str:
    """What `kam advise` printed before it streamed: every advice, then one rendering."""
    from kamrules.io.accounts import read_records
    from kamrules.model.validate import validate_account

    advices = [
        engine.advise(validate_account(r.data, source=r.label), as_of=AS_OF, explain=True)
        for f in files
        for r in read_records(f)
    ]
    data = [a.model_dump(mode="json") for a in advices]
    one = data[0] if len(data) == 1 else data
    if fmt == "json":
        return json.dumps(one, ensure_ascii=False, indent=2) + "\n"
    if fmt == "yaml":
        return str(yaml.safe_dump(one, allow_unicode=True, sort_keys=False, width=100))
    if fmt == "markdown":
        return render_markdown(advices, engine.rulebase, explain=True)
    return render_text(advices, engine.rulebase, width=100, explain=True)


@pytest.mark.parametrize("fmt", ["json", "yaml", "markdown", "text"])
@pytest.mark.parametrize("count", [1, 2, 4])
def test_the_same_bytes_as_the_whole_rendering(engine: Engine, tmp_path: Path, fmt: str, count: int) -> None:
    files = ACCOUNTS[:count]
    out = tmp_path / f"advice.{'md' if fmt == 'markdown' else 'txt' if fmt == 'text' else fmt}"
    result = kam("advise", *map(str, files), "--explain", "--out", str(out), "--as-of", AS_OF.isoformat())
    assert result.exit_code in (0, 1), result.stderr
    assert out.read_text(encoding="utf-8") == _whole(engine, files, fmt)


def test_no_advice_no_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("id,name\n", encoding="utf-8")
    result = kam("advise", str(empty), "--out", str(tmp_path / "out.json"))
    assert result.exit_code == 2 and "holds no account" in result.stderr
    assert list(tmp_path.iterdir()) == [empty]


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=64), st.booleans())
def test_the_streamed_text_check_says_what_decode_text_says(data: bytes, bom: bool) -> None:
    import tempfile

    data = (b"\xef\xbb\xbf" if bom else b"") + data.replace(b"\x00", b"")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "f.csv"
        path.write_bytes(data)
        expected = _problem(lambda: decode_text(data, "f.csv"))
        assert _problem(lambda: check_text(path, "f.csv")) == expected


def _problem(check: object) -> str | None:
    try:
        check()  # type: ignore[operator]
    except KamError as exc:
        return exc.render()
    return None


def test_a_bad_byte_far_into_a_large_file_is_named_as_before(tmp_path: Path) -> None:
    from kamrules.io import spool

    data = ("id,name\n" + "A,é\n" * 600_000).encode("utf-8") + b"\xe2\x82" + b"\n"  # cut across chunks
    path = tmp_path / "big.csv"
    path.write_bytes(data)
    assert len(data) > 2 * spool.CHUNK
    assert _problem(lambda: check_text(path, "big.csv")) == _problem(lambda: decode_text(data, "big.csv"))


@pytest.mark.parametrize("command", ["advise", "portfolio"])
def test_a_pipe_named_as_the_input_is_read_once(command: str) -> None:
    # `kam advise <(export-accounts)`: the file is a pipe, which cannot be opened twice.
    import threading

    read_end, write_end = os.pipe()
    data = (EXAMPLES / "portfolio" / "portfolio.csv").read_bytes()

    def feed() -> None:
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(data)

    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    try:
        result = kam(command, f"/dev/fd/{read_end}", "--format", "json", "--as-of", AS_OF.isoformat())
    finally:
        feeder.join(timeout=30)
        os.close(read_end)
    assert result.exit_code in (0, 1), result.stderr
    assert result.stdout.strip()
