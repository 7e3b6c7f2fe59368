"""Finding 12: what docs/security.md promises is what the code does.

`kam portfolio` did not apply the 100 MB input limit (a 200 MB CSV ran); the limit's message said
105 MB (100 x 1024 x 1024 bytes divided by a million); `{0.__globals__}` in a message was printed
as it was, not refused as documented.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kamrules.io.files import DEFAULT_MAX_BYTES
from tests.hardening.bounded import Limits, assert_refused, run_kam
from tests.support import EXAMPLES, kam

LIMITS = Limits(peak_mb=120, cpu_s=20)


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
    result = kam(command, str(big))
    assert result.exit_code == 2, result.stderr
    assert "is 101 MB, over the 100 MB limit (KAMRULES_MAX_FILE_MB)" in result.stderr


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
