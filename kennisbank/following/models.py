"""A followed search: what a person asked to hear about, and how often.

``query`` holds the search page's parameters in their canonical form (words,
filters, scopes; never a sort or a page), so "this search" is the same row
whether it was followed from the search page, a sector page (``sector=...``),
a city page (``city=...``) or the home page (no parameters: every new
practice). An organisation is not a search facet, so a followed organisation
names it in ``organisation_id`` instead (and goes when the organisation goes).

``checked_until`` is the publication time up to which the person has been
told: the next digest holds the matching practices published after it, and
it moves on each time the digest is due, whether or not anything was new.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models import Organisation, User, utcnow

FREQUENCIES = ("daily", "weekly")


class FollowedSearch(db.Model):
    """One person's followed search (or organisation) and its digest schedule."""

    __tablename__ = "followed_searches"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    query: Mapped[str] = mapped_column(String(2000), default="")
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"))
    frequency: Mapped[str] = mapped_column(String(10), default="weekly")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    checked_until: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    last_sent_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()
    organisation: Mapped[Organisation | None] = relationship()

    def __repr__(self) -> str:
        return f"<FollowedSearch {self.id} user {self.user_id} {self.query!r} {self.frequency}>"
