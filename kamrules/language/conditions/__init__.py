"""Conditions: the `when:` of rules and the cells of decision tables.

`tree` is what a condition is once parsed; `parse` (with `context` and `operands`) builds it
from what a business user wrote; `evaluate` gives its three-valued truth, which defines what a
missing fact means; `explain` words it (why a rule fired, why one did not). Lowering it to what
durable-rules runs is the engine's business: `kamrules.engine.lower`.
"""
