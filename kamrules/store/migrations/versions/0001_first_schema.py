"""The first history schema: runs, the advices they gave (warnings kept as a JSON list), and
which advices each run gave.

Revision ID: 0001
Revises:
Create Date: 2026-12-05
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(71), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("recorded_at", sa.DateTime, nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("as_of", sa.Date),
        sa.Column("source", sa.Text),
        sa.Column("input_digest", sa.String(71)),
        sa.Column("ruleset_name", sa.Text),
        sa.Column("ruleset_version", sa.Text),
        sa.Column("ruleset_digest", sa.String(71)),
        sa.Column("accounts", sa.Integer, nullable=False),
        sa.Column("summary", _json()),
        sa.Column("kamrules_version", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_runs"),
        sa.UniqueConstraint("key", name="uq_runs_key"),
    )
    op.create_table(
        "advices",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(71), nullable=False),
        sa.Column("account_id", sa.Text, nullable=False),
        sa.Column("account_name", sa.Text, nullable=False),
        sa.Column("as_of", sa.Date, nullable=False),
        sa.Column("recorded_at", sa.DateTime, nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("run_id", sa.Integer),
        sa.Column("facts", _json()),
        sa.Column("facts_digest", sa.String(71), nullable=False),
        sa.Column("ruleset_name", sa.Text, nullable=False),
        sa.Column("ruleset_version", sa.Text, nullable=False),
        sa.Column("ruleset_digest", sa.String(71), nullable=False),
        sa.Column("tier", sa.String(200)),
        sa.Column("profile", sa.String(200)),
        sa.Column("profile_source", sa.String(200)),
        sa.Column("strategy", sa.String(200)),
        sa.Column("scores", _json(), nullable=False),
        sa.Column("warnings", _json(), nullable=False),
        sa.Column("levers", _json(), nullable=False),
        sa.Column("extra", _json()),
        sa.PrimaryKeyConstraint("id", name="pk_advices"),
        sa.UniqueConstraint("key", name="uq_advices_key"),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], name="fk_advices_run_id_runs", ondelete="SET NULL"),
    )
    op.create_index("ix_advices_account_id_as_of", "advices", ["account_id", "as_of"])
    op.create_table(
        "run_advices",
        sa.Column("run_id", sa.Integer, nullable=False),
        sa.Column("advice_id", sa.Integer, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("run_id", "advice_id", name="pk_run_advices"),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], name="fk_run_advices_run_id_runs", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["advice_id"], ["advices.id"], name="fk_run_advices_advice_id_advices", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_run_advices_advice_id", "run_advices", ["advice_id"])


def downgrade() -> None:
    raise NotImplementedError("kamrules never migrates a history database down: restore a backup instead")
