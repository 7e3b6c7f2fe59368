"""The documentation's examples stay valid."""

from __future__ import annotations

import re

import pytest

from kamrules.io.yamlsafe import parse_document
from tests.support import ROOT

# contract.md is the contract verbatim; its example is annotated pseudo-YAML (`address: …; phone: …`).
DOCS = [*sorted(p for p in (ROOT / "docs").glob("*.md") if p.name != "contract.md"), ROOT / "README.md"]


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_every_yaml_example_parses(doc: object) -> None:
    text = doc.read_text(encoding="utf-8")  # type: ignore[attr-defined]
    for n, block in enumerate(re.findall(r"```yaml\n(.*?)```", text, flags=re.S)):
        parse_document(block, f"{doc}#yaml{n}")


def test_the_readme_names_the_two_commands() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "kam advise examples/accounts/strategic.yaml" in text
    assert "<!-- test-command -->" in text and "pytest" in text


def test_the_readme_sample_is_what_kam_prints(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.support import kam

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    command = "$ kam advise examples/accounts/strategic.yaml --as-of 2026-11-27"
    block = text.split(command + "\n", 1)[1].split("```", 1)[0]
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.chdir(ROOT)
    printed = kam("advise", "examples/accounts/strategic.yaml", "--as-of", "2026-11-27", "--format", "text").stdout

    def body(s: str) -> list[str]:
        return [line.rstrip() for line in s.strip().splitlines()]

    # The digest line too: it changes with every edit of the built-in rules, and so must the
    # README's sample, which is what a reader compares with.
    assert body(block) == body(printed), "update the README's sample to what kam prints (the Rules: digest too)"
