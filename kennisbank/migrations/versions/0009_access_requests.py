"""The way in without an account: access requests and messages from outside.

``access_requests`` holds what someone sent to ask for an account;
``outside_messages`` what a reader without an account wrote to a contact
person, until confirmed (then ``message_id`` points at the inbox message);
``outside_replies`` the replies mailed to such senders. Client addresses are
stored only as HMAC digests. See ``kennisbank.access``.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "access_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("organisation_name", sa.String(length=200), nullable=False),
        sa.Column("sector", sa.String(length=50), nullable=True),
        sa.Column("city", sa.String(length=120), nullable=False),
        sa.Column("function", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("address_digest", sa.String(length=64), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"],
            name=op.f("fk_access_requests_decided_by_id_users"), ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"],
            name=op.f("fk_access_requests_organisation_id_organisations"), ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"],
            name=op.f("fk_access_requests_user_id_users"), ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_requests")),
    )
    for column in ("address_digest", "created_at", "email", "sector", "state"):
        op.create_index(op.f(f"ix_access_requests_{column}"), "access_requests", [column])
    op.create_table(
        "outside_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("sender_organisation", sa.String(length=200), nullable=False),
        sa.Column("share_email", sa.Boolean(), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("address_digest", sa.String(length=64), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contact_persons.id"],
            name=op.f("fk_outside_messages_contact_id_contact_persons"), ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"],
            name=op.f("fk_outside_messages_item_id_items"), ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["message_id"], ["messages.id"],
            name=op.f("fk_outside_messages_message_id_messages"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"],
            name=op.f("fk_outside_messages_organisation_id_organisations"), ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outside_messages")),
        sa.UniqueConstraint("message_id", name=op.f("uq_outside_messages_message_id")),
    )
    for column in ("created_at", "email"):
        op.create_index(op.f(f"ix_outside_messages_{column}"), "outside_messages", [column])
    op.create_table(
        "outside_replies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("outside_message_id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.Integer(), nullable=True),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("shared_email", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["outside_message_id"], ["outside_messages.id"],
            name=op.f("fk_outside_replies_outside_message_id_outside_messages"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sender_id"], ["users.id"],
            name=op.f("fk_outside_replies_sender_id_users"), ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outside_replies")),
    )
    op.create_index(op.f("ix_outside_replies_outside_message_id"), "outside_replies",
                    ["outside_message_id"])


def downgrade() -> None:
    op.drop_table("outside_replies")
    op.drop_table("outside_messages")
    op.drop_table("access_requests")
