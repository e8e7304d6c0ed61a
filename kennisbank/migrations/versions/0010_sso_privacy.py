"""Single sign-on links and site texts (the privacy statement).

``sso_links`` holds an account's identity at an OpenID provider (issuer and
subject, unique together), so a login finds the account even after the
address at the provider changed. ``site_texts`` holds texts an administrator
replaced, per key and language; no row means the default text.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sso_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("issuer", sa.String(length=500), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_login_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_sso_links_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sso_links")),
        sa.UniqueConstraint("issuer", "subject", name=op.f("uq_sso_links_issuer_subject")),
    )
    op.create_index(op.f("ix_sso_links_user_id"), "sso_links", ["user_id"], unique=False)
    op.create_table(
        "site_texts",
        sa.Column("key", sa.String(length=50), nullable=False),
        sa.Column("lang", sa.String(length=2), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["updated_by_id"], ["users.id"],
                                name=op.f("fk_site_texts_updated_by_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("key", "lang", name=op.f("pk_site_texts")),
    )


def downgrade() -> None:
    op.drop_table("site_texts")
    op.drop_index(op.f("ix_sso_links_user_id"), table_name="sso_links")
    op.drop_table("sso_links")
