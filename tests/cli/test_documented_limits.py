"""Finding 12: what docs/security.md promises is what the code does.

`kam portfolio` did not apply the 100 MB input limit (a 200 MB CSV ran); the limit's message said
105 MB (100 x 1024 x 1024 bytes divided by a million); `{0.__globals__}` in a message was printed
as it was, not refused as documented.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from kamrules.io.files import DEFAULT_MAX_BYTES
from tests.support import EXAMPLES, kam
from tests.support.bounded import Limits, assert_refused, kam_argv, run_kam

LIMITS = Limits(peak_mb=120, cpu_s=20)


@pytest.fixture(scope="module", autouse=True)
def _rule_bases_cached() -> None:
    """The ceiling is the size check's, with the rule bases read from the cache as a user's `kam`
    reads them: one full `kam portfolio` first, so that their snapshots are there and used last
    (compiling the YAML alone takes more than the ceiling, and other tests fill the cache)."""
    argv = kam_argv("portfolio", str(EXAMPLES / "portfolio" / "portfolio.csv"), "--format", "json")
    done = subprocess.run(argv, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode in (0, 1), done.stderr


def sparse(path: Path, size: int) -> Path:
    """A file of `size` bytes that takes no room on disk (the limit is checked before reading)."""
    with path.open("wb") as handle:
        handle.truncate(size)
    return path


@pytest.mark.parametrize(
    ("command", "name"),
    [
        ("advise", "a.yaml"),
        ("advise", "a.csv"),
        ("portfolio", "p.csv"),
        ("portfolio", "p.jsonl"),
        ("portfolio", "p.xlsx"),
    ],
)
def test_the_100_mb_limit_applies_to_every_input_and_says_100(tmp_path: Path, command: str, name: str) -> None:
    assert DEFAULT_MAX_BYTES == 100 * 1024 * 1024
    big = sparse(tmp_path / name, DEFAULT_MAX_BYTES + 1024 * 1024)
    result = run_kam(command, str(big), limits=LIMITS, env={"KAMRULES_MAX_FILE_MB": ""})
    assert_refused(result, "is 101 MB, over the 100 MB limit (KAMRULES_MAX_FILE_MB)", limits=LIMITS)


@pytest.mark.parametrize("command", ["advise", "portfolio"])
def test_standard_input_over_the_limit_is_refused_as_it_is_read(command: str) -> None:
    data = b"id,name\n" + b"A,B\n" * (600 * 1024)  # 2.4 MB
    result = run_kam(command, "-", limits=LIMITS, stdin=data, env={"KAMRULES_MAX_FILE_MB": "1"})
    assert_refused(result, "<stdin>", "is over the 1 MB limit (KAMRULES_MAX_FILE_MB)", limits=LIMITS)


@pytest.mark.parametrize("braced", ["{0.__globals__}", "{0.__class__}", "{name!r}", "{}", "{tier[0]}", "{tier:>10}"])
def test_str_format_fields_in_a_message_are_refused_when_loaded(tmp_path: Path, braced: str) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    source = (EXAMPLES / "my-rules" / "growth.yaml").read_text(encoding="utf-8")
    marker = 'en: "Our sales to this {tier}'
    assert marker in source
    (rules / "growth.yaml").write_text(source.replace(marker, f'en: "{braced} Our sales to this {{tier}}'), "utf-8")
    result = kam("rules", "validate", str(rules))
    assert result.exit_code == 2
    assert f"KR029 {braced} is not a placeholder" in result.stdout + result.stderr


def test_the_default_limit_is_the_documented_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KAMRULES_MAX_FILE_MB", raising=False)
    assert os.environ.get("KAMRULES_MAX_FILE_MB") is None
    from kamrules.io.files import max_bytes

    assert max_bytes() == DEFAULT_MAX_BYTES


YAML_CAP_LIMITS = Limits(peak_mb=600, cpu_s=90)


@pytest.mark.slow
def test_a_yaml_list_at_the_value_cap_is_refused_within_its_ceiling(tmp_path: Path) -> None:
    # YAML and JSON are parsed whole: the 2,000,000-value cap bounds them, and this is what a
    # file that reaches it costs before it is refused (docs/security.md states the ceiling).
    from kamrules.io.yamlsafe import MAX_NODES

    per_account = 8  # the mapping, id, name, business, revenue, assessment, its score, the item
    count = MAX_NODES // per_account + 1000
    path = tmp_path / "many.yaml"
    with path.open("w", encoding="utf-8") as handle:
        for k in range(count):
            handle.write(f"- id: A{k}\n  name: Account {k}\n  business: {{revenue: {k}}}\n")
            handle.write(f"  assessment: {{current_contribution: {1 + k % 10}}}\n")
    result = run_kam("advise", str(path), limits=YAML_CAP_LIMITS)
    assert_refused(result, "YAML003", "more than 2,000,000 values", limits=YAML_CAP_LIMITS)
