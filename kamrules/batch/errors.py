"""What the batch engine refuses: a rule base using something it does not do column-wise."""

from __future__ import annotations


class BatchUnsupported(Exception):
    """The rule base uses something the batch path does not do column-wise (`Engine.advise`
    serves it); the message names the rule, row or computed fact. `advise_table` turns it into
    a `RulesetError` (codes.BATCH_UNSUPPORTED)."""
