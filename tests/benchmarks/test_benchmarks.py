"""The benchmark harness works: its quick mode runs end to end on a tiny size, prints one JSON
object with every figure, and every contender gives the same answers. No timing is asserted:
a shared CI machine's speed is not a property of the code."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from benchmarks import canon, plain, report
from benchmarks.cli import main, shown_command
from benchmarks.generate import AS_OF, accounts, write_csv
from kamrules import Engine
from kamrules.model.account import account_values
from kamrules.model.validate import validate_account


def test_generator_is_seeded_and_gives_valid_distinct_accounts() -> None:
    first = accounts(200, seed=11)
    assert first == accounts(200, seed=11)
    assert first != accounts(200, seed=12)
    assert len({a["id"] for a in first}) == 200
    for facts in first:
        validate_account(facts)  # raises on any fact out of the contract


def test_portfolio_csv_has_a_header_and_one_row_per_account(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "p.csv", 25, seed=3)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("id,name,sector,")
    assert len(lines) == 26


def test_plain_python_agrees_with_the_decision_core() -> None:
    engine = Engine.default()
    for facts in accounts(300, seed=5):
        values = account_values(validate_account(facts))
        expected = canon.from_evaluation(engine.program.run(dict(values), AS_OF, "en", trace=False))
        assert canon.from_plain(plain.advise(values, AS_OF)) == expected, facts["id"]


def test_every_contender_agrees_on_every_built_in_test_case() -> None:
    """The built-in YAML test cases exercise every rule and table row (kam rules test reaches
    100 % coverage), so a rule added to the YAML and not to the hand-written rules or the zen
    graph fails here, not in a 25-minute benchmark run."""
    from benchmarks.contenders import engines, equivalence, prepare
    from kamrules.language.load import load_rulebase

    by_date: dict[object, list[dict[str, object]]] = {}
    for case in load_rulebase(tests=True).tests:
        by_date.setdefault(case.as_of or AS_OF, []).append(case.facts)
    assert sum(len(c) for c in by_date.values()) >= 80
    e = engines(with_zen=True)
    for as_of, cases in by_date.items():
        found = equivalence(prepare(cases, as_of), e)  # type: ignore[arg-type]
        assert found.ok, [m.describe() for m in found.mismatches[:5]]


def test_a_difference_is_reported_with_the_account_and_the_field() -> None:
    a = canon.canon("key_account", "star", "matrix", "selective_investment", [("STAGE_GAP", "medium")], [], [])
    b = canon.canon("key_account", "star", "matrix", "selective_investment", [("STAGE_GAP", "high")], [], [])
    found = canon.compare(["X-1"], "core", [a], "zen", [b])
    assert len(found) == 1
    assert found[0].field == "warnings"
    assert "X-1" in found[0].describe()


def test_recorded_command_names_no_path_of_the_machine() -> None:
    shown = shown_command(["--quick", "--workdir", "/srv/x/work", "--out=/srv/x/run.json", "--seed", "3"])
    assert shown == "python -m benchmarks --quick --workdir work --out=run.json --seed 3"


@pytest.mark.slow  # about 8 s: a whole quick benchmark run
def test_quick_json_run_prints_every_figure_and_passes_the_equivalence_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "--quick",
            "--json",
            "--accounts",
            "40",
            "--rounds",
            "1",
            "--portfolio",
            "120",
            "--per-row",
            "60",
            "--cold-runs",
            "1",
            "--workdir",
            str(tmp_path),
            "--out",
            str(tmp_path / "run.json"),
        ]
    )
    printed = capsys.readouterr().out
    figures = json.loads(printed[: printed.rindex("}") + 1])
    assert code == 0
    assert figures["equivalence"]["ok"], figures["equivalence"]["first"]
    expected = {"core_memo", "core_nomemo", "e2e", "plain", "batch"}
    if importlib.util.find_spec("zen") is not None:
        expected |= {"zen_dict", "zen_json"}
        assert "core_memo_vs_zen" in figures["ratios"]
    assert set(figures["throughput"]) == expected
    for figure in figures["throughput"].values():
        assert figure["accounts"] == 40
        assert figure["accounts_per_s"] > 0
        if figure["p50_us"] is not None:  # the batch contender times tables, not accounts
            assert figure["p99_us"] >= figure["p50_us"] > 0
    assert {"python_pass", "kam_help", "kam_advise_one"} <= set(figures["cold_start"])
    assert figures["cold_start"]["kam_advise_one"]["exit_codes"] == [0]
    (run,) = figures["portfolio"]
    assert run["accounts"] == 120
    assert run["rows_written"] == 120
    assert run["exit_code"] in (0, 1)
    assert run["peak_rss_mb"] > 0
    # (h) the columnar run on the same CSV: to CSV, the same bytes as kam portfolio's; to Parquet.
    assert [(r["format"], r["rows_written"], r["exit_code"]) for r in figures["columnar"]] == [
        ("csv", 120, run["exit_code"]),
        ("parquet", 120, run["exit_code"]),
    ]
    assert figures["columnar"][0]["same_as_today"] is True
    # ...against the per-row baseline of the same run: its accounts, and each columnar run's ratio.
    baseline = figures["per_row_baseline"]
    assert (baseline["engine"], baseline["accounts"], baseline["rows_written"]) == ("per-row", 60, 60)
    assert baseline["exit_code"] in (0, 1)
    for r in figures["columnar"]:
        assert r["vs_per_row"] == round(r["accounts_per_s"] / baseline["accounts_per_s"], 2)
    judged = {t["target"] for t in figures["targets"]}
    assert {"decision core vs zen-engine", "end to end, accounts/s/process"} <= judged
    assert figures["machine"]["nproc"] >= 1
    assert "commit" in figures["code"]

    # The tables of docs/performance.md come from a saved run.
    assert main(["--markdown", "--from", str(tmp_path / "run.json")]) == 0
    table = capsys.readouterr().out
    assert "| (c) plain Python, by hand |" in table
    assert "| target (issue 7) |" in table
    assert "| per-row baseline: 60 accounts to csv |" in table

    # ...and are written into the page between its markers, the rest of the page kept.
    page = tmp_path / "performance.md"
    page.write_text(f"# Title\n{report.BEGIN}\nold table\n{report.END}\nafter\n", encoding="utf-8")
    assert main(["--from", str(tmp_path / "run.json"), "--update", str(page)]) == 0
    updated = page.read_text(encoding="utf-8")
    assert "old table" not in updated
    assert updated.startswith("# Title\n") and updated.endswith(f"{report.END}\nafter\n")
    assert "| (c) plain Python, by hand |" in updated
