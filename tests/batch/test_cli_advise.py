"""`kam advise` on many accounts in text or Markdown is advised column-wise (cli/advise_batch.py),
with the same standard output, standard error and exit code as account by account."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks import generate
from cli import advise_batch
from tests.support import kam


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_many_accounts_as_one_by_one(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, fmt: str) -> None:
    path = tmp_path / "accounts.jsonl"
    lines = [json.dumps(facts, default=str) for facts in generate.accounts(400, 23)]
    lines.insert(7, json.dumps({"id": "BAD", "name": "Bad", "business": {"revenue": -1}}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    args = ("advise", str(path), "--as-of", "2026-11-27", "--format", fmt)
    used: list[int] = []
    real = advise_batch.Batched.flush

    def counted(self: advise_batch.Batched) -> None:
        used.append(len(self.pending))
        real(self)

    monkeypatch.setattr(advise_batch.Batched, "flush", counted)
    columnar = kam(*args)
    assert max(used) >= advise_batch.FROM  # the column-wise path did advise them
    monkeypatch.setattr(advise_batch, "FROM", 10**9)
    one_by_one = kam(*args)
    assert columnar.exit_code == one_by_one.exit_code == 2
    assert columnar.stderr == one_by_one.stderr and "BAD" in columnar.stderr
    assert columnar.stdout == one_by_one.stdout
