"""`kamrules.i18n.problem_words.said`: a problem in its reader's language, read back from the English
message the library wrote (which stays as it is), and shown as written when no template fits."""

from __future__ import annotations

from pathlib import Path

import pytest

from kamrules import codes
from kamrules.errors import FactsError, InputFileError, Location, Problem
from kamrules.i18n.problem_words import heading, said, words
from kamrules.io.files import read_text
from kamrules.io.yamlsafe import parse_document
from kamrules.model.validate import validate_account
from kamrules.portfolio.prepare import RowProblem
from tests.support.words import problems as words_problems


def test_english_is_the_message_as_the_library_wrote_it() -> None:
    problem = Problem(codes.FACT.unknown_field, "unknown field 'revenu'", Location("a.yaml", 3), "revenue")
    assert said(problem, "en") == "unknown field 'revenu' (did you mean revenue?)"
    assert problem.render() == f"a.yaml:3: FACT001 {said(problem, 'en')}"


def test_values_are_read_back_and_written_the_languages_way() -> None:
    problem = Problem(codes.FACT.invalid, "0.5 is not valid: the least it can be is 1.5")
    assert said(problem, "it") == "0,5 non è valido: il valore minimo ammesso è 1,5"
    problem = Problem(codes.TOO_BIG, "is 120.5 MB, over the 100 MB limit (KAMRULES_MAX_FILE_MB)")
    assert said(problem, "it") == "pesa 120,5 MB, oltre il limite di 100 MB (KAMRULES_MAX_FILE_MB)"


def test_plural_forms_are_read_back_and_agree() -> None:
    one = Problem(codes.FACT.invalid, "[] is not valid: it needs at least 1 item")
    two = Problem(codes.FACT.invalid, "[] is not valid: it needs at least 2 items")
    assert said(one, "it") == "[] non è valido: serve almeno 1 elemento"
    assert said(two, "it") == "[] non è valido: servono almeno 2 elementi"


def test_the_parameter_is_named_as_the_front_end_names_it() -> None:
    problem = Problem(
        codes.PLAN_ACCOUNT, "holds 3 accounts; a plan is for one: name it with {parameter}", parameter="account_id"
    )
    assert said(problem, "it", {"account_id": "--id"}.__getitem__) == (
        "contiene 3 account; un piano è per un solo account: indicalo con --id"
    )
    assert said(problem, "en") == "holds 3 accounts; a plan is for one: name it with account_id"


def test_a_row_problem_keeps_its_did_you_mean_in_the_readers_words() -> None:
    row = RowProblem(
        "x", "'hihg' is not one of the allowed values: low, high (did you mean high?)", codes.FACT.not_allowed
    )
    assert said(row, "it") == "'hihg' non è tra i valori ammessi: low, high (forse intendevi high?)"
    assert said(row, "en") == row.text()


def test_a_message_no_template_fits_is_shown_in_english_never_half_worded() -> None:
    new_wording = Problem(codes.FACT.invalid, "something kamrules has no words for yet")
    assert said(new_wording, "it") == new_wording.message
    # pydantic's own words, which kamrules has no Italian for: the whole message stays English
    pydantic = Problem(codes.FACT.invalid, "'x' is not valid: Input should be a valid UUID")
    assert said(pydantic, "it") == pydantic.message
    assert said(Problem("NOPE001", "no such file"), "it") == "no such file"  # another code's words
    assert heading("something else:", "it") == "something else:"


def test_the_words_around_problems() -> None:
    assert (
        words("advise.not_advised", "it", failed=2, advised=1) == "2 account non analizzati (vedi sopra); 1 analizzato"
    )
    assert (
        words("advise.not_advised", "en", failed=1, advised=3)
        == "1 account could not be advised (see above); 3 advised"
    )
    assert heading("a.yaml is not a valid plan:", "it") == "a.yaml non è un piano valido:"


def _problems_the_library_raises(tmp_path: Path) -> list[Problem]:
    """Problems as the library words them today, from the inputs people get wrong most."""
    found: list[Problem] = []
    bad_facts = [
        {"id": "A", "name": "B", "revenu": 1},  # an unknown field, with a did-you-mean
        {"id": "A"},  # a missing name
        {"id": "A", "name": "B", "relationship": {"loyalty": "hihg"}},  # not one of the values
        {"id": "A", "name": "B", "relationship": 3},  # not a mapping
        {"id": "A", "name": "B", "business": {"revenue": "abc"}},  # not a number
        {"id": "A", "name": "B", "assessment": {"current_contribution": 12}},  # over the bound
        {"id": "A", "name": "B", "assessment": {"choice_criteria": ["quality"]}},  # unknown inside a group
    ]
    for facts in bad_facts:
        with pytest.raises(FactsError) as raised:
            validate_account(facts, source="a.yaml")
        found += raised.value.problems
    binary = tmp_path / "b.yaml"
    binary.write_bytes(b"\x00\x01")
    for path in (tmp_path / "none.yaml", tmp_path, binary):
        with pytest.raises(InputFileError) as unreadable:
            read_text(path)
        found += unreadable.value.problems
    for text in ("a: 1\na: 2\n", "a: 1\n---\nb: 2\n"):
        with pytest.raises(InputFileError) as bad_yaml:
            parse_document(text, "c.yaml")
        found += bad_yaml.value.problems
    return found


def test_what_the_library_says_today_is_said_in_italian(tmp_path: Path) -> None:
    """The English templates follow the library's wording: a message changed in the library and
    not in problem_phrases would be shown in English under --lang it, and fails here."""
    found = _problems_the_library_raises(tmp_path)
    assert len(found) == 12
    untranslated = [p.message for p in found if said(p, "it") == p.message]
    assert untranslated == []
    # (the field names a problem lists are for typing into the file, as written: not prose)
    badly_worded = [
        (said(p, "it"), w)
        for p in found
        for w in words_problems(said(p, "it"), "it", "output")
        if not w.startswith("an id in a sentence")
    ]
    assert badly_worded == []
