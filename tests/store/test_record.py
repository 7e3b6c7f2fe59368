"""Recording: idempotent, in one transaction, with hostile text kept as text, scores kept as a
mapping whatever their keys, plans kept by version."""

from __future__ import annotations

import datetime as dt

import pytest

from kamrules.store import PlanInput, open_store
from tests.support.stores import RULESET, advice, count, facts


def test_the_same_advice_recorded_twice_is_stored_once(db_url: str) -> None:
    with open_store(db_url) as store:
        first = store.record_advice(facts(), advice())
        again = store.record_advice(facts(), advice())
        assert (first.new_run, first.advices, first.new) == (True, 1, 1)
        assert (again.new_run, again.advices, again.new) == (False, 1, 0)
        assert again.run.id == first.run.id
        # The same advice inside a bigger run is not stored again either: the run points at it.
        both = store.record_advices([(facts(), advice()), (facts("T-2"), advice("T-2"))])
        assert (both.new_run, both.advices, both.new) == (True, 2, 1)
    assert count(db_url, "advices") == 2
    assert count(db_url, "runs") == 2
    assert count(db_url, "run_advices") == 3


def test_other_facts_another_date_or_other_rules_are_new_advices(db_url: str) -> None:
    other_rules = {**RULESET, "version": "1.1.0", "digest": "sha256:" + "b" * 64}
    with open_store(db_url) as store:
        store.record_advice(facts(), advice())
        assert store.record_advice(facts(sector="food"), advice()).new == 1
        assert store.record_advice(facts(), advice(as_of="2026-09-30")).new == 1
        assert store.record_advice(facts(), advice(ruleset=other_rules)).new == 1
        # The language of the texts is not a different advice: the store keeps no texts.
        assert store.record_advice(facts(), {**advice(), "lang": "it"}).new == 0
    assert count(db_url, "advices") == 4


def test_an_account_id_holding_sql_is_just_text(db_url: str) -> None:
    hostile = "x'); DROP TABLE advices; --"
    name = "Robert'); DELETE FROM runs; --"
    with open_store(db_url) as store:
        store.record_advice(facts(hostile, name), advice(hostile, name))
        history = store.history(hostile)
        assert history.account.id == hostile
        assert history.account.name == name
        assert store.history("x").entries == []
        assert store.check() == []
    assert count(db_url, "advices") == 1
    assert count(db_url, "runs") == 1


def test_scores_and_new_advice_fields_are_kept_without_a_migration(db_url: str) -> None:
    sources = {"attractiveness": "derived", "relative_strength": "portfolio", "current_contribution": "hand"}
    scored = advice(score_sources=sources)
    scored["scores"] = {**scored["scores"], "relative_strength": 6.0, "sector_fit": 0.8}
    with open_store(db_url) as store:
        store.record_advice(facts(), scored)
        entry = store.history("T-1").entries[0]
    assert entry.scores == {
        "current_contribution": 8.0,
        "potential_contribution": 9.0,
        "attractiveness": 7.5,
        "relative_strength": 6.0,
        "sector_fit": 0.8,
    }
    assert entry.extra == {"score_sources": sources}


def test_what_is_recorded_of_an_advice(db_url: str) -> None:
    given = facts(relationship={"dmu": [{"name": "Anna Rossi", "role": "decider"}]}, business={"revenue": 1200000})
    with open_store(db_url) as store:
        done = store.record_advice(given, advice(warnings=(("DMU_UNMAPPED", "high"),)), by="api-key:crm-sync")
        entry = store.history("T-1").entries[0]
    assert done.run.recorded_by == "api-key:crm-sync"
    assert done.run.kind == "advise"
    assert done.run.as_of == dt.date(2026, 6, 30)
    assert (entry.tier, entry.profile, entry.profile_source, entry.strategy) == (
        "key_account",
        "strategic",
        "matrix",
        "strategic_investment",
    )
    assert [(w.code, w.severity, w.rule) for w in entry.warnings] == [("DMU_UNMAPPED", "high", "rule:DMU_UNMAPPED")]
    assert entry.levers == ["personal_trust"]
    assert entry.ruleset.model_dump() == RULESET
    assert entry.recorded_by == "api-key:crm-sync"
    assert entry.facts_digest.startswith("sha256:") and not entry.facts_erased


def test_facts_of_another_account_are_refused(db_url: str) -> None:
    with open_store(db_url) as store, pytest.raises(ValueError, match="facts are those of account 'T-2'"):
        store.record_advice(facts("T-2"), advice("T-1"))


def test_a_changed_plan_is_a_new_version(db_url: str) -> None:
    def plan(objective: str) -> PlanInput:
        return PlanInput(
            "T-1",
            "Test S.p.A.",
            {"account": {"id": "T-1"}, "objectives": [objective]},
            dt.date(2026, 6, 30),
            [{"id": "PLAN_OBJECTIVE_VAGUE", "severity": "medium"}],
            ("kamrules-plan", "1.0.0", "sha256:" + "c" * 64),
            source="plan.yaml",
        )

    with open_store(db_url) as store:
        assert (store.record_plan(plan("grow")).version, store.record_plan(plan("grow")).new) == (1, False)
        second = store.record_plan(plan("grow 10% by June"))
        assert (second.version, second.new) == (2, True)
        assert store.record_plan(plan("grow")).version == 3  # back to the first text: changed again
        versions = store.history("T-1").plans
    assert [p.version for p in versions] == [1, 2, 3]
    assert versions[0].findings == [{"id": "PLAN_OBJECTIVE_VAGUE", "severity": "medium"}]
