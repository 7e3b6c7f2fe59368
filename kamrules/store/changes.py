"""What moved between two states of the portfolio, in the order a director reads it: tiers (the
accounts that went down first, the most important first), profiles, strategies, warnings raised
(the most severe first) and cleared, then the accounts that came and went."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from kamrules.store.models import AccountRef, AccountState, ChangeReport, Direction, Movement, WarningMove
from kamrules.store.read import State

# The deck's tier matrix (docs/domain.md §3): key accounts on top, regular ones at the bottom;
# potential key and important accounts are each one quadrant away from both. A tier a custom
# rule base adds has no rank: its moves are "across".
TIER_RANK = {"key_account": 3, "potential_key_account": 2, "important_account": 2, "regular_account": 1}
SEVERITY_RANK = {"high": 3, "medium": 2, "low": 1, "info": 0}
DIRECTION_ORDER = {"down": 0, "up": 1, "across": 2}


def compare(before: Mapping[str, State], after: Mapping[str, State], **basis: Any) -> ChangeReport:
    """The change report from `before` to `after` (each: account id → its state); `basis`
    (since, until, run_a, run_b) says what the two sides are."""
    tier: list[Movement] = []
    profile: list[Movement] = []
    strategy: list[Movement] = []
    raised: list[WarningMove] = []
    cleared: list[WarningMove] = []
    common = sorted(before.keys() & after.keys())
    unchanged = 0
    for account_id in common:
        old, new = before[account_id], after[account_id]
        ref = _ref(new, old)
        moved = False
        for name, bucket in (("tier", tier), ("profile", profile), ("strategy", strategy)):
            was, now = getattr(old, name), getattr(new, name)
            if was != now:
                direction = _direction(was, now) if name == "tier" else None
                bucket.append(Movement(account=ref, field=name, before=was, after=now, direction=direction))
                moved = True
        theirs = {w.identity: w for w in old.warnings}
        ours = {w.identity: w for w in new.warnings}
        for key, w in ours.items():
            if key not in theirs:
                raised.append(WarningMove(account=ref, code=w.code, severity=w.severity, subject=w.subject))
                moved = True
        for key, w in theirs.items():
            if key not in ours:
                cleared.append(WarningMove(account=ref, code=w.code, severity=w.severity, subject=w.subject))
                moved = True
        unchanged += not moved
    rank = {account_id: _importance(state) for account_id, state in after.items()}
    rank.update({account_id: _importance(state) for account_id, state in before.items() if account_id not in rank})

    def by_account(ref: AccountRef) -> tuple[int, str, str]:
        return (-rank.get(ref.id, 0), (ref.name or "").casefold(), ref.id)

    tier.sort(
        key=lambda m: (
            DIRECTION_ORDER[m.direction or "across"],
            -TIER_RANK.get(m.before or "", 0),
            *by_account(m.account),
        )
    )
    for bucket in (profile, strategy):
        bucket.sort(key=lambda m: by_account(m.account))
    for moves in (raised, cleared):
        moves.sort(key=lambda w: (-SEVERITY_RANK.get(w.severity, 0), w.code, w.subject or "", *by_account(w.account)))
    return ChangeReport(
        **basis,
        compared=len(common),
        unchanged=unchanged,
        tier=tier,
        profile=profile,
        strategy=strategy,
        warnings_raised=raised,
        warnings_cleared=cleared,
        new_accounts=_states(after, before, by_account),
        gone_accounts=_states(before, after, by_account) if basis.get("run_a") is not None else [],
    )


def _ref(new: State, old: State) -> AccountRef:
    return AccountRef(id=new.account_id, name=new.account_name or old.account_name)


def _direction(was: str | None, now: str | None) -> Direction:
    a, b = TIER_RANK.get(was or ""), TIER_RANK.get(now or "")
    if a is None or b is None or a == b:
        return "across"
    result: Literal["up", "down"] = "up" if b > a else "down"
    return result


def _importance(state: State) -> int:
    return TIER_RANK.get(state.tier or "", 0)


def _states(side: Mapping[str, State], other: Mapping[str, State], order: Any) -> list[AccountState]:
    found = [
        AccountState(
            account=AccountRef(id=s.account_id, name=s.account_name),
            as_of=s.as_of,
            tier=s.tier,
            profile=s.profile,
            strategy=s.strategy,
        )
        for account_id, s in side.items()
        if account_id not in other
    ]
    return sorted(found, key=lambda s: order(s.account))
