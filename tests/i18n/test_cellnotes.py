"""The notes on how a file's numbers and dates were read come out in the --lang language: each of
the six, in English (as before) and in Italian, agreeing with its counts, from the same data."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kamrules.errors import Note
from kamrules.i18n.cellnotes import note_text
from kamrules.model.cellformats import Detection, Forced, decide
from tests.support import kam


def _notes(cells: list[tuple[str, str]], delimiter: str | None = None) -> list[Note]:
    detection = Detection()
    for row, (path, text) in enumerate(cells, start=2):
        detection.observe(row, {path: text}, {}, Forced())
    return list(decide(detection, Forced(), delimiter).notes)


REVENUE, SINCE = "business.revenue", "business.customer_since"
# key: the cells that make the note, the English it opens with, the Italian it opens with.
CASES = {
    "numbers.unshown": (
        [(REVENUE, "1.200"), (REVENUE, "3.500")],
        "numbers: no value in the file shows its decimal mark; 2 values that could be read either way",
        "numeri: nessun valore del file mostra il separatore decimale; 2 valori che si possono leggere in due modi",
    ),
    "numbers.mixed": (
        [(REVENUE, "1.200,50"), (REVENUE, "12,5"), (REVENUE, "7.5")],
        "numbers: the file mixes decimal marks: 2 values with a decimal comma",
        "numeri: il file mescola i separatori decimali: 2 valori con la virgola decimale",
    ),
    "numbers.shown": (
        [(REVENUE, "12,5"), (REVENUE, "1.200")],
        "numbers are read with a decimal comma, as '12,5' (row 2, column business.revenue) shows: 1 value",
        "i numeri sono letti con la virgola decimale, come mostra '12,5' (riga 2, colonna business.revenue): "
        "1 valore che si può leggere in due modi",
    ),
    "dates.unsettled": (
        [(SINCE, "01/03/2015")],
        "dates: 1 date such as '01/03/2015' (row 2, column business.customer_since) could be day or month first",
        "date: 1 data come '01/03/2015' (riga 2, colonna business.customer_since) può avere prima il giorno o il mese",
    ),
    "dates.mixed": (
        [(SINCE, "25/03/2015"), (SINCE, "03/25/2015"), (SINCE, "26/03/2015")],
        "dates: the file mixes orders: 2 dates day first (dd/mm/yyyy)",
        "date: il file mescola gli ordini: 2 date con prima il giorno (gg/mm/aaaa)",
    ),
    "dates.shown": (
        [(SINCE, "25/03/2015"), (SINCE, "01/03/2015"), (SINCE, "02/03/2015")],
        "dates are read day first (dd/mm/yyyy), as '25/03/2015' (row 2, column business.customer_since) shows: "
        "2 dates that could be read either way",
        "le date sono lette con prima il giorno (gg/mm/aaaa), come mostra '25/03/2015' (riga 2, colonna "
        "business.customer_since): 2 date che si possono leggere in due modi",
    ),
}


@pytest.mark.parametrize("key", sorted(CASES))
def test_each_note_in_both_languages(key: str) -> None:
    cells, english, italian = CASES[key]
    (note,) = _notes(cells)
    assert note.key == key
    assert note.text(lambda p: f"--{p}").startswith(english)
    assert note_text(note, lambda p: f"--{p}", "en") == note.text(lambda p: f"--{p}")  # English: the message itself
    worded = note_text(note, lambda p: f"--{p}", "it")
    assert worded.startswith(italian), worded
    assert "{" not in worded and "}" not in worded
    if note.parameter is not None:
        assert f"--{note.parameter}" in worded
    # No English left in the Italian but the quoted cells and the options' own values.
    unquoted = re.sub(r"--\w+|\b(?:dmy|mdy)\b|business\.\w+", "", worded)
    for _, text in cells:
        unquoted = unquoted.replace(repr(text), "")
    assert not re.search(r"\b(?:the|value|values|read|dates|row|column|give|wrong|such)\b", unquoted), unquoted


def test_a_semicolon_file_says_why_in_both_languages() -> None:
    (note,) = _notes([(REVENUE, "1.200")], delimiter=";")
    assert "(as usual in a ';'-separated file)" in note.text()
    assert "1 value that could be read either way" in note.text() and "it is wrong" in note.text()
    italian = note_text(note, None, "it")
    assert "(come d'uso in un file separato da ';')" in italian
    assert "1 valore che si può leggere in due modi" in italian and "è sbagliato" in italian


def test_a_note_travels_as_data() -> None:
    # Worker processes and cluster workers send notes to the parent: plain values, picklable.
    import pickle

    (note,) = _notes([(SINCE, "01/03/2015"), (SINCE, "02/03/2015")])
    again = pickle.loads(pickle.dumps(note))
    assert again == note and note_text(again, None, "it").startswith("date: 2 date come '01/03/2015'")
    assert "le loro righe sono scartate" in note_text(again, None, "it")


def test_kam_advise_says_the_note_in_italian(tmp_path: Path) -> None:
    path = tmp_path / "accounts.csv"
    path.write_text("id,name,business.revenue\nA1,Acme,1.200\n", encoding="utf-8")
    italian = kam("advise", str(path), "--lang", "it", "--as-of", "2026-11-27")
    assert f"kam: {path}: numeri: nessun valore del file mostra il separatore decimale" in italian.stderr
    assert "--decimal ," in italian.stderr
    english = kam("advise", str(path), "--as-of", "2026-11-27")
    assert f"kam: {path}: numbers: no value in the file shows its decimal mark" in english.stderr
