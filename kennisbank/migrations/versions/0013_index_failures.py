"""The search outbox remembers failing items: attempts, last error, next attempt.

A plugin that fails in ``index_document`` no longer blocks the outbox: the
item's row stays, with how often it was tried, the plugins that failed, the
last error and when to try again (``search.outbox``).

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("index_tasks") as batch:
        batch.add_column(sa.Column("attempts", sa.Integer(), server_default="0",
                                   nullable=False))
        batch.add_column(sa.Column("failed_plugins", sa.String(length=300), nullable=True))
        batch.add_column(sa.Column("last_error", sa.Text(), nullable=True))
        batch.add_column(sa.Column("next_attempt_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("index_tasks") as batch:
        batch.drop_column("next_attempt_at")
        batch.drop_column("last_error")
        batch.drop_column("failed_plugins")
        batch.drop_column("attempts")
