"""Generated portfolios for the tests: valid accounts with every fact the matrices read."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import random
from pathlib import Path
from typing import Any

SECTORS = ("automotive", "food", "pharma", "electronics", "packaging", "textile", "logistics")
STAGES = ("exploratory", "basic", "cooperative", "interdependent", "integrated", "disintegrating")
LEVELS = ("low", "medium", "high")
COLUMNS = (
    "id",
    "name",
    "sector",
    "business.revenue",
    "business.potential_revenue",
    "business.margin_pct",
    "business.share_of_wallet",
    "business.growth_rate",
    "business.cost_to_serve",
    "business.customer_since",
    "business.contract_end",
    "relationship.stage",
    "relationship.loyalty",
    "relationship.satisfaction",
    "relationship.price_sensitivity",
    "assessment.current_contribution",
    "assessment.potential_contribution",
    "assessment.attractiveness",
    "assessment.relative_strength",
)


def generate(n: int, seed: int = 5) -> list[dict[str, Any]]:
    """`n` valid accounts as flat rows (dotted column -> value), deterministic for a seed."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        revenue = round(rng.lognormvariate(12, 1.4))  # a long tail, as real portfolios have
        since = dt.date(2000, 1, 1) + dt.timedelta(days=rng.randrange(9000))
        rows.append(
            {
                "id": f"AC-{i:05d}",
                "name": f"{rng.choice(['Rossi', 'Bianchi', 'Città', 'Ferrè', 'Gallo'])} {i} S.p.A.",
                "sector": rng.choice(SECTORS),
                "business.revenue": revenue,
                "business.potential_revenue": revenue + round(rng.lognormvariate(12, 1.2)),
                "business.margin_pct": round(rng.uniform(-0.05, 0.45), 4),
                "business.share_of_wallet": round(rng.uniform(0.01, 0.95), 3),
                "business.growth_rate": round(rng.uniform(-0.1, 0.3), 3),
                "business.cost_to_serve": round(revenue * rng.uniform(0.02, 0.3)),
                "business.customer_since": since,
                "business.contract_end": dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(900)),
                "relationship.stage": rng.choice(STAGES),
                "relationship.loyalty": rng.choice(LEVELS),
                "relationship.satisfaction": rng.choice(LEVELS),
                "relationship.price_sensitivity": rng.choice(LEVELS),
                "assessment.current_contribution": rng.randint(1, 10),
                "assessment.potential_contribution": rng.randint(1, 10),
                "assessment.attractiveness": round(rng.uniform(1, 10), 1),
                "assessment.relative_strength": round(rng.uniform(1, 10), 1),
            }
        )
    return rows


def nested(row: dict[str, Any]) -> dict[str, Any]:
    """A flat row as the nested account facts of docs/contract.md §2."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        group, _, field = key.partition(".")
        if field:
            out.setdefault(group, {})[field] = value
        else:
            out[key] = value
    return out


def write_csv(rows: list[dict[str, Any]], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for row in rows:
            writer.writerow([_text(row[c]) for c in COLUMNS])


def write_xlsx(rows: list[dict[str, Any]], path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("accounts")
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append([row[c] for c in COLUMNS])
    book.save(path)


def _text(value: Any) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


# Names a picture or a page must show safely (escaped), whole or cut with an ellipsis, in any
# script: markup, quotes, a formula, very long and very wide names, right-to-left and East Asian
# scripts, emoji, combining marks, bidirectional controls, a line break.
HOSTILE_NAMES = (
    '<script>alert("x")</script> S.p.A.',
    "Robert'); DROP TABLE accounts;-- & Figli",
    "Società Anonima Molto Lunga per le Costruzioni Meccaniche di Precisione e Affini del Nord Italia S.p.A.",
    "株式会社サンプル東京",
    "شركة المثال للتجارة",
    "🚀 Rocket 🚀 S.r.l.",
    '=HYPERLINK("http://example.com","click")',
    "Zalgo Z̵̢a̸l̷g̶o̵ Srl",
    "WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW",
    "\u202eevil\u202c Co. ]]></svg><svg>",
    "Due\nRighe S.p.A.",
    "&amp; &lt;b&gt; Entità",
)


def hostile(n: int, seed: int = 5) -> list[dict[str, Any]]:
    """`generate(n)`, with the hostile names on the largest accounts (so the pictures name them)."""
    rows = generate(n, seed)
    for k, name in enumerate(HOSTILE_NAMES[: max(1, n)]):
        row = rows[(k * 7) % n]
        row["name"] = name
        row["business.revenue"] = 40_000_000 - k * 1_000_000
        row["business.potential_revenue"] = 60_000_000 - k * 900_000
    return rows


@functools.cache
def hostile_outcome(n: int, lang: str = "en") -> Any:
    """A portfolio run of `hostile(n)` with the example sectors, kept for the report and the
    pictures (computed once per test session: 10,000 accounts take a while to advise)."""
    import tempfile

    from kamrules.portfolio.run import Request, run_portfolio

    folder = Path(tempfile.mkdtemp(prefix="kam-hostile-"))
    path = folder / "portfolio.csv"
    write_csv(hostile(n), path)
    from tests.support import AS_OF, EXAMPLES

    sectors = EXAMPLES / "portfolio" / "sectors.yaml"
    request = Request(path=str(path), as_of=AS_OF, lang=lang, sectors=str(sectors), keep_points=True)
    outcome = run_portfolio(request, lambda _row: None)
    path.unlink()
    folder.rmdir()
    return outcome
