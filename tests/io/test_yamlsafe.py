"""The safe, bounded YAML reader: plain data only, every value located, no YAML 1.1 surprises."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from kamrules.errors import InputFileError
from kamrules.io.yamlsafe import parse_document, parse_documents, resolve_plain_scalar


def problem(text: str) -> str:
    with pytest.raises(InputFileError) as info:
        parse_document(text, "t.yaml")
    (p,) = info.value.problems
    return p.render()


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("12", 12),
        ("-3", -3),
        ("1_000", 1000),
        ("1.5", 1.5),
        ("1.0e-05", 1.0e-05),
        (".5", 0.5),
        ("true", True),
        ("False", False),
        ("~", None),
        ("null", None),
        ("2027-01-31", dt.date(2027, 1, 31)),
        # YAML 1.1 surprises that stay text:
        ("no", "no"),
        ("yes", "yes"),
        ("on", "on"),
        ("0039123", "0039123"),
        ("0E0", "0E0"),
        ("1e5", "1e5"),
        ("12:30", "12:30"),
        ("60%", "60%"),
        ("2027-13-01", "2027-13-01"),
    ],
)
def test_plain_scalars(text: str, value: object) -> None:
    assert resolve_plain_scalar(text) == value
    assert type(resolve_plain_scalar(text)) is type(value)


def test_quoted_scalars_are_text_and_marks_are_kept() -> None:
    doc = parse_document('a: "12"\nb:\n  - x\n  - {c: 3}\n', "t.yaml")
    assert doc.data == {"a": "12", "b": ["x", {"c": 3}]}
    assert doc.marks[("b", 1, "c")] == (4, 9)
    assert str(doc.location(("b", 1, "c"))) == "t.yaml:4:9: b[1].c"
    assert str(doc.location(("b", 7))) == "t.yaml:3:3: b[7]"  # falls back to the nearest parent (the list)


def test_duplicate_keys_tags_and_bad_keys_are_refused() -> None:
    assert "YAML007 the key 'a' appears twice" in problem("a: 1\na: 2\n")
    assert "YAML001 the tag tag:yaml.org,2002:python/object/apply:os.system is not allowed" in problem(
        "a: !!python/object/apply:os.system ['ls']\n"
    )
    assert "YAML001" in problem("a: !custom x\n")
    assert "YAML006 a mapping key must be a plain value" in problem("? [a, b]\n: 1\n")
    assert "YAML002" in problem("a: !!int twelve\n")


def test_standard_tags_are_allowed() -> None:
    assert parse_document("a: !!str 12\nb: !!float 3\n", "t.yaml").data == {"a": "12", "b": 3.0}


def test_alias_bombs_and_depth_are_bounded() -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 8):
        lines.append(f"{chr(97 + i)}: &{chr(97 + i)} [" + ", ".join([f"*{chr(96 + i)}"] * 10) + "]")
    with pytest.raises(InputFileError, match="YAML003"):
        parse_document("\n".join(lines), "bomb.yaml", max_nodes=100_000)
    small = parse_document("a: &x [1, 2]\nb: *x\n", "t.yaml").data
    assert small == {"a": [1, 2], "b": [1, 2]}
    small["b"].append(3)
    assert small["a"] == [1, 2]  # an alias is a copy, not a shared object
    with pytest.raises(InputFileError, match="YAML004"):
        parse_document("a: " + "[" * 300 + "]" * 300, "deep.yaml")


def test_hints_for_common_mistakes() -> None:
    assert 'write "-" in quotes' in problem("a: -\n")
    assert "must be quoted, like '>= 7'" in problem("a: >= 7\n")


def test_several_documents() -> None:
    docs = parse_documents("a: 1\n---\nb: 2\n", "t.yaml")
    assert [d.data for d in docs] == [{"a": 1}, {"b": 2}]
    assert docs[1].marks[("b",)] == (3, 4)
    with pytest.raises(InputFileError, match="YAML008"):
        parse_document("a: 1\n---\nb: 2\n", "t.yaml")


@given(st.text(max_size=30))
def test_any_text_pyyaml_writes_reads_back_as_the_same_text(text: str) -> None:
    # Files kamrules writes (plans, schemas) go through PyYAML's dumper; they must read back.
    # (With allow_unicode, PyYAML itself writes U+0085 raw and reads it back as a space: the plan
    # writer double-quotes such texts, see tests/plan/test_new.py.)
    doc = parse_document(yaml.safe_dump({"v": text}, allow_unicode=False), "t.yaml")
    assert doc.data == {"v": text}


@given(st.floats(allow_nan=False, allow_infinity=False) | st.integers() | st.booleans() | st.none() | st.dates())
def test_any_value_pyyaml_writes_reads_back_as_the_same_value(value: object) -> None:
    assert parse_document(yaml.safe_dump({"v": value}), "t.yaml").data == {"v": value}
