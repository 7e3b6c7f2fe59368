"""The width table the pictures measure texts with is DejaVu Sans's own (checked against the font
matplotlib ships, when matplotlib and fontTools are installed), and the fallbacks are wide."""

from __future__ import annotations

import os

import pytest

from kamrules.portfolio.fontmetrics import WIDTHS, char_width, shorten, text_width, wrap


@pytest.mark.parametrize(("style", "font"), [("regular", "DejaVuSans.ttf"), ("bold", "DejaVuSans-Bold.ttf")])
def test_the_table_is_the_fonts(style: str, font: str) -> None:
    matplotlib = pytest.importorskip("matplotlib")
    ttlib = pytest.importorskip("fontTools.ttLib")
    face = ttlib.TTFont(os.path.join(os.path.dirname(matplotlib.__file__), "mpl-data", "fonts", "ttf", font))
    cmap, hmtx, em = face.getBestCmap(), face["hmtx"], face["head"].unitsPerEm
    for first, widths in WIDTHS[style]:
        for k, width in enumerate(widths.split()):
            glyph = cmap.get(first + k)
            expected = round(hmtx[glyph][0] * 1000 / em) if glyph else 0
            assert int(width) == expected, hex(first + k)


def test_characters_outside_the_table_count_wide() -> None:
    assert char_width("株") >= 1000 and char_width("🚀") >= 1000 and char_width("ش") >= 1000
    assert char_width("\u0301") == 0  # a combining accent adds nothing to its letter
    assert char_width("W") > char_width("i")
    assert text_width("Rossi", 10, bold=True) > text_width("Rossi", 10)


def test_shorten_and_wrap() -> None:
    assert shorten("Rossi Meccanica S.p.A.", 1000, 10) == "Rossi Meccanica S.p.A."
    cut = shorten("Rossi Meccanica S.p.A.", 60, 10)
    assert cut.endswith("…") and text_width(cut, 10) <= 60
    assert shorten("Rossi", 3, 10) == ""
    lines = wrap("Selection or development of penetration share", 100, 12, True, 4)
    assert " ".join(lines) == "Selection or development of penetration share"
    assert all(text_width(line, 12, True) <= 100 for line in lines)
    assert wrap("one two three four five six", 30, 12, False, 2)[-1].endswith("…")
