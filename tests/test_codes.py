"""The problem codes: one registry (kamrules/codes.py), the page generated from it, and no code
used anywhere that the registry does not explain."""

from __future__ import annotations

import re

from kamrules import codes
from kamrules.toolkit.lint import CHECKS
from tests.support import ROOT

SOURCES = [*sorted((ROOT / "kamrules").rglob("*.py")), *sorted((ROOT / "cli").rglob("*.py"))]
LITERAL = re.compile(r"""["']((?:KR|FACT|MAP|IO|YAML|PLAN|GUIDE|SECTOR|ROW|ARG|STORE|SRV|HTTP)[A-Z]?\d{2,4})["']""")


def test_the_page_is_the_registry() -> None:
    page = (ROOT / "docs" / "problem-codes.md").read_text(encoding="utf-8")
    assert page == codes.markdown(), "regenerate it: python -m kamrules.codes > docs/problem-codes.md"


def test_every_code_has_a_meaning_and_a_group() -> None:
    assert len(codes.REGISTRY) > 100
    for code in codes.REGISTRY.values():
        assert code.meaning and code.name and code.group in codes.GROUPS, code
        assert code.name == code.name.lower() and " " not in code.name, code


def test_no_code_is_written_as_a_literal_outside_the_registry() -> None:
    found = [
        f"{path.relative_to(ROOT)}: {match.group(1)}"
        for path in SOURCES
        if path != ROOT / "kamrules" / "codes.py"
        for match in LITERAL.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_every_registered_code_is_reported_somewhere() -> None:
    text = "\n".join(path.read_text(encoding="utf-8") for path in SOURCES if path.name != "codes.py")
    constants = {name for name, value in vars(codes).items() if isinstance(value, str) and value in codes.REGISTRY}
    families = {name for name, value in vars(codes).items() if isinstance(value, codes.SchemaCodes)}
    unused = sorted(name for name in constants if f"codes.{name}" not in text)
    assert unused == []
    assert sorted(name for name in families if f"codes.{name}" not in text) == []


def test_the_lint_checks_are_registered_under_their_names() -> None:
    for check in CHECKS:
        registered = codes.REGISTRY[check.ID]
        assert (registered.name, registered.group) == (check.NAME, "LINT")
