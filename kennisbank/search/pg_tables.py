"""Tables of the PostgreSQL search backend: one search row per item, and the
words of published content for "did you mean".

They live in the app's own database, so an item and its search row change in
one transaction (see :mod:`.pg_backend`). On SQLite the tables exist too (the
migrations are the same for both databases) but stay empty: the Whoosh
backend keeps its index in files.

``search_documents``
    ``vector`` holds every analysed word of the item as ``<lang>:<stem>``
    (``nl:fiets``, ``en:bicycl``) or ``kw:<tag>``, with positions and a weight
    per field (title A, keywords B, summary C, the rest D), built in Python by
    the very analyzers the Whoosh backend uses (:mod:`.pg_document`).
    ``labels`` holds the item's permission labels (:mod:`kennisbank.auth.labels`):
    visibility is one overlap test with the reader's labels, on a GIN index.
    ``facets`` holds ``<facet>=<value>`` strings, so one GIN index serves
    every facet filter and one ``unnest`` counts every facet. ``texts`` holds
    the plain text per language and field, read for the shown page only (to
    cut snippets). ``words`` holds the distinct plain words of a published
    item's title, summary and body when it is labelled ``public``: the item's
    share of ``search_words``.

``search_generation`` (a sequence)
    Counts changes to the search rows, for the result caches of every process.

``search_words``
    Each plain word of public content with the number of public items
    holding it, kept exact in the same transaction as the items; a ``pg_trgm``
    index finds the words near a misspelling.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    DDL,
    JSON,
    ForeignKey,
    Index,
    Integer,
    Sequence,
    String,
    Text,
    event,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db

#: ``text[]`` on PostgreSQL; JSON on SQLite, where the table is never used.
TextArray = ARRAY(Text).with_variant(JSON(), "sqlite")
Vector = TSVECTOR().with_variant(Text(), "sqlite")
Document = JSONB().with_variant(JSON(), "sqlite")
#: Every search row is in one of this many sample buckets, ``item_id % 256``
#: (an expression index, migration 0004). A result set too large to count
#: and rank exactly in time is read from the first few buckets only
#: (``pg_query.Sample``): ids are handed out in turn, so each bucket holds an
#: even share of every kind of item, and the index lets PostgreSQL combine the
#: bucket with the text match before it reads a single row.
SAMPLE_BUCKETS = 256


class SearchDocument(db.Model):
    """The search row of one item (PostgreSQL search backend)."""

    __tablename__ = "search_documents"

    item_id: Mapped[int] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    status: Mapped[str] = mapped_column(String(20))
    owner_id: Mapped[int | None] = mapped_column(Integer)
    sector: Mapped[str] = mapped_column(String(50))
    #: The start date as a day number (0 when undated): the "newest" order.
    start_day: Mapped[int] = mapped_column(Integer, default=0)
    title_nl: Mapped[str] = mapped_column(Text, default="")
    title_en: Mapped[str] = mapped_column(Text, default="")
    facets: Mapped[list[str]] = mapped_column(TextArray)
    #: The item's permission labels (who may see it).
    labels: Mapped[list[str]] = mapped_column(TextArray, default=list)
    #: Facets whose values are numbers, as ``{facet: highest value}``: plugin sorts.
    numbers: Mapped[dict[str, float]] = mapped_column(Document)
    vector: Mapped[Any] = mapped_column(Vector)
    #: The words of attachments and other extra text, to tell which one matched.
    extra: Mapped[Any | None] = mapped_column(Vector, nullable=True)
    display: Mapped[dict[str, Any]] = mapped_column(Document)
    texts: Mapped[dict[str, Any]] = mapped_column(Document)
    words: Mapped[list[str] | None] = mapped_column(TextArray, nullable=True)
    stamp: Mapped[str] = mapped_column(String(40))
    #: Which content types and fields the row was built for (see ``schema_outdated``).
    signature: Mapped[str] = mapped_column(String(64))

    __table_args__ = (
        Index("ix_search_documents_vector", "vector", postgresql_using="gin"),
        Index("ix_search_documents_facets", "facets", postgresql_using="gin"),
        Index("ix_search_documents_labels", "labels", postgresql_using="gin"),
        Index("ix_search_documents_start_day", "start_day"),
        Index("ix_search_documents_sample", text(f"(item_id % {SAMPLE_BUCKETS})")),
    )


class SearchWord(db.Model):
    """A word of published content and in how many published items it occurs."""

    __tablename__ = "search_words"

    word: Mapped[str] = mapped_column(String(100), primary_key=True)
    documents: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (
        Index("ix_search_words_trigrams", "word", postgresql_using="gin",
              postgresql_ops={"word": "gin_trgm_ops"}),
    )


#: Advanced after every commit that changed search rows: cached results of
#: older generations are not served (:mod:`.pg_cache`). PostgreSQL only.
GENERATION = Sequence("search_generation", metadata=db.metadata)

#: ``pg_trgm`` is a trusted extension: the database's owner may create it.
TRIGRAMS = "CREATE EXTENSION IF NOT EXISTS pg_trgm"
event.listen(SearchWord.__table__, "before_create",
             DDL(TRIGRAMS).execute_if(dialect="postgresql"))
