"""The language addition of issue 14: computed facts `scale` (a number placed on a score through
points) and `minimum` / `maximum` (over a field of a list's records). Loading with located
errors, evaluation at and between the points, the trace in both languages, overrides, lint's
counter-examples, test coverage of the parameters, and the rule-base snapshot."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from kamrules import Engine
from kamrules.engine.compute import scale_inverse, scale_value
from kamrules.errors import RulesetError
from kamrules.language.load import load_rulebase
from kamrules.language.snapshot import decode_rulebase, encode
from tests.support import AS_OF, account, kam

RULES = """
kind: ruleset
id: extra
stage: advice
parameters:
  line: {type: money, value: 100000, unit: EUR, description: {en: "The line.", it: "La soglia."}}
  top: {type: money, value: 600000, unit: EUR, description: {en: "The top.", it: "Il massimo."}}
derives:
  x.score: {type: number, minimum: 1, maximum: 10, description: {en: "A score.", it: "Un punteggio."}}
  x.cheapest: {type: number, description: {en: "Cheapest.", it: "Il più economico."}}
  x.dearest: {type: number, description: {en: "Dearest.", it: "Il più caro."}}
computed:
  - id: x_score
    sets: x.score
    scale: {fact: business.revenue, points: [[0, 1], [line, 5.5], [top, 10]]}
  - id: x_cheapest
    sets: x.cheapest
    minimum: {list: business.competitors, field: price_index}
  - id: x_dearest
    sets: x.dearest
    maximum: {list: business.competitors, field: price_index}
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def engine_with(folder: Path, text: str = RULES) -> Engine:
    write(folder, "extra.yaml", text)
    return Engine.from_paths(folder)


def values(engine: Engine, **business: object) -> dict[str, object]:
    _, ev = engine.evaluate(account(business=business), as_of=AS_OF)
    return ev.values


@pytest.mark.parametrize(
    ("revenue", "score"),
    [(0, 1), (50_000, 3.25), (100_000, 5.5), (350_000, 7.75), (600_000, 10), (9_000_000, 10)],
)
def test_scale_is_linear_between_points_and_flat_beyond(tmp_path: Path, revenue: float, score: float) -> None:
    assert values(engine_with(tmp_path), revenue=revenue)["x.score"] == score


def test_a_missing_fact_leaves_the_scale_undecided(tmp_path: Path) -> None:
    got = values(engine_with(tmp_path), margin_pct=0.2)
    assert "x.score" not in got or got["x.score"] is None


def test_minimum_and_maximum_skip_records_without_the_field(tmp_path: Path) -> None:
    competitors = [{"name": "A", "price_index": 1.2}, {"name": "B"}, {"name": "C", "price_index": 0.9}]
    got = values(engine_with(tmp_path), competitors=competitors)
    assert (got["x.cheapest"], got["x.dearest"]) == (0.9, 1.2)
    none = values(engine_with(tmp_path), competitors=[{"name": "B"}])
    assert none.get("x.cheapest") is None


def test_trace_sentences_in_both_languages(tmp_path: Path) -> None:
    engine = engine_with(tmp_path)
    facts = account(business={"revenue": 350_000, "competitors": [{"name": "A", "price_index": 1.1}]})
    en = {t.rule: t.because for t in engine.advise(facts, as_of=AS_OF).trace}
    it = {t.rule: t.because for t in engine.advise(facts, as_of=AS_OF, lang="it").trace}
    assert en["x_score"] == (
        "business.revenue is 350000: between 100000 (line) and 600000 (top), scored from 5.5 to 10: 7.75"
    )
    assert it["x_score"] == ("business.revenue è 350000: tra 100000 (line) e 600000 (top), punteggio da 5.5 a 10: 7.75")
    assert en["x_cheapest"] == "the price_index of the one item of business.competitors that has one is 1.1"
    assert it["x_cheapest"] == "price_index dell'unico elemento di business.competitors che lo indica è 1.1"
    above = engine.advise(account(business={"revenue": 700_000}), as_of=AS_OF, lang="it").trace
    assert [t.because for t in above if t.rule == "x_score"] == [
        "business.revenue è 700000, non sotto 600000 (top): 10"
    ]


def test_an_override_moves_the_points(tmp_path: Path) -> None:
    write(tmp_path, "overrides.yaml", "kind: overrides\nparameters: {line: 200000}\n")
    assert values(engine_with(tmp_path), revenue=200_000)["x.score"] == 5.5


def problems(tmp_path: Path, text: str) -> list[str]:
    write(tmp_path, "extra.yaml", text)
    with pytest.raises(RulesetError) as caught:
        load_rulebase([tmp_path])
    return [f"{p.location.line}:{p.location.column} {p.code} {p.message}" for p in caught.value.problems]


def test_points_that_do_not_increase_are_refused_where_written(tmp_path: Path) -> None:
    found = problems(tmp_path, RULES.replace("[[0, 1], [line, 5.5], [top, 10]]", "[[0, 1], [top, 5.5], [line, 10]]"))
    # Line 14 is the scale; column 67, the [line, 10] point's value.
    assert found == ["14:67 KR034 the points' values must increase: 100000 (line) is not above 600000 (top)"]


def test_an_override_that_breaks_the_order_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "overrides.yaml", "kind: overrides\nparameters: {line: 700000}\n")
    found = problems(tmp_path, RULES)
    assert found == ["14:68 KR034 the points' values must increase: 600000 (top) is not above 700000 (line)"]


@pytest.mark.parametrize(
    ("points", "expected"),
    [
        ("[[0, 1], [lin, 5.5]]", "KR020 unknown parameter 'lin' (a point holds numbers or parameters)"),
        ("[[0, 1], [10, 11]]", "KR028 score 11 is outside the range of the fact it sets (1..10)"),
        ("[[0, 1], [yes, 5]]", "KR020 unknown parameter 'yes' (a point holds numbers or parameters)"),
        ("[[0, 1], [20%, 5]]", None),
    ],
)
def test_bad_points_are_named(tmp_path: Path, points: str, expected: str | None) -> None:
    text = RULES.replace("[[0, 1], [line, 5.5], [top, 10]]", points)
    if expected is None:
        write(tmp_path, "extra.yaml", text)
        load_rulebase([tmp_path])  # a percentage is a number
        return
    (found,) = problems(tmp_path, text)
    assert found.split(" ", 1)[1] == expected
    assert "did you mean line?" not in found or "lin" in found


def test_a_scale_reads_a_number(tmp_path: Path) -> None:
    found = problems(tmp_path, RULES.replace("fact: business.revenue", "fact: relationship.stage"))
    assert found == [
        "14:19 KR019 scale needs a number; relationship.stage is one of "
        + ("exploratory, basic, cooperative, interdependent, integrated, disintegrating")
    ]


def test_an_unknown_field_of_the_records_is_named_with_a_suggestion(tmp_path: Path) -> None:
    found = problems(
        tmp_path, RULES.replace("field: price_index}\n  - id: x_dearest", "field: price_idx}\n  - id: x_dearest")
    )
    assert found == [
        "17:50 KR043 the records of business.competitors have no field 'price_idx' (they have name, share, price_index)"
    ]
    name = problems(
        tmp_path,
        RULES.replace(
            "minimum: {list: business.competitors, field: price_index}",
            "minimum: {list: business.competitors, field: name}",
        ),
    )
    assert name == ["17:50 KR019 needs a numeric field; business.competitors's name is not a number"]


def test_the_cli_reports_the_file_line_and_suggestion(tmp_path: Path) -> None:
    write(tmp_path, "extra.yaml", RULES.replace("[line, 5.5]", "[lin, 5.5]"))
    result = kam("rules", "validate", str(tmp_path))
    assert result.exit_code == 2
    assert "extra.yaml:14:55: KR020 unknown parameter 'lin'" in result.stdout + result.stderr
    assert "(did you mean line?)" in result.stdout + result.stderr


def test_lint_works_back_through_a_scale(tmp_path: Path) -> None:
    points = ((0.0, 1.0), (100_000.0, 5.5), (600_000.0, 10.0))
    assert scale_inverse(points, 5.5) == 100_000
    assert scale_inverse(points, 7.75) == 350_000
    assert scale_inverse(points, 11) is None
    assert scale_value(points, scale_inverse(points, 3.25) or 0)[0] == 3.25


def test_scale_parameters_count_as_tested_and_used(tmp_path: Path) -> None:
    write(tmp_path, "extra.yaml", RULES)
    write(
        tmp_path,
        "cases.yaml",
        """
        kind: tests
        as_of: 2026-11-27
        cases:
          - id: scaled
            facts: {id: S, name: S, business: {revenue: 350000, competitors: [{name: A, price_index: 1}]}}
            expect: {facts: {x.score: 7.75, x.cheapest: 1, x.dearest: 1}}
        """,
    )
    result = kam("rules", "test", str(tmp_path))
    assert "parameters: line" not in result.stdout and "parameters: top" not in result.stdout
    lint = kam("rules", "lint", str(tmp_path), "--format", "json")
    assert "KR105" not in lint.stdout  # unused-parameter: the scale uses both


def test_the_snapshot_keeps_the_points(tmp_path: Path) -> None:
    write(tmp_path, "extra.yaml", RULES)
    rb = load_rulebase([tmp_path])
    again = decode_rulebase(encode(rb))
    assert again == rb
    (comp,) = [c for c in again.computes if c.id == "x_score"]
    assert comp.points == ((0.0, 1.0), (100_000.0, 5.5), (600_000.0, 10.0))
    assert comp.point_params == (("", ""), ("line", ""), ("top", ""))
