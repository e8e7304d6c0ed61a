"""Accounts by e-mail: single-use links (``email_links``), invitations
(``invitations``) and whether a person wants messages e-mailed (``users.notify_messages``).

A link's token is never stored, only its SHA-256 digest (``token_hash``);
see ``kennisbank.auth.links``.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN: a batch rebuild of ``users`` would trip the foreign keys
    # that point at it on SQLite.
    op.add_column("users", sa.Column("notify_messages", sa.Boolean(), nullable=False,
                                     server_default=sa.true()))
    op.create_table(
        "email_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=40), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_email_links_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_email_links")),
    )
    with op.batch_alter_table("email_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_email_links_email"), ["email"], unique=False)
        batch_op.create_index(batch_op.f("ix_email_links_purpose"), ["purpose"], unique=False)
        batch_op.create_index(batch_op.f("ix_email_links_token_hash"), ["token_hash"],
                              unique=True)
        batch_op.create_index(batch_op.f("ix_email_links_user_id"), ["user_id"], unique=False)


    op.create_table(
        "invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("sectors", sa.JSON(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("invited_by_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("accepted_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["invited_by_id"], ["users.id"], name=op.f("fk_invitations_invited_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"],
            name=op.f("fk_invitations_organisation_id_organisations"), ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_invitations_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitations")),
    )
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_invitations_email"), ["email"], unique=False)


def downgrade() -> None:
    op.drop_table("invitations")
    op.drop_table("email_links")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("notify_messages")
