"""`kam plan report`: the plan on one page, to share with the customer, without what is internal."""

from __future__ import annotations

import html
from pathlib import Path

import pytest

from kamrules.plan import read_plan, report
from tests.support import kam
from tests.support.plans import EXAMPLE_PLAN, example, write_plan

SECRET = "SECRET-NOTE"


def secret_plan(tmp_path: Path) -> Path:
    """The example with an internal note in every notes field there is."""
    data = example()
    data["notes"] = SECRET
    for step in data["steps"].values():
        step["notes"] = SECRET
        for records in ("requirements", "dmu", "competitors", "objectives", "actions"):
            for record in step.get(records) or []:
                record["notes"] = SECRET
    return write_plan(tmp_path, data)


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_the_report_leaves_out_what_is_internal(tmp_path: Path, fmt: str) -> None:
    text = report(read_plan(secret_plan(tmp_path)).plan, fmt)
    assert SECRET not in text
    for internal in (
        "critic",  # the DMU's attitudes
        "Bianchi GmbH",  # the competitors
        "full contract",  # our contractual commitment and pricing
        "Value based",
        "Legal review",  # the resources an action takes
        "a bit expensive",  # how we are perceived, our gaps
        "No contact in the e-drivetrain engineering team",
        "Fast answers to quality questions",  # what earns us points
    ):
        assert internal.lower() not in text.lower(), internal


def test_the_report_in_markdown(tmp_path: Path) -> None:
    out = tmp_path / "report.md"
    code, _o, err = kam("plan", "report", str(EXAMPLE_PLAN), "--out", str(out))
    assert (code, err) == (0, "")
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Rossi Meccanica S.p.A.: Key Account Development Plan\n")
    assert "*Period 2026-12-01 – 2027-11-30* · *Key account manager: Giulia Neri*" in text
    assert "- R1: Zero-defect housings for the new e-drivetrain line" in text
    assert (
        "| O1. Raise our share of wallet to that of a strategic supplier | our share of the customer's spend on "
        "housings | 45% → 60% | 2027-11-30 | Giulia Neri | R1 | open |"
    ) in text
    assert "| our revenue with the account, last 12 months | 1,200,000 EUR → 1,500,000 EUR |" in text
    assert (
        "| A1. Prepare the three-year renewal proposal and present it to Anna Rossi | Giulia Neri | 2026-12-11 |"
        in text
    )
    assert "in progress |" in text
    assert text.rstrip().endswith("*We review this plan together on: 2027-02-26, 2027-05-28, 2027-08-27, 2027-11-26.*")


def test_the_report_in_italian_and_html(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    code, _o, err = kam("plan", "report", str(EXAMPLE_PLAN), "--lang", "it", "--out", str(out))
    assert (code, err) == (0, "")
    text = out.read_text(encoding="utf-8")
    assert text.startswith('<!DOCTYPE html>\n<html lang="it">')
    assert "@page { size: A4; margin: 14mm; }" in text  # printed, it fits a page
    assert "<h2>Piano d&#x27;azione</h2>" in text
    assert "<th>Da → a</th>" in text and "<td>1.200.000 EUR → 1.500.000 EUR</td>" in text
    assert "<td>in corso</td>" in text
    assert text.rstrip().endswith("</html>")


def test_the_report_escapes_what_the_plan_says(tmp_path: Path) -> None:
    data = example()
    data["steps"]["customer_profile"]["vision"] = "<script>alert('x')</script> | *bold* _it_"
    plan = read_plan(write_plan(tmp_path, data)).plan
    page = report(plan, "html")
    assert "<script>" not in page and html.escape("<script>alert('x')</script>", quote=True) in page
    md = report(plan, "markdown")
    assert "\\<script\\>alert('x')\\</script\\> \\| \\*bold\\* \\_it\\_" in md


def test_dropped_objectives_and_cancelled_actions_are_not_shared(tmp_path: Path) -> None:
    data = example()
    data["steps"]["objectives"]["objectives"][2]["status"] = "dropped"
    data["steps"]["action_plan"]["actions"][3]["status"] = "cancelled"
    text = report(read_plan(write_plan(tmp_path, data)).plan)
    assert "O3." not in text and "A4." not in text and "O1." in text and "A3." in text


def test_a_bare_plan_gives_a_bare_report() -> None:
    from kamrules.plan import parse_plan

    plan, _ = parse_plan("kind: plan\nlang: it\naccount: {id: A1, name: Acme}\n", "p.yaml")
    assert report(plan) == "# Acme: Key Account Development Plan\n"


def test_the_example_report_lists_each_opportunity_once(tmp_path: Path) -> None:
    # The example once wrote the second opportunity in a YAML flow list, whose comma split it in
    # two: "Transmission housings" and "today bought from another supplier".
    text = report(read_plan(EXAMPLE_PLAN).plan, "markdown")
    section = text.split("## Opportunities\n\n", 1)[1].split("\n\n", 1)[0]
    assert section.splitlines() == [
        "- E-drivetrain housings from 2027",
        "- Transmission housings, today bought from another supplier",
    ]


@pytest.mark.parametrize("path", sorted((EXAMPLE_PLAN.parent).glob("*.plan.yaml")), ids=lambda p: p.name)
def test_no_list_item_of_an_example_plan_is_a_fragment(path: Path) -> None:
    # A comma inside an item of a flow list ([a, b, c]) starts a new item: the tell is an item
    # of several words that begins in lower case, the rest of a sentence (one-word ids such as
    # the choice criteria, quality or price, are lower case by design).
    def items(value: object) -> list[str]:
        if isinstance(value, dict):
            return [i for v in value.values() for i in items(v)]
        if isinstance(value, list):
            return [v for v in value if isinstance(v, str)] + [i for v in value for i in items(v)]
        return []

    data = read_plan(path).document.data
    fragments = [i for i in items(data) if i[:1].islower() and " " in i.strip()]
    assert fragments == [], f"{path.name}: list items that look like the rest of a sentence: {fragments}"
