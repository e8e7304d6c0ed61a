"""Followed searches, and extra headers on outgoing mail.

``followed_searches`` holds what a person follows (a search's canonical
parameters, or an organisation), how often they get a digest and up to when
they have been told. ``mail_messages.headers`` carries the extra headers of a
mail, such as a digest's ``List-Unsubscribe``.

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "followed_searches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("query", sa.String(length=2000), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("frequency", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("checked_until", sa.DateTime(), nullable=False),
        sa.Column("last_sent_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"],
                                name=op.f("fk_followed_searches_organisation_id_organisations"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_followed_searches_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_followed_searches")),
    )
    op.create_index(op.f("ix_followed_searches_user_id"), "followed_searches", ["user_id"],
                    unique=False)
    op.create_index(op.f("ix_followed_searches_checked_until"), "followed_searches",
                    ["checked_until"], unique=False)
    with op.batch_alter_table("mail_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("headers", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("mail_messages", schema=None) as batch_op:
        batch_op.drop_column("headers")
    op.drop_index(op.f("ix_followed_searches_checked_until"), table_name="followed_searches")
    op.drop_index(op.f("ix_followed_searches_user_id"), table_name="followed_searches")
    op.drop_table("followed_searches")
