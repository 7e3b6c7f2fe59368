"""`kam plan`: exit codes per CONTRACT.md (check defaults to --fail-on medium) and output formats."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kamrules.io.yamlsafe import parse_document
from tests.support import kam
from tests.support.plans import EXAMPLE_ACCOUNT, EXAMPLE_PLAN, example, write_plan


def medium_and_low(tmp_path: Path) -> Path:
    """The example with one medium finding (no plan owner) and one low (an action with no objective)."""
    data = example()
    data.pop("owner")
    data["steps"]["action_plan"]["actions"][2].pop("objective")
    return write_plan(tmp_path, data)


def test_kam_lists_the_plan_commands() -> None:
    code, out, _err = kam("--help")
    assert code == 0 and "plan" in out and "The Key Account Development Plan" in out
    code, out, _err = kam("plan", "--help")
    assert code == 0 and all(name in out for name in ("new", "check", "report"))


def test_check_clean_exits_0() -> None:
    code, out, err = kam("plan", "check", str(EXAMPLE_PLAN), "--as-of", "2026-11-27")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        f"{EXAMPLE_PLAN}: no findings as of 2026-11-27",
        "plan for Rossi Meccanica S.p.A. (IT-0042), held to the strategy Strategic investment",
    ]


@pytest.mark.parametrize(
    ("fail_on", "expected"), [(None, 1), ("medium", 1), ("low", 1), ("info", 1), ("high", 0), ("never", 0)]
)
def test_check_exit_code_follows_fail_on(tmp_path: Path, fail_on: str | None, expected: int) -> None:
    plan = medium_and_low(tmp_path)
    args = ["plan", "check", str(plan), "--as-of", "2026-11-27"]
    if fail_on is not None:
        args += ["--fail-on", fail_on]
    code, out, _err = kam(*args)
    assert code == expected
    assert f"{plan}:" in out and "PLAN_NO_OWNER" in out and "ACTION_NO_OBJECTIVE" in out


def test_only_low_findings_pass_by_default(tmp_path: Path) -> None:
    data = example()
    data["steps"]["action_plan"]["actions"][2].pop("objective")
    code, out, _err = kam("plan", "check", str(write_plan(tmp_path, data)), "--as-of", "2026-11-27")
    assert code == 0 and "1 finding as of 2026-11-27: 1 low" in out


def test_check_text_lines_are_file_line_column(tmp_path: Path) -> None:
    plan = medium_and_low(tmp_path)
    _code, out, _err = kam("plan", "check", str(plan), "--as-of", "2026-11-27", "--lang", "it")
    lines = out.splitlines()
    assert lines[0].startswith(f"{plan}:") and "PLAN_NO_OWNER  Il piano non ha un responsabile" in out
    assert "MEDIA" in lines[0] or "MEDIA" in lines[1]
    assert lines[-2] == f"{plan}: 2 rilievi al 27/11/2026: 1 media, 1 bassa"


def test_check_as_json(tmp_path: Path) -> None:
    plan = medium_and_low(tmp_path)
    code, out, _err = kam("plan", "check", str(plan), "--as-of", "2026-11-27", "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert data["account"] == {"id": "IT-0042", "name": "Rossi Meccanica S.p.A."}
    assert (data["as_of"], data["lang"], data["strategy"]) == ("2026-11-27", "en", "strategic_investment")
    assert data["summary"] == {"medium": 1, "low": 1}
    assert data["rules"]["name"] == "kamrules-plan"
    first = data["findings"][0]
    assert set(first) == {"id", "severity", "title", "message", "rule", "subject", "file", "line", "column", "path"}
    assert (first["id"], first["rule"], first["subject"], first["path"]) == (
        "PLAN_NO_OWNER",
        "plan_no_owner",
        "plan",
        "owner",
    )


def test_check_as_yaml_and_markdown(tmp_path: Path) -> None:
    plan = medium_and_low(tmp_path)
    out_yaml = tmp_path / "findings.yaml"
    code, _o, _e = kam("plan", "check", str(plan), "--as-of", "2026-11-27", "--out", str(out_yaml))
    assert code == 1
    data = parse_document(out_yaml.read_text(encoding="utf-8"), "findings.yaml").data
    assert [f["id"] for f in data["findings"]] == ["PLAN_NO_OWNER", "ACTION_NO_OBJECTIVE"]
    code, out, _e = kam("plan", "check", str(plan), "--as-of", "2026-11-27", "--format", "markdown")
    assert code == 1
    assert out.startswith("# Plan check: Rossi Meccanica S.p.A. (IT-0042)\n")
    assert "| medium | `PLAN_NO_OWNER` | The plan has no owner" in out


def test_check_reads_standard_input(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from cli.main import run

    runner = CliRunner()
    text = EXAMPLE_PLAN.read_text(encoding="utf-8").replace("  file: rossi-meccanica.account.yaml\n", "")
    with runner.isolation(input=text) as streams:
        code = run(["plan", "check", "-", "--as-of", "2026-11-27"])
    assert code == 0
    assert streams[0].getvalue().decode().startswith("<stdin>: no findings as of 2026-11-27")


def test_a_bad_option_exits_2() -> None:
    code, _out, err = kam("plan", "check", str(EXAMPLE_PLAN), "--as-of", "27/11/2026")
    assert code == 2 and "expected a date written YYYY-MM-DD" in err
    code, _out, err = kam("plan", "report", str(EXAMPLE_PLAN), "--format", "pdf")
    assert code == 2 and "pdf" in err


@pytest.mark.parametrize(
    ("command", "accepted"),
    [
        ("new", ".yaml, .yml, .md, .markdown or .json"),
        ("check", ".txt, .json, .yaml, .yml, .md or .markdown"),
        ("report", ".md, .markdown or .html"),
    ],
)
@pytest.mark.parametrize("name", ["x.pdf", "x", "x.csv"])
def test_an_out_file_of_another_format_exits_2(tmp_path: Path, command: str, accepted: str, name: str) -> None:
    # As kam portfolio does: a .pdf is refused, not written as Markdown or YAML.
    source = str(EXAMPLE_ACCOUNT if command == "new" else EXAMPLE_PLAN)
    out = tmp_path / name
    code, stdout, err = kam("plan", command, source, "--out", str(out))
    assert (code, stdout) == (2, "")
    assert f"Invalid value for --out: {out}: the file name must end in {accepted} (or give --format " in err
    assert not out.exists() and "Traceback" not in err


@pytest.mark.parametrize(
    ("command", "name", "starts"),
    [
        ("new", "p.yml", "# Key Account Development Plan"),
        ("new", "p.md", "# Key Account Development Plan"),
        ("new", "p.json", "{"),
        ("check", "c.txt", f"{EXAMPLE_PLAN}: no findings"),
        ("check", "c.markdown", "# Plan check"),
        ("report", "r.html", "<!DOCTYPE html>"),
        ("report", "r.md", "# "),
    ],
)
def test_the_out_extensions_each_command_documents(tmp_path: Path, command: str, name: str, starts: str) -> None:
    source = str(EXAMPLE_ACCOUNT if command == "new" else EXAMPLE_PLAN)
    out = tmp_path / name
    dated = ["--as-of", "2026-11-27"] if command != "report" else []
    code, _stdout, err = kam("plan", command, source, "--out", str(out), *dated)
    assert (code, err) == (0, "")
    assert out.read_text(encoding="utf-8").startswith(starts)


def test_format_overrides_an_unknown_extension(tmp_path: Path) -> None:
    out = tmp_path / "plan.txt"
    code, _stdout, err = kam("plan", "new", str(EXAMPLE_ACCOUNT), "--out", str(out), "--format", "yaml")
    assert (code, err) == (0, "")
    assert "kind: plan" in out.read_text(encoding="utf-8")
