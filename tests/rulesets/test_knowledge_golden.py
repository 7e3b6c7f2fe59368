"""The deck's tables come out of the CLI word for word, in both languages.

tests/golden/deck_treatment.json holds the investment table ("Profili distintivi dei clienti")
as the deck writes it in Italian and as DOMAIN.md reads it in English. Every cell of every
strategy, read from `kam advise --format json` and `kam profiles --format json`, must match.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.support import EXAMPLES, ROOT, kam

GOLDEN = json.loads((ROOT / "tests" / "golden" / "deck_treatment.json").read_text(encoding="utf-8"))
EXPECTED_PAIRING = {
    "strategic": "strategic_investment",
    "status": "manage_for_cash",
    "star": "selective_investment",
    "opportunity": "proactive_maintenance",
}


def deck_cells(strategy: str, lang: str) -> dict[str, Any]:
    cells: dict[str, Any] = {k: v[lang] for k, v in GOLDEN["strategies"][strategy]["treatment"].items()}
    cells["pitfalls"] = [cells["pitfalls"]]
    return cells


@pytest.mark.parametrize("lang", ["en", "it"])
@pytest.mark.parametrize("profile", list(EXPECTED_PAIRING))
def test_advise_prints_the_deck_treatment_word_for_word(profile: str, lang: str) -> None:
    result = kam(
        "advise",
        str(EXAMPLES / "accounts" / f"{profile}.yaml"),
        "--format",
        "json",
        "--lang",
        lang,
        "--as-of",
        "2026-11-27",
    )
    assert result.exit_code == 0, result.stderr
    advice = result.json()
    assert advice["profile"] == profile
    strategy = EXPECTED_PAIRING[profile]
    assert advice["strategy"] == strategy
    assert advice["treatment"] == deck_cells(strategy, lang)
    assert advice["labels"]["strategy"] == GOLDEN["strategies"][strategy]["label"][lang]
    assert advice["lang"] == lang


@pytest.mark.parametrize("lang", ["en", "it"])
def test_profiles_prints_the_investment_table(lang: str) -> None:
    result = kam("profiles", "--format", "json", "--lang", lang)
    assert result.exit_code == 0, result.stderr
    table = result.json()
    assert table["rows"] == {k: v[lang] for k, v in GOLDEN["rows"].items()}
    assert [p["id"] for p in table["profiles"]] == list(EXPECTED_PAIRING)
    for p in table["profiles"]:
        assert p["strategy"] == EXPECTED_PAIRING[p["id"]]
        assert p["treatment"] == deck_cells(p["strategy"], lang)


def test_the_italian_profile_descriptions_are_the_decks() -> None:
    seed_like = {
        "strategic": "Clienti molto importanti, con i quali la relazione si sviluppa fino al livello di partnership.",
        "status": "Clienti molto importanti (in termini di valore).",
        "star": "Il prezzo è ancora un fattore preponderante nella decisione di comprare.",
        "opportunity": "Questi clienti solitamente vogliono un prodotto standard, «pret-a-porter».",
    }
    for pid, start in seed_like.items():
        result = kam("profiles", pid, "--format", "json", "--lang", "it")
        assert result.exit_code == 0
        assert result.json()["description"].startswith(start)


@pytest.mark.parametrize("lang", ["en", "it"])
def test_markdown_table_holds_every_cell(lang: str) -> None:
    result = kam("profiles", "--format", "markdown", "--lang", lang)
    assert result.exit_code == 0
    for strategy in GOLDEN["strategies"].values():
        for cell in strategy["treatment"].values():
            assert cell[lang].replace("|", "\\|") in result.stdout


def test_the_tier_matrix_labels_are_the_decks() -> None:
    from kamrules import Engine

    rb = Engine.default().rulebase
    assert rb.label("tier", "potential_key_account", "it") == "Key Account potenziale"  # one account: singular
    assert rb.label("tier", "key_account", "it") == "Key Account"
    assert rb.label("tier", "regular_account", "it") == "Regular Account"
    assert rb.label("tier", "important_account", "it") == "Important Account"


def test_the_lever_labels_are_the_decks() -> None:
    from kamrules import Engine

    levers = Engine.default().rulebase.levers
    assert levers["personal_trust"].label.it == "Fiducia personale (creare confidenza e rassicurazione)"
    assert levers["resource_support"].label.it == (
        "Supporto in termini di risorse (ridurre il \u201ccarico\u201d finanziario per il cliente)"
    )
    assert levers["risk_reduction"].label.it == (
        "Riduzione del rischio (ridurre l\u2019incertezza che il cliente può ricondurre al fornitore o al "
        "prodotto/servizio)"
    )
    assert levers["service_level"].label.it == (
        "Livello di servizio (affidabilità, rapidità, riordini automatizzati, riduzione difettosità)"
    )
    assert levers["technical_support"].label.it == (
        "Supporto tecnico (fornire know-how e migliorare la produttività del cliente)"
    )
