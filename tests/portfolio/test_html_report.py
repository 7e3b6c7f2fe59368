"""The HTML report and the pictures: self-contained, every matrix drawn with its dots and named
quadrants, warnings by severity, a sortable table; opened in headless Chromium, the plots show."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support import EXAMPLES, Result

PORTFOLIO = EXAMPLES / "portfolio"
MATRICES = (
    "revenue_potential",
    "development_penetration",
    "revenue_quality",
    "profitability_duration",
    "contribution",
    "attractiveness_adaptability",
)
SVG = "{http://www.w3.org/2000/svg}"


def portfolio(kam: Callable[..., Result], *args: str) -> None:
    """The example portfolio with its sectors, with `args` (--report, --plot...) added."""
    code, _, stderr = kam(
        "portfolio",
        str(PORTFOLIO / "portfolio.csv"),
        "--sectors",
        str(PORTFOLIO / "sectors.yaml"),
        "--as-of",
        "2026-11-27",
        *args,
    )
    assert code == 0, stderr


def make_report(tmp_path: Path, kam: Callable[..., Result], lang: str = "en") -> Path:
    report = tmp_path / "report.html"
    portfolio(kam, "--lang", lang, "--report", str(report))
    return report


def test_report_is_self_contained(tmp_path: Path, kam: Callable[..., Result]) -> None:
    html = make_report(tmp_path, kam).read_text(encoding="utf-8")
    # The only URL is the SVG namespace, which is a name, never fetched.
    assert set(re.findall(r"https?://[^\s\"'<>]+", html)) == {"http://www.w3.org/2000/svg"}
    assert "<link" not in html and " src=" not in html and "@import" not in html
    assert "default-src 'none'" in html  # and the page forbids itself any request


def test_report_has_every_matrix_with_dots_and_named_quadrants(tmp_path: Path, kam: Callable[..., Result]) -> None:
    html = make_report(tmp_path, kam).read_text(encoding="utf-8")
    for matrix in MATRICES:
        match = re.search(rf'<svg[^>]*id="plot-{matrix}".*?</svg>', html, re.S)
        assert match is not None, matrix
        svg = ET.fromstring(match.group(0))
        dots = svg.findall(f".//{SVG}circle[@class='dot']")
        names = ["".join(t.itertext()) for t in svg.findall(f".//{SVG}text[@class='quadrant-name']")]
        # 12 accounts, or 7 sectors on the target sectors matrix.
        assert len(dots) == (7 if matrix == "attractiveness_adaptability" else 12), matrix
        assert len(names) == (12 if matrix == "revenue_quality" else 4), matrix
        labels = [t.text for t in svg.findall(f".//{SVG}text[@class='dot-label']")]
        assert labels, matrix
    assert "Selection or development of penetration share" in html
    assert "True friends" in html and "Butterflies" in html


def test_report_table_and_warnings_by_severity(tmp_path: Path, kam: Callable[..., Result]) -> None:
    html = make_report(tmp_path, kam).read_text(encoding="utf-8")
    table = re.search(r'<table class="sortable" id="account-table">.*?</table>', html, re.S)
    assert table is not None
    assert table.group(0).count("<tr>") == 1 + 12  # the header and one row per account
    assert "addEventListener('click'" in html  # sortable by clicking a column title
    section = html[html.index('id="warnings"') : html.index('id="matrices"')]
    severities = re.findall(r'class="sev sev-(\w+)"', section)
    order = {"high": 3, "medium": 2, "low": 1, "info": 0}
    portfolio_part = severities[: section[: section.find("<h3>")].count("sev sev-")]
    assert portfolio_part == sorted(portfolio_part, key=lambda s: -order[s])
    assert "KEY_ACCOUNTS_WITHOUT_PLAN" in section


def test_italian_report(tmp_path: Path, kam: Callable[..., Result]) -> None:
    html = make_report(tmp_path, kam, lang="it").read_text(encoding="utf-8")
    assert '<html lang="it">' in html
    for words in ("Qualità del fatturato", "Certezza", "Politiche mirate", "Matrice Settori target", "Veri amici"):
        assert words in html


def test_plot_writes_svg_and_png_per_matrix(tmp_path: Path, kam: Callable[..., Result]) -> None:
    from PIL import Image

    folder = tmp_path / "plots"
    portfolio(kam, "--plot", str(folder))
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [f"{m}.svg" for m in MATRICES] + [f"{m}.png" for m in MATRICES]
    )
    for matrix in MATRICES:
        ET.parse(folder / f"{matrix}.svg")
        with Image.open(folder / f"{matrix}.png") as image:
            assert image.format == "PNG"
            colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
            assert colours is not None and len(colours) > 50  # a picture, not a blank page


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def test_report_renders_its_plots_in_headless_chromium(tmp_path: Path, kam: Callable[..., Result]) -> None:
    browser = chromium()
    if browser is None:
        if os.environ.get("KAMRULES_CI") == "1":
            pytest.fail("chromium is missing in CI: .ci/run installs Debian's chromium package")
        pytest.skip("chromium is not installed (apt-get install chromium); CI installs it and runs this test")
    from PIL import Image

    report = make_report(tmp_path, kam)
    shot = tmp_path / "shot.png"
    subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--screenshot={shot}",
            "--window-size=1280,2400",
            report.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    with Image.open(shot) as image:
        pixels = image.convert("RGB")
        counts = {colour: n for n, colour in pixels.getcolors(maxcolors=1 << 22) or []}
    # The quadrants' pale fills are the SVG's own colours: nothing else on the page uses them.
    from kamrules.portfolio.svg import SHADES

    def rgb(hex_colour: str) -> tuple[int, int, int]:
        return tuple(int(hex_colour[k : k + 2], 16) for k in (1, 3, 5))  # type: ignore[return-value]

    def near(target: tuple[int, int, int], tolerance: int = 3) -> int:
        return sum(n for c, n in counts.items() if all(abs(a - b) <= tolerance for a, b in zip(c, target, strict=True)))

    filled = [near(rgb(s)) for s in SHADES[:4]]
    assert all(n > 5000 for n in filled), filled  # four quadrants drawn, each a sizeable area
    # Dots: key accounts are #d62728, drawn 85 % opaque over the quadrants (so r is 214 to 222);
    # the page's red severity badges are #c53030 (r = 197), which this leaves out.
    red = sum(n for (r, g, b), n in counts.items() if r >= 208 and g < 90 and b < 90)
    assert red > 100, red
