"""Editor support: the JSON Schema files in the repository are what `kam schema ruleset` prints,
and every knowledge file carries the `# yaml-language-server: $schema=…` header pointing at one."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from kamrules.json_schemas import schema_of
from tests.support import ROOT, kam

HEADER = "# yaml-language-server: $schema="
SCHEMA_FILES = sorted(p for p in ROOT.glob("**/knowledge.schema.json") if ".venv" not in p.parts)
KNOWLEDGE = sorted(
    [*ROOT.glob("rulesets/**/*.yaml"), *ROOT.glob("profiles/*.yaml"), *ROOT.glob("examples/my-rules/**/*.yaml")]
)


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_the_schemas_exist() -> None:
    assert ROOT / "schemas" / "knowledge.schema.json" in SCHEMA_FILES


@pytest.mark.parametrize("path", SCHEMA_FILES, ids=_rel)
def test_schema_file_is_up_to_date(path: Path) -> None:
    # Compared as data: the order of keys is not the schema's business.
    assert json.loads(path.read_text(encoding="utf-8")) == schema_of("ruleset"), (
        f"{_rel(path)} is stale: regenerate it with `kam schema ruleset --out {_rel(path)}`"
    )


@pytest.mark.parametrize("path", KNOWLEDGE, ids=_rel)
def test_knowledge_file_points_at_the_schema(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith(HEADER), f"{_rel(path)} lacks the {HEADER}… header"
    target = (path.parent / first.removeprefix(HEADER)).resolve()
    assert target.name == "knowledge.schema.json"
    assert target in [p.resolve() for p in SCHEMA_FILES], f"{_rel(path)} points at {os.path.relpath(target, ROOT)}"


def test_kam_schema_ruleset_prints_it() -> None:
    ran = kam("schema", "ruleset")
    assert ran.exit_code == 0
    schema = json.loads(ran.stdout)
    kinds = set(schema["discriminator"]["mapping"]) if "discriminator" in schema else set()
    assert {"manifest", "ruleset", "overrides", "profile", "strategies", "tests"} <= kinds
