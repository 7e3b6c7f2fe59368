"""docs/authoring.md runs: every command in it is run in a temporary folder, in order, with the
files the page shows written as it shows them, and must exit and print as the page says. So the
walkthrough can never go out of date. Its finished folder is examples/my-rules/.

The page's conventions: `<!-- file: PATH -->` before a code block writes that file; a
```console block holds one `$ kam …` command and its output (`…` stands for any text);
`<!-- exit: N -->` before it gives the expected exit code (0 otherwise).
"""

from __future__ import annotations

import re
import shlex
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from cli.main import run
from tests.support import ROOT

DOC = ROOT / "docs" / "authoring.md"
FINISHED = ROOT / "examples" / "my-rules"
FENCE = re.compile(r"^```(\w*)\s*$")
FILE = re.compile(r"^<!-- file: (\S+) -->$")
EXIT = re.compile(r"^<!-- exit: (\d+) -->$")


@dataclass
class Step:
    line: int
    file: str | None = None
    text: str = ""
    command: str | None = None
    output: str = ""
    exit: int = 0


def steps(markdown: str) -> list[Step]:
    out: list[Step] = []
    lines = markdown.splitlines()
    pending_file: str | None = None
    pending_exit = 0
    i = 0
    while i < len(lines):
        line = lines[i]
        if m := FILE.match(line):
            pending_file = m.group(1)
        elif m := EXIT.match(line):
            pending_exit = int(m.group(1))
        elif m := FENCE.match(line):
            lang = m.group(1)
            end = next(k for k in range(i + 1, len(lines)) if lines[k].startswith("```"))
            body = lines[i + 1 : end]
            if pending_file is not None:
                out.append(Step(i + 1, file=pending_file, text="\n".join(body) + "\n"))
            elif lang == "console":
                assert body and body[0].startswith("$ "), f"line {i + 1}: a console block starts with $ command"
                assert not any(b.startswith("$ ") for b in body[1:]), f"line {i + 1}: one command per block"
                out.append(Step(i + 1, command=body[0][2:], output="\n".join(body[1:]), exit=pending_exit))
            pending_file, pending_exit = None, 0
            i = end
        i += 1
    return out


def matches(expected: str, actual: str) -> bool:
    pattern = "\n".join(re.escape(line).replace("…", ".*?") for line in expected.splitlines())
    return re.fullmatch(pattern, actual.rstrip("\n"), re.S) is not None


STEPS = steps(DOC.read_text(encoding="utf-8"))


def test_the_walkthrough_has_its_steps() -> None:
    commands = [s.command for s in STEPS if s.command]
    assert len(commands) >= 10
    for sub in ("validate", "test", "lint", "diff"):
        assert any(c.startswith(f"kam rules {sub}") for c in commands), sub
    assert any(s.file == "my-rules/overrides.yaml" for s in STEPS)


def test_the_walkthrough_runs_as_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    shutil.rmtree(tmp_path / "examples" / "my-rules")  # the walkthrough builds its own
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KAMRULES_PATH", raising=False)
    monkeypatch.delenv("KAMRULES_LANG", raising=False)
    for step in STEPS:
        if step.file is not None:
            target = tmp_path / step.file
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(step.text, encoding="utf-8")
            continue
        assert step.command is not None
        args = shlex.split(step.command)
        assert args[0] == "kam"
        capsys.readouterr()
        code = run(args[1:])
        captured = capsys.readouterr()
        actual = captured.out + captured.err
        where = f"docs/authoring.md line {step.line}: $ {step.command}"
        assert code == step.exit, f"{where}\nexit {code}, expected {step.exit}\n{actual}"
        assert matches(step.output, actual), f"{where}\nprinted:\n{actual}\nthe page shows:\n{step.output}"
    # The finished walkthrough is what examples/my-rules holds.
    built = {p.relative_to(tmp_path / "my-rules").as_posix() for p in (tmp_path / "my-rules").rglob("*.yaml")}
    shipped = {p.relative_to(FINISHED).as_posix() for p in FINISHED.rglob("*.yaml")}
    assert built == shipped
    for name in built:
        assert (tmp_path / "my-rules" / name).read_text(encoding="utf-8") == (FINISHED / name).read_text(
            encoding="utf-8"
        ), name
