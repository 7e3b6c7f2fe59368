"""Finding 9: the rule-base cache touches only its own files and trusts only its own folder.

Its clean-up deleted any `*.json` beyond the 16 newest (with KAMRULES_CACHE_DIR pointing at a
folder of the user's own files, 10 of 25 went); a world-writable or foreign-owned folder was
trusted, and snapshot names were predictable, so another local user could plant advice (a
notice period of 3 days instead of 90).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from kamrules import Engine
from kamrules.language import cache
from kamrules.language.snapshot import decode_rulebase, encode_rulebase
from tests.support import EXAMPLES

RULES = EXAMPLES / "my-rules"


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    where = tmp_path / "cache"
    monkeypatch.setenv("KAMRULES_CACHE_DIR", str(where))
    monkeypatch.delenv("KAMRULES_NO_CACHE", raising=False)
    return where


def notice_days(rules: Path = RULES) -> object:
    return Engine.from_paths(rules).rulebase.params["contract_notice_days"].value


def test_the_clean_up_leaves_the_users_files_alone(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache, "KEEP", 3)
    folder.mkdir(mode=0o700)
    mine = {f"report-{k}.json": f'{{"k": {k}}}' for k in range(25)}
    mine["notes.txt"] = "mine"
    for name, text in mine.items():
        (folder / name).write_text(text, encoding="utf-8")
    rules = tmp_path / "rules"
    rules.mkdir()
    for days in range(30, 40):  # ten rule bases: ten snapshots, seven removed
        (rules / "o.yaml").write_text(f"kind: overrides\nparameters:\n  contract_notice_days: {days}\n", "utf-8")
        Engine.from_paths(rules)
    assert {name: (folder / name).read_text(encoding="utf-8") for name in mine} == mine
    assert len([p for p in folder.iterdir() if p.name.startswith(cache.PREFIX)]) == 3


@pytest.mark.parametrize("mode", [0o777, 0o1777, 0o775], ids=["0777", "1777", "0775"])
def test_a_folder_others_may_write_in_is_not_used(folder: Path, mode: int) -> None:
    folder.mkdir()
    folder.chmod(mode)
    assert notice_days() == 120
    assert notice_days() == 120
    assert list(folder.iterdir()) == [], "a snapshot was written where others can replace it"


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to make a foreign folder")
def test_a_folder_another_user_owns_is_not_used(folder: Path) -> None:
    folder.mkdir(mode=0o700)
    os.chown(folder, 65534, 65534)  # nobody
    assert notice_days() == 120
    assert list(folder.iterdir()) == []


def plant(path: Path, days: int) -> None:
    """A snapshot of the example rules whose notice period is `days` (the attack of the issue)."""
    rulebase = Engine.from_paths(RULES).rulebase
    data = json.dumps(encode_rulebase(rulebase), separators=(",", ":"))
    marker = '"contract_notice_days"'
    assert marker in data
    start = data.index(marker)
    tampered = data[:start] + data[start:].replace('"value":120', f'"value":{days}', 1)
    assert decode_rulebase(json.loads(tampered)).params["contract_notice_days"].value == days
    path.write_text(tampered, encoding="utf-8")


def test_a_snapshot_name_cannot_be_guessed(folder: Path) -> None:
    assert notice_days() == 120  # the folder, its key and a snapshot exist
    key = cache._key([str(RULES)], True)
    assert key is not None
    # Planted under the name the old code gave it (the digest of the files, which anyone reading
    # the rule folders can compute), and under the new prefix with that digest.
    for name in (f"{key}.json", f"{cache.PREFIX}{key}.json"):
        plant(folder / name, 3)
    snapshots = [p for p in folder.iterdir() if p.name.startswith(cache.PREFIX) and key not in p.name]
    assert len(snapshots) == 1
    assert notice_days() == 120


def test_a_linked_or_shared_snapshot_is_not_read(folder: Path, tmp_path: Path) -> None:
    assert notice_days() == 120
    (snapshot,) = [p for p in folder.iterdir() if p.name.startswith(cache.PREFIX)]
    planted = tmp_path / "planted.json"
    plant(planted, 3)
    snapshot.unlink()
    snapshot.symlink_to(planted)
    assert notice_days() == 120, "a snapshot read through a link"
    snapshot.unlink()
    shutil.copyfile(planted, snapshot)
    snapshot.chmod(0o666)
    assert notice_days() == 120, "a snapshot others may write read"


def test_snapshots_and_the_key_are_private(folder: Path) -> None:
    notice_days()
    for path in folder.iterdir():
        assert path.stat().st_mode & 0o077 == 0, path
    assert (folder / cache.NAME_KEY_FILE).stat().st_size == cache.NAME_KEY_BYTES
