"""Faults and limits: interrupts, killed processes, determinism, and durable-rules' limits kept out
of reach of the public API."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from kamrules import Engine
from tests.support import AS_OF, EXAMPLES, ROOT


def many_accounts(path: Path, n: int) -> Path:
    accounts = [
        {
            "id": f"A{i}",
            "name": f"Account {i}",
            "assessment": {
                "current_contribution": 1 + i % 10,
                "potential_contribution": 1 + (i * 7) % 10,
                "attractiveness": 1 + (i * 3) % 10,
            },
            "business": {"revenue": 1000 + i, "margin_pct": (i % 50) / 100},
        }
        for i in range(n)
    ]
    path.write_text(yaml.safe_dump(accounts), encoding="utf-8")
    return path


def start_kam(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "kamrules", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def wait_until_busy(proc: subprocess.Popen[str], seconds: float = 1.5) -> None:
    # Let the process get well into its work (loading, advising) before interrupting it.
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)


@pytest.mark.slow
def test_ctrl_c_exits_130_and_leaves_no_output_file(tmp_path: Path) -> None:
    source = many_accounts(tmp_path / "many.yaml", 20_000)
    out = tmp_path / "advice.json"
    proc = start_kam("advise", str(source), "--out", str(out), "--as-of", "2026-11-27")
    wait_until_busy(proc)
    if proc.poll() is not None:
        pytest.skip("the run finished before it could be interrupted")
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "interrupted" in stderr and "Traceback" not in stderr
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


@pytest.mark.slow
def test_kill_9_mid_run_leaves_the_previous_file_whole(tmp_path: Path) -> None:
    source = many_accounts(tmp_path / "many.yaml", 20_000)
    out = tmp_path / "advice.json"
    out.write_text('{"previous": true}\n', encoding="utf-8")
    proc = start_kam("advise", str(source), "--out", str(out), "--as-of", "2026-11-27")
    wait_until_busy(proc)
    proc.kill()
    proc.communicate(timeout=60)
    text = out.read_text(encoding="utf-8")
    # Either the previous file, untouched, or (had it finished first) a complete new one.
    assert text == '{"previous": true}\n' or text.rstrip().endswith("]")


@pytest.mark.slow
def test_same_input_gives_byte_identical_json_across_processes(tmp_path: Path) -> None:
    files = [str(EXAMPLES / "accounts" / f"{p}.yaml") for p in ("strategic", "status", "star", "opportunity")]
    outputs = []
    for seed in ("0", "1", "12345"):
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "kamrules",
                "advise",
                *files,
                "--format",
                "json",
                "--explain",
                "--as-of",
                "2026-11-27",
            ],
            capture_output=True,
            check=False,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        assert done.returncode == 0, done.stderr
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1] == outputs[2]


def test_more_accounts_than_durable_sessions_allow(engine: Engine) -> None:
    # durable-rules holds at most 1,024 live sessions per ruleset; the engine uses one, reused.
    for i in range(1500):
        engine.advise({"id": f"S{i}", "name": "x", "business": {"revenue": i}}, as_of=AS_OF)


def test_more_matching_conditions_than_durable_allows_at_once(tmp_path: Path) -> None:
    # More than 64 conditions matching one fact fail in durable-rules (error 303): the engine
    # shards the rules so that an account matching all 300 rules is still advised.
    (tmp_path / "kamrules.yaml").write_text("kind: manifest\nname: fan\nversion: '1'\nstages: [{id: s}]\n", "utf-8")
    rules = "\n".join(
        f"  - {{id: r{i}, when: {{business.revenue: '>= {i}'}}, then: {{append: {{hits: h{i}}}}}}}" for i in range(300)
    )
    values = ", ".join(f"h{i}" for i in range(300))
    (tmp_path / "r.yaml").write_text(
        f"kind: ruleset\nid: fan\nstage: s\nderives: {{hits: {{type: list, values: [{values}]}}}}\nrules:\n{rules}\n",
        "utf-8",
    )
    engine = Engine.from_paths(tmp_path)
    _, ev = engine.evaluate({"id": "F", "name": "Fan", "business": {"revenue": 1000}}, as_of=AS_OF)
    assert len(ev.values["hits"]) == 300


def test_the_engine_never_calls_durable_delete_state() -> None:
    # delete_state segfaults on a session that only saw a non-matching fact: never used.
    root = ROOT / "kamrules"
    for path in root.rglob("*.py"):
        code = path.read_text(encoding="utf-8")
        assert "dre.delete_state" not in code and ".delete_state(" not in code, path
        assert "import durable." not in code and "from durable " not in code and "from durable." not in code, path
