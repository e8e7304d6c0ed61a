"""Rate-limit hits: the ``database://`` storage of the login throttle (kennisbank.ratelimit).

One row per counted hit; the (key, hit_at) index serves the count of a key's
moving window, the expires_at index the sweep of expired rows. The id is a
BIGINT on PostgreSQL and SQLite's INTEGER row id there (only an INTEGER primary
key numbers rows itself).

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rate_limit_hits",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("hit_at", sa.Double(), nullable=False),
        sa.Column("expires_at", sa.Double(), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rate_limit_hits")),
    )
    with op.batch_alter_table("rate_limit_hits", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_rate_limit_hits_expires_at"), ["expires_at"], unique=False
        )
        batch_op.create_index("ix_rate_limit_hits_key_hit_at", ["key", "hit_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("rate_limit_hits", schema=None) as batch_op:
        batch_op.drop_index("ix_rate_limit_hits_key_hit_at")
        batch_op.drop_index(batch_op.f("ix_rate_limit_hits_expires_at"))
    op.drop_table("rate_limit_hits")
