"""How wide a text is drawn, so that the pictures can place names without overlaps or clipping.

The advance widths of DejaVu Sans (regular and bold), the font the pictures ask for first and the
one matplotlib draws the PNG pictures with, in thousandths of an em, for Latin (with its accented
letters), general punctuation and the euro sign. A browser without DejaVu Sans falls back to
Arial or Helvetica, which are narrower, so a text measured here never takes more room than
measured. A character outside the table counts as wider than any in it (1.2 em; 1.3 for an emoji
or a wide East Asian character), and a combining mark as nothing more than the letter it marks.

Generated from matplotlib's copy of the font (DejaVuSans.ttf, DejaVuSans-Bold.ttf) with
fontTools; tests/portfolio/test_fontmetrics.py checks the table against the font when both are
installed.
"""

from __future__ import annotations

import unicodedata

# style -> ((first code point, the widths of it and the code points after it), ...)
WIDTHS: dict[str, tuple[tuple[int, str], ...]] = {
    "regular": (
        (
            0x0020,
            "318 401 460 838 636 950 780 275 390 390 500 838 318 361 318 337 636 636 636 636 636 636 636 636 "
            "636 636 337 337 838 838 838 531 1000 684 686 698 770 632 575 775 752 295 295 656 557 863 748 787 "
            "603 787 695 635 611 732 684 989 685 611 685 390 337 390 838 500 500 613 635 550 635 615 352 635 "
            "634 278 278 579 278 974 634 612 635 635 411 521 392 634 592 818 592 592 525 636 337 636 838 ",
        ),
        (
            0x00A0,
            "318 401 636 636 636 636 337 500 500 1000 471 612 838 361 1000 500 500 838 401 401 500 636 636 "
            "318 500 401 471 612 969 969 969 531 684 684 684 684 684 684 974 698 632 632 632 632 295 295 295 "
            "295 775 748 787 787 787 787 787 838 787 732 732 732 732 611 605 630 613 613 613 613 613 613 982 "
            "550 615 615 615 615 278 278 278 278 612 634 612 612 612 612 612 838 612 634 634 634 634 592 635 "
            "592 684 613 684 613 684 613 698 550 698 550 698 550 698 550 770 635 775 635 632 615 632 615 632 "
            "615 632 615 632 615 775 635 775 635 775 635 775 635 752 634 916 695 295 278 295 278 295 278 295 "
            "278 295 278 590 556 295 278 656 579 579 557 278 557 278 557 375 557 342 562 284 748 634 748 634 "
            "748 634 813 748 634 787 612 787 612 787 612 1070 1023 695 411 695 411 695 411 635 521 635 521 "
            "635 521 635 521 611 392 611 392 611 392 732 634 732 634 732 634 732 634 732 634 732 634 989 818 "
            "611 592 611 685 525 685 525 685 525 352 635 735 686 635 686 635 703 698 550 775 819 686 635 612 "
            "632 787 614 575 352 775 687 984 354 295 746 579 278 592 974 748 634 787 913 612 949 759 652 635 "
            "695 635 521 632 336 392 611 392 611 858 634 764 721 744 730 685 525 666 666 578 525 636 666 578 "
            "510 635 295 492 459 295 1422 1299 1154 835 787 457 931 924 797 684 613 295 278 787 612 732 634 "
            "732 634 732 634 732 634 732 634 615 684 613 684 613 974 982 775 635 775 635 656 579 787 612 787 "
            "612 666 578 278 1422 1299 1154 775 635 1113 682 748 634 684 613 974 982 787 612 684 613 684 613 "
            "632 615 632 615 295 278 295 278 787 612 787 612 695 411 695 411 732 634 732 634 635 521 611 392 "
            "627 521 752 634 735 838 698 610 685 525 684 613 632 615 787 612 787 612 787 612 787 612 611 592 "
            "475 843 477 278 998 998 684 698 550 557 611 521 525 603 479 686 732 684 632 615 295 278 781 635 "
            "695 411 611 592 ",
        ),
        (0x2010, "361 361 636 500 1000 1000 500 500 318 318 318 318 518 518 518 518 500 500 590 590 334 667 1000 318 "),
        (0x2030, "1342 1735 227 374 520 227 374 520 339 400 400 "),
        (0x20AC, "636 "),
        (0x2212, "838 "),
    ),
    "bold": (
        (
            0x0020,
            "348 456 521 838 696 1002 872 306 457 457 523 838 380 415 380 365 696 696 696 696 696 696 696 696 "
            "696 696 400 400 838 838 838 580 1000 774 762 734 830 683 683 821 837 372 372 775 637 995 837 850 "
            "733 850 770 720 682 812 774 1103 771 724 725 457 365 457 838 500 500 675 716 593 716 678 435 716 "
            "712 343 343 665 343 1042 712 687 716 716 493 595 478 712 652 924 645 652 582 712 365 712 838 ",
        ),
        (
            0x00A0,
            "348 456 696 696 636 696 365 500 500 1000 564 646 838 415 1000 500 500 838 438 438 500 736 636 "
            "380 500 438 564 646 1035 1035 1035 580 774 774 774 774 774 774 1085 734 683 683 683 683 372 372 "
            "372 372 838 837 850 850 850 850 850 838 850 812 812 812 812 724 738 719 675 675 675 675 675 675 "
            "1048 593 678 678 678 678 343 343 343 343 687 712 687 687 687 687 687 838 687 712 712 712 712 652 "
            "716 652 774 675 774 675 774 675 734 593 734 593 734 593 734 593 830 716 838 716 683 678 683 678 "
            "683 678 683 678 683 678 821 716 821 716 821 716 821 716 837 712 974 790 372 343 372 343 372 343 "
            "372 343 372 343 744 686 372 343 775 665 665 637 343 637 343 637 479 637 557 642 371 837 712 837 "
            "712 837 712 983 837 712 850 687 850 687 850 687 1167 1094 770 493 770 493 770 493 720 595 720 "
            "595 720 595 720 595 682 478 682 478 682 478 812 712 812 712 812 712 812 712 812 712 812 712 1103 "
            "924 724 652 724 725 582 725 582 725 582 435 716 811 762 716 762 716 734 734 593 838 879 757 716 "
            "688 683 849 696 683 435 821 793 1045 436 389 775 665 360 592 1042 837 712 850 874 687 1083 912 "
            "782 716 770 720 595 683 552 478 707 478 682 835 712 850 813 797 778 725 582 772 772 641 582 696 "
            "772 641 573 716 372 659 544 372 1555 1412 1298 1009 980 686 1209 1180 1055 774 675 372 343 850 "
            "687 812 712 812 712 812 712 812 712 812 712 678 774 675 774 675 1085 1048 821 716 821 716 775 "
            "665 850 687 850 687 772 582 343 1555 1412 1298 821 716 1289 787 837 712 774 675 1085 1048 850 "
            "687 774 675 774 675 683 678 683 678 372 343 372 343 850 687 850 687 770 493 770 493 812 712 812 "
            "712 720 595 682 478 690 607 837 712 837 865 809 659 725 582 774 675 683 678 850 687 850 687 850 "
            "687 850 687 724 652 492 867 512 343 1088 1088 774 734 593 637 682 595 582 782 614 762 812 774 "
            "683 678 372 343 860 791 770 493 724 652 ",
        ),
        (0x2010, "415 415 696 500 1000 1000 500 500 380 380 380 380 657 657 657 657 500 500 639 639 333 667 1000 348 "),
        (0x2030, "1440 1887 264 447 630 264 447 630 733 412 412 "),
        (0x20AC, "696 "),
        (0x2212, "838 "),
    ),
}
UNKNOWN = 1200  # thousandths of an em: wider than any character of the table
WIDE = 1300  # an emoji, a wide East Asian character
# Above and below the baseline, of the font size: DejaVu Sans's line box (its hhea ascender and
# descender), what a browser's text box spans; a text with characters DejaVu lacks is drawn in a
# fallback font, whose box may be taller (Noto CJK's: 1.16 and 0.29).
ASCENT, DESCENT = 0.93, 0.24
FALLBACK_ASCENT, FALLBACK_DESCENT = 1.16, 0.30


def _table(style: str) -> dict[int, int]:
    out: dict[int, int] = {}
    for first, widths in WIDTHS[style]:
        for k, width in enumerate(widths.split()):
            if width != "0":
                out[first + k] = int(width)
    return out


_TABLES = {style: _table(style) for style in WIDTHS}


def char_width(ch: str, bold: bool = False) -> int:
    """The advance width of one character, in thousandths of an em."""
    table = _TABLES["bold" if bold else "regular"]
    code = ord(ch)
    if code in table:
        return table[code]
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    if unicodedata.east_asian_width(ch) in ("W", "F") or unicodedata.category(ch) == "So" or code > 0xFFFF:
        return WIDE
    return UNKNOWN


def extents(text: str) -> tuple[float, float]:
    """How far `text` reaches above and below its baseline, as fractions of the font size."""
    table = _TABLES["regular"]
    if all(ord(ch) in table or unicodedata.combining(ch) for ch in text):
        return ASCENT, DESCENT
    return FALLBACK_ASCENT, FALLBACK_DESCENT


def text_width(text: str, size: float, bold: bool = False) -> float:
    """How many pixels `text` takes at a font size of `size` pixels."""
    return sum(char_width(ch, bold) for ch in text) * size / 1000.0


def shorten(text: str, width: float, size: float, bold: bool = False) -> str:
    """`text` as it fits in `width` pixels: whole, or cut with an ellipsis (empty if not even
    one character and the ellipsis fit)."""
    if text_width(text, size, bold) <= width:
        return text
    room = width - text_width("…", size, bold)
    used = 0.0
    cut = 0
    for k, ch in enumerate(text):
        used += char_width(ch, bold) * size / 1000.0
        if used > room:
            break
        cut = k + 1
    kept = text[:cut].rstrip()
    return kept + "…" if kept else ""


def wrap(text: str, width: float, size: float, bold: bool = False, max_lines: int = 3) -> list[str]:
    """`text` in lines of at most `width` pixels, cut at spaces; a word longer than a line, and
    what does not fit in `max_lines`, end with an ellipsis."""
    lines: list[str] = []
    for word in text.split():
        if lines and text_width(f"{lines[-1]} {word}", size, bold) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], " ".join(lines[max_lines - 1 :]) + "…"]
    fitted = [shorten(line, width, size, bold) for line in lines]
    return [line for line in fitted if line]
