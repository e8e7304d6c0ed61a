"""Tables of the learned lexicon: its term pairs and its state.

The learned pairs live in the app's database rather than beside the index,
so every app server uses the same lexicon and a backup holds it; they are
derived data, rebuilt from the published bilingual items at any time.

``lexicon_state`` is one row: ``content_version`` is raised in the same
transaction as any change to a published item written in both languages
(or to one that was), ``built_version`` is the content version the stored
pairs were learned from. The two differ while the pairs are out of date.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Float, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ...extensions import db

STATE_ID = 1


class LearnedTerm(db.Model):
    """A Dutch and an English term learned as translations of each other."""

    __tablename__ = "lexicon_terms"

    id: Mapped[int] = mapped_column(primary_key=True)
    nl: Mapped[str] = mapped_column(String(200))
    en: Mapped[str] = mapped_column(String(200))
    #: In how many bilingual items the two occur together, and how surely (G², Dice).
    items: Mapped[int] = mapped_column(Integer)
    g2: Mapped[float] = mapped_column(Float)
    dice: Mapped[float] = mapped_column(Float)


class LexiconState(db.Model):
    """The one row that says whether the learned pairs are current."""

    __tablename__ = "lexicon_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    content_version: Mapped[int] = mapped_column(Integer, default=0)
    built_version: Mapped[int] = mapped_column(Integer, default=-1)
    #: How many bilingual items the last build read, and when it ran.
    items: Mapped[int] = mapped_column(Integer, default=0)
    built_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
