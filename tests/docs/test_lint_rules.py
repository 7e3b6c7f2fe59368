"""docs/lint-rules.md: every check is documented with its name and severity, and every "bad"
example produces its finding while every "good" one does not (sqlfluff-style: the examples are
the test data, one parametrised test each, with readable ids)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kamrules.toolkit.folders import folders_for
from kamrules.toolkit.lint import CHECKS, lint
from kamrules.toolkit.validation import validate
from tests.support import AS_OF, ROOT, kam

DOC = (ROOT / "docs" / "lint-rules.md").read_text(encoding="utf-8")
EXAMPLE = re.compile(r"<!-- lint-example: (KR\d+) (bad|good) (\S+) -->\n```yaml\n(.*?)```", re.S)


def _examples() -> dict[tuple[str, str], dict[str, str]]:
    out: dict[tuple[str, str], dict[str, str]] = {}
    for check_id, kind, name, text in EXAMPLE.findall(DOC):
        out.setdefault((check_id, kind), {})[name] = text
    return out


EXAMPLES = _examples()


@pytest.mark.parametrize("check", CHECKS, ids=lambda m: f"{m.ID}-{m.NAME}")
def test_every_check_is_documented_with_a_bad_and_a_good_example(check: object) -> None:
    check_id, name, severity = check.ID, check.NAME, check.SEVERITY  # type: ignore[attr-defined]
    assert f"\n## {check_id} {name} ({severity})\n" in DOC
    assert (check_id, "bad") in EXAMPLES
    assert (check_id, "good") in EXAMPLES


@pytest.mark.parametrize(("check_id", "kind"), sorted(EXAMPLES), ids=lambda v: v)
def test_documented_example(check_id: str, kind: str, tmp_path: Path) -> None:
    for name, text in EXAMPLES[(check_id, kind)].items():
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    checked = validate(folders_for([tmp_path]))
    assert checked.ok, [p.render() for p in checked.problems]
    assert checked.rulebase is not None
    found = lint(checked.rulebase, checked.files, as_of=AS_OF, select=[check_id])
    if kind == "bad":
        assert found, f"the bad example of {check_id} produces no finding"
        assert {f.id for f in found} == {check_id}
    else:
        assert not found, [f.message.en for f in found]


def test_the_console_example_at_the_top_is_what_lint_prints(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    block = re.search(r"```console\n\$ (kam [^\n]*)\n(.*?)```", DOC, re.S)
    assert block is not None
    command, shown = block.group(1), block.group(2)
    (tmp_path / "my-rules").mkdir()
    (tmp_path / "my-rules" / "growth.yaml").write_text(EXAMPLES[("KR101", "bad")]["growth.yaml"], encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    ran = kam(*command.split()[1:])
    assert ran.exit_code == 1
    assert ran.stdout == shown
