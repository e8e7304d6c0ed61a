"""Sample buckets of the search rows: an index on ``item_id % 256``.

The PostgreSQL search backend counts and ranks a very large result set on
the rows of a few buckets only (``kennisbank.search.pg_query.SAMPLE_BUCKETS``);
with this index PostgreSQL intersects the bucket with the text match before it
reads any row. Existing rows need no reindex: the bucket is the item id.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_search_documents_sample", "search_documents",
                    [sa.text("(item_id % 256)")])


def downgrade() -> None:
    op.drop_index("ix_search_documents_sample", table_name="search_documents")
