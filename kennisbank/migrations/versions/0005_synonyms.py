"""The synonym list editors keep: ``synonym_sets`` and its change counter ``synonym_state``.

Terms are JSON lists per language (``terms_nl``, ``terms_en``). The one row of
``synonym_state`` is written with every change to the sets, so the search
side can tell cheaply whether its compiled lexicon is stale
(``kennisbank.synonyms.service.version``); the service creates the row on the
first change, so no row is inserted here.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "synonym_sets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("terms_nl", sa.JSON(), nullable=False),
        sa.Column("terms_en", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["users.id"],
            name=op.f("fk_synonym_sets_updated_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_synonym_sets")),
    )
    op.create_table(
        "synonym_state",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("stamp", sa.String(length=32), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_synonym_state")),
    )


def downgrade() -> None:
    op.drop_table("synonym_state")
    op.drop_table("synonym_sets")
