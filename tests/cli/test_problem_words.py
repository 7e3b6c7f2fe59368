"""Problems people read on standard error are worded in the --lang language (issue 15, contract
§13): `kam advise`, `kam portfolio` and `kam plan` on bad input, in Italian on standard error, while
what scripts read (the rows' `error.problem`, the JSON) stays English and the codes stay codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tests.support import AS_OF, EXAMPLES, kam
from tests.support.plans import EXAMPLE_ACCOUNT

AS_OF_ARGS = ("--as-of", AS_OF.isoformat())
BAD_ACCOUNT = "id: A1\nname: Acme\nrevenu: 3\nrelationship:\n  loyalty: hihg\n"


def _bad_account(tmp_path: Path) -> Path:
    path = tmp_path / "bad.yaml"
    path.write_text(BAD_ACCOUNT, encoding="utf-8")
    return path


def _bad_portfolio(tmp_path: Path) -> Path:
    lines = (EXAMPLES / "portfolio" / "portfolio.csv").read_text(encoding="utf-8").splitlines()[:3]
    header = lines[0].split(",")
    cells = lines[2].split(",")
    cells[header.index("business.revenue")] = "abc"
    path = tmp_path / "p.csv"
    path.write_text("\n".join([lines[0], lines[1], ",".join(cells)]) + "\n", encoding="utf-8")
    return path


def test_advise_words_its_problems_in_italian(tmp_path: Path) -> None:
    code, _out, err = kam("advise", _bad_account(tmp_path), "--lang", "it", "--format", "json", *AS_OF_ARGS)
    assert code == 2
    assert "bad.yaml: l'account 'A1' ha fatti non validi:" in err
    assert "FACT001 campo sconosciuto 'revenu'; qui sono ammessi: id, name" in err
    assert "FACT003 'hihg' non è tra i valori ammessi: low, medium, high (forse intendevi high?)" in err
    assert "kam: 1 account non analizzato (vedi sopra); 0 analizzati" in err
    assert "unknown field" not in err and "could not be advised" not in err


def test_advise_in_english_is_worded_as_before(tmp_path: Path) -> None:
    code, _out, err = kam("advise", _bad_account(tmp_path), "--format", "json", *AS_OF_ARGS)
    assert code == 2
    assert "bad.yaml: account 'A1' has invalid facts:" in err
    assert "FACT003 'hihg' is not one of the allowed values: low, medium, high (did you mean high?)" in err
    assert "kam: 1 account could not be advised (see above); 0 advised" in err


def test_advise_names_a_csv_row_in_italian(tmp_path: Path) -> None:
    code, _out, err = kam("advise", _bad_portfolio(tmp_path), "--lang", "it", "--format", "json", *AS_OF_ARGS)
    assert code == 2
    assert "p.csv riga 3: " in err and "'abc' non è valido: qui va un numero (per esempio 1200000 o 0,25)" in err


def test_an_unreadable_file_is_refused_in_italian(tmp_path: Path) -> None:
    code, _out, err = kam("advise", tmp_path / "none.yaml", "--lang", "it", *AS_OF_ARGS)
    assert code == 2 and "none.yaml: IO001 il file non esiste" in err


def test_portfolio_error_rows_in_italian_on_stderr_and_english_in_the_rows(tmp_path: Path) -> None:
    code, out, err = kam("portfolio", _bad_portfolio(tmp_path), "--lang", "it", "--format", "jsonl", *AS_OF_ARGS)
    assert code == 2
    assert "riga 3, colonna business.revenue: FACT005 'abc' non è valido: qui va un numero" in err
    rows = [json.loads(line) for line in out.splitlines()]
    (error,) = [row for row in rows if row["status"] == "error"]
    # what scripts read stays English (contract §5, §13)
    assert error["error.problem"] == (
        "business.revenue: 'abc' is not valid: a number is expected here (such as 1200000 or 0.25)"
    )


def test_portfolio_summary_json_stays_english_while_stderr_is_italian(tmp_path: Path) -> None:
    code, out, err = kam("portfolio", _bad_portfolio(tmp_path), "--lang", "it", "--format", "json", *AS_OF_ARGS)
    assert code == 2
    assert json.loads(out)["rejected"] == 1
    assert "non è valido" in err and "is not valid" not in err


def test_plan_refusals_in_italian(tmp_path: Path) -> None:
    markdown = tmp_path / "plan.md"
    markdown.write_text("# Piano\n\n## Obiettivi\n\ntesto\n", encoding="utf-8")
    code, _out, err = kam("plan", "check", markdown, "--lang", "it", "--format", "json", *AS_OF_ARGS)
    assert code == 2
    assert err.startswith(f"{markdown}: PLAN009 questo è un piano in Markdown, fatto per essere letto")
    assert "(scrivine uno con kam plan new ACCOUNT_FILE --out plan.yaml)" in err


def test_plan_new_names_its_option_in_italian(tmp_path: Path) -> None:
    text = EXAMPLE_ACCOUNT.read_text(encoding="utf-8")
    both = tmp_path / "two.jsonl"
    one = yaml.safe_load(text)
    other = {**one, "id": "IT-9999"}
    both.write_text(json.dumps(one, default=str) + "\n" + json.dumps(other, default=str) + "\n", encoding="utf-8")
    code, _out, err = kam("plan", "new", both, "--lang", "it", *AS_OF_ARGS)
    assert code == 2
    assert "contiene 2 account; un piano è per un solo account: indicalo con --id" in err
    code, _out, err = kam("plan", "new", both, *AS_OF_ARGS)
    assert code == 2 and "holds 2 accounts; a plan is for one: name it with --id" in err


def test_kamrules_lang_words_an_error_that_stops_the_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAMRULES_LANG", "it")
    code, _out, err = kam("plan", "check", tmp_path / "none.yaml", *AS_OF_ARGS)
    assert code == 2 and "IO001 il file non esiste" in err


def test_an_internal_error_on_one_account_is_said_in_italian(monkeypatch: pytest.MonkeyPatch) -> None:
    from kamrules import api as engine_module

    real = engine_module.Engine.advise

    def sometimes(self: engine_module.Engine, facts: object, **kwargs: object) -> object:
        if getattr(facts, "id", None) == "IT-0233":
            raise KeyError("simulated bug")
        return real(self, facts, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(engine_module.Engine, "advise", sometimes)
    files = [str(EXAMPLES / "accounts" / f"{p}.yaml") for p in ("strategic", "star")]
    result = kam("advise", *files, *AS_OF_ARGS, "--format", "json", "--lang", "it")
    assert result.exit_code == 3
    assert "star.yaml: errore interno (KeyError: 'simulated bug'); gli altri account sono analizzati comunque" in (
        result.stderr
    )
    assert "kam: 1 account non analizzato (vedi sopra); 1 analizzato" in result.stderr
