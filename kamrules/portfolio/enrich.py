"""What the portfolio knows of an account and the account's own facts do not say: its sector's
attractiveness (from the sectors file) and its scores measured against the portfolio. Both are
given to the account rule base as ordinary facts, and never replace a fact the account gives:
a hand score always wins (DOMAIN.md §3a)."""

from __future__ import annotations

from collections.abc import Mapping

from kamrules.model.account import Account, Assessment, PortfolioScores


def with_context(
    account: Account, sector_attractiveness: float | None = None, scores: Mapping[str, float] | None = None
) -> Account:
    """`account` with its sector's attractiveness (unless it gives one) and its portfolio scores."""
    update: dict[str, object] = {}
    assessment = account.assessment
    if sector_attractiveness is not None and (assessment is None or assessment.sector_attractiveness is None):
        base = assessment or Assessment()
        update["assessment"] = base.model_copy(update={"sector_attractiveness": sector_attractiveness})
    if scores:
        given = account.portfolio_scores.model_dump(exclude_none=True) if account.portfolio_scores else {}
        update["portfolio_scores"] = PortfolioScores(**{**dict(scores), **given})
    return account.model_copy(update=update) if update else account
