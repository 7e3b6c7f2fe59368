"""The six portfolio matrices as pictures: which facts are on the axes, where the cut-lines are,
and which quadrant sits where.

The knowledge stays in the rule bases: quadrant names come from their labels, cut-lines from
their parameters (or the portfolio's medians, which the revenue x potential rules compare
with), and the twelve cells of revenue quality are asked of the rules themselves, so a changed
cell in the YAML shows in the picture. What lives here is only presentation: axes and titles.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kamrules.i18n.catalog import texts
from kamrules.i18n.texts import Texts


@dataclass(frozen=True, kw_only=True)
class Matrix:
    id: str
    quadrant_column: str  # the output column holding the account's quadrant
    quadrant_fact: str  # the derived fact whose labels name the quadrants
    title: Texts
    x: str  # point column on the horizontal axis
    y: str
    x_label: Texts
    y_label: Texts
    log: bool = False  # money axes: revenue spans decades
    # Quadrant -> (column, row) of a 2x2 grid, (0, 0) bottom left; revenue quality is asked of the rules.
    layout: dict[str, tuple[int, int]] = field(default_factory=dict)
    x_format: str = "number"
    y_format: str = "number"


MATRICES: tuple[Matrix, ...] = (
    Matrix(
        id="revenue_potential",
        quadrant_column="revenue_potential.quadrant",
        quadrant_fact="revenue_potential.quadrant",
        title=texts("matrices", "revenue_potential.title"),
        x="business.revenue",
        y="business.potential_revenue",
        x_label=texts("matrices", "revenue_potential.x"),
        y_label=texts("matrices", "revenue_potential.y"),
        log=True,
        x_format="money",
        y_format="money",
        layout={"develop": (1, 1), "conquer": (0, 1), "maintain": (1, 0), "rationalise": (0, 0)},
    ),
    Matrix(
        id="development_penetration",
        quadrant_column="development_penetration.quadrant",
        quadrant_fact="development_penetration.quadrant",
        title=texts("matrices", "development_penetration.title"),
        x="business.share_of_wallet",
        y="business.growth_rate",
        x_label=texts("matrices", "development_penetration.x"),
        y_label=texts("matrices", "development_penetration.y"),
        x_format="percent",
        y_format="percent",
        layout={"grow_with": (1, 1), "penetrate": (0, 1), "defend": (1, 0), "monitor": (0, 0)},
    ),
    Matrix(
        id="revenue_quality",
        quadrant_column="revenue_quality.quadrant",
        quadrant_fact="revenue_quality.quadrant",
        title=texts("matrices", "revenue_quality.title"),
        x="business.margin_pct",
        y="portfolio.cumulative_share_before",
        x_label=texts("matrices", "revenue_quality.x"),
        y_label=texts("matrices", "revenue_quality.y"),
    ),
    Matrix(
        id="profitability_duration",
        quadrant_column="profitability_duration.quadrant",
        quadrant_fact="profitability_duration.quadrant",
        title=texts("matrices", "profitability_duration.title"),
        x="relationship_years",
        y="business.margin_pct",
        x_label=texts("matrices", "profitability_duration.x"),
        y_label=texts("matrices", "profitability_duration.y"),
        y_format="percent",
        layout={"true_friends": (1, 1), "butterflies": (0, 1), "barnacles": (1, 0), "strangers": (0, 0)},
    ),
    Matrix(
        id="contribution",
        quadrant_column="contribution.quadrant",
        quadrant_fact="contribution.quadrant",
        title=texts("matrices", "contribution.title"),
        # The scores the tier used: by hand, against the portfolio, or derived from the facts.
        x="scores.current_contribution",
        y="scores.potential_contribution",
        x_label=texts("matrices", "contribution.x"),
        y_label=texts("matrices", "contribution.y"),
        layout={
            "key_account": (1, 1),
            "potential_key_account": (0, 1),
            "important_account": (1, 0),
            "regular_account": (0, 0),
        },
    ),
    Matrix(
        id="attractiveness_adaptability",
        quadrant_column="attractiveness_adaptability.quadrant",
        quadrant_fact="target.quadrant",
        title=texts("matrices", "attractiveness_adaptability.title"),
        x="adaptability",
        y="attractiveness",
        x_label=texts("matrices", "attractiveness_adaptability.x"),
        y_label=texts("matrices", "attractiveness_adaptability.y"),
        layout={"target": (1, 1), "build": (0, 1), "harvest": (1, 0), "avoid": (0, 0)},
    ),
)
