"""Tables of the synonym list: the sets editors maintain, and one row that counts changes.

A set keeps its terms per language as JSON lists, in the form the editor gave
them (whitespace tidied), so the pages show what was typed; folding for
comparison happens in :mod:`.service`, and the search side analyses terms
itself.

``synonym_state`` holds a single row whose generation is raised in the same
transaction as every change to ``synonym_sets``. Counting rows or taking the
newest ``updated_at`` cannot see every change (deleting an old set leaves the
newest time alone; a delete plus a create can leave the count alone), a
counter written with the change can; the search side compares it to decide
whether its compiled lexicon is stale.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models import User, utcnow

#: The primary key of the one ``synonym_state`` row.
STATE_ID = 1


class SynonymSet(db.Model):
    """Terms that mean the same, in Dutch and/or English; search treats them as one."""

    __tablename__ = "synonym_sets"

    id: Mapped[int] = mapped_column(primary_key=True)
    terms_nl: Mapped[list[str]] = mapped_column(JSON, default=list)
    terms_en: Mapped[list[str]] = mapped_column(JSON, default=list)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    updated_by: Mapped[User | None] = relationship()

    def terms(self, lang: str) -> list[str]:
        """The terms in ``lang`` (``nl`` or ``en``)."""
        return list((self.terms_nl if lang == "nl" else self.terms_en) or [])

    def __repr__(self) -> str:
        return f"<SynonymSet {self.id} nl={self.terms_nl} en={self.terms_en}>"


class SynonymState(db.Model):
    """How often the synonym list changed: one row (``id`` = :data:`STATE_ID`).

    ``stamp`` is a random value written with each change, so a database restored
    from a backup, whose generation counts up again from an older value, never
    repeats a version a running process has cached.
    """

    __tablename__ = "synonym_state"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    generation: Mapped[int] = mapped_column(default=0)
    stamp: Mapped[str] = mapped_column(String(32), default="")
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
