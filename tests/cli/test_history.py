"""kam history and kam changes on the worked example of docs/history.md, word for word."""

from __future__ import annotations

import csv
import io
import re

import pytest

from tests.support import ROOT, kam
from tests.support.stores import record_quarters

CHANGES_SINCE = """\
Changes since 2026-07-01: each account's latest advice before that date against its latest since
11 accounts compared, 6 unchanged

Tier
  down  IT-0050 Romano Plastiche S.p.A.   key_account → regular_account
  up    IT-0047 Gallo Elettronica S.r.l.  potential_key_account → key_account

Profile
  IT-0046 Conti Farmaceutici S.p.A.  star → strategic
  IT-0050 Romano Plastiche S.p.A.    star → opportunity

Strategy
  IT-0046 Conti Farmaceutici S.p.A.  selective_investment → strategic_investment
  IT-0050 Romano Plastiche S.p.A.    selective_investment → proactive_maintenance

Warnings raised
  high    CONTRACT_EXPIRING    IT-0044 Verdi Alimentare S.p.A.
  medium  LOW_SHARE_STRATEGIC  IT-0046 Conti Farmaceutici S.p.A.
  medium  OVERSERVICED         IT-0050 Romano Plastiche S.p.A.
  medium  SCORE_DISAGREES      IT-0047 Gallo Elettronica S.r.l.

Warnings cleared
  high    DMU_UNMAPPED                IT-0050 Romano Plastiche S.p.A.
  high    TIER_PROFILE_CONFLICT       IT-0050 Romano Plastiche S.p.A.
  medium  PROFILE_BEHAVIOUR_CONFLICT  IT-0046 Conti Farmaceutici S.p.A.
  medium  SATISFACTION_RISK           IT-0045 Ferri Packaging S.r.l.

New accounts
  2026-09-30  IT-0054 Greco Meccatronica S.r.l.  potential_key_account, star, selective_investment
"""

CHANGES_BETWEEN_RUNS_MARKDOWN = """\
# Changes from run 1 (portfolio, as of 2026-06-30, examples/history/portfolio-2026-06.csv) to run 2 \
(portfolio, as of 2026-09-30, examples/history/portfolio-2026-09.csv)

11 accounts compared, 6 unchanged.

## Tier

| Account | Name | From | To | Move |
|---|---|---|---|---|
| IT-0050 | Romano Plastiche S.p.A. | key_account | regular_account | down |
| IT-0047 | Gallo Elettronica S.r.l. | potential_key_account | key_account | up |

## Profile

| Account | Name | From | To |
|---|---|---|---|
| IT-0046 | Conti Farmaceutici S.p.A. | star | strategic |
| IT-0050 | Romano Plastiche S.p.A. | star | opportunity |

## Strategy

| Account | Name | From | To |
|---|---|---|---|
| IT-0046 | Conti Farmaceutici S.p.A. | selective_investment | strategic_investment |
| IT-0050 | Romano Plastiche S.p.A. | selective_investment | proactive_maintenance |

## Warnings raised

| Severity | Warning | Account | Name |
|---|---|---|---|
| high | CONTRACT_EXPIRING | IT-0044 | Verdi Alimentare S.p.A. |
| medium | LOW_SHARE_STRATEGIC | IT-0046 | Conti Farmaceutici S.p.A. |
| medium | OVERSERVICED | IT-0050 | Romano Plastiche S.p.A. |
| medium | SCORE_DISAGREES | IT-0047 | Gallo Elettronica S.r.l. |

## Warnings cleared

| Severity | Warning | Account | Name |
|---|---|---|---|
| high | DMU_UNMAPPED | IT-0050 | Romano Plastiche S.p.A. |
| high | TIER_PROFILE_CONFLICT | IT-0050 | Romano Plastiche S.p.A. |
| medium | PROFILE_BEHAVIOUR_CONFLICT | IT-0046 | Conti Farmaceutici S.p.A. |
| medium | SATISFACTION_RISK | IT-0045 | Ferri Packaging S.r.l. |

## New accounts

| As of | Account | Name | Tier | Profile | Strategy |
|---|---|---|---|---|---|
| 2026-09-30 | IT-0054 | Greco Meccatronica S.r.l. | potential_key_account | star | selective_investment |

## No longer there

| As of | Account | Name | Tier | Profile | Strategy |
|---|---|---|---|---|---|
| 2026-06-30 | IT-0051 | Colombo Alimenti S.r.l. | regular_account | opportunity | proactive_maintenance |
"""

CHANGES_CSV = [
    ["section", "account_id", "account_name", "before", "after", "direction", "severity", "code"],
    ["tier", "IT-0050", "Romano Plastiche S.p.A.", "key_account", "regular_account", "down", "", ""],
    ["tier", "IT-0047", "Gallo Elettronica S.r.l.", "potential_key_account", "key_account", "up", "", ""],
    ["profile", "IT-0046", "Conti Farmaceutici S.p.A.", "star", "strategic", "", "", ""],
    ["profile", "IT-0050", "Romano Plastiche S.p.A.", "star", "opportunity", "", "", ""],
    ["strategy", "IT-0046", "Conti Farmaceutici S.p.A.", "selective_investment", "strategic_investment", "", "", ""],
    ["strategy", "IT-0050", "Romano Plastiche S.p.A.", "selective_investment", "proactive_maintenance", "", "", ""],
    ["warning_raised", "IT-0044", "Verdi Alimentare S.p.A.", "", "", "", "high", "CONTRACT_EXPIRING"],
    ["warning_raised", "IT-0046", "Conti Farmaceutici S.p.A.", "", "", "", "medium", "LOW_SHARE_STRATEGIC"],
    ["warning_raised", "IT-0050", "Romano Plastiche S.p.A.", "", "", "", "medium", "OVERSERVICED"],
    ["warning_raised", "IT-0047", "Gallo Elettronica S.r.l.", "", "", "", "medium", "SCORE_DISAGREES"],
    ["warning_cleared", "IT-0050", "Romano Plastiche S.p.A.", "", "", "", "high", "DMU_UNMAPPED"],
    ["warning_cleared", "IT-0050", "Romano Plastiche S.p.A.", "", "", "", "high", "TIER_PROFILE_CONFLICT"],
    ["warning_cleared", "IT-0046", "Conti Farmaceutici S.p.A.", "", "", "", "medium", "PROFILE_BEHAVIOUR_CONFLICT"],
    ["warning_cleared", "IT-0045", "Ferri Packaging S.r.l.", "", "", "", "medium", "SATISFACTION_RISK"],
    ["new_account", "IT-0054", "Greco Meccatronica S.r.l.", "", "potential_key_account, star, selective_investment",
     "", "", ""],
]  # fmt: skip

HISTORY = """\
IT-0046 Conti Farmaceutici S.p.A.: 2 advices recorded, 1 change

2026-06-30  key_account · star (matrix) · selective_investment
            warnings: DMU_UNMAPPED (high), MISSING_DATA (medium), PROFILE_BEHAVIOUR_CONFLICT (medium)
            recorded 2026-06-30 17:05 UTC by giulia, run 1, rules kamrules-builtin 1.0.0

2026-09-30  profile: star → strategic
            strategy: selective_investment → strategic_investment
            warnings raised: LOW_SHARE_STRATEGIC (medium)
            warnings cleared: PROFILE_BEHAVIOUR_CONFLICT (medium)
            because the facts changed:
              assessment.relative_strength: 5 → 7
            recorded 2026-09-30 16:40 UTC by giulia, run 2, rules kamrules-builtin 1.0.0
"""

HISTORY_BY_DATE = """\
IT-0044 Verdi Alimentare S.p.A.: 2 advices recorded, 1 change

2026-06-30  key_account · star (matrix) · selective_investment
            warnings: DMU_UNMAPPED (high), MISSING_DATA (medium)
            recorded 2026-06-30 17:05 UTC by giulia, run 1, rules kamrules-builtin 1.0.0

2026-09-30  warnings raised: CONTRACT_EXPIRING (high)
            because the date moved on (same facts, same rule base)
            recorded 2026-09-30 16:40 UTC by giulia, run 2, rules kamrules-builtin 1.0.0
"""


@pytest.fixture
def recorded(db_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    record_quarters(db_url, monkeypatch)
    return db_url


def test_changes_since_last_quarter(recorded: str) -> None:
    result = kam("changes", "--since", "2026-07-01", "--db", recorded)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == CHANGES_SINCE


def test_changes_between_two_runs_as_markdown_and_csv(recorded: str) -> None:
    result = kam("changes", "1", "last", "--db", recorded, "--format", "markdown")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == CHANGES_BETWEEN_RUNS_MARKDOWN
    rows = list(
        csv.reader(io.StringIO(kam("changes", "--since", "2026-07-01", "--db", recorded, "--format", "csv").stdout))
    )
    assert rows == CHANGES_CSV


def test_changes_as_json(recorded: str) -> None:
    data = kam("changes", "1", "2", "--db", recorded, "--format", "json").json()
    assert (data["compared"], data["unchanged"]) == (11, 6)
    assert [(m["account"]["id"], m["direction"]) for m in data["tier"]] == [("IT-0050", "down"), ("IT-0047", "up")]
    assert [a["account"]["id"] for a in data["gone_accounts"]] == ["IT-0051"]
    assert data["run_a"]["summary"]["accounts"] == 12 and data["run_b"]["input_digest"].startswith("sha256:")


def test_history_of_an_account_says_what_changed_and_why(recorded: str) -> None:
    assert kam("history", "IT-0046", "--db", recorded).stdout == HISTORY
    assert kam("history", "IT-0044", "--db", recorded).stdout == HISTORY_BY_DATE


def test_history_as_json_csv_and_markdown(recorded: str) -> None:
    data = kam("history", "IT-0046", "--db", recorded, "--format", "json").json()
    assert [e["changed"] for e in data["entries"]] == [True, True]
    assert data["entries"][1]["facts_changed"] == [
        {"path": "assessment.relative_strength", "before": 5.0, "after": 7.0}
    ]
    assert data["entries"][1]["causes"] == ["facts"]
    rows = list(csv.DictReader(io.StringIO(kam("history", "IT-0046", "--db", recorded, "--format", "csv").stdout)))
    assert [(r["as_of"], r["profile"], r["warnings_raised"], r["facts_changed"]) for r in rows] == [
        ("2026-06-30", "star", "", ""),
        ("2026-09-30", "strategic", "LOW_SHARE_STRATEGIC", "assessment.relative_strength"),
    ]
    markdown = kam("history", "IT-0046", "--db", recorded, "--format", "markdown").stdout
    assert markdown.splitlines()[0] == "# History of IT-0046 Conti Farmaceutici S.p.A."
    assert (
        "| 2026-09-30 | key_account | strategic | strategic_investment | profile: star → strategic; strategy: "
        "selective_investment → strategic_investment; warnings raised: LOW_SHARE_STRATEGIC (medium); warnings "
        "cleared: PROFILE_BEHAVIOUR_CONFLICT (medium) | the facts changed: assessment.relative_strength |" in markdown
    )


def test_history_and_changes_speak_italian(recorded: str) -> None:
    text = kam("changes", "--since", "2026-07-01", "--db", recorded, "--lang", "it").stdout.splitlines()
    assert text[:2] == [
        "Cambiamenti dal 2026-07-01: l'ultimo consiglio di ogni cliente prima di quella data confrontato con "
        "l'ultimo da allora",
        "11 clienti confrontati, 6 invariati",
    ]
    assert {"Livello", "Avvisi comparsi", "Nuovi clienti"} <= set(text)
    history = kam("history", "IT-0046", "--db", recorded, "--lang", "it").stdout
    assert "perché i fatti sono cambiati:\n" in history
    assert "registrato 2026-09-30 16:40 UTC da giulia, esecuzione 2, regole kamrules-builtin 1.0.0" in history
    runs = kam("history", "runs", "--db", recorded, "--lang", "it").stdout
    assert runs.split()[:3] == ["esecuzione", "tipo", "registrata"]


def test_the_runs_list(recorded: str) -> None:
    text = kam("history", "runs", "--db", recorded).stdout
    assert text.splitlines() == [
        "run  kind       recorded              by      as of       accounts  source",
        "2    portfolio  2026-09-30 16:40 UTC  giulia  2026-09-30  12        examples/history/portfolio-2026-09.csv",
        "1    portfolio  2026-06-30 17:05 UTC  giulia  2026-06-30  12        examples/history/portfolio-2026-06.csv",
    ]


def test_asking_for_what_is_not_there(recorded: str) -> None:
    result = kam("history", "IT-9999", "--db", recorded)
    assert result.exit_code == 2
    assert result.stderr == "kam: STORE008 nothing is recorded for the account 'IT-9999'\n"
    result = kam("changes", "1", "7", "--db", recorded)
    assert (result.exit_code, result.stderr) == (
        2,
        "kam: STORE007 RUN_B: there is no run 7 (kam history runs lists them)\n",
    )
    result = kam("changes", "²", "last", "--db", recorded)  # a digit to str.isdigit, not to int()
    assert (result.exit_code, result.stderr) == (
        2,
        "kam: STORE006 RUN_A: '²' is not a run: give a run number or last (kam history runs lists them)\n",
    )
    result = kam("changes", "9" * 5000, "last", "--db", recorded)  # past int()'s digit limit and a BIGINT
    assert result.exit_code == 2 and result.stderr.startswith("kam: STORE006 RUN_A: '999"), result.stderr
    result = kam("changes", "1", "--db", recorded)
    assert result.exit_code == 2 and "give two runs, RUN_A and RUN_B (found 1)" in result.stderr
    result = kam("changes", "--since", "2026-07-01", "--until", "2026-06-01", "--db", recorded)
    assert (result.exit_code, result.stderr) == (
        2,
        "kam: STORE009 --until: 2026-06-01 is before the period's start, 2026-07-01\n",
    )


def test_the_worked_example_in_docs_history_md_is_what_kam_prints(recorded: str) -> None:
    doc = (ROOT / "docs" / "history.md").read_text(encoding="utf-8")
    blocks = dict(re.findall(r"```console\n\$ (kam [^\n]*)\n(.*?)```", doc, flags=re.S))
    assert blocks["kam changes --since 2026-07-01"] == CHANGES_SINCE
    assert blocks["kam history IT-0046"] == HISTORY
