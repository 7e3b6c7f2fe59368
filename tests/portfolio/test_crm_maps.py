"""The example column maps for Salesforce, HubSpot and Dynamics 365: right in meaning.

Each example export holds data that a wrong mapping would show: customers whose own turnover
(the CRM's Annual Revenue) dwarfs what they buy from us, and records created in the CRM years
after the customer was won (a migration). So the tests check the facts and the decisions that a
mapping of Annual Revenue to our sales, or of the record's creation to `customer_since`, would
change: which account is largest, its revenue class, its years as a customer."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from kamrules.io.portfolio_file import open_source
from kamrules.portfolio.columns import load_column_map
from kamrules.portfolio.prepare import Prepared, prepare
from tests.support import EXAMPLES, kam

PORTFOLIO = EXAMPLES / "portfolio"
MAPS = {
    "salesforce": ("salesforce-export.csv", "salesforce-columns.yaml"),
    "hubspot": ("hubspot-export.csv", "hubspot-columns.yaml"),
    "dynamics": ("dynamics-export.xlsx", "dynamics-columns.yaml"),
}


def prepared(crm: str) -> list[Prepared]:
    export, mapping = MAPS[crm]
    colmap = load_column_map(PORTFOLIO / mapping)
    with open_source(PORTFOLIO / export) as source:
        colmap = colmap.read_in_formats_of(source.rows(), source.delimiter)
        out = [prepare(raw, colmap, source.name) for raw in source.rows()]
    assert all(p.ok for p in out), [p.problems for p in out]
    return out


def advised(crm: str, tmp_path: Path) -> dict[str, dict[str, Any]]:
    export, mapping = MAPS[crm]
    out = tmp_path / "rows.jsonl"
    result = kam(
        "portfolio",
        str(PORTFOLIO / export),
        "--columns",
        str(PORTFOLIO / mapping),
        "--sectors",
        str(PORTFOLIO / "sectors.yaml"),
        "--as-of",
        "2026-11-27",
        "--out",
        str(out),
    )
    assert result.exit_code == 0, result.stderr
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    return {row["name"]: row for row in rows}


def test_salesforce_annual_revenue_is_the_customers_turnover_and_created_date_is_not_customer_since(
    tmp_path: Path,
) -> None:
    accounts = [p.account for p in prepared("salesforce")]
    verdi = next(a for a in accounts if a is not None and a.name.startswith("Verdi"))
    assert verdi.company is not None and verdi.company.revenue == 900_000_000  # Annual Revenue
    assert verdi.business is not None and verdi.business.revenue == 950_000  # Sales Last 12 Months
    rows = advised("salesforce", tmp_path)
    # Bianchi buys the most from us: the largest account, whatever the turnovers say (Verdi's is
    # ten times Bianchi's: mapped to our sales, Annual Revenue would put Verdi first).
    assert max(rows.values(), key=lambda r: r["business.revenue"])["name"] == "Bianchi Componenti S.r.l."
    assert rows["Verdi Alimentare S.p.A."]["portfolio.revenue_share"] == pytest.approx(950_000 / 4_850_000)
    # Customer since 2009 (01/03/2015 for Rossi), not the CRM migration of 14/03/2022.
    assert rows["Bianchi Componenti S.r.l."]["business.customer_since"] == "2009-06-15"
    assert rows["Rossi Meccanica S.p.A."]["business.customer_since"] == "2015-03-01"
    assert rows["Bianchi Componenti S.r.l."]["profitability_duration.quadrant"] == "true_friends"


def test_salesforce_contact_roles_and_multi_select_picklists() -> None:
    rossi, bianchi, verdi, citta = (p.account for p in prepared("salesforce"))
    assert rossi is not None and rossi.relationship is not None and rossi.relationship.dmu is not None
    assert [(m.name, m.role, m.attitude) for m in rossi.relationship.dmu] == [
        ("Marco Rossi", "decider", "supporter"),
        ("Elena Galli", "gatekeeper", "critic"),
    ]
    assert rossi.relationship.choice_criteria == ["Qualità", "Consegna"]
    assert bianchi is not None and bianchi.relationship is not None
    assert bianchi.relationship.choice_criteria == ["Qualità", "Prezzo", "Servizio tecnico"]
    assert verdi is not None and verdi.relationship is not None and len(verdi.relationship.dmu or []) == 1
    assert citta is not None and citta.relationship is not None and citta.relationship.dmu is None  # no slot filled


def test_hubspot_annual_revenue_and_create_date(tmp_path: Path) -> None:
    rows = advised("hubspot", tmp_path)
    gallo = rows["Gallo Elettronica S.r.l."]  # a 650 M company that buys 120 k from us
    assert gallo["business.revenue"] == 120_000
    assert gallo["revenue_class"] != "A"
    assert max(rows.values(), key=lambda r: r["business.revenue"])["name"] == "Conti Farmaceutici S.p.A."
    # Every record was created on 2024-02-12 (the move to HubSpot); the customers are older.
    conti, fontana = rows["Conti Farmaceutici S.p.A."], rows["Fontana Logistica S.p.A."]
    assert conti["business.customer_since"] == "2011-04-18"
    assert fontana["relationship_years"] > 18
    assert conti["profitability_duration.quadrant"] == "true_friends"
    accounts = [p.account for p in prepared("hubspot")]
    assert accounts[1] is not None and accounts[1].company is not None
    assert accounts[1].company.revenue == 650_000_000


def test_dynamics_credit_limit_percent_columns_and_primary_contact(tmp_path: Path) -> None:
    lombardi, ferrari, esposito = (p.account for p in prepared("dynamics"))
    assert lombardi is not None and lombardi.business is not None
    assert lombardi.business.potential_revenue == 2_600_000  # Wallet Potential, not Credit Limit (500 k)
    assert lombardi.business.margin_pct == pytest.approx(0.265)  # 26.5 in a percent column
    assert lombardi.business.share_of_wallet == pytest.approx(0.52)
    assert lombardi.company is not None and lombardi.company.revenue == 310_000_000
    assert str(lombardi.business.customer_since) == "2006-05-02"  # not Created On, 2023-11-06
    assert lombardi.relationship is not None and lombardi.relationship.dmu is not None
    assert [(m.name, m.role) for m in lombardi.relationship.dmu] == [("Giovanni Lombardi", "decider")]
    assert ferrari is not None and ferrari.business is not None
    assert ferrari.business.potential_revenue == 650_000  # its credit limit is 2,000,000
    assert esposito is not None and esposito.relationship is not None and esposito.relationship.dmu is not None
    assert esposito.relationship.dmu[0].role == "user"  # Employee
    rows = advised("dynamics", tmp_path)
    assert rows["Lombardi Surgelati S.p.A."]["relationship_years"] > 20
    assert rows["Lombardi Surgelati S.p.A."]["tier"] == "key_account"


@pytest.mark.parametrize("crm", sorted(MAPS))
def test_every_mapped_column_says_what_the_crm_field_means(crm: str) -> None:
    """A comment on the line, or one introducing the group of lines it belongs to."""
    lines = (PORTFOLIO / MAPS[crm][1]).read_text(encoding="utf-8").splitlines()
    start = lines.index("columns:") + 1
    noted = False
    for line in lines[start:]:
        if not line.startswith("  "):
            break
        if line.strip().startswith("#"):
            noted = True
            continue
        assert "#" in line or noted, f"{crm}: {line.strip()} has no note"
        if "#" in line:
            noted = False
    text = "\n".join(lines)
    assert re.search(r"Not mapped, and why", text), crm


def test_a_column_map_translates_the_values_of_every_member(tmp_path: Path) -> None:
    export = tmp_path / "e.csv"
    export.write_text(
        "ID,Name,C1,R1,C2,R2\nA1,Acme,Anna,Decisore,Bruno,Utente\nA2,Beta,Carla,Capo,,\n", encoding="utf-8"
    )
    mapping = tmp_path / "m.yaml"
    mapping.write_text(
        "columns: {ID: id, Name: name, C1: relationship.dmu.1.name, R1: relationship.dmu.1.role,"
        " C2: relationship.dmu.2.name, R2: relationship.dmu.2.role}\n"
        "values: {relationship.dmu.role: {Decisore: decider, Utente: user}}\n",
        encoding="utf-8",
    )
    out = tmp_path / "o.jsonl"
    result = kam("portfolio", str(export), "--columns", str(mapping), "--out", str(out), "--as-of", "2026-11-27")
    assert result.exit_code == 2
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["status"] for r in rows] == ["ok", "error"]
    # The problem names the CRM's column of the member's field.
    assert rows[1]["error.column"] == "R1"
    assert "row 3, column R1: FACT003 'Capo' is not one of the allowed values" in result.stderr


def test_a_map_naming_an_unknown_member_field_or_percent_column_is_refused(tmp_path: Path) -> None:
    from kamrules.errors import InputFileError

    mapping = tmp_path / "m.yaml"
    mapping.write_text(
        "columns: {ID: id, R1: relationship.dmu.1.rol, M: business.margin_pct}\npercent: [Margine]\n", encoding="utf-8"
    )
    with pytest.raises(InputFileError) as info:
        load_column_map(mapping)
    codes = sorted(p.code for p in info.value.problems)
    assert codes == ["MAP010", "MAP012"]
    percent = next(p for p in info.value.problems if p.code == "MAP012")
    assert percent.suggestion is None  # "Margine" is not close to "M"
    member = next(p for p in info.value.problems if p.code == "MAP010")
    assert member.suggestion == "relationship.dmu.1.role"
