"""`kam advise`, `kam profiles`, `kam schema`: every exit code and every format (CONTRACT.md §1)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.support import AS_OF, EXAMPLES, kam

STRATEGIC = str(EXAMPLES / "accounts" / "strategic.yaml")
AS_OF_ARGS = ("--as-of", AS_OF.isoformat())


def test_text_is_one_readable_screen() -> None:
    result = kam("advise", STRATEGIC, "--format", "text", *AS_OF_ARGS)
    assert result.exit_code == 0
    out = result.stdout
    for words in (
        "Rossi Meccanica S.p.A. (IT-0042)",
        "Key Account",
        "Strategic investment",
        "Treatment",
        "Return on investment",
        "Relationship levers",
        "Personal trust",
        "Warnings",
        "Contract expiring",  # the warning's title: its code is for JSON and --explain
    ):
        assert words in out
    assert out.index("HIGH") < out.index("MEDIUM")  # warnings by severity
    assert "\x1b[" not in out  # no colour when not on a terminal


def test_italian_text() -> None:
    out = kam("advise", STRATEGIC, "--format", "text", "--lang", "it", *AS_OF_ARGS).stdout
    assert "Livello" in out and "Investimento strategico" in out and "Segnalazioni" in out
    assert "Misurato su minimo un periodo di 2-3 anni." in out


def test_json_is_the_default_when_piped_and_an_object_for_one_account() -> None:
    result = kam("advise", STRATEGIC, *AS_OF_ARGS)
    data = result.json()
    assert data["account"]["id"] == "IT-0042" and data["as_of"] == "2026-11-27"


def test_several_files_give_a_json_array() -> None:
    files = [str(EXAMPLES / "accounts" / f"{p}.yaml") for p in ("strategic", "status", "star", "opportunity")]
    data = kam("advise", *files, *AS_OF_ARGS, "--format", "json").json()
    assert [a["profile"] for a in data] == ["strategic", "status", "star", "opportunity"]


def test_yaml_and_markdown() -> None:
    as_yaml = yaml.safe_load(kam("advise", STRATEGIC, *AS_OF_ARGS, "--format", "yaml").stdout)
    assert as_yaml["strategy"] == "strategic_investment"
    md = kam("advise", STRATEGIC, *AS_OF_ARGS, "--format", "markdown").stdout
    assert md.startswith("# Rossi Meccanica S.p.A. (IT-0042)")
    assert "| **Pricing** | Value based |" in md


def test_explain_shows_why_and_why_not() -> None:
    text = kam("advise", STRATEGIC, *AS_OF_ARGS, "--format", "text", "--explain").stdout
    assert "tier_matrix:key_account" in text and "rulesets/tier.yaml" in text
    assert "STAGE_GAP not raised: relationship.stage is cooperative; it needs exploratory or basic" in text
    data = kam("advise", STRATEGIC, *AS_OF_ARGS, "--format", "json", "--explain").json()
    assert any(w["rule"] == "stage_gap" for w in data["why_not"])


def test_stdin_and_out_file(tmp_path: Path) -> None:
    text = (EXAMPLES / "accounts" / "star.yaml").read_text(encoding="utf-8")
    out = tmp_path / "advice.md"
    result = kam("advise", "-", *AS_OF_ARGS, "--out", str(out), stdin=text)
    assert result.exit_code == 0 and result.stdout == ""
    assert out.read_text(encoding="utf-8").startswith("# Farmaceutici Blu S.p.A.")  # format from the extension
    out_json = tmp_path / "advice.json"
    kam("advise", "-", *AS_OF_ARGS, "--out", str(out_json), stdin=text)
    assert json.loads(out_json.read_text(encoding="utf-8"))["profile"] == "star"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


def test_a_csv_file_of_accounts(tmp_path: Path) -> None:
    csv = tmp_path / "accounts.csv"
    csv.write_text(
        "id;name;assessment.current_contribution;assessment.potential_contribution;relationship.stage\n"
        "A1;Uno;8;9;basic\nA2;Due;2;3;integrated\n",
        encoding="utf-8-sig",
    )
    data = kam("advise", str(csv), *AS_OF_ARGS, "--format", "json").json()
    assert [a["tier"] for a in data] == ["key_account", "regular_account"]


def test_exit_1_on_warnings_at_or_above_fail_on() -> None:
    assert kam("advise", STRATEGIC, *AS_OF_ARGS, "--fail-on", "high").exit_code == 1
    assert kam("advise", str(EXAMPLES / "accounts" / "status.yaml"), *AS_OF_ARGS, "--fail-on", "medium").exit_code == 0
    assert kam("advise", str(EXAMPLES / "accounts" / "status.yaml"), *AS_OF_ARGS, "--fail-on", "info").exit_code == 1


def test_exit_2_names_file_line_field_value_and_expectation(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: B1\nname: Bad\nbusiness:\n  share_of_wallet: 1.4\n  contract_end: 31/12/2027\n", "utf-8")
    result = kam("advise", str(bad), *AS_OF_ARGS)
    assert result.exit_code == 2
    assert f"{bad}:4:20: business.share_of_wallet: FACT005 1.4 is not valid" in result.stderr
    assert f"{bad}:5:17: business.contract_end" in result.stderr and "YYYY-MM-DD" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_bad_account_does_not_stop_the_others(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "- {id: X1, name: Good}\n- {id: X2, name: Bad, relationship: {stage: partner}}\n- {id: X3, name: Ok}\n"
    )
    result = kam("advise", str(bad), STRATEGIC, *AS_OF_ARGS, "--format", "json")
    assert result.exit_code == 2
    assert [a["account"]["id"] for a in result.json()] == ["X1", "X3", "IT-0042"]
    assert "account 2" in result.stderr and "relationship.stage" in result.stderr
    assert "1 account could not be advised" in result.stderr


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("advise", "no-such-file.yaml"), "no such file"),
        (("advise", STRATEGIC, "--lang", "fr"), "'fr' is not one of"),
        (("advise", STRATEGIC, "--as-of", "yesterday"), "YYYY-MM-DD"),
        (("advise", STRATEGIC, "--format", "pdf"), "'pdf' is not one of"),
        (("advise",), "Missing argument"),
        (("profiles", "strategc"), "did you mean strategic?"),
        (("schema", "everything"), "'everything' is not one of"),
        (("nosuchcommand",), "No such command"),
    ],
)
def test_exit_2_on_bad_input_and_options(args: tuple[str, ...], words: str) -> None:
    result = kam(*args)
    assert result.exit_code == 2, result
    assert words in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_yaml_and_binary_files(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: A\nname: [unclosed\n", encoding="utf-8")
    result = kam("advise", str(broken))
    assert result.exit_code == 2 and f"{broken}:" in result.stderr and "not valid YAML" in result.stderr
    binary = tmp_path / "photo.yaml"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    result = kam("advise", str(binary))
    assert result.exit_code == 2 and "binary file" in result.stderr


def test_a_bad_rules_folder_is_exit_2(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("kind: ruleset\nid: x\nstage: nowhere\n", encoding="utf-8")
    result = kam("advise", STRATEGIC, "--rules", str(tmp_path))
    assert result.exit_code == 2
    assert "unknown stage 'nowhere'" in result.stderr and "bad.yaml:3:8" in result.stderr


def test_an_internal_error_is_exit_3_with_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    import cli.advise as advise_module

    def broken(*_: object, **__: object) -> None:
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(advise_module, "load_engine", broken)
    result = kam("advise", STRATEGIC)
    assert result.exit_code == 3
    assert result.stderr.count("\n") == 1
    assert "internal error (ZeroDivisionError: boom)" in result.stderr and "report it" in result.stderr
    debug = kam("advise", STRATEGIC, "--debug")
    assert debug.exit_code == 3 and "Traceback" in debug.stderr


@pytest.mark.parametrize("kind", ["account", "advice", "ruleset", "profile", "plan"])
def test_schema(kind: str) -> None:
    schema = kam("schema", kind).json()
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert schema["title"].startswith("kamrules")


def test_profiles_text_and_one_profile() -> None:
    text = kam("profiles", "--format", "text").stdout
    assert text.count("→") == 4
    one = kam("profiles", "status", "--format", "json").json()
    assert one["strategy"] == "manage_for_cash"


def test_python_dash_m_and_help() -> None:
    done = subprocess.run([sys.executable, "-m", "kamrules", "--help"], capture_output=True, text=True, check=False)
    assert done.returncode == 0
    for command in ("advise", "profiles", "schema"):
        assert command in done.stdout
    version = subprocess.run(
        [sys.executable, "-m", "kamrules", "--version"], capture_output=True, text=True, check=False
    )
    assert version.returncode == 0 and "kam, version" in version.stdout


def test_an_internal_error_on_one_account_does_not_stop_the_others(monkeypatch: pytest.MonkeyPatch) -> None:
    from kamrules import api as engine_module

    real = engine_module.Engine.advise

    def sometimes(self: engine_module.Engine, facts: object, **kwargs: object) -> object:
        if getattr(facts, "id", None) == "IT-0233":
            raise KeyError("simulated bug")
        return real(self, facts, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(engine_module.Engine, "advise", sometimes)
    files = [str(EXAMPLES / "accounts" / f"{p}.yaml") for p in ("strategic", "star", "status")]
    result = kam("advise", *files, *AS_OF_ARGS, "--format", "json")
    assert result.exit_code == 3
    assert [a["account"]["id"] for a in result.json()] == ["IT-0042", "IT-0107"]
    assert "star.yaml: internal error (KeyError" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_console_script_starts_in_a_fresh_process() -> None:
    # The `kam` entry point imports less than `python -m kamrules` (no runpy): run it for real.
    script = Path(sys.executable).with_name("kam")
    if not script.exists():
        pytest.skip("the kam console script is not installed next to this interpreter")
    for args in (["--help"], ["profiles", "star", "--format", "json"]):
        done = subprocess.run([str(script), *args], capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr


def test_advise_with_the_example_rules_folder(tmp_path: Path) -> None:
    """examples/my-rules disables a built-in test case; advising (which never loads test cases)
    must accept that, and still report a disabled id that matches nothing, with a suggestion."""
    result = kam("advise", "--rules", str(EXAMPLES / "my-rules"), "--format", "json", *AS_OF_ARGS, STRATEGIC)
    assert result.exit_code in (0, 1), result.stderr
    advice = result.json()
    assert any(w["code"] == "CONTRACT_EXPIRING" for w in advice["warnings"])  # 65 days, inside 120
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "o.yaml").write_text("kind: overrides\ndisable: [contract_not_expiring_on_day_9]\n", encoding="utf-8")
    result = kam("advise", "--rules", str(rules), STRATEGIC)
    assert result.exit_code == 2
    assert "KR008" in result.stderr and "did you mean contract_not_expiring_on_day_91?" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("advise", STRATEGIC, "--out", "{missing}/advice.json"),
        ("portfolio", str(EXAMPLES / "portfolio" / "portfolio.csv"), "--out", "{missing}/out.csv"),
        ("portfolio", str(EXAMPLES / "portfolio" / "portfolio.csv"), "--report", "{missing}/r.html"),
        ("portfolio", str(EXAMPLES / "portfolio" / "portfolio.csv"), "--plot", "{file}/plots"),
        ("plan", "new", STRATEGIC, "--out", "{missing}/p.yaml"),
    ],
)
def test_an_output_that_cannot_be_written_is_the_users_to_fix(args: tuple[str, ...], tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    real = [a.format(missing=tmp_path / "no" / "such", file=blocker) for a in args]
    result = kam(*real)
    assert result.exit_code == 2, result.stderr
    assert "cannot write" in result.stderr and "internal error" not in result.stderr


def test_json_lines_are_recognised_on_stdin_and_a_line_nested_too_deeply_is_one_error() -> None:
    lines = '{"id": "L1", "name": "A"}\n{"id": "L2", "name": "B"}\n'
    result = kam("advise", "-", "--format", "json", *AS_OF_ARGS, stdin=lines)
    assert result.exit_code in (0, 1), result.stderr
    assert [a["account"]["id"] for a in result.json()] == ["L1", "L2"]
    deep = '{"id": "X", "name": "X", "environment": ' + "[" * 5000 + "]" * 5000 + "}"
    result = kam("advise", "-", "--format", "json", *AS_OF_ARGS, stdin=lines + deep + "\n")
    assert result.exit_code == 2
    assert "<stdin>:3: IO008 not valid JSON: nested too deeply" in result.stderr
    assert "internal error" not in result.stderr
    assert [a["account"]["id"] for a in result.json()] == ["L1", "L2"]  # the others still advised


@pytest.mark.parametrize("name, text", [("e.csv", "id,name\n"), ("e.jsonl", ""), ("e.yaml", ""), ("e.json", "[]")])
def test_a_file_with_no_account_is_the_same_error_in_every_format(name: str, text: str, tmp_path: Path) -> None:
    (tmp_path / name).write_text(text, encoding="utf-8")
    result = kam("advise", str(tmp_path / name))
    assert result.exit_code == 2
    assert "IO007 holds no account" in result.stderr or "is empty" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("advise", STRATEGIC, "--out", "{d}/advice.pdf"),
        ("advise", STRATEGIC, "--out", "{d}/advice"),
        ("profiles", "--out", "{d}/profiles.pdf"),
        ("rules", "validate", "--out", "{d}/report.yaml"),
        ("rules", "lint", "--out", "{d}/report.html"),
    ],
)
def test_an_out_file_of_a_format_the_command_cannot_write_is_refused(args: tuple[str, ...], tmp_path: Path) -> None:
    result = kam(*[a.format(d=tmp_path) for a in args])
    assert result.exit_code == 2
    assert "the file name must end in" in result.stderr
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_a_rules_folder_holding_only_plan_checks_works_with_every_command(tmp_path: Path) -> None:
    plan = tmp_path / "my-rules" / "plan"
    plan.mkdir(parents=True)
    (plan / "kamrules.yaml").write_text(
        'kind: manifest\nname: our-plan-checks\nversion: "1"\ninput: plan\nextends: builtin\n', encoding="utf-8"
    )
    (plan / "overrides.yaml").write_text("kind: overrides\nparameters: {max_review_gap_days: 90}\n", encoding="utf-8")
    rules = str(tmp_path / "my-rules")
    assert kam("advise", "--rules", rules, "--format", "json", *AS_OF_ARGS, STRATEGIC).exit_code in (0, 1)
    assert kam("rules", "validate", rules).exit_code == 0
    assert kam("rules", "validate", str(plan)).exit_code == 0
    checked = kam("plan", "check", str(EXAMPLES / "plans" / "rossi-meccanica.plan.yaml"), "--rules", rules, *AS_OF_ARGS)
    assert checked.exit_code in (0, 1), checked.stderr
    # An empty folder is still a mistake worth naming.
    (tmp_path / "empty").mkdir()
    result = kam("advise", "--rules", str(tmp_path / "empty"), STRATEGIC)
    assert result.exit_code == 2 and "KR001 holds no .yaml files" in result.stderr


def test_json_lines_whose_first_line_is_nested_too_deeply_keep_the_others() -> None:
    deep = '{"id": "A0", "name": "D", "x": ' + "[" * 5000 + "]" * 5000 + "}"
    lines = deep + '\n{"id": "A1", "name": "Acme"}\n{"id": "A2", "name": "Beta"}\n'
    result = kam("advise", "-", "--format", "json", *AS_OF_ARGS, stdin=lines)
    assert result.exit_code == 2
    assert "<stdin>:1: IO008 not valid JSON: nested too deeply" in result.stderr
    assert [a["account"]["id"] for a in result.json()] == ["A1", "A2"]
