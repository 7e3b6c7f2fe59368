"""Snapshots: what the store keeps of an advice, and the digests that make recording idempotent."""

from __future__ import annotations

import datetime as dt

from kamrules import Engine
from kamrules.store import Spool, snapshot
from kamrules.store.snapshots import Snapshot, WarningRef, digest
from tests.support import account
from tests.support.stores import advice, facts


def test_the_digest_does_not_depend_on_key_order_nor_on_how_a_date_was_given() -> None:
    assert digest({"a": 1, "b": [1, 2]}) == digest({"b": [1, 2], "a": 1})
    assert digest({"d": dt.date(2026, 6, 30)}) == digest({"d": "2026-06-30"})
    assert digest({"a": 1}) != digest({"a": 2})


def test_the_key_is_account_date_facts_and_rules() -> None:
    facts_ = account(assessment={"current_contribution": 8, "potential_contribution": 9})
    one = snapshot(facts_, advice())
    assert snapshot(facts_, {**advice(), "lang": "it"}).key == one.key
    assert snapshot(facts_, advice(as_of="2026-07-01")).key != one.key
    assert snapshot({**facts_, "sector": "food"}, advice()).key != one.key


def test_a_real_advice_and_its_account_model(engine: Engine) -> None:
    from kamrules import validate_account

    model = validate_account(account(id="IT-1", name="Acme", relationship={"loyalty": "high", "stage": "basic"}))
    real = engine.advise(model, as_of=dt.date(2026, 6, 30))
    snap = snapshot(model, real)
    # Only the facts given are kept (no defaults), as JSON.
    assert snap.facts == {"id": "IT-1", "name": "Acme", "relationship": {"loyalty": "high", "stage": "basic"}}
    assert snap.ruleset_digest == real.ruleset.digest
    assert [w.code for w in snap.warnings] == [w.code for w in real.warnings]
    # Undecided decisions each have their own UNDECIDED warning, told apart by their subject.
    undecided = {w.identity for w in snap.warnings if w.code == "UNDECIDED"}
    assert len(undecided) == sum(1 for w in real.warnings if w.code == "UNDECIDED")
    # The same facts as a plain mapping (a CSV row read elsewhere) give the same digest.
    assert snapshot(model.model_dump(mode="json", exclude_none=True), real).facts_digest == snap.facts_digest


def test_a_snapshot_survives_the_spool_file() -> None:
    snap = snapshot(facts(), advice(warnings=(("UNDECIDED", "high"),), extra_field={"x": 1}))
    with Spool() as spool:
        spool.add(snap)
        spool.add(snap)
        assert list(spool) == [snap, snap]
        assert spool.count == 2
    assert Snapshot.from_json(snap.to_json()) == snap


def test_warning_identity() -> None:
    assert WarningRef("UNDECIDED", "high", "decision:tier").identity == "UNDECIDED:tier"
    assert WarningRef("CONTRACT_EXPIRING", "high", "contract.expiring").identity == "CONTRACT_EXPIRING"
