"""Hostile files: each is refused with exit code 2 and a message, promptly and in bounded memory.

Each case runs `kam` in a child process under a wall-clock guard (5 s) and measures the child's
peak memory (200 MB), as issue 8 asks: the guard is there to catch a hang or an explosion, not
to benchmark anything.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kamrules.io.files import DEFAULT_MAX_BYTES, max_bytes

LIMIT_S = 5
LIMIT_MB = 200

_WRAPPER = f"""
import json, resource, subprocess, sys
done = subprocess.run(sys.argv[1:], capture_output=True, text=True, timeout={LIMIT_S})
peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
result = {{"code": done.returncode, "stderr": done.stderr, "stdout": done.stdout[:200000], "peak_kb": peak_kb}}
print(json.dumps(result))
"""


def kam_child(*args: str, env: dict[str, str] | None = None) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", _WRAPPER, sys.executable, "-m", "kamrules", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=LIMIT_S * 4,
        env={**os.environ, **(env or {})},
    )
    assert done.returncode == 0, f"kam did not finish within {LIMIT_S} s: {done.stderr[-500:]}"
    result: dict[str, object] = json.loads(done.stdout)
    return result


def assert_refused(result: dict[str, object], *words: str) -> None:
    assert result["code"] == 2, result
    stderr = str(result["stderr"])
    assert "Traceback" not in stderr
    for w in words:
        assert w in stderr, stderr
    assert int(str(result["peak_kb"])) < LIMIT_MB * 1024, f"peak memory {result['peak_kb']} kB"


def billion_laughs() -> str:
    lines = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, 10):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 10) + "]")
    return "\n".join(lines) + "\nid: X\nname: Y\nenvironment: *j\n"


@pytest.mark.slow
def test_alias_bomb(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(billion_laughs(), encoding="utf-8")
    assert_refused(kam_child("advise", str(bomb)), "alias bomb", "bomb.yaml:")


@pytest.mark.slow
@pytest.mark.parametrize("shape", ["list", "mapping"])
def test_deep_nesting(tmp_path: Path, shape: str) -> None:
    deep = tmp_path / "deep.yaml"
    if shape == "list":
        deep.write_text("id: X\nname: Y\nenvironment: " + "[" * 10_000 + "]" * 10_000 + "\n", encoding="utf-8")
    else:
        deep.write_text("id: X\nname: Y\nbusiness: " + "{a: " * 10_000 + "1" + "}" * 10_000 + "\n", "utf-8")
    assert_refused(kam_child("advise", str(deep)), "deep.yaml:")


@pytest.mark.slow
def test_python_tags_are_refused_and_never_run(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    evil = tmp_path / "evil.yaml"
    evil.write_text(f'id: X\nname: !!python/object/apply:os.system ["touch {marker}"]\n', encoding="utf-8")
    assert_refused(kam_child("advise", str(evil)), "is not allowed", "evil.yaml:2:")
    assert not marker.exists()
    ruleset = tmp_path / "rules"
    ruleset.mkdir()
    (ruleset / "r.yaml").write_text(f"kind: !!python/object/apply:os.system ['touch {marker}']\n", "utf-8")
    assert_refused(kam_child("advise", "-", "--rules", str(ruleset)), "is not allowed")
    assert not marker.exists()


@pytest.mark.slow
def test_a_file_over_the_size_limit(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text("id: X\nname: Y\nenvironment:\n" + "  - filler text for a large file\n" * 80_000, "utf-8")
    assert big.stat().st_size > 2 * 1024 * 1024
    assert_refused(kam_child("advise", str(big), env={"KAMRULES_MAX_FILE_MB": "1"}), "over the 1 MB limit")


def test_the_default_size_limit_is_100_mb(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KAMRULES_MAX_FILE_MB", raising=False)
    assert max_bytes() == DEFAULT_MAX_BYTES == 100 * 1024 * 1024


@pytest.mark.slow
def test_binary_and_non_utf8_files(tmp_path: Path) -> None:
    binary = tmp_path / "image.yaml"
    binary.write_bytes(os.urandom(4096) + b"\x00" * 16)
    assert_refused(kam_child("advise", str(binary)), "binary file")
    latin = tmp_path / "latin1.yaml"
    latin.write_bytes("id: X\nname: Società Perché\n".encode("latin-1"))
    assert_refused(kam_child("advise", str(latin)), "not UTF-8", "latin1.yaml:2")


def big_rule_base(folder: Path, n: int) -> Path:
    rules = "\n".join(
        f"  - {{id: r{i}, when: {{business.revenue: '>= {i}'}}, then: {{append: {{tags: t}}}}}}" for i in range(n)
    )
    folder.mkdir()
    (folder / "kamrules.yaml").write_text("kind: manifest\nname: big\nversion: '1'\nstages: [{id: s}]\n", "utf-8")
    (folder / "big.yaml").write_text(
        "kind: ruleset\nid: big\nstage: s\nderives: {tags: {type: list, values: [t]}}\nrules:\n" + rules + "\n", "utf-8"
    )
    return folder


@pytest.mark.slow
def test_a_ruleset_of_10_000_rules_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    # Each durable-rules ruleset costs about 1 MB and holds at most 48 condition branches, so
    # 10,000 rules would need 209 of them: refused before any is created.
    rules = big_rule_base(tmp_path / "rules", 10_000)
    account = tmp_path / "account.yaml"
    account.write_text("id: A\nname: B\nbusiness: {revenue: 5000}\n", encoding="utf-8")
    assert_refused(kam_child("advise", str(account), "--rules", str(rules)), "too large for durable-rules", "209")


@pytest.mark.slow
def test_a_ruleset_of_2_000_rules_is_sharded_and_runs(tmp_path: Path) -> None:
    rules = big_rule_base(tmp_path / "rules", 2_000)
    account = tmp_path / "account.yaml"
    account.write_text("id: A\nname: B\nbusiness: {revenue: 1500}\n", encoding="utf-8")
    result = kam_child("advise", str(account), "--rules", str(rules), "--format", "json")
    assert result["code"] == 0, result
    assert int(str(result["peak_kb"])) < LIMIT_MB * 1024


@pytest.mark.slow
@pytest.mark.parametrize("command", ["advise", "portfolio"])
def test_a_csv_with_a_10_mb_field(tmp_path: Path, command: str) -> None:
    csv = tmp_path / "accounts.csv"
    csv.write_text(
        "id,name,business.revenue,relationship.perceptions\nA1,Uno,100,ok\n"
        + "A2,Due,200,"
        + "x" * (10 * 1024 * 1024)
        + "\nA3,Tre,300,fine\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    args = (
        ["advise", str(csv), "--format", "json"] if command == "advise" else ["portfolio", str(csv), "--out", str(out)]
    )
    result = kam_child(*args, "--as-of", "2026-11-27")
    assert_refused(result, "row 3", "a cell is longer than 131,072 characters")
    if command == "advise":
        assert [a["account"]["id"] for a in json.loads(str(result["stdout"]))] == ["A1", "A3"]
    else:
        import csv as csv_module

        rows = list(csv_module.DictReader(out.read_text(encoding="utf-8-sig").splitlines()))
        assert len(rows) == 3 and (rows[1]["row"], rows[1]["status"]) == ("3", "error")
