"""The HTML report's content: the accounts table (a Strategy column, no leading row number),
warnings by title and severity with links to the accounts they concern, account warnings one
line per warning, every link landing on a row, a light page at 10,000 accounts, and the
--report and --plot options."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kamrules.portfolio.html_report import render_report
from kamrules.portfolio.report_table import TABLE_LIMIT
from tests.support import EXAMPLES, kam
from tests.support.portfolios import hostile_outcome

PORTFOLIO = EXAMPLES / "portfolio"


def report(tmp_path: Path, *args: str, name: str = "report.html") -> tuple[int, str, Path]:
    out = tmp_path / name
    result = kam(
        "portfolio", str(PORTFOLIO / "portfolio.csv"), "--sectors", str(PORTFOLIO / "sectors.yaml"),
        "--as-of", "2026-11-27", "--report", str(out), *args,
    )  # fmt: skip
    return result.exit_code, result.stderr, out


def section(html: str, ident: str) -> str:
    start = html.index(f'id="{ident}"')
    return html[start : html.index("</section>", start)]


def visible(html: str) -> str:
    """The page's text, without its markup and attributes."""
    return re.sub(r"<[^>]+>", " ", html)


def test_the_accounts_table_has_a_strategy_column_and_no_row_number(tmp_path: Path) -> None:
    code, stderr, out = report(tmp_path)
    assert code == 0, stderr
    table = section(out.read_text(encoding="utf-8"), "accounts")
    heads = re.findall(r"<th>([^<]*)</th>", table)
    assert heads[:6] == ["Id", "Name", "Sector", "Tier", "Profile", "Strategy"]
    assert "row" not in [h.lower() for h in heads]
    rows = re.findall(r'<tr id="acc-(\d+)">', table)
    assert rows == [str(n) for n in range(2, 14)]  # every account, in the input's order
    assert "Strategic investment" in table


def test_warnings_show_titles_and_severities_and_link_to_their_accounts(tmp_path: Path) -> None:
    _, _, out = report(tmp_path)
    html = out.read_text(encoding="utf-8")
    warnings = section(html, "warnings")
    assert "Key accounts without a plan" in warnings and ">high<" in warnings
    assert "KEY_ACCOUNTS_WITHOUT_PLAN" not in visible(warnings)  # titles, not codes
    targets = set(re.findall(r'<tr id="(acc-\d+)">', html))
    plan = warnings[warnings.index("Key accounts without a plan") :]
    plan = plan[: plan.index("</div></div>") if "</div></div>" in plan else len(plan)]
    linked = re.findall(r'href="#(acc-\d+)"', plan.split("Revenue concentrated")[0])
    # IT-0044, IT-0046, IT-0050 and IT-0052 (rows 4, 6, 10 and 12): the key accounts with no plan.
    assert sorted(linked) == ["acc-10", "acc-12", "acc-4", "acc-6"]
    every_link = re.findall(r'href="#(acc-\d+)"', html)
    assert every_link and set(every_link) <= targets  # every link lands on a row of the table


def test_account_warnings_one_line_per_warning_whatever_its_severities(tmp_path: Path) -> None:
    _, _, out = report(tmp_path)
    html = out.read_text(encoding="utf-8")
    part = section(html, "account-warnings")
    codes = re.findall(r'<tr id="w-([A-Z_]+)">', part)
    assert len(codes) == len(set(codes)) and "SATISFACTION_RISK" in codes
    # SATISFACTION_RISK is high for a key account and medium otherwise: one line says both.
    line = part[part.index('id="w-SATISFACTION_RISK"') :].split("</tr>")[0]
    assert "Loyal but dissatisfied" in line and "1 high, 1 medium" in line
    assert re.findall(r'href="#(acc-\d+)"', line) == ["acc-5", "acc-10"]  # Ferri Packaging, Romano Plastiche
    assert "SATISFACTION_RISK" not in visible(part)


def test_italian_report_with_italian_numbers_and_dates(tmp_path: Path) -> None:
    _, _, out = report(tmp_path, "--lang", "it")
    html = out.read_text(encoding="utf-8")
    assert '<html lang="it">' in html and "al 27 novembre 2026" in html
    assert "9.960.000" in html and "Strategia" in html and "Clienti interessati" in html
    for words in ("Qualità del fatturato", "Certezza", "Politiche mirate", "Matrice Settori target", "Veri amici"):
        assert words in html


@pytest.mark.parametrize("name", ["report.pdf", "report", "report.html.txt"])
def test_report_refuses_a_name_it_would_not_write_as_html(tmp_path: Path, name: str) -> None:
    code, stderr, out = report(tmp_path, name=name)
    assert code == 2
    assert "--report" in stderr and ".html or .htm" in stderr
    assert not out.exists()


def test_report_accepts_htm(tmp_path: Path) -> None:
    code, _, out = report(tmp_path, name="report.HTM")
    assert code == 0 and out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_plot_without_matplotlib_writes_the_svg_pictures(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kamrules.portfolio import png

    monkeypatch.setattr(png, "matplotlib_missing", lambda: "PNG pictures need matplotlib, which is not installed: x")
    folder = tmp_path / "plots"
    result = kam("portfolio", str(PORTFOLIO / "portfolio.csv"), "--as-of", "2026-11-27", "--plot", str(folder))
    assert result.exit_code == 0
    assert sorted(p.suffix for p in folder.iterdir()) == [".svg"] * 6
    assert "--plot: PNG pictures need matplotlib" in result.stderr
    assert "the SVG pictures are written all the same" in result.stderr


@pytest.mark.slow
def test_a_report_of_10000_accounts_stays_light() -> None:
    html = render_report(hostile_outcome(10_000))
    size = len(html.encode("utf-8"))
    assert size < 2_000_000, size  # it was 14 MB; measured 1.2 MB
    rows = re.findall(r'<tr id="(acc-\d+)">', html)
    assert TABLE_LIMIT <= len(rows) < TABLE_LIMIT + 400
    assert set(re.findall(r'href="#(acc-\d+)"', html)) <= set(rows)
    assert "The 500 largest of the 10,000 accounts by revenue" in html
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html


# The warnings issue 14 added (rulesets/fit.yaml, coherence.yaml, warnings.yaml).
KNOWLEDGE_WARNINGS = (
    "TIER_PROFILE_CONFLICT",
    "PROFILE_BEHAVIOUR_CONFLICT",
    "SCORE_DISAGREES",
    "COMPLACENCY_RISK",
    "MARKET_DESTABILISING_PRICE",
)


def test_issue_14s_warnings_link_to_the_accounts_that_raise_them(tmp_path: Path) -> None:
    from kamrules.portfolio.run import Request, run_portfolio
    from tests.support import AS_OF
    from tests.support.portfolios import generate, write_csv

    source = tmp_path / "p.csv"
    write_csv(generate(300), source)
    outcome = run_portfolio(Request(path=str(source), as_of=AS_OF, keep_points=True), lambda _row: None)
    html = render_report(outcome)
    raised = {code for code, _severity in outcome.tally.warnings if code in KNOWLEDGE_WARNINGS}
    assert len(raised) >= 3, raised  # the generated portfolio raises most of them
    table = section(html, "accounts")
    for code in raised:
        row = re.search(rf'<tr id="w-{code}">.*?</tr>', section(html, "account-warnings"), re.S)
        assert row is not None, code
        anchors = re.findall(r'href="#(acc-\d+)"', row.group(0))
        holders = [p for p in outcome.tally.points if code in {c for c, _ in p.get("_warnings") or ()}]
        assert anchors and len(anchors) == min(len(holders), 20), code  # up to MAX_LINKS linked, the rest counted
        assert all(f'id="{a}"' in table for a in anchors), code  # every link lands on a row
