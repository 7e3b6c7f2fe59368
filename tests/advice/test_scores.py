"""Each score in the advice carries its source, and with explain how it was computed (issue 14):
the JSON keys of docs/contract.md §3, the readable advice, the JSON Schema of the advice."""

from __future__ import annotations

import json

from kamrules import Engine
from tests.support import AS_OF, EXAMPLES, kam

CRM = EXAMPLES / "accounts" / "crm.yaml"


def test_every_score_says_where_it_comes_from(engine: Engine) -> None:
    derived = kam("advise", str(CRM), "--as-of", AS_OF.isoformat(), "--format", "json").json()
    assert derived["score_sources"] == {
        "current_contribution": "derived",
        "potential_contribution": "derived",
        "attractiveness": "derived",
        "relative_strength": "derived",
    }
    assert derived["score_details"] is None  # only with --explain
    hand = kam(
        "advise", str(EXAMPLES / "accounts" / "strategic.yaml"), "--as-of", AS_OF.isoformat(), "--format", "json"
    )
    assert set(hand.json()["score_sources"].values()) == {"hand"}
    nothing = engine.advise({"id": "N", "name": "Nothing"}, as_of=AS_OF)
    assert nothing.score_sources.model_dump() == dict.fromkeys(derived["score_sources"])


def test_explain_gives_each_scores_computation_and_inputs() -> None:
    advice = kam("advise", str(CRM), "--as-of", AS_OF.isoformat(), "--format", "json", "--explain").json()
    potential = advice["score_details"]["potential_contribution"]
    assert (potential["value"], potential["source"], potential["basis"]) == (8.0147, "derived", "potential_revenue")
    assert potential["basis_text"] == "potential revenue less our revenue"
    assert [s["rule"] for s in potential["steps"]] == [
        "potential_headroom",
        "revenue_to_win:from_potential_revenue",
        "untapped_contribution",
        "scaled_untapped_contribution",
        "potential_from_facts",
        "potential_contribution_used:derived",
    ]
    assert potential["inputs"] == {
        "business.potential_revenue": 4000000,
        "business.revenue": 3000000,
        "business.margin_pct": 0.25,
    }
    current = advice["score_details"]["current_contribution"]
    assert current["basis"] == "gross_contribution"
    assert current["steps"][-2]["because"] == (
        "measures.gross_contribution is 750000, at or above 600000 (contribution_top): 10"
    ) or any("contribution_top" in s["because"] for s in current["steps"])


def test_the_explanation_comes_in_the_advice_language() -> None:
    advice = kam("advise", str(CRM), "--as-of", AS_OF.isoformat(), "--format", "json", "--explain", "--lang", "it")
    details = advice.json()["score_details"]["relative_strength"]
    assert details["source_text"] == "punteggio derivato dai fatti"
    assert details["steps"][-2]["because"] == "la media pesata di 4 criteri dà 8.5156"


def test_the_readable_advice_shows_scores_not_given_by_hand() -> None:
    text = kam("advise", str(CRM), "--as-of", AS_OF.isoformat(), "--format", "text").stdout
    assert (
        "  Scores     current contribution 10.0 (derived from the facts)\n"
        "             potential contribution 8.0 (derived from the facts)\n"
    ) in text
    italian = kam("advise", str(CRM), "--as-of", AS_OF.isoformat(), "--format", "markdown", "--lang", "it").stdout
    assert "*Punteggi*: contribuzione attuale 10,0 (punteggio derivato dai fatti)" in italian
    hand = kam(
        "advise", str(EXAMPLES / "accounts" / "strategic.yaml"), "--as-of", AS_OF.isoformat(), "--format", "text"
    )
    assert "Scores" not in hand.stdout  # the reader typed them


def test_the_advice_schema_names_the_new_keys() -> None:
    schema = json.loads(kam("schema", "advice").stdout)
    assert {"score_sources", "score_details"} <= set(schema["properties"])
    assert "tier" in json.dumps(schema["$defs"]["Advice"] if "Advice" in schema.get("$defs", {}) else schema)
    sources = json.dumps(schema)
    assert '"portfolio"' in sources and '"derived"' in sources
