"""The columns of `kam portfolio --out`, in one declarative table: their order, their stable
machine names, their headers in each language, what each holds and what kind of value it is.

CSV and JSON Lines write every column under its machine name (`business.revenue`), for scripts.
The XLSX workbook is for people: its headers are in the language asked for (`Fatturato (12
mesi)`), a choice shows its label and not its identifier, numbers and dates are typed cells,
and its second sheet ("Columns") pairs each header with its machine name. The batch engine
writes the same outputs from Arrow: it reads this table, not the writers.

A column the table does not know (a fact a `--rules` folder derives) comes after the known ones,
under its machine name, with its rule base's description.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, NamedTuple

if TYPE_CHECKING:
    from kamrules.io.workbook import SheetSpec

Kind = Literal["text", "long_text", "money", "percent", "score", "years", "integer", "number", "date", "flag"]


class Words(NamedTuple):
    en: str
    it: str

    def get(self, lang: str) -> str:
        return self.it if lang == "it" else self.en


@dataclass(frozen=True)
class Column:
    """One output column."""

    name: str  # the machine name: CSV and JSON Lines header, the key of an output row
    header: Words | None  # None: a treatment row, titled by the rule base in the language asked for
    about: Words  # what it holds (the XLSX's "Columns" sheet)
    kind: Kind = "text"
    people: bool = True  # shown in the XLSX; False for an identifier whose label is the next column
    values: Mapping[str, Words] = field(default_factory=dict)  # XLSX: a machine value shown as words
    width: int | None = None  # XLSX, in characters; by default from the kind and the header


def _matrix(prefix: str, en: str, it: str) -> tuple[Column, ...]:
    return (
        Column(f"{prefix}.quadrant", None, Words("", ""), people=False),
        Column(
            f"{prefix}.quadrant.text",
            Words(en, it),
            Words(f"The account's quadrant of the {en} matrix.", f"Il quadrante del cliente nella matrice {it}."),
        ),
        Column(f"{prefix}.advice", None, Words("", ""), people=False),
        Column(
            f"{prefix}.advice.text",
            Words(f"{en}: what it calls for", f"{it}: cosa richiede"),
            Words("What that quadrant calls for.", "Cosa richiede quel quadrante."),
            "long_text",
        ),
    )


def _treatment(key: str) -> Column:
    return Column(
        f"treatment.{key}",
        None,
        Words("The treatment of the account's strategy (the deck's table).", "Il trattamento della sua strategia."),
        "long_text",
    )


SEVERITY = {
    "high": Words("high", "alta"),
    "medium": Words("medium", "media"),
    "low": Words("low", "bassa"),
    "info": Words("info", "informazione"),
}
YES_NO = {"true": Words("yes", "sì"), "false": Words("no", "no")}

COLUMNS: tuple[Column, ...] = (
    Column(
        "id", Words("Id", "Codice"), Words("The account's id, as the input has it.", "Il codice del cliente."), width=14
    ),
    Column("name", Words("Account", "Cliente"), Words("The account's name.", "Il nome del cliente."), width=32),
    Column("sector", Words("Sector", "Settore"), Words("The account's sector.", "Il settore del cliente.")),
    Column(
        "status",
        Words("Status", "Stato"),
        Words("advised, or rejected (see the error columns).", "analizzato, o scartato (vedere le colonne d'errore)."),
        values={"ok": Words("advised", "analizzato"), "error": Words("rejected", "scartato")},
    ),
    Column("tier", None, Words("", ""), people=False),
    Column("tier.text", Words("Tier", "Livello"), Words("The key account matrix's tier.", "Il livello del cliente.")),
    Column("profile", None, Words("", ""), people=False),
    Column("profile.text", Words("Profile", "Profilo"), Words("The customer profile.", "Il profilo del cliente.")),
    Column(
        "profile_source",
        Words("Profile from", "Profilo da"),
        Words("What decided the profile.", "Cosa ha deciso il profilo."),
        values={
            "matrix": Words("the matrix", "la matrice"),
            "stage": Words("the relationship stage", "lo stadio della relazione"),
            "override": Words("set by hand", "indicato a mano"),
        },
    ),
    Column("strategy", None, Words("", ""), people=False),
    Column(
        "strategy.text", Words("Strategy", "Strategia"), Words("The profile's strategy.", "La strategia del profilo.")
    ),
    Column(
        "warnings.severity",
        Words("Most severe warning", "Segnalazione più grave"),
        Words("The severity of the account's most severe warning.", "La gravità della segnalazione più grave."),
        values=SEVERITY,
    ),
    Column("warnings", None, Words("", ""), people=False),
    Column(
        "warnings.titles",
        Words("Warnings", "Segnalazioni"),
        Words("The account's warnings, most severe first.", "Le segnalazioni sul cliente, le più gravi prima."),
    ),
    Column(
        "warnings.text",
        Words("Warnings in full", "Segnalazioni per esteso"),
        Words("Each warning with its message.", "Ogni segnalazione con il suo messaggio."),
        "long_text",
    ),
    Column("levers", None, Words("", ""), people=False),
    Column(
        "levers.text",
        Words("Relationship levers", "Leve della relazione"),
        Words("The levers to pull to build the relationship.", "Le leve per costruire la relazione."),
        "long_text",
    ),
    Column(
        "business.revenue",
        Words("Revenue (12 months)", "Fatturato (12 mesi)"),
        Words("Our sales to the account, last 12 months.", "Le nostre vendite al cliente, ultimi 12 mesi."),
        "money",
    ),
    Column(
        "business.potential_revenue",
        Words("Potential revenue", "Fatturato potenziale"),
        Words("What the account could buy from us.", "Quanto il cliente potrebbe comprare da noi."),
        "money",
    ),
    Column("business.margin_pct", Words("Margin", "Margine"), Words("Our margin.", "Il nostro margine."), "percent"),
    Column(
        "business.share_of_wallet",
        Words("Share of wallet", "Quota di portafoglio"),
        Words("Our share of the account's spend.", "La nostra quota della spesa del cliente."),
        "percent",
    ),
    Column(
        "business.growth_rate",
        Words("Growth", "Crescita"),
        Words("Growth of our sales to the account.", "Crescita delle nostre vendite al cliente."),
        "percent",
    ),
    Column(
        "business.cost_to_serve",
        Words("Cost to serve", "Costo del servizio"),
        Words("What serving the account costs us.", "Quanto ci costa servire il cliente."),
        "money",
    ),
    Column(
        "business.customer_since",
        Words("Customer since", "Cliente dal"),
        Words("When the account became a customer.", "Da quando è cliente."),
        "date",
    ),
    Column(
        "relationship_years",
        Words("Years as a customer", "Anni di relazione"),
        Words("Years since it became a customer.", "Anni da quando è cliente."),
        "years",
    ),
    Column(
        "assessment.current_contribution",
        Words("Current contribution", "Contribuzione attuale"),
        Words("Its contribution to our objectives today, 1 to 10.", "Contribuzione attuale, da 1 a 10."),
        "score",
    ),
    Column(
        "assessment.potential_contribution",
        Words("Potential contribution", "Contribuzione potenziale"),
        Words("Its potential contribution, 1 to 10.", "Contribuzione potenziale, da 1 a 10."),
        "score",
    ),
    Column(
        "scores.attractiveness",
        Words("Attractiveness", "Attrattività"),
        Words("The account's attractiveness, 1 to 10.", "L'attrattività del cliente, da 1 a 10."),
        "score",
    ),
    Column(
        "scores.relative_strength",
        Words("Relative strength", "Forza relativa"),
        Words("Our strength against the best competitor, 1 to 10.", "La nostra forza relativa, da 1 a 10."),
        "score",
    ),
    Column(
        "portfolio.revenue_share",
        Words("Share of revenue", "Quota del fatturato"),
        Words("Its share of the portfolio's revenue.", "La sua quota del fatturato del portafoglio."),
        "percent",
    ),
    Column(
        "portfolio.cumulative_share_before",
        Words("Share of the larger accounts", "Quota dei clienti maggiori"),
        Words(
            "The revenue share of the accounts ranked above it (the ABC classes).",
            "La quota di fatturato dei clienti che lo precedono (le classi ABC).",
        ),
        "percent",
    ),
    Column("revenue_class", None, Words("", ""), people=False),
    Column(
        "revenue_class.text",
        Words("Revenue class", "Classe di fatturato"),
        Words("A, B or C by cumulative revenue.", "A, B o C per fatturato cumulato."),
    ),
    Column("margin_class", None, Words("", ""), people=False),
    Column(
        "margin_class.text",
        Words("Margin class", "Classe di margine"),
        Words("1 (highest) to 4 by margin.", "Da 1 (il più alto) a 4 per margine."),
    ),
    *_matrix("revenue_potential", "Revenue / Potential", "Fatturato / Potenziale"),
    *_matrix("development_penetration", "Development / Penetration", "Sviluppo / Penetrazione"),
    *_matrix("revenue_quality", "Revenue quality", "Qualità del fatturato"),
    *_matrix("profitability_duration", "Profitability / Length", "Redditività / Durata"),
    Column("contribution.advice", None, Words("", ""), people=False),
    Column(
        "contribution.advice.text",
        Words("Tier: what it calls for", "Livello: cosa richiede"),
        Words("What the account's tier calls for.", "Cosa richiede il livello del cliente."),
        "long_text",
    ),
    Column(
        "sector.attractiveness",
        Words("Sector attractiveness", "Attrattività del settore"),
        Words("The sector's attractiveness, 1 to 10 (the sectors file).", "Attrattività del settore, da 1 a 10."),
        "score",
    ),
    Column(
        "sector.adaptability",
        Words("Our adaptability to the sector", "Adattabilità al settore"),
        Words("Our adaptability to the sector, 1 to 10.", "La nostra adattabilità al settore, da 1 a 10."),
        "score",
    ),
    *_matrix("attractiveness_adaptability", "Target sectors", "Settori target"),
    Column(
        "plan.exists",
        Words("Account plan", "Piano del cliente"),
        Words("Whether a Key Account Development Plan is recorded.", "Se è registrato un piano di sviluppo."),
        "flag",
        values=YES_NO,
    ),
    Column(
        "no_plan",
        Words("Key account without a plan", "Key Account senza piano"),
        Words("A key account with no plan recorded.", "Un Key Account senza piano registrato."),
        "flag",
        values=YES_NO,
    ),
    Column(
        "plan_outdated",
        Words("Plan out of date", "Piano superato"),
        Words("A key account whose plan is over a year old.", "Un Key Account con un piano di oltre un anno."),
        "flag",
        values=YES_NO,
    ),
    *(
        _treatment(key)
        for key in (
            "roi_horizon",
            "customer_understanding",
            "contract_type",
            "contact_level",
            "perception",
            "resource_allocation",
            "technology",
            "pricing",
            "pitfalls",
        )
    ),
    *(
        Column(
            f"estimate.{key}_{end}",
            Words(f"BCG estimate: {en} ({end})", f"Stima BCG: {it} ({'min' if end == 'low' else 'max'})"),
            Words(
                "BCG's observed range applied to a key account: an estimate, not a forecast.",
                "L'intervallo osservato da BCG applicato a un Key Account: una stima, non una previsione.",
            ),
            "money",
        )
        for key, en, it in (
            ("revenue_gain", "revenue gain", "aumento dei ricavi"),
            ("margin_gain", "margin gain", "margine aggiuntivo"),
            ("cost_saving", "cost-to-serve saving", "risparmio sui costi di servizio"),
        )
        for end in ("low", "high")
    ),
    Column(
        "row",
        Words("Input row", "Riga d'origine"),
        Words("The row of the input file (the header is row 1).", "La riga del file d'origine."),
        "integer",
    ),
    Column(
        "error.column",
        Words("Rejected: column", "Scartato: colonna"),
        Words("The input column with the problem.", "La colonna d'origine con il problema."),
    ),
    Column(
        "error.problem",
        Words("Rejected: problem", "Scartato: problema"),
        Words("Why the row could not be advised.", "Perché la riga non è stata analizzata."),
        "long_text",
    ),
)
BY_NAME = {c.name: c for c in COLUMNS}
# Facts the portfolio rule base derives that say again what another column says: the BCG
# ranges of every account (the estimate columns hold them for the key accounts, the only ones
# the domain applies them to) and the contribution matrix's quadrant (the tier).
REPEATED = ("bcg.", "contribution.quadrant")
# Not columns: what the report and the summary need from each row (codes and severities).
PRIVATE = "_"


def ordered(names: Sequence[str]) -> list[str]:
    """The output columns among `names` (an output row's keys, in the rule bases' order): the
    known ones in this table's order, then the others in their own order; repeats left out."""
    present = set(names)
    known = [c.name for c in COLUMNS if c.name in present]
    seen = set(known)
    extra = [n for n in names if n not in seen and not n.startswith(PRIVATE) and not n.startswith(REPEATED)]
    return known + list(dict.fromkeys(extra))


def people_columns(names: Sequence[str]) -> list[str]:
    """The columns of the XLSX: `names` without the identifiers whose label is shown."""
    return [n for n in names if BY_NAME.get(n) is None or BY_NAME[n].people]


def header(name: str, lang: str, treatment_rows: Mapping[str, str] | None = None) -> str:
    """A column's header in `lang`: a treatment row is titled as the deck titles it."""
    column = BY_NAME.get(name)
    if column is None:
        return name
    if column.header is None:
        key = name.removeprefix("treatment.")
        return (treatment_rows or {}).get(key, key)
    return column.header.get(lang)


SHEET_TITLES = {"en": ("Accounts", "Columns"), "it": ("Clienti", "Colonne")}
KEY_HEADERS = {
    "en": ("Header", "Machine name (CSV, JSON Lines)", "What it holds"),
    "it": ("Intestazione", "Nome per i programmi (CSV, JSON Lines)", "Cosa contiene"),
}


def sheet_spec(
    names: Sequence[str],
    lang: str,
    treatment_rows: Mapping[str, str],
    about: Mapping[str, str],
    *,
    machine: bool = False,
) -> SheetSpec:
    """The XLSX workbook of the output columns `names` in `lang`; `treatment_rows` titles the
    treatment columns, `about` describes the columns this table does not know. `machine`: for
    scripts (`--xlsx-headers names`), every column of the CSV under its machine name, its values
    as the CSV has them (identifiers, not labels), still typed."""
    from kamrules.io.workbook import SheetColumn, SheetSpec

    columns = []
    for name in names if machine else people_columns(names):
        known = BY_NAME.get(name)
        words = {} if machine or known is None else {k: v.get(lang) for k, v in known.values.items()}
        columns.append(
            SheetColumn(
                name,
                name if machine else header(name, lang, treatment_rows),
                known.kind if known else "text",
                words,
                (known.about.get(lang) if known else about.get(name, "")) or "",
                known.width if known else None,
            )
        )
    lang = lang if lang in SHEET_TITLES else "en"
    title, key_title = SHEET_TITLES[lang]
    return SheetSpec(title, columns, key_title, KEY_HEADERS[lang])
