"""The columns of `kam portfolio --out`, in one declarative table: their order, their stable
machine names, what kind of value each holds, and which are for people.

CSV and JSON Lines write every column under its machine name (`business.revenue`), for scripts.
The XLSX workbook is for people: its headers are in the language asked for (`Fatturato (12
mesi)`), a choice shows its label and not its identifier, numbers and dates are typed cells,
and its second sheet ("Columns") pairs each header with its machine name. The batch engine
writes the same outputs from Arrow: it reads this table, not the writers.

The words are in the phrase catalogs (`kamrules/i18n/en.py`, `it.py`): a column's header under
`portfolio.columns`, what it holds under `portfolio.columns.about` (a family of columns, such as
`treatment.*`, may share one description under its first part), the labels of its values under
the section its `values` names. A column the table does not know (a fact a `--rules` folder
derives) comes after the known ones, under its machine name, with its rule base's description.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from kamrules.advice.build import TREATMENT_KEYS
from kamrules.advice.scores import SCORES
from kamrules.i18n.catalog import phrases
from kamrules.portfolio.effort import KINDS
from kamrules.portfolio.progress import COLUMNS as PROGRESS
from kamrules.portfolio.tally import ESTIMATES

if TYPE_CHECKING:
    from kamrules.io.workbook import SheetSpec

Kind = Literal["text", "long_text", "money", "percent", "score", "years", "integer", "number", "date", "flag"]
# Where a column's values are worded: a catalog section, and the prefix of their keys in it.
Labels = tuple[str, str]
SEVERITY: Labels = ("labels.severity", "")
FLAG: Labels = ("portfolio.values", "flag.")
SOURCE: Labels = ("portfolio.values", "score_source.")


@dataclass(frozen=True)
class Column:
    """One output column."""

    name: str  # the machine name: CSV and JSON Lines header, the key of an output row
    kind: Kind = "text"
    people: bool = True  # shown in the XLSX; False for an identifier whose label is the next column
    titled: bool = True  # its header is in the catalogs; False: a treatment row (titled by the rule base)
    values: Labels | None = None  # XLSX: each machine value shown as words
    width: int | None = None  # XLSX, in characters; by default from the kind and the header

    def about(self, lang: str) -> str:
        """What the column holds, in `lang` (for the XLSX's second sheet)."""
        words = phrases(lang, "portfolio.columns.about")
        return words.get(self.name) or words.get(self.name.split(".")[0]) or ""

    def labels(self, lang: str) -> dict[str, str]:
        """Each machine value of the column and its words in `lang`."""
        if self.values is None:
            return {}
        section, prefix = self.values
        words = phrases(lang, section)
        return {key.removeprefix(prefix): words[key] for key in words if key.startswith(prefix)}


def _matrix(prefix: str) -> tuple[Column, ...]:
    return (
        Column(f"{prefix}.quadrant", people=False, titled=False),
        Column(f"{prefix}.quadrant.text"),
        Column(f"{prefix}.advice", people=False, titled=False),
        Column(f"{prefix}.advice.text", "long_text"),
    )


COLUMNS: tuple[Column, ...] = (
    Column("id", width=14),
    Column("name", width=32),
    Column("sector"),
    Column("status", values=("portfolio.values", "status.")),
    Column("tier", people=False, titled=False),
    Column("tier.text"),
    Column("profile", people=False, titled=False),
    Column("profile.text"),
    Column("profile_source", values=("portfolio.values", "profile_source.")),
    Column("strategy", people=False, titled=False),
    Column("strategy.text"),
    Column("warnings.severity", values=SEVERITY),
    Column("warnings", people=False, titled=False),
    Column("warnings.titles"),
    Column("warnings.text", "long_text"),
    Column("levers", people=False, titled=False),
    Column("levers.text", "long_text"),
    Column("business.revenue", "money"),
    Column("business.potential_revenue", "money"),
    Column("business.margin_pct", "percent"),
    Column("business.share_of_wallet", "percent"),
    Column("business.growth_rate", "percent"),
    Column("business.cost_to_serve", "money"),
    Column("business.customer_since", "date"),
    Column("relationship_years", "years"),
    # The contributions as given by hand: for people, the scores the tier used say it (below).
    Column("assessment.current_contribution", "score", people=False),
    Column("assessment.potential_contribution", "score", people=False),
    # The four scores the advice used, and where each came from (issue 14).
    Column("scores.current_contribution", "score"),
    Column("scores.potential_contribution", "score"),
    Column("scores.attractiveness", "score"),
    Column("scores.relative_strength", "score"),
    *(Column(f"scores.source.{score}", values=SOURCE) for score in SCORES),
    Column("portfolio.revenue_share", "percent"),
    Column("portfolio.cumulative_share_before", "percent"),
    Column("revenue_class", people=False, titled=False),
    Column("revenue_class.text"),
    Column("margin_class", people=False, titled=False),
    Column("margin_class.text"),
    *_matrix("revenue_potential"),
    *_matrix("development_penetration"),
    *_matrix("revenue_quality"),
    *_matrix("profitability_duration"),
    Column("contribution.advice", people=False, titled=False),
    Column("contribution.advice.text", "long_text"),
    Column("sector.attractiveness", "score"),
    Column("sector.adaptability", "score"),
    *_matrix("attractiveness_adaptability"),
    Column("plan.exists", "flag", values=FLAG),
    Column("no_plan", "flag", values=FLAG),
    Column("plan_outdated", "flag", values=FLAG),
    *(Column(name, "integer") for name in PROGRESS),
    # Each account's share of the KAM effort; the factors behind it are for scripts (the CSV).
    *(Column(f"effort.{kind}_share", "percent") for kind in KINDS),
    Column("effort.hours", "number"),
    Column("effort.visits", "number"),
    Column("effort.budget", "money"),
    Column("effort.tier_points", "number", people=False),
    *(Column(f"effort.{kind}_factor", "number", people=False) for kind in KINDS),
    Column("effort.position_factor", "number", people=False),
    *(Column(f"effort.{kind}_weight", "number", people=False) for kind in KINDS),
    *(Column(f"treatment.{key}", "long_text", titled=False) for key in TREATMENT_KEYS),
    *(Column(name, "money") for name in ESTIMATES),
    Column("row", "integer"),
    Column("error.column"),
    Column("error.problem", "long_text"),
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
    if not column.titled:
        key = name.removeprefix("treatment.")
        return (treatment_rows or {}).get(key, key)
    return phrases(lang, "portfolio.columns")[name]


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
        columns.append(
            SheetColumn(
                name,
                name if machine else header(name, lang, treatment_rows),
                known.kind if known else "text",
                {} if machine or known is None else known.labels(lang),
                (known.about(lang) if known else about.get(name, "")) or "",
                known.width if known else None,
            )
        )
    words = phrases(lang, "portfolio.sheet")
    headers = (words["key.header"], words["key.name"], words["key.about"])
    return SheetSpec(words["title"], columns, words["key_title"], headers)
