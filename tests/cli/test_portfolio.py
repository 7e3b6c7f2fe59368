"""`kam portfolio` end to end on the example portfolio: exit codes, the summary, every output."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support import EXAMPLES, Result

PORTFOLIO = EXAMPLES / "portfolio"


def test_example_portfolio_summary_and_csv(tmp_path: Path, kam: Callable[..., Result]) -> None:
    out = tmp_path / "advice.csv"
    code, stdout, stderr = kam(
        "portfolio",
        str(PORTFOLIO / "portfolio.csv"),
        "--sectors",
        str(PORTFOLIO / "sectors.yaml"),
        "--as-of",
        "2026-11-27",
        "--out",
        str(out),
    )
    assert code == 0, stderr
    assert "# Portfolio advice (as of 2026-11-27)" in stdout
    assert "KEY_ACCOUNTS_WITHOUT_PLAN" in stdout
    assert "| Certainty |" in stdout
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["id"] for r in rows] == [f"IT-{n:04d}" for n in range(42, 54)]
    assert {r["status"] for r in rows} == {"ok"}
    rossi = rows[0]
    assert rossi["tier"] == "key_account"
    assert rossi["revenue_quality.quadrant"] == "certainty"
    assert rossi["attractiveness_adaptability.quadrant"] == "target"


def test_italian_summary_uses_the_decks_words(tmp_path: Path, kam: Callable[..., Result]) -> None:
    code, stdout, _ = kam("portfolio", str(PORTFOLIO / "portfolio.csv"), "--as-of", "2026-11-27", "--lang", "it")
    assert code == 0
    assert "Qualità del fatturato" in stdout
    assert "| Certezza |" in stdout
    assert "Selezione o sviluppo quota penetrazione" in stdout


def test_unknown_output_extension_is_a_usage_error(tmp_path: Path, kam: Callable[..., Result]) -> None:
    code, _, err = kam("portfolio", str(PORTFOLIO / "portfolio.csv"), "--out", str(tmp_path / "x.pdf"))
    assert code == 2
    assert not (tmp_path / "x.pdf").exists()
    # every extension the command accepts is named, the spellings it also reads included
    for ext in (".csv", ".xlsx", ".jsonl", ".ndjson", ".md", ".markdown", ".txt", ".json", ".yaml", ".yml"):
        assert ext in err.replace("\n", " ")


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "jsonl"])
def test_every_output_format_has_one_row_per_account(tmp_path: Path, fmt: str, kam: Callable[..., Result]) -> None:
    from kamrules.io.portfolio_file import open_source

    out = tmp_path / f"advice.{fmt}"
    code, _, stderr = kam("portfolio", str(PORTFOLIO / "portfolio.csv"), "--as-of", "2026-11-27", "--out", str(out))
    assert code == 0, stderr
    with open_source(out) as source:
        rows = list(source.rows())
    if fmt == "jsonl":
        ids = [r.data["id"] for r in rows]
        assert all(set(r.data) >= {"row", "status", "tier", "revenue_quality.quadrant"} for r in rows)
    else:  # the workbook is for people: its headers are words (the machine names on its 2nd sheet)
        ids = [r.cells["id" if fmt == "csv" else "Id"] for r in rows if r.cells is not None]
    assert ids == [f"IT-{n:04d}" for n in range(42, 54)]
    if fmt == "jsonl":
        first = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
        assert first["business.revenue"] == 1200000


def test_progress_bar_only_on_a_terminal(tmp_path: Path, kam: Callable[..., Result]) -> None:
    from tests.support.portfolios import generate, write_csv

    source = tmp_path / "p.csv"
    write_csv(generate(1200), source)
    code, _, stderr = kam("portfolio", str(source), "--as-of", "2026-11-27")
    assert code == 0
    assert stderr == ""  # standard error is a pipe here: no bar
    code, stdout, stderr = kam(
        "portfolio", str(source), "--as-of", "2026-11-27", "--lang", "it", stderr_is_terminal=True
    )
    assert code == 0
    assert "Analisi" in stderr and "100%" in stderr  # the bar, on standard error only
    assert "Analisi" not in stdout.split("\n", 1)[0]


def test_plans_folder_marks_the_key_accounts_that_have_one(tmp_path: Path, kam: Callable[..., Result]) -> None:
    source = tmp_path / "p.csv"
    source.write_text(
        "id,name,assessment.current_contribution,assessment.potential_contribution\n"
        "K1,Key One,8,8\nK2,Key Two,9,9\nR1,Regular,2,2\n",
        encoding="utf-8",
    )
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "K1.yaml").write_text("kind: plan\naccount: {id: K1, name: Key One}\n", encoding="utf-8")
    out = tmp_path / "o.csv"
    code, stdout, _ = kam("portfolio", str(source), "--plans", str(plans), "--out", str(out), "--as-of", "2026-11-27")
    assert code == 0
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = {r["id"]: r for r in csv.DictReader(handle)}
    assert (rows["K1"]["plan.exists"], rows["K1"]["no_plan"]) == ("true", "")
    assert (rows["K2"]["plan.exists"], rows["K2"]["no_plan"]) == ("false", "true")
    assert rows["R1"]["no_plan"] == ""  # only key accounts need a plan
    assert "Key accounts with no Key Account Development Plan recorded: 1 (K2)." in stdout


def test_plans_folder_counts_only_the_plans_it_can_read(tmp_path: Path, kam: Callable[..., Result]) -> None:
    source = tmp_path / "p.csv"
    source.write_text(
        "id,name,assessment.current_contribution,assessment.potential_contribution\n"
        "K1,Key One,8,8\nK2,Key Two,9,9\nK3,Key Three,9,9\nK4,Key Four,9,9\nK5,Key Five,9,9\n",
        encoding="utf-8",
    )
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "K1.yaml").write_text("kind: plan\naccount: {id: K1, name: Key One}\n", encoding="utf-8")
    (plans / "K2.yaml").write_text("garbage: [\n", encoding="utf-8")  # not YAML
    (plans / "K3.md").write_text("# Key Account Development Plan: Key Three (K3)\n\n## The plan\n", encoding="utf-8")
    (plans / "K4.json").write_text('{"kind": "plan", "account": {"id": "K9", "name": "Nine"}}', encoding="utf-8")
    (plans / "K5.yml").write_text("kind: plan\naccount: {id: K5, name: Key Five}\n", encoding="utf-8")
    (plans / "K5.md").write_text("# Key Account Development Plan: Key Five (K5)\n", encoding="utf-8")  # its copy
    (plans / "K5.html").write_text("<p>report</p>\n", encoding="utf-8")  # not a plan file: ignored
    out = tmp_path / "o.csv"
    code, stdout, stderr = kam(
        "portfolio", str(source), "--plans", str(plans), "--out", str(out), "--as-of", "2026-11-27"
    )
    assert code == 0
    with out.open(encoding="utf-8-sig", newline="") as handle:
        exists = {r["id"]: r["plan.exists"] for r in csv.DictReader(handle)}
    assert exists == {"K1": "true", "K2": "false", "K3": "false", "K4": "false", "K5": "true"}
    assert "no Key Account Development Plan recorded: 3 (K2, K3, K4)." in stdout
    lines = stderr.splitlines()
    assert f"kam: --plans: {plans / 'K2.yaml'}: not counted as a plan:" in lines
    assert any("YAML000 not valid YAML" in line for line in lines)
    assert f"kam: --plans: {plans / 'K4.json'}: not counted as a plan: it is the plan of K9" in stderr
    assert f"kam: --plans: {plans / 'K3.md'}: not counted as a plan: a Markdown plan is for reading" in stderr
    assert "K5" not in stderr


def test_standard_input_is_read_like_a_file(tmp_path: Path) -> None:
    import subprocess
    import sys

    data = (PORTFOLIO / "portfolio.csv").read_bytes()
    out = tmp_path / "o.jsonl"
    result = subprocess.run(
        [sys.executable, "-m", "kamrules", "portfolio", "-", "--as-of", "2026-11-27", "--out", str(out)],
        input=data,
        capture_output=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr.decode()
    assert b"Accounts advised: 12" in result.stdout
    assert len(out.read_text(encoding="utf-8").splitlines()) == 12


def test_fail_on_portfolio_warnings(kam: Callable[..., Result]) -> None:
    args = ("portfolio", str(PORTFOLIO / "portfolio.csv"), "--as-of", "2026-11-27")
    assert kam(*args).exit_code == 0  # never, by default
    assert kam(*args, "--fail-on", "high").exit_code == 1  # KEY_ACCOUNTS_WITHOUT_PLAN is high


@pytest.mark.parametrize("suffix", ["jsonl", "json"])
def test_json_lines_and_json_lists(tmp_path: Path, kam: Callable[..., Result], suffix: str) -> None:
    from kamrules.io.yamlsafe import parse_document

    accounts = parse_document((PORTFOLIO / "portfolio.yaml").read_text(encoding="utf-8"), "p").data
    source = tmp_path / f"portfolio.{suffix}"
    if suffix == "jsonl":
        source.write_text("".join(json.dumps(a, default=str) + "\n" for a in accounts), encoding="utf-8")
    else:
        source.write_text(json.dumps(accounts, default=str, indent=1), encoding="utf-8")
    out = tmp_path / "o.csv"
    code, stdout, stderr = kam("portfolio", str(source), "--as-of", "2026-11-27", "--out", str(out), "--lang", "it")
    assert code == 0, stderr
    assert "Clienti analizzati: 5" in stdout
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["row"] for r in rows] == ["1", "2", "3", "4", "5"]  # the account's position (its line in JSON Lines)
    assert rows[0]["plan.exists"] == "true" and rows[0]["tier.text"] == "Key Account"


def test_rules_folder_layers_on_the_portfolio_rule_bases(tmp_path: Path, kam: Callable[..., Result]) -> None:
    rules = tmp_path / "rules"
    totals = rules / "portfolio" / "totals"
    totals.mkdir(parents=True)
    manifest = "kind: manifest\nname: ours\nversion: '1'\nextends: builtin\n"
    (rules / "kamrules.yaml").write_text(manifest, encoding="utf-8")
    (rules / "portfolio" / "kamrules.yaml").write_text(manifest + "input: portfolio_account\n", encoding="utf-8")
    (rules / "portfolio" / "overrides.yaml").write_text(
        "kind: overrides\nparameters: {margin_class_1_from: 40%}\n", encoding="utf-8"
    )
    (totals / "kamrules.yaml").write_text(manifest + "input: portfolio\n", encoding="utf-8")
    (totals / "overrides.yaml").write_text("kind: overrides\nparameters: {max_key_accounts: 5}\n", encoding="utf-8")
    out = tmp_path / "o.csv"
    args = ("portfolio", str(PORTFOLIO / "portfolio.csv"), "--as-of", "2026-11-27", "--out", str(out))
    code, stdout, stderr = kam(*args, "--rules", str(rules))
    assert code == 0, stderr
    assert "`TOO_MANY_KEY_ACCOUNTS`" in stdout  # 6 key accounts are too many with at most 5
    with out.open(encoding="utf-8-sig", newline="") as handle:
        bianchi = next(r for r in csv.DictReader(handle) if r["id"] == "IT-0043")
    assert bianchi["margin_class"] == "2"  # 31 % margin: class 1 now starts at 40 %
    assert "TOO_MANY_KEY_ACCOUNTS" not in kam(*args).stdout


def test_summary_as_data_and_rows_on_standard_output(kam: Callable[..., Result]) -> None:
    args = ("portfolio", str(PORTFOLIO / "portfolio.csv"), "--as-of", "2026-11-27")
    code, stdout, _ = kam(*args, "--format", "json")
    assert code == 0
    summary = json.loads(stdout)
    assert (summary["accounts"], summary["key_accounts"]) == (12, 6)
    assert {q["quadrant"] for q in summary["matrices"]["revenue_quality"]} >= {"certainty", "targeted_policies"}
    assert summary["bcg_estimate"]["revenue_gain_low"] == pytest.approx(0.05 * 8_500_000)
    code, stdout, _ = kam(*args, "--format", "jsonl")
    assert code == 0
    rows = [json.loads(line) for line in stdout.splitlines()]
    assert [r["id"] for r in rows] == [f"IT-{n:04d}" for n in range(42, 54)]  # rows only: no summary
    assert kam(*args, "--format", "xlsx").exit_code == 2  # a workbook needs --out


def test_out_with_a_summary_extension_takes_the_summary(tmp_path: Path, kam: Callable[..., Result]) -> None:
    args = ("portfolio", str(PORTFOLIO / "portfolio.csv"), "--as-of", "2026-11-27", "--out")
    code, stdout, _ = kam(*args, str(tmp_path / "summary.md"))
    assert (code, stdout) == (0, "")
    assert (tmp_path / "summary.md").read_text(encoding="utf-8").startswith("# Portfolio advice")
    code, _, _ = kam(*args, str(tmp_path / "summary.yaml"))
    assert code == 0
    assert "key_accounts: 6" in (tmp_path / "summary.yaml").read_text(encoding="utf-8")


def test_a_sector_in_the_file_with_too_few_criteria_is_not_called_missing(
    tmp_path: Path, kam: Callable[..., Result]
) -> None:
    (tmp_path / "sectors.yaml").write_text(
        "sectors:\n  - {id: food, name: Food, attractiveness: {margin: 5}, adaptability: {quality: 8}}\n",
        encoding="utf-8",
    )
    (tmp_path / "p.csv").write_text(
        "id,name,sector,business.revenue\nS2,Two,Food,50\nS3,Three,steel,40\n", encoding="utf-8"
    )
    args = [str(tmp_path / "p.csv"), "--sectors", str(tmp_path / "sectors.yaml"), "--out", str(tmp_path / "o.csv")]
    code, stdout, stderr = kam("portfolio", *args, "--as-of", "2026-11-27")
    assert code == 0, stderr
    assert "not in the sectors file: steel (1)" in stdout
    assert "in the sectors file but not scored (too few of its criteria given): Food (1)" in stdout
    code, stdout, stderr = kam("portfolio", *args, "--as-of", "2026-11-27", "--format", "json")
    data = json.loads(stdout)
    assert data["sectors_not_in_file"] == {"steel": 1}
    assert data["sectors_not_scored"] == {"Food": 1}


def _workbook(path: Path) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["id", "name", "business.revenue"])
    sheet.append(["X1", "Uno", 300])
    sheet.append(["X2", "Due", 100])
    book.save(path)
    return path


def test_xlsx_is_read_from_standard_input_and_from_any_file_name(tmp_path: Path) -> None:
    from tests.support import kam

    data = _workbook(tmp_path / "p.xlsx").read_bytes()
    renamed = tmp_path / "export.dat"  # openpyxl alone refuses a name not ending in .xlsx
    renamed.write_bytes(data)
    for args, stdin in [
        (("-", "--input-format", "xlsx"), data),
        (("-",), data),  # a workbook is told by its content too
        ((str(renamed), "--input-format", "xlsx"), None),
        ((str(renamed),), None),
    ]:
        result = kam("portfolio", *args, "--as-of", "2026-11-27", "--format", "json", stdin=stdin)
        assert result.exit_code == 0, (args, result.stderr)
        summary = result.json()
        assert (summary["accounts"], summary["rejected"], summary["revenue"]) == (2, 0, 400), args
        assert "(XLSX)" in summary["source"]


def test_a_file_that_is_not_a_workbook_is_a_clear_error(tmp_path: Path) -> None:
    from tests.support import kam

    text = tmp_path / "p.csv"
    text.write_text("id,name\nA,Acme\n", encoding="utf-8")
    truncated = tmp_path / "broken.xlsx"
    truncated.write_bytes(_workbook(tmp_path / "whole.xlsx").read_bytes()[:300])
    for path in (text, truncated):
        result = kam("portfolio", str(path), "--input-format", "xlsx", "--as-of", "2026-11-27")
        assert result.exit_code == 2, result.stderr
        assert f"{path}: IO011 is not a readable XLSX workbook" in result.stderr
        assert "internal error" not in result.stderr
    result = kam("portfolio", "-", "--input-format", "xlsx", stdin=b"id,name\nA,Acme\n")
    assert result.exit_code == 2 and "<stdin>: IO011" in result.stderr


def test_encoding_option_is_checked_and_a_wrong_one_names_the_file(tmp_path: Path) -> None:
    from tests.support import kam

    path = tmp_path / "p.csv"
    path.write_bytes("id,name,business.revenue\nA,Caffè,100\n".encode("cp1252"))
    unknown = kam("portfolio", str(path), "--encoding", "nope")
    assert unknown.exit_code == 2
    assert "Invalid value for '--encoding': unknown encoding 'nope'" in unknown.stderr
    not_text = kam("portfolio", str(path), "--encoding", "base64")
    assert not_text.exit_code == 2 and "'base64' is not a text encoding" in not_text.stderr
    # UTF-16 needs its byte order mark: the whole file cannot be read, and the message says so.
    wrong = kam("portfolio", str(path), "--encoding", "utf-16", "--as-of", "2026-11-27")
    assert wrong.exit_code == 2, wrong.stderr
    assert f"{path}: IO005 cannot be read as utf-16 text" in wrong.stderr
    assert "internal error" not in wrong.stderr
    right = kam("portfolio", str(path), "--encoding", "latin-1", "--as-of", "2026-11-27", "--format", "csv")
    assert right.exit_code == 0, right.stderr
    assert "Caffè" in right.stdout
    # The same from Python: a KamError, not a LookupError.
    from kamrules.errors import InputFileError
    from kamrules.io.portfolio_file import open_source

    with pytest.raises(InputFileError, match="unknown encoding 'nope'"), open_source(path, encoding="nope"):
        pass


@pytest.mark.parametrize("tab", ["tab", "\\t", "\t"])
def test_delimiter_option_is_one_character_or_tab(tmp_path: Path, tab: str) -> None:
    from tests.support import kam

    path = tmp_path / "p.txt"
    path.write_text("id\tname\tbusiness.revenue\nA\tAcme, S.p.A.\t100\n", encoding="utf-8")
    result = kam("portfolio", str(path), "--delimiter", tab, "--as-of", "2026-11-27", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert result.json()["accounts"] == 1
    assert "delimiter '\\t'" in result.json()["source"]


@pytest.mark.parametrize("delimiter", ["::", "", '"'])
def test_a_delimiter_that_is_not_one_character_is_a_usage_error(tmp_path: Path, delimiter: str) -> None:
    from tests.support import kam

    path = tmp_path / "p.csv"
    path.write_text("id,name\nA,Acme\n", encoding="utf-8")
    result = kam("portfolio", str(path), "--delimiter", delimiter)
    assert result.exit_code == 2
    assert "Invalid value for '--delimiter'" in result.stderr
    assert "internal error" not in result.stderr


JSONL = '{"id": "J1", "name": "Uno", "business": {"revenue": 300}}\n\n{"id": "J2", "name": "Due"}\n'


def test_json_lines_are_told_by_their_content(tmp_path: Path) -> None:
    from tests.support import kam

    named_otherwise = tmp_path / "p.dat"
    named_otherwise.write_text(JSONL, encoding="utf-8")
    as_text = tmp_path / "p.txt"  # a .txt is CSV by its name: --input-format says otherwise
    as_text.write_text(JSONL, encoding="utf-8")
    for args, stdin in [
        (("-",), JSONL),
        ((str(named_otherwise),), None),
        (("-", "--input-format", "jsonl"), JSONL),
        ((str(as_text), "--input-format", "jsonl"), None),
    ]:
        result = kam("portfolio", *args, "--as-of", "2026-11-27", "--format", "json", stdin=stdin)
        assert result.exit_code == 0, (args, result.stderr)
        assert result.json()["accounts"] == 2
        assert "(JSONL" in result.json()["source"]
    # A JSON list over several lines is still JSON, and a YAML list still YAML.
    from kamrules.io.accounts import detect_format

    assert detect_format("", '[\n{"id": "A"},\n{"id": "B"}\n]\n') == "yaml"
    assert detect_format("", '{"id": "A",\n "name": "B"}\n') == "yaml"
    assert detect_format("", JSONL) == "jsonl"


@pytest.mark.parametrize(
    ("name", "content"),
    [("zero.yaml", "[]\n"), ("zero.json", "[]"), ("zero.csv", "id,name,business.revenue\n"), ("zero.jsonl", "")],
)
def test_an_empty_portfolio_has_no_accounts_in_every_format(tmp_path: Path, name: str, content: str) -> None:
    from tests.support import kam

    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    out = tmp_path / "o.csv"
    result = kam("portfolio", str(path), "--as-of", "2026-11-27", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    assert "- Accounts advised: 0\n- Rows rejected: 0\n- Key accounts: 0\n- Revenue: 0\n" in result.stdout
    assert result.stderr == ""
    with out.open(encoding="utf-8-sig", newline="") as handle:
        assert list(csv.DictReader(handle)) == []  # the header only
    data = kam("portfolio", str(path), "--as-of", "2026-11-27", "--format", "json").json()
    assert (data["accounts"], data["rejected"], data["largest"]) == (0, 0, [])


def test_a_yaml_file_with_no_document_is_refused_as_a_whole(tmp_path: Path) -> None:
    from tests.support import kam

    path = tmp_path / "empty.yaml"
    path.write_text("# nothing yet\n", encoding="utf-8")
    result = kam("portfolio", str(path), "--as-of", "2026-11-27")
    assert result.exit_code == 2
    assert f"{path}: IO007 holds no account" in result.stderr
    assert "row 1" not in result.stderr  # not an error row standing for no row of the file
