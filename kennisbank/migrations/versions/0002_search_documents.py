"""Search tables of the PostgreSQL search backend: ``search_documents`` and ``search_words``.

On PostgreSQL ``pg_trgm`` is created first (a trusted extension, so the
database's owner may); the GIN indexes serve the text search, the facet
filters and the word look-up of "did you mean"; the sequence
``search_generation`` counts changes for the result caches. On SQLite the tables are
created with plain types and stay empty (the Whoosh backend is used there).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEXT_ARRAY = postgresql.ARRAY(sa.Text()).with_variant(sa.JSON(), "sqlite")
VECTOR = postgresql.TSVECTOR().with_variant(sa.Text(), "sqlite")
DOCUMENT = postgresql.JSONB().with_variant(sa.JSON(), "sqlite")


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute("CREATE SEQUENCE IF NOT EXISTS search_generation")
    op.create_table(
        "search_documents",
        sa.Column("item_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("sector", sa.String(length=50), nullable=False),
        sa.Column("start_day", sa.Integer(), nullable=False),
        sa.Column("title_nl", sa.Text(), nullable=False),
        sa.Column("title_en", sa.Text(), nullable=False),
        sa.Column("facets", TEXT_ARRAY, nullable=False),
        sa.Column("numbers", DOCUMENT, nullable=False),
        sa.Column("vector", VECTOR, nullable=False),
        sa.Column("extra", VECTOR, nullable=True),
        sa.Column("display", DOCUMENT, nullable=False),
        sa.Column("texts", DOCUMENT, nullable=False),
        sa.Column("words", TEXT_ARRAY, nullable=True),
        sa.Column("stamp", sa.String(length=40), nullable=False),
        sa.Column("signature", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"],
                                name=op.f("fk_search_documents_item_id_items"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("item_id", name=op.f("pk_search_documents")),
    )
    with op.batch_alter_table("search_documents", schema=None) as batch_op:
        batch_op.create_index("ix_search_documents_facets", ["facets"], unique=False,
                              postgresql_using="gin")
        batch_op.create_index("ix_search_documents_start_day", ["start_day"], unique=False)
        batch_op.create_index("ix_search_documents_vector", ["vector"], unique=False,
                              postgresql_using="gin")
    op.create_table(
        "search_words",
        sa.Column("word", sa.String(length=100), nullable=False),
        sa.Column("documents", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("word", name=op.f("pk_search_words")),
    )
    with op.batch_alter_table("search_words", schema=None) as batch_op:
        batch_op.create_index("ix_search_words_trigrams", ["word"], unique=False,
                              postgresql_using="gin", postgresql_ops={"word": "gin_trgm_ops"})


def downgrade() -> None:
    with op.batch_alter_table("search_words", schema=None) as batch_op:
        batch_op.drop_index("ix_search_words_trigrams", postgresql_using="gin",
                            postgresql_ops={"word": "gin_trgm_ops"})
    op.drop_table("search_words")
    with op.batch_alter_table("search_documents", schema=None) as batch_op:
        batch_op.drop_index("ix_search_documents_vector", postgresql_using="gin")
        batch_op.drop_index("ix_search_documents_start_day")
        batch_op.drop_index("ix_search_documents_facets", postgresql_using="gin")
    op.drop_table("search_documents")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP SEQUENCE IF EXISTS search_generation")
