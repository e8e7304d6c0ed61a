"""Permission labels: ``item_labels`` and ``search_documents.labels``.

Who may see an item is stored as data every query filters on
(:mod:`kennisbank.auth.labels`): one row per label in ``item_labels``, and the
same labels as an array on each PostgreSQL search row (GIN index). Both are
filled here with the core's labels (``public`` for published items,
``owner:<id>``, ``sector:<code>``), which say exactly what the role rules
said before. A plugin that decides labels itself (``item_permission_labels``)
is applied by ``kennisbank reindex``; ``kennisbank check-index`` lists the
items whose labels are not yet its.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEXT_ARRAY = postgresql.ARRAY(sa.Text()).with_variant(sa.JSON(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "item_labels",
        sa.Column("item_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"],
                                name=op.f("fk_item_labels_item_id_items"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("item_id", "label", name=op.f("pk_item_labels")),
    )
    with op.batch_alter_table("item_labels", schema=None) as batch_op:
        batch_op.create_index("ix_item_labels_label", ["label", "item_id"], unique=False)
    op.execute("INSERT INTO item_labels (item_id, label) "
               "SELECT id, 'public' FROM items WHERE status = 'published'")
    op.execute("INSERT INTO item_labels (item_id, label) "
               "SELECT id, 'owner:' || owner_id FROM items WHERE owner_id IS NOT NULL")
    op.execute("INSERT INTO item_labels (item_id, label) "
               "SELECT id, 'sector:' || sector FROM items "
               "WHERE sector IS NOT NULL AND sector <> ''")

    with op.batch_alter_table("search_documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("labels", TEXT_ARRAY, nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "UPDATE search_documents SET labels = array_remove(ARRAY["
            "CASE WHEN status = 'published' THEN 'public' END, "
            "CASE WHEN owner_id IS NOT NULL THEN 'owner:' || owner_id END, "
            "CASE WHEN sector <> '' THEN 'sector:' || sector END]::text[], NULL)")
    else:
        op.execute("UPDATE search_documents SET labels = '[]'")
    with op.batch_alter_table("search_documents", schema=None) as batch_op:
        batch_op.alter_column("labels", existing_type=TEXT_ARRAY, nullable=False)
        batch_op.create_index("ix_search_documents_labels", ["labels"], unique=False,
                              postgresql_using="gin")


def downgrade() -> None:
    with op.batch_alter_table("search_documents", schema=None) as batch_op:
        batch_op.drop_index("ix_search_documents_labels", postgresql_using="gin")
        batch_op.drop_column("labels")
    with op.batch_alter_table("item_labels", schema=None) as batch_op:
        batch_op.drop_index("ix_item_labels_label")
    op.drop_table("item_labels")
