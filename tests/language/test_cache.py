"""The rule-base cache: a snapshot gives exactly the rule base the YAML gives, any change to the
files is seen, and nothing wrong with the cache can change an answer or stop a run."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from kamrules import Engine
from kamrules.errors import RulesetError
from kamrules.language import cache
from kamrules.language.load import load_rulebase
from kamrules.language.snapshot import SnapshotError, decode, decode_rulebase, encode
from kamrules.plan.checks import load_plan_rulebase
from kamrules.portfolio.knowledge import PARTS, load_part
from tests.support import AS_OF, EXAMPLES

ACCOUNTS = sorted((EXAMPLES / "accounts").glob("*.yaml"))


def roundtrip(value: Any) -> Any:
    return decode(json.loads(json.dumps(encode(value))))


@pytest.mark.parametrize(
    "load",
    [
        pytest.param(lambda: load_rulebase(tests=False), id="builtin"),
        pytest.param(lambda: load_rulebase(tests=True), id="builtin-with-tests"),
        pytest.param(lambda: load_rulebase([EXAMPLES / "my-rules"], tests=True), id="my-rules"),
        pytest.param(load_plan_rulebase, id="plan-checks"),
        *[pytest.param(lambda name=name: load_part(name).rulebase, id=f"portfolio-{name}") for name in PARTS],
    ],
)
def test_a_snapshot_is_the_rule_base_it_was_taken_from(load: Any) -> None:
    rulebase = load()
    again = roundtrip(rulebase)
    assert again == rulebase
    # Fields left out of equality (a condition's location and source text) survive too.
    assert encode(again) == encode(rulebase)


def test_snapshots_keep_types_exactly() -> None:
    import datetime as dt

    value = {"t": (1, 1.0, True, None, "x"), "l": [dt.date(2026, 1, 31), 0.1 + 0.2], "$c": {"$t": 1}}
    again = roundtrip(value)
    assert again == value
    assert type(again["t"]) is tuple and type(again["t"][1]) is float and type(again["l"][0]) is dt.date
    assert again["l"][1] == 0.1 + 0.2


@pytest.mark.parametrize(
    "data",
    [
        {"$c": "system", "f": {}},  # a class that is not part of a rule base
        {"$c": "Stage", "f": {"id": "x"}},  # fields missing
        {"$c": "Stage", "f": {"id": "x", "description": None, "index": 0, "extra": 1}},  # one too many
        {"$x": 1},
        {"$date": "not a date"},
        {"$t": "not a list"},
    ],
)
def test_decoding_builds_only_the_rule_base_classes_from_well_formed_data(data: Any) -> None:
    with pytest.raises(SnapshotError):
        decode(data)


def test_encoding_refuses_what_it_does_not_know() -> None:
    with pytest.raises(SnapshotError):
        encode({"s": {1, 2}})
    with pytest.raises(SnapshotError):
        encode({1: "a key that is not text"})
    with pytest.raises(SnapshotError):
        decode_rulebase(encode(()))


def advise_all(engine: Engine, lang: str = "en") -> list[dict[str, Any]]:
    out = []
    for path in ACCOUNTS:
        facts = yaml.safe_load(path.read_text(encoding="utf-8"))
        out.append(engine.advise(facts, lang=lang, as_of=AS_OF, explain=True).model_dump(mode="json"))
    return out


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("KAMRULES_CACHE_DIR", str(folder))
    monkeypatch.delenv("KAMRULES_NO_CACHE", raising=False)
    return folder


def snapshots(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.json")) if folder.exists() else []


def test_the_second_engine_comes_from_the_snapshot_and_advises_the_same(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rules = EXAMPLES / "my-rules"
    first = Engine.from_paths(rules)
    assert len(snapshots(cache_dir)) == 1

    # The second engine must not read the YAML: make reading it fail.
    from kamrules.language import load

    def no_yaml(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the YAML was loaded although a snapshot exists")

    monkeypatch.setattr(load, "load_rulebase", no_yaml)
    second = Engine.from_paths(rules)
    assert second.rulebase == first.rulebase
    for lang in ("en", "it"):
        assert advise_all(second, lang) == advise_all(first, lang)


def test_advice_is_the_same_with_and_without_the_cache(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    Engine.from_paths(EXAMPLES / "my-rules")  # fills the cache
    cached = Engine.from_paths(EXAMPLES / "my-rules")
    monkeypatch.setenv("KAMRULES_NO_CACHE", "1")
    fresh = Engine.from_paths(EXAMPLES / "my-rules")
    assert advise_all(cached) == advise_all(fresh)


def test_a_changed_file_is_seen_at_once(cache_dir: Path, tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(EXAMPLES / "my-rules", rules)
    assert Engine.from_paths(rules).rulebase.params["contract_notice_days"].value == 120
    overrides = rules / "overrides.yaml"
    overrides.write_text(
        overrides.read_text(encoding="utf-8").replace("contract_notice_days: 120", "contract_notice_days: 45"),
        encoding="utf-8",
    )
    assert Engine.from_paths(rules).rulebase.params["contract_notice_days"].value == 45
    # A new file counts as a change too (files of one folder apply in name order).
    (rules / "zz-later.yaml").write_text("kind: overrides\nparameters:\n  contract_notice_days: 30\n", encoding="utf-8")
    assert Engine.from_paths(rules).rulebase.params["contract_notice_days"].value == 30
    assert len(snapshots(cache_dir)) == 3


def test_a_rule_base_with_problems_is_never_cached(cache_dir: Path, tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "bad.yaml").write_text("kind: overrides\nparameters:\n  no_such_parameter: 1\n", encoding="utf-8")
    for _ in range(2):  # the second time too: the error comes from the loader, in full
        with pytest.raises(RulesetError) as raised:
            Engine.from_paths(rules)
        assert "no_such_parameter" in str(raised.value) + " ".join(str(p) for p in raised.value.problems)
    assert [p for p in snapshots(cache_dir) if "bad" in p.read_text(encoding="utf-8")] == []


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda p: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2]), id="truncated"),
        pytest.param(lambda p: p.write_bytes(b"\xff\xfe not json"), id="binary"),
        pytest.param(lambda p: p.write_text('{"$c": "RuleBase", "f": {}}', encoding="utf-8"), id="wrong-fields"),
        pytest.param(lambda p: p.write_text("[" * 100_000, encoding="utf-8"), id="deep"),
        pytest.param(
            lambda p: p.write_text(p.read_text(encoding="utf-8").replace('"$c":"Stage"', '"$c":"Popen"', 1)),
            id="foreign-class",
        ),
    ],
)
def test_a_damaged_snapshot_is_ignored_and_replaced(cache_dir: Path, damage: Any) -> None:
    expected = advise_all(Engine.from_paths(EXAMPLES / "my-rules"))
    (snapshot,) = snapshots(cache_dir)
    damage(snapshot)
    assert advise_all(Engine.from_paths(EXAMPLES / "my-rules")) == expected
    # ... and rewritten whole.
    assert decode_rulebase(json.loads(snapshot.read_bytes())) is not None


def test_a_cache_that_cannot_be_written_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("KAMRULES_CACHE_DIR", str(blocker / "cache"))
    engine = Engine.from_paths(EXAMPLES / "my-rules")
    assert engine.rulebase.params["contract_notice_days"].value == 120


def test_the_cache_can_be_turned_off(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAMRULES_NO_CACHE", "1")
    Engine.from_paths(EXAMPLES / "my-rules")
    assert snapshots(cache_dir) == []
    assert cache.cache_dir() is None


def test_the_cache_folder_is_private_and_keeps_a_bounded_number_of_snapshots(
    cache_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache, "KEEP", 3)
    rules = tmp_path / "rules"
    rules.mkdir()
    for days in range(30, 36):
        (rules / "o.yaml").write_text(
            f"kind: overrides\nparameters:\n  contract_notice_days: {days}\n", encoding="utf-8"
        )
        Engine.from_paths(rules)
    assert len(snapshots(cache_dir)) == 3
    assert cache_dir.stat().st_mode & 0o077 == 0


def test_the_default_folder_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("KAMRULES_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.cache_dir() == tmp_path / "kamrules"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/is/ignored")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache.cache_dir() == tmp_path / "home" / ".cache" / "kamrules"


def test_a_cache_folder_refusing_the_snapshot_changes_nothing(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A read-only cache folder (mkstemp refused): the atomic writer says OutputError, which the
    cache must swallow like any other failure to write."""
    import tempfile

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    engine = Engine.from_paths(EXAMPLES / "my-rules")
    assert engine.rulebase.params["contract_notice_days"].value == 120
    assert snapshots(cache_dir) == []
