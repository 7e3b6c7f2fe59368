"""The history database's tables, as the newest migration leaves them (SQLAlchemy Core).

The migrations in `migrations/versions/` build this schema; `tests/store/test_migrations.py`
checks that the two never drift apart. Times are UTC; dates are the advice's as-of dates.

- `runs`: one recording (a `kam advise --record`, a portfolio run, a service call): when, by
  whom, of what (input file's digest, as-of date, rule base), how many accounts, the summary.
- `advices`: one advice, stored once (`key`, see `snapshots.advice_key`): the account, the facts
  as given and their digest, the rule base, the decisions, the scores (a JSON mapping, so new
  score keys need no migration), the levers, and `extra` (advice fields added later).
- `advice_warnings`: each warning of an advice (code, severity, rule).
- `run_advices`: which advices a run gave, in the input's order.
- `plan_versions`: each changed Key Account Development Plan checked with `--record`.
- `purges`: each purge and retention (who, when, what, how many): the audit of erasures.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB

VERSION_TABLE = "kamrules_schema_version"
HEAD = "0002"  # the newest migration; a test checks it is Alembic's head

# Constraint names that are the same on SQLite and PostgreSQL, so migrations can name them.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


def json_type() -> JSON:
    """JSON, stored as jsonb on PostgreSQL (indexable, compact) and as text on SQLite."""
    return JSON().with_variant(JSONB(), "postgresql")


DIGEST = 71  # "sha256:" and 64 hex digits
NAME = 200  # user names, codes, identifiers

runs = Table(
    "runs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(DIGEST), nullable=False, unique=True),
    Column("kind", String(32), nullable=False),
    Column("recorded_at", DateTime, nullable=False),
    Column("recorded_by", String(NAME), nullable=False),
    Column("as_of", Date),
    Column("source", Text),
    Column("input_digest", String(DIGEST)),
    Column("ruleset_name", Text),
    Column("ruleset_version", Text),
    Column("ruleset_digest", String(DIGEST)),
    Column("accounts", Integer, nullable=False),
    Column("summary", json_type()),
    Column("kamrules_version", String(32), nullable=False),
)

advices = Table(
    "advices",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(DIGEST), nullable=False, unique=True),
    Column("account_id", Text, nullable=False),
    Column("account_name", Text),  # erased by a purge that keeps the decisions
    Column("as_of", Date, nullable=False),
    Column("recorded_at", DateTime, nullable=False),
    Column("recorded_by", String(NAME), nullable=False),
    Column("run_id", Integer, ForeignKey("runs.id", ondelete="SET NULL")),  # the run that first gave it
    Column("facts", json_type()),  # erased by a purge that keeps the decisions
    Column("facts_digest", String(DIGEST), nullable=False),
    Column("ruleset_name", Text, nullable=False),
    Column("ruleset_version", Text, nullable=False),
    Column("ruleset_digest", String(DIGEST), nullable=False),
    Column("tier", String(NAME)),
    Column("profile", String(NAME)),
    Column("profile_source", String(NAME)),
    Column("strategy", String(NAME)),
    Column("scores", json_type(), nullable=False),
    Column("levers", json_type(), nullable=False),
    Column("extra", json_type()),
    Column("purged_at", DateTime),
    Index("ix_advices_account_id_as_of", "account_id", "as_of"),
    Index("ix_advices_as_of", "as_of"),
)

advice_warnings = Table(
    "advice_warnings",
    metadata,
    Column("advice_id", Integer, ForeignKey("advices.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("code", String(NAME), nullable=False),
    Column("severity", String(16), nullable=False),
    Column("rule", Text, nullable=False),
    Index("ix_advice_warnings_code", "code"),
)

run_advices = Table(
    "run_advices",
    metadata,
    Column("run_id", Integer, ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True),
    Column("advice_id", Integer, ForeignKey("advices.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, nullable=False),
    Index("ix_run_advices_advice_id", "advice_id"),
)

plan_versions = Table(
    "plan_versions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("account_id", Text, nullable=False),
    Column("account_name", Text),
    Column("version", Integer, nullable=False),
    Column("digest", String(DIGEST), nullable=False),
    Column("plan", json_type()),  # erased by a purge that keeps the decisions
    Column("as_of", Date, nullable=False),
    Column("findings", json_type(), nullable=False),
    Column("ruleset_name", Text, nullable=False),
    Column("ruleset_version", Text, nullable=False),
    Column("ruleset_digest", String(DIGEST), nullable=False),
    Column("source", Text),
    Column("recorded_at", DateTime, nullable=False),
    Column("recorded_by", String(NAME), nullable=False),
    Column("purged_at", DateTime),
    UniqueConstraint("account_id", "version"),
)

purges = Table(
    "purges",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime, nullable=False),
    Column("by", String(NAME), nullable=False),
    Column("scope", String(16), nullable=False),  # account | retain
    Column("account_id", Text),
    Column("before", DateTime),  # retain: what was recorded before this time
    Column("keep_decisions", Boolean, nullable=False),
    Column("advices", Integer, nullable=False),
    Column("plans", Integer, nullable=False),
)
