"""The learned lexicon of cross-lingual search: term pairs and their state.

Search translates a query with a lexicon that is partly learned from the
published items written in both languages (``kennisbank.search.lexicon``).
The pairs are derived data: ``kennisbank reindex`` rebuilds them, and the row
in ``lexicon_state`` (created here as out of date) says when they need it.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "lexicon_terms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("nl", sa.String(length=200), nullable=False),
        sa.Column("en", sa.String(length=200), nullable=False),
        sa.Column("items", sa.Integer(), nullable=False),
        sa.Column("g2", sa.Float(), nullable=False),
        sa.Column("dice", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    state = op.create_table(
        "lexicon_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("content_version", sa.Integer(), nullable=False),
        sa.Column("built_version", sa.Integer(), nullable=False),
        sa.Column("items", sa.Integer(), nullable=False),
        sa.Column("built_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.bulk_insert(state, [{"id": 1, "content_version": 1, "built_version": 0, "items": 0,
                            "built_at": None}])


def downgrade() -> None:
    op.drop_table("lexicon_state")
    op.drop_table("lexicon_terms")
