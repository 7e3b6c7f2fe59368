"""The options the toolkit commands share with the rest of `kam`: KAMRULES_PATH, --out's
extension choosing the format, -k matching nothing, and the JSON Schemas' range keywords."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from kamrules.json_schemas import schema_of
from kamrules.model.account import Account
from tests.support import EXAMPLES, kam, write

ACCOUNT = EXAMPLES / "accounts" / "strategic.yaml"
BAD_OVERRIDE = """
    kind: overrides
    parameters:
      contract_notice_day: 120
"""
GOOD_OVERRIDE = """
    kind: overrides
    parameters:
      contract_notice_days: 120
"""


@pytest.fixture
def bad(tmp_path: Path) -> Path:
    write(tmp_path / "bad", "overrides.yaml", BAD_OVERRIDE)
    return tmp_path / "bad"


@pytest.fixture
def good(tmp_path: Path) -> Path:
    write(tmp_path / "good", "overrides.yaml", GOOD_OVERRIDE)
    return tmp_path / "good"


# 1. KAMRULES_PATH: the toolkit judges the rule base `kam advise` uses.


def test_kamrules_path_is_judged_as_advise_reads_it(monkeypatch: pytest.MonkeyPatch, bad: Path) -> None:
    monkeypatch.setenv("KAMRULES_PATH", str(bad))
    advised = kam("advise", ACCOUNT, "--as-of", "2026-11-27", "--format", "json")
    assert advised.exit_code == 2
    assert "contract_notice_day" in advised.stderr
    validated = kam("rules", "validate")
    assert validated.exit_code == 2
    assert "KR025 unknown parameter 'contract_notice_day'" in validated.stdout
    for command in ("test", "lint"):
        ran = kam("rules", command)
        assert ran.exit_code == 2, command
        assert "KR025" in ran.stderr, command


def test_kamrules_path_lists_several_folders(monkeypatch: pytest.MonkeyPatch, good: Path, bad: Path) -> None:
    monkeypatch.setenv("KAMRULES_PATH", os.pathsep.join([str(good), str(bad)]))
    ran = kam("rules", "validate", "--format", "json")
    assert ran.exit_code == 2
    assert [p["code"] for p in json.loads(ran.stdout)["problems"]] == ["KR025"]


def test_kamrules_path_good_folder_is_layered(monkeypatch: pytest.MonkeyPatch, good: Path) -> None:
    monkeypatch.setenv("KAMRULES_PATH", str(good))
    ran = kam("rules", "lint", "--format", "json")
    assert ran.exit_code == 0
    # A built-in case pins the 90-day notice period the folder changes: the folder was read.
    tested = kam("rules", "test", "-k", "contract_not_expiring_on_day_91", "--as-of", "2026-11-27")
    assert tested.exit_code == 1
    assert tested.stdout.rstrip().endswith("0 passed, 1 failed")


def test_folders_given_win_over_kamrules_path(monkeypatch: pytest.MonkeyPatch, good: Path, bad: Path) -> None:
    monkeypatch.setenv("KAMRULES_PATH", str(bad))
    assert kam("rules", "validate", good).exit_code == 0
    # diff compares the folders it is given, never KAMRULES_PATH's.
    assert kam("rules", "diff", good).exit_code == 0


def test_kamrules_path_naming_a_missing_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("KAMRULES_PATH", str(tmp_path / "nowhere"))
    for command in ("validate", "test", "lint"):
        ran = kam("rules", command)
        assert ran.exit_code == 2, command
        assert "KAMRULES_PATH names" in ran.stderr and "nowhere" in ran.stderr and "Traceback" not in ran.stderr


def test_rules_help_mentions_kamrules_path() -> None:
    for command in ("validate", "test", "lint", "diff"):
        ran = kam("rules", command, "--help")
        assert "KAMRULES_PATH" in " ".join(ran.stdout.split()), command


# 3. --out FILE.json writes JSON unless --format says otherwise.


@pytest.mark.parametrize(
    ("args", "key"),
    [
        (("rules", "validate"), "ok"),
        (("rules", "lint", "--as-of", "2026-11-27"), "findings"),
        (("rules", "test", "-k", "tier_", "--as-of", "2026-11-27"), "passed"),
        (("rules", "diff", str(EXAMPLES / "my-rules")), "changes"),
        (("profiles",), "profiles"),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, tuple) else v,
)
def test_out_json_writes_json(tmp_path: Path, args: tuple[str, ...], key: str) -> None:
    target = tmp_path / "out.json"
    ran = kam(*args, "--out", target)
    assert ran.exit_code == 0, ran.stderr
    assert key in json.loads(target.read_text(encoding="utf-8"))


def test_format_wins_over_the_extension(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    assert kam("rules", "validate", "--format", "text", "--out", target).exit_code == 0
    assert target.read_text(encoding="utf-8").startswith("ok: ")


def test_diff_out_markdown(tmp_path: Path) -> None:
    target = tmp_path / "diff.md"
    assert kam("rules", "diff", EXAMPLES / "my-rules", "--out", target).exit_code == 0
    assert target.read_text(encoding="utf-8").startswith("## ")


def test_other_extensions_and_stdout_stay_text(tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    assert kam("rules", "validate", "--out", target).exit_code == 0
    assert target.read_text(encoding="utf-8").startswith("ok: ")
    assert kam("rules", "validate").stdout.startswith("ok: ")


@pytest.mark.parametrize("name", ["s.yaml", "s.yml"])
def test_schema_out_yaml_writes_yaml(tmp_path: Path, name: str) -> None:
    target = tmp_path / name
    assert kam("schema", "account", "--out", target).exit_code == 0
    text = target.read_text(encoding="utf-8")
    assert not text.lstrip().startswith("{")
    assert yaml.safe_load(text) == schema_of("account")


def test_schema_out_json_and_help(tmp_path: Path) -> None:
    target = tmp_path / "s.schema.json"
    assert kam("schema", "plan", "--out", target).exit_code == 0
    assert json.loads(target.read_text(encoding="utf-8")) == schema_of("plan")
    helped = " ".join(kam("schema", "--help").stdout.split())
    assert "--format" not in helped
    assert "as YAML when its name ends in .yaml or .yml, as JSON otherwise" in helped


# 4. -k matching no case is not a silent pass.


def test_k_matching_nothing_says_so() -> None:
    ran = kam("rules", "test", "-k", "nomatch")
    assert ran.exit_code == 2
    assert "no test case matches -k 'nomatch'" in ran.stderr
    assert "No test cases found" not in ran.stdout + ran.stderr
    assert "passed" not in ran.stdout


def test_k_typo_gets_a_suggestion() -> None:
    ran = kam("rules", "test", "-k", "contract_not_expiring_on_day_19", "--format", "json")
    assert ran.exit_code == 2
    assert "did you mean contract_not_expiring_on_day_91?" in ran.stderr
    assert ran.stdout == ""


# 2. The JSON Schemas use JSON Schema's range keywords, and fractions admit "45%".


def _walk(node: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from _walk(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk(value, f"{path}/{i}")


def _non_null(prop: dict[str, Any]) -> list[dict[str, Any]]:
    return [branch for branch in prop.get("anyOf", [prop]) if branch.get("type") != "null"]


@pytest.mark.parametrize("kind", ["account", "advice", "ruleset", "profile", "plan"])
def test_schema_has_no_pydantic_range_keywords(kind: str) -> None:
    for path, node in _walk(schema_of(kind)):
        if path.endswith("/properties"):
            continue  # property names, not keywords
        assert not {"ge", "le", "gt", "lt"} & set(node), f"{kind} schema at {path or '/'}: {node}"


def test_account_schema_ranges() -> None:
    defs = schema_of("account")["$defs"]
    (revenue,) = _non_null(defs["Business"]["properties"]["revenue"])
    assert revenue == {"type": "number", "minimum": 0}
    (score,) = _non_null(defs["Assessment"]["properties"]["current_contribution"])
    assert (score["minimum"], score["maximum"]) == (1, 10)
    weight = defs["Criterion"]["properties"]["weight"]
    assert (weight["exclusiveMinimum"], weight["maximum"]) == (0, 100)
    (price_index,) = _non_null(defs["Competitor"]["properties"]["price_index"])
    assert price_index["exclusiveMinimum"] == 0


@pytest.mark.parametrize(
    ("field", "low", "high", "accepted", "refused"),
    [
        ("share_of_wallet", 0, 1, ["45%", "0%", "100%", " 12.5 %"], ["145%", "-5%", "abc%", "45"]),
        ("discounts_pct", 0, 1, ["5%"], ["101%"]),
        ("margin_pct", -1, 1, ["22%", "-5%", "-100%"], ["-101%", "150%"]),
        ("growth_rate", -1, None, ["10%", "-100%", "250%"], ["-150%", "ten%"]),
    ],
)
def test_fraction_schema_allows_number_or_percentage(
    field: str, low: float, high: float | None, accepted: list[str], refused: list[str]
) -> None:
    prop = schema_of("account")["$defs"]["Business"]["properties"][field]
    number, text = _non_null(prop)
    assert number["type"] == "number" and number["minimum"] == low and number.get("maximum") == high
    pattern = re.compile(text["pattern"])
    for value in accepted:
        assert pattern.search(value), value
        # ...and the model reads it, as kam advise does.
        Account.model_validate({"id": "A", "name": "B", "business": {field: value}})
    for value in refused:
        assert not pattern.search(value), value
        with pytest.raises(ValueError):
            Account.model_validate({"id": "A", "name": "B", "business": {field: value}})


def test_plan_schema_share_range() -> None:
    found = [
        node
        for _, node in _walk(schema_of("plan"))
        if node.get("type") == "number" and node.get("minimum") == 0 and node.get("maximum") == 1
    ]
    assert found, "the plan's competitor share should be a number from 0 to 1"
