"""Warnings in their own table (so "which accounts have CONTRACT_EXPIRING since when" is one
indexed query), plan versions, and data protection: an advice's facts and name may be erased
(`purged_at` says when), and every purge is logged.

The warnings of the advices already stored move from `advices.warnings` (a JSON list) into
`advice_warnings`, one row each, in their order; only then is the JSON column dropped.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-05
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

BATCH = 1000


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    warnings = op.create_table(
        "advice_warnings",
        sa.Column("advice_id", sa.Integer, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("code", sa.String(200), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("rule", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("advice_id", "position", name="pk_advice_warnings"),
        sa.ForeignKeyConstraint(
            ["advice_id"], ["advices.id"], name="fk_advice_warnings_advice_id_advices", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_advice_warnings_code", "advice_warnings", ["code"])
    _move_warnings(warnings)
    with op.batch_alter_table("advices") as batch:
        batch.drop_column("warnings")
        batch.alter_column("account_name", existing_type=sa.Text, nullable=True)
        batch.add_column(sa.Column("purged_at", sa.DateTime))
    op.create_index("ix_advices_as_of", "advices", ["as_of"])
    op.create_table(
        "plan_versions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("account_id", sa.Text, nullable=False),
        sa.Column("account_name", sa.Text),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("digest", sa.String(71), nullable=False),
        sa.Column("plan", _json()),
        sa.Column("as_of", sa.Date, nullable=False),
        sa.Column("findings", _json(), nullable=False),
        sa.Column("ruleset_name", sa.Text, nullable=False),
        sa.Column("ruleset_version", sa.Text, nullable=False),
        sa.Column("ruleset_digest", sa.String(71), nullable=False),
        sa.Column("source", sa.Text),
        sa.Column("recorded_at", sa.DateTime, nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("purged_at", sa.DateTime),
        sa.PrimaryKeyConstraint("id", name="pk_plan_versions"),
        sa.UniqueConstraint("account_id", "version", name="uq_plan_versions_account_id_version"),
    )
    op.create_table(
        "purges",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("by", sa.String(200), nullable=False),
        sa.Column("scope", sa.String(16), nullable=False),
        sa.Column("account_id", sa.Text),
        sa.Column("before", sa.DateTime),
        sa.Column("keep_decisions", sa.Boolean, nullable=False),
        sa.Column("advices", sa.Integer, nullable=False),
        sa.Column("plans", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_purges"),
    )


def _move_warnings(target: sa.Table) -> None:
    """Copy every advice's JSON list of warnings into `advice_warnings`, a batch at a time."""
    bind = op.get_bind()
    advices = sa.table("advices", sa.column("id", sa.Integer), sa.column("warnings", sa.Text))
    # Read the column as text on both databases (jsonb cast to text on PostgreSQL) and parse it
    # here: one code path, no dialect's JSON functions.
    text = sa.cast(advices.c.warnings, sa.Text)
    last = 0
    while True:
        rows = bind.execute(
            sa.select(advices.c.id, text).where(advices.c.id > last).order_by(advices.c.id).limit(BATCH)
        ).all()
        if not rows:
            return
        values: list[dict[str, Any]] = []
        for advice_id, raw in rows:
            for position, warning in enumerate(json.loads(raw) if raw else []):
                values.append(
                    {
                        "advice_id": advice_id,
                        "position": position,
                        "code": str(warning["code"]),
                        "severity": str(warning["severity"]),
                        "rule": str(warning.get("rule") or ""),
                    }
                )
        if values:
            bind.execute(target.insert(), values)
        last = rows[-1][0]


def downgrade() -> None:
    raise NotImplementedError("kamrules never migrates a history database down: restore a backup instead")
