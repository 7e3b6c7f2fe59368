"""What the batch path refuses, and how it says so: an argument that is not an Arrow table, a rule
base using what it does not do column-wise; and which account facts it checks column-wise."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pytest
from pydantic import BeforeValidator

from kamrules import Engine, RulesetError, codes
from kamrules.batch.leaves import _leaf, account_leaves
from kamrules.batch.tables import accounts_table
from tests.support import AS_OF, write


def test_a_table_that_is_not_arrow_is_a_type_error(engine: Engine) -> None:
    with pytest.raises(TypeError, match="takes an Arrow table or record batch, not list"):
        engine.advise_table([{"id": "A-1", "name": "Acme"}], as_of=AS_OF)


def test_a_rule_base_the_batch_path_cannot_do_is_refused_naming_the_rule(tmp_path: Path) -> None:
    write(tmp_path, "kamrules.yaml", "kind: manifest\nname: copies\nversion: '1'\nstages: [{id: only}]\n")
    write(
        tmp_path,
        "copies.yaml",
        """
        kind: ruleset
        id: copies
        stage: only
        derives:
          x.seen: {type: list}
        rules:
          - id: copy_environment
            when: {environment: {exists: true}}
            then: {append: {x.seen: {fact: environment}}}
        """,
    )
    engine = Engine.from_paths(tmp_path, builtin=False)
    facts = {"id": "A-1", "name": "Acme", "environment": ["EU"]}
    assert engine.advise(facts, as_of=AS_OF).facts["x.seen"] == [["EU"]]  # the per-account path serves it
    with pytest.raises(RulesetError) as caught:
        engine.advise_table(accounts_table([facts]), as_of=AS_OF)
    (problem,) = caught.value.problems
    assert problem.code == codes.BATCH_UNSUPPORTED
    assert "rule copy_environment (" in problem.message and "copies.yaml" in problem.message
    assert "Engine.advise" in problem.message


def test_every_account_fact_is_checked_column_wise_with_its_validators_roles() -> None:
    leaves = account_leaves()
    assert [path for path, leaf in leaves.items() if leaf.kind == "other"] == []
    margin, growth = leaves["business.margin_pct"], leaves["business.growth_rate"]
    assert (margin.percent, margin.share, margin.fraction_hint, margin.low, margin.high) == (True, True, True, -1, 1)
    assert (growth.percent, growth.share, growth.fraction_hint, growth.low) == (True, False, False, -1)
    assert (leaves["business.revenue"].percent, leaves["business.revenue"].low) == (False, 0)
    assert leaves["business.customer_since"].kind == "date"
    assert leaves["company.markets"].kind == "text_list"


def test_a_fact_with_a_validator_the_model_does_not_name_is_left_to_the_per_account_check() -> None:
    def rounded(value: object) -> object:
        return round(value, 2) if isinstance(value, float) else value

    leaf = _leaf("business.rounded", Annotated[float, BeforeValidator(rounded)] | None, [], False)
    assert leaf.kind == "other"
