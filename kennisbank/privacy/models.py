"""Texts an administrator sets for the whole site, per language: the privacy statement."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..models import utcnow


class SiteText(db.Model):
    """One language of a site text (``key``: ``privacy``); no row means the default text."""

    __tablename__ = "site_texts"

    key: Mapped[str] = mapped_column(String(50), primary_key=True)
    lang: Mapped[str] = mapped_column(String(2), primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
