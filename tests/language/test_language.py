"""Each construct of the ruleset language, and the load-time checks that guard it."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from kamrules import Engine, RulesetError
from tests.support import AS_OF

MANIFEST = """
kind: manifest
name: test
version: "1"
stages: [{id: first}, {id: second}]
decisions: [verdict]
"""


def rule_base(tmp_path: Path, *files: str, manifest: str = MANIFEST) -> Engine:
    (tmp_path / "kamrules.yaml").write_text(textwrap.dedent(manifest), encoding="utf-8")
    for i, text in enumerate(files):
        (tmp_path / f"r{i}.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    return Engine.from_paths(tmp_path)


def load_problems(tmp_path: Path, *files: str) -> list[str]:
    with pytest.raises(RulesetError) as info:
        rule_base(tmp_path, *files)
    return [p.render() for p in info.value.problems]


def facts(**groups: Any) -> dict[str, Any]:
    return {"id": "A", "name": "Acme", **groups}


VERDICT = """
kind: ruleset
id: verdicts
stage: first
parameters:
  share_floor: {type: fraction, value: 60%}
  notice: {type: days, value: 90}
  early: {type: choice, value: [exploratory, basic], values: [exploratory, basic, cooperative]}
derives:
  verdict:
    type: choice
    values: {yes: {en: "Yes", it: "Sì"}, no: {en: "No", it: "No"}}
  tags: {type: list, values: [a, b, c]}
"""


def run(engine: Engine, **groups: Any) -> dict[str, Any]:
    _, ev = engine.evaluate(facts(**groups), as_of=AS_OF)
    return ev.values


@pytest.mark.parametrize(
    ("when", "groups", "expected"),
    [
        ({"business.share_of_wallet": "< share_floor"}, {"business": {"share_of_wallet": 0.5}}, True),
        ({"business.share_of_wallet": "< share_floor"}, {"business": {"share_of_wallet": 0.6}}, False),
        ({"business.share_of_wallet": "< 60%"}, {"business": {"share_of_wallet": 0.59}}, True),
        ({"business.share_of_wallet": {"between": [0.2, 0.4]}}, {"business": {"share_of_wallet": 0.4}}, True),
        ({"business.share_of_wallet": "[0.2..0.4)"}, {"business": {"share_of_wallet": 0.4}}, False),
        ({"business.share_of_wallet": "(0.2..0.4]"}, {"business": {"share_of_wallet": 0.2}}, False),
        ({"relationship.stage": ["basic", "cooperative"]}, {"relationship": {"stage": "basic"}}, True),
        ({"relationship.stage": {"one_of": "early"}}, {"relationship": {"stage": "exploratory"}}, True),
        ({"relationship.stage": {"none_of": "early"}}, {"relationship": {"stage": "exploratory"}}, False),
        ({"relationship.stage": {"none_of": "early"}}, {"relationship": {"stage": "integrated"}}, True),
        ({"relationship.stage": "!= basic"}, {"relationship": {"stage": "integrated"}}, True),
        ({"relationship.loyalty": {"exists": True}}, {}, False),
        ({"relationship.loyalty": {"missing": True}}, {}, True),
        ({"relationship.dmu": {"empty": True}}, {}, True),
        ({"relationship.dmu": {"empty": True}}, {"relationship": {"dmu": [{"name": "x"}]}}, False),
        ({"relationship.choice_criteria": "price"}, {"relationship": {"choice_criteria": ["price"]}}, True),
        ({"relationship.choice_criteria": {"not_contains": "price"}}, {"relationship": {"choice_criteria": []}}, True),
        ({"business.contract_end": {"within_days": "notice"}}, {"business": {"contract_end": "2027-02-25"}}, True),
        ({"business.contract_end": {"within_days": "notice"}}, {"business": {"contract_end": "2027-02-26"}}, False),
        ({"business.contract_end": {"past": True}}, {"business": {"contract_end": "2026-11-26"}}, True),
        ({"business.contract_end": {"past": True}}, {"business": {"contract_end": "2026-11-27"}}, False),
        ({"business.customer_since": {"older_than_days": 365}}, {"business": {"customer_since": "2020-01-01"}}, True),
        ({"business.contract_end": {"before": "2027-01-01"}}, {"business": {"contract_end": "2026-12-31"}}, True),
        (
            {"business.margin_pct": {"gt": {"fact": "business.discounts_pct"}}},
            {"business": {"margin_pct": 0.2, "discounts_pct": 0.1}},
            True,
        ),
        ({"business.margin_pct": {"gt": {"fact": "business.discounts_pct"}}}, {"business": {"margin_pct": 0.2}}, False),
        (
            {"all": [{"relationship.loyalty": "high"}, {"relationship.satisfaction": "low"}]},
            {"relationship": {"loyalty": "high", "satisfaction": "low"}},
            True,
        ),
        (
            {"any": [{"relationship.loyalty": "high"}, {"relationship.satisfaction": "low"}]},
            {"relationship": {"loyalty": "low", "satisfaction": "low"}},
            True,
        ),
        ({"not": {"relationship.loyalty": "high"}}, {"relationship": {"loyalty": "low"}}, True),
        # Missing facts: neither true nor false, so neither the test nor its negation holds.
        ({"relationship.loyalty": "high"}, {}, False),
        ({"not": {"relationship.loyalty": "high"}}, {}, False),
        ({"relationship.loyalty": "!= high"}, {}, False),
        (
            {"any": [{"relationship.loyalty": "high"}, {"relationship.satisfaction": "low"}]},
            {"relationship": {"satisfaction": "low"}},
            True,
        ),
    ],
)
def test_conditions(tmp_path: Path, when: dict[str, Any], groups: dict[str, Any], expected: bool) -> None:
    import yaml

    rule = {"rules": [{"id": "r", "when": when, "then": {"set": {"verdict": "yes"}}}]}
    engine = rule_base(tmp_path, VERDICT + yaml.safe_dump(rule))
    assert (run(engine, **groups).get("verdict") == "yes") is expected


def test_priority_decides_between_rules_setting_the_same_fact(tmp_path: Path) -> None:
    engine = rule_base(
        tmp_path,
        VERDICT
        + """
rules:
  - {id: low, priority: 1, when: {relationship.loyalty: high}, then: {set: {verdict: "no"}}}
  - {id: high, priority: 5, when: {relationship.loyalty: high}, then: {set: {verdict: "yes"}}}
""",
    )
    assert run(engine, relationship={"loyalty": "high"})["verdict"] == "yes"


def test_append_collects_values_once_each(tmp_path: Path) -> None:
    engine = rule_base(
        tmp_path,
        VERDICT
        + """
rules:
  - {id: one, when: {relationship.loyalty: high}, then: {append: {tags: a}}}
  - {id: two, when: {relationship.loyalty: high}, then: {append: {tags: a}}}
  - {id: three, when: {relationship.loyalty: high}, then: {append: {tags: b}}}
""",
    )
    assert run(engine, relationship={"loyalty": "high"})["tags"] == ["a", "b"]


TABLE = """
tables:
  - id: grid
    hit_policy: {policy}
    inputs: {{x: assessment.attractiveness, y: assessment.relative_strength}}
    outputs: [verdict]
    rows:
      - {{id: top, x: ">= 7", y: "-", verdict: "yes", priority: 1}}
      - {{id: mid, x: "[3..7)", y: [5, 6], verdict: "no", priority: 2}}
      - {{id: any, x: ">= 5", verdict: "no", priority: 0}}
"""


@pytest.mark.parametrize(
    ("policy", "x", "y", "expected"),
    [
        ("first", 8, 1, "yes"),
        ("first", 5, 5, "no"),
        ("first", 2, 5, None),
        ("priority", 8, 1, "yes"),
        ("priority", 5, 6, "no"),
        ("unique", 2, 1, None),
        ("unique", 4, 5, "no"),
        ("unique", 8, 1, None),  # rows top and any both match: a unique table cannot decide
    ],
)
def test_decision_table_hit_policies(tmp_path: Path, policy: str, x: float, y: float, expected: str | None) -> None:
    engine = rule_base(tmp_path, VERDICT + TABLE.format(policy=policy))
    _, ev = engine.evaluate(facts(assessment={"attractiveness": x, "relative_strength": y}), as_of=AS_OF)
    assert ev.values.get("verdict") == expected
    if policy == "unique" and x == 8:
        assert "rows top, any of table grid all match" in ev.undecided["verdict"][0]


def test_collect_tables_gather_every_matching_row(tmp_path: Path) -> None:
    engine = rule_base(
        tmp_path,
        VERDICT
        + """
tables:
  - id: tagger
    hit_policy: collect
    inputs: {x: assessment.attractiveness}
    outputs: [tags]
    rows:
      - {id: big, x: ">= 5", tags: a}
      - {id: bigger, x: ">= 8", tags: b}
      - {id: small, x: "< 5", tags: c}
""",
    )
    assert run(engine, assessment={"attractiveness": 9})["tags"] == ["a", "b"]


SCORES = """
kind: ruleset
id: scores
stage: first
derives:
  scores.a: {type: number}
  scores.b: {type: number}
  scores.c: {type: number}
  ratio: {type: number}
  critics: {type: number}
scorecards:
  - id: fixed
    sets: scores.a
    criteria:
      attr: {fact: assessment.attractiveness, weight: 60}
      strength: {fact: assessment.relative_strength, weight: 40}
  - id: strict
    sets: scores.b
    on_missing: undecided
    criteria:
      attr: {fact: assessment.attractiveness, weight: high}
      strength: {fact: assessment.relative_strength, weight: low}
  - id: versus
    sets: scores.c
    method: versus_competitor
    given: assessment.relative_strength
    criteria_from: assessment.buying_criteria
computed:
  - {id: ratio_of, sets: ratio, ratio: [business.cost_to_serve, business.revenue]}
  - id: critics_of
    sets: critics
    count_where: {list: relationship.dmu, where: {attitude: [critic]}}
"""


def test_scorecards_and_computed_facts(tmp_path: Path) -> None:
    engine = rule_base(tmp_path, SCORES, manifest=MANIFEST.replace("decisions: [verdict]", ""))
    full = run(engine, assessment={"attractiveness": 8, "relative_strength": 3})
    assert full["scores.a"] == pytest.approx(6.0)
    assert full["scores.b"] == pytest.approx((8 * 3 + 3 * 1) / 4)
    assert full["scores.c"] == 3  # the given score wins over criteria
    # A missing criterion: renormalised when enough weight is present; undecided on request.
    part = run(engine, assessment={"attractiveness": 8})
    assert part["scores.a"] == pytest.approx(8.0)
    assert "scores.b" not in part
    # Under the minimum weight (50 %): undecided.
    assert "scores.a" not in run(engine, assessment={"relative_strength": 3})
    versus = run(
        engine,
        assessment={
            "buying_criteria": {
                "q": {"weight": 50, "ours": 8, "best_competitor": 6},
                "p": {"weight": 50, "ours": 4, "best_competitor": 4},
            }
        },
    )
    assert versus["scores.c"] == pytest.approx(5.5 + (6 - 5) / 2)
    counted = run(
        engine,
        business={"cost_to_serve": 10, "revenue": 0},
        relationship={"dmu": [{"name": "a", "attitude": "critic"}, {"name": "b", "attitude": "sponsor"}]},
    )
    assert "ratio" not in counted  # a zero denominator leaves the ratio undecided
    assert counted["critics"] == 1


def test_warnings_and_levers_render_their_templates(tmp_path: Path) -> None:
    levers_and_warnings = """
kind: ruleset
id: advice
stage: second
levers:
  personal_trust: {label: {en: "Personal trust", it: "Fiducia personale"}}
warnings:
  LOW_SHARE: {severity: medium, title: {en: "Low share", it: "Quota bassa"}}
rules:
  - id: low_share
    when: {business.share_of_wallet: "< share_floor", verdict: "yes"}
    then:
      warn:
        code: LOW_SHARE
        message: {en: "Share {business.share_of_wallet:%} under {share_floor:%}; verdict {verdict}",
                  it: "Quota {business.share_of_wallet:%} sotto {share_floor:%}; verdetto {verdict}"}
      levers:
        - {id: personal_trust, why: {en: "Because {relationship.stage}.", it: "Perché {relationship.stage}."}}
"""
    first = (
        VERDICT + "rules:\n  - {id: v, when: {business.share_of_wallet: {exists: true}}, then: {set: {verdict: yes}}}\n"
    )
    engine = rule_base(tmp_path, first, levers_and_warnings)
    account = facts(business={"share_of_wallet": 0.25}, relationship={"stage": "basic"})
    advice = engine.advise(account, as_of=AS_OF, lang="it")
    (warning,) = [w for w in advice.warnings if w.code == "LOW_SHARE"]
    assert warning.message == "Quota 25\u00a0% sotto 60\u00a0%; verdetto Sì"  # Italian: a space before %
    assert warning.severity == "medium" and warning.title == "Quota bassa"
    assert advice.levers[0].why == "Perché di base."
    assert engine.advise(account, as_of=AS_OF).warnings[0].message == "Share 25% under 60%; verdict Yes"


def test_undecided_decisions_name_the_missing_facts(tmp_path: Path) -> None:
    engine = rule_base(
        tmp_path,
        VERDICT + "rules:\n  - {id: v, when: {relationship.loyalty: high, relationship.stage: basic}, "
        "then: {set: {verdict: yes}}}\n",
    )
    advice = engine.advise(facts(relationship={"stage": "basic"}), as_of=AS_OF)
    (undecided,) = [w for w in advice.warnings if w.code == "UNDECIDED"]
    assert undecided.severity == "high"
    assert "relationship.loyalty" in undecided.message and "relationship.stage" not in undecided.message


def test_stage_order_is_declared_by_the_manifest(tmp_path: Path) -> None:
    reads_later = """
kind: ruleset
id: early
stage: first
rules:
  - {id: too_soon, when: {late: "yes"}, then: {set: {verdict: "yes"}}}
"""
    later = """
kind: ruleset
id: late
stage: second
derives: {late: {type: choice, values: ["yes"]}}
"""
    found = load_problems(tmp_path, VERDICT + reads_later.split("stage: first", 1)[1], later)
    assert any("KR012 late is decided in a later stage (second)" in p for p in found), found


@pytest.mark.parametrize(
    ("when", "code", "words"),
    [
        ({"relationship.stag": "basic"}, "KR013", "did you mean relationship.stage"),
        ({"relationship.stage": "partnership"}, "KR022", "its values are exploratory"),
        ({"business.contract_end": ">= 5"}, "KR019", "is not a date"),
        ({"business.revenue": ">= 2027-01-01"}, "KR019", "neither a number nor a parameter"),
        ({"business.share_of_wallet": "< 60"}, "KR021", "'60%'"),
        ({"business.revenue": ">= share_flor"}, "KR019", "did you mean share_floor"),
        ({"relationship.stage": {"within_days": 3}}, "KR016", "within_days does not apply"),
        ({"business.revenue": {"greater": 3}}, "KR015", "unknown operator"),
        ({"business.revenue": {"within_days": "notice"}}, "KR016", "applies to date facts"),
        ({"business.contract_end": {"within_days": "share_floor"}}, "KR018", "is a fraction"),
        ("just text", "KR010", "a condition is a mapping"),
    ],
)
def test_load_time_checks_locate_and_suggest(tmp_path: Path, when: Any, code: str, words: str) -> None:
    import yaml

    rule = {"rules": [{"id": "r", "when": when, "then": {"set": {"verdict": "yes"}}}]}
    found = load_problems(tmp_path, VERDICT + yaml.safe_dump(rule))
    assert any(code in p and words in p and "/r0.yaml:" in p for p in found), found


def test_a_ruleset_file_error_names_file_line_and_column(tmp_path: Path) -> None:
    found = load_problems(tmp_path, VERDICT + "rules:\n  - id: r\n    when: {relationship.stage: basic}\n    thn: {}\n")
    assert any("r0.yaml:" in p and "unknown field 'thn'" in p and "did you mean then" in p for p in found), found
    bad_yaml = load_problems(tmp_path, "kind: ruleset\nid: x\nstage: first\nrules: [\n")
    assert any("YAML000" in p and "r0.yaml:" in p for p in bad_yaml), bad_yaml


def test_outputs_and_messages_are_checked(tmp_path: Path) -> None:
    found = load_problems(
        tmp_path,
        VERDICT
        + """
warnings:
  W: {severity: low, title: {en: t, it: t}}
rules:
  - {id: a, when: {relationship.loyalty: high}, then: {set: {verdict: maybe}}}
  - {id: b, when: {relationship.loyalty: high}, then: {set: {verdit: "yes"}}}
  - {id: c, when: {relationship.loyalty: high}, then: {warn: {code: X, message: {en: m, it: m}}}}
  - {id: d, when: {relationship.loyalty: high}, then: {warn: {code: W, message: {en: "{nope}", it: m}}}}
""",
    )
    joined = "\n".join(found)
    assert "'maybe' is not a value of verdict" in joined
    assert "did you mean verdict" in joined
    assert "warning code 'X' is not declared" in joined
    assert "the placeholder {nope}" in joined


def test_texts_come_in_both_languages(tmp_path: Path) -> None:
    engine = rule_base(
        tmp_path, VERDICT + "rules:\n  - {id: v, when: {relationship.loyalty: high}, then: {set: {verdict: yes}}}\n"
    )
    assert engine.rulebase.label("verdict", "yes", "it") == "Sì"
    assert engine.rulebase.label("verdict", "yes", "en") == "Yes"


def test_layering_overrides_replaces_disables_and_adds(tmp_path: Path) -> None:
    base = tmp_path / "base"
    base.mkdir()
    rule_base(
        base,
        VERDICT
        + """
rules:
  - {id: share_rule, when: {business.share_of_wallet: "< share_floor"}, then: {append: {tags: a}}}
  - {id: loyal_rule, when: {relationship.loyalty: high}, then: {append: {tags: b}}}
  - {id: stage_rule, when: {relationship.stage: basic}, then: {append: {tags: c}}}
""",
    )
    layer = tmp_path / "layer"
    layer.mkdir()
    (layer / "overrides.yaml").write_text(
        "kind: overrides\nparameters: {share_floor: 30%}\ndisable: [stage_rule]\n", encoding="utf-8"
    )
    (layer / "mine.yaml").write_text(
        textwrap.dedent(
            """
            kind: ruleset
            id: mine
            stage: first
            rules:
              - id: loyal_rule
                replaces: loyal_rule
                when: {relationship.loyalty: low}
                then: {append: {tags: b}}
              - {id: extra, when: {relationship.satisfaction: high}, then: {set: {verdict: "yes"}}}
            """
        ),
        encoding="utf-8",
    )
    from kamrules.language.load import load_folders
    from kamrules.language.read import SourceFolder

    rb = load_folders([SourceFolder(base, "base"), SourceFolder(layer, "layer")])
    engine = Engine(rb)
    account = {"share_of_wallet": 0.4}
    values = run(engine, business=account, relationship={"loyalty": "low", "stage": "basic", "satisfaction": "high"})
    assert values["tags"] == ["b"]  # 40 % is no longer under the floor; stage_rule is disabled
    assert values["verdict"] == "yes"
    assert rb.params["share_floor"].value == pytest.approx(0.3)
    assert rb.params["share_floor"].overridden_at is not None
    assert "stage_rule" in rb.disabled


def test_overrides_are_checked(tmp_path: Path) -> None:
    (tmp_path / "kamrules.yaml").write_text(textwrap.dedent(MANIFEST), encoding="utf-8")
    (tmp_path / "v.yaml").write_text(textwrap.dedent(VERDICT), encoding="utf-8")
    (tmp_path / "o.yaml").write_text(
        "kind: overrides\nparameters: {share_flor: 30%, notice: -3}\ndisable: [nothing]\n", encoding="utf-8"
    )
    with pytest.raises(RulesetError) as info:
        Engine.from_paths(tmp_path)
    joined = "\n".join(p.render() for p in info.value.problems)
    assert "unknown parameter 'share_flor'" in joined and "did you mean share_floor" in joined
    assert "parameter notice: expected zero or more" in joined
    assert "cannot disable 'nothing'" in joined


def test_a_user_folder_layers_on_the_builtin_knowledge(tmp_path: Path) -> None:
    (tmp_path / "overrides.yaml").write_text("kind: overrides\nparameters: {contract_notice_days: 200}\n", "utf-8")
    engine = Engine.from_paths(tmp_path)
    assert engine.rulebase.name == "kamrules-builtin"
    advice = engine.advise(facts(business={"contract_end": "2027-05-01"}), as_of=AS_OF)
    assert "CONTRACT_EXPIRING" in {w.code for w in advice.warnings}
    assert "CONTRACT_EXPIRING" not in {
        w.code for w in Engine.default().advise(facts(business={"contract_end": "2027-05-01"}), as_of=AS_OF).warnings
    }


def test_trace_and_why_not(tmp_path: Path) -> None:
    engine = rule_base(
        tmp_path,
        VERDICT
        + """
warnings:
  GAP: {severity: medium, title: {en: Gap, it: Divario}}
rules:
  - id: gap
    when: {relationship.stage: [exploratory, basic], relationship.loyalty: high}
    then: {warn: {code: GAP, message: {en: gap, it: divario}}}
  - {id: v, when: {relationship.loyalty: high}, then: {set: {verdict: "yes"}}}
""",
    )
    advice = engine.advise(facts(relationship={"stage": "integrated", "loyalty": "high"}), as_of=AS_OF, explain=True)
    (entry,) = [t for t in advice.trace if t.rule == "v"]
    assert entry.file is not None and entry.file.endswith("r0.yaml") and entry.line is not None
    assert entry.facts == {"relationship.loyalty": "high"}
    assert "relationship.loyalty is high" in entry.because
    assert advice.why_not is not None
    (miss,) = [m for m in advice.why_not if m.rule == "gap"]
    assert miss.because == "GAP not raised: relationship.stage is integrated; it needs exploratory or basic"
    assert miss.fact == "relationship.stage" and miss.actual == "integrated"


def test_conditions_beyond_durable_expression_limits_still_compile(tmp_path: Path) -> None:
    import yaml

    from kamrules.language.conditions.evaluate import evaluate

    many_groups = {"any": [{"business.revenue": f">= {i}", "business.margin_pct": f"< 0.{i}"} for i in range(1, 17)]}
    many_lists = {f"relationship.{k}": ["low", "medium"] for k in ("loyalty", "satisfaction", "price_sensitivity")}
    many_lists |= {"relationship.stage": ["basic", "cooperative"], "assessment.profile": ["star", "status"]}
    many_lists |= {
        f"assessment.{k}": [3, 5, 7]
        for k in ("attractiveness", "relative_strength", "current_contribution", "potential_contribution")
    }
    rules = {
        "rules": [
            {"id": "groups", "when": many_groups, "then": {"append": {"tags": "a"}}},
            {"id": "lists", "when": many_lists, "then": {"append": {"tags": "b"}}},
        ]
    }
    engine = rule_base(tmp_path, VERDICT + yaml.safe_dump(rules))
    accounts = [
        facts(business={"revenue": 5, "margin_pct": 0.3}),
        facts(business={"revenue": 50, "margin_pct": 0.95}),
        facts(
            relationship={"loyalty": "low", "satisfaction": "medium", "price_sensitivity": "low", "stage": "basic"},
            assessment={
                "profile": "star",
                "attractiveness": 3,
                "relative_strength": 5,
                "current_contribution": 7,
                "potential_contribution": 3,
            },
        ),
    ]
    for account in accounts:
        _, ev = engine.evaluate(account, as_of=AS_OF)
        expected = [
            t
            for r, t in (("groups", "a"), ("lists", "b"))
            if evaluate(next(x for x in engine.rulebase.rules if x.id == r).when, ev.values, AS_OF)
        ]
        assert (ev.values.get("tags") or []) == expected
    assert [run(engine, **a)["tags"] for a in (accounts[0], accounts[2])] == [["a"], ["b"]]
