"""`kamrules.i18n.problem_words.said`: a problem in its reader's language, read back from the English
message the library wrote (which stays as it is), and shown as written when no template fits."""

from __future__ import annotations

from kamrules import codes
from kamrules.errors import Location, Problem
from kamrules.i18n.problem_words import heading, said, words
from kamrules.portfolio.prepare import RowProblem


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
