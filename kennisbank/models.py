"""SQLAlchemy models: the content, the people and the search outbox.

Design choices worth knowing:

* Translatable text lives in ``ItemTranslation`` (one row per language), so a
  practice can exist in Dutch only, English only, or both.
* The type's own fields are JSON: ``Item.fields`` for values shared by all
  languages, ``ItemTranslation.fields`` for per-language values. The schema of
  those JSON values is the plugin's ``ContentType``; validation keeps it honest.
* ``ItemLabel`` holds the permission labels an item carries (who may see it,
  :mod:`kennisbank.auth.labels`), so every list, count and export can filter
  on them inside its query; they are rewritten whenever the item is flushed.
* ``IndexTask`` is the search outbox: it is written in the same transaction as
  the item, so the index can always catch up (see ``kennisbank.search``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from flask_login import UserMixin
from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .extensions import db

STATUSES = ("draft", "review", "published", "archived")
ROLES = ("reader", "contributor", "editor", "admin")


def utcnow() -> datetime:
    """Timezone-aware now; SQLite drops the zone, so readers treat naive as UTC."""
    return datetime.now(UTC)


class User(UserMixin, db.Model):
    """A person who logs in. Passwords are stored only as a slow hash."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, index=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default="reader")
    sectors: Mapped[list[str]] = mapped_column(JSON, default=list)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    preferred_language: Mapped[str] = mapped_column(String(2), default="nl")
    active: Mapped[bool] = mapped_column(default=True)
    # Whether messages on the platform are also e-mailed (the inbox always has them).
    notify_messages: Mapped[bool] = mapped_column(default=True)
    # Bumped on deactivation or password change; part of the session id, so old
    # sessions and remember-me cookies stop working at once.
    session_version: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation | None] = relationship()
    tokens: Mapped[list[ApiToken]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    @property
    def is_active(self) -> bool:  # flask-login consults this on every request
        return bool(self.active)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class ApiToken(db.Model):
    """A bearer token for the API; only its SHA-256 digest is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(back_populates="tokens")


class Organisation(db.Model):
    """An organisation behind practices (school, company, NGO, city department)."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    sector: Mapped[str | None] = mapped_column(String(50))
    city: Mapped[str | None] = mapped_column(String(120))
    country: Mapped[str | None] = mapped_column(String(2))
    website: Mapped[str | None] = mapped_column(String(500))
    description: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)


class City(db.Model):
    """A city that shares or takes up practices, with its relation to Deventer."""

    __tablename__ = "cities"
    __table_args__ = (UniqueConstraint("name", "country"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    country: Mapped[str] = mapped_column(String(2))
    population: Mapped[int | None]
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    relation: Mapped[str] = mapped_column(String(20), default="other")


class Item(db.Model):
    """A practice (or any plugin content type) with its shared metadata."""

    __tablename__ = "items"

    id: Mapped[int] = mapped_column(primary_key=True)
    type: Mapped[str] = mapped_column(String(50), index=True)
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    sector: Mapped[str] = mapped_column(String(50), index=True)
    themes: Mapped[list[str]] = mapped_column(JSON, default=list)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    city: Mapped[str | None] = mapped_column(String(120))
    country: Mapped[str | None] = mapped_column(String(2))
    organisation: Mapped[str | None] = mapped_column(String(200))
    start_date: Mapped[date | None]
    end_date: Mapped[date | None]
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    external_id: Mapped[str | None] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]

    owner: Mapped[User | None] = relationship()
    translations: Mapped[list[ItemTranslation]] = relationship(
        back_populates="item",
        cascade="all, delete-orphan",
        order_by="ItemTranslation.lang",
        lazy="selectin",
    )
    revisions: Mapped[list[Revision]] = relationship(
        back_populates="item",
        cascade="all, delete-orphan",
        order_by="Revision.id",
    )

    @property
    def languages(self) -> list[str]:
        """The languages this item has a translation in, sorted."""
        return sorted(t.lang for t in self.translations)

    def translation(self, lang: str) -> ItemTranslation | None:
        """The translation in ``lang``, or ``None``."""
        return next((t for t in self.translations if t.lang == lang), None)

    def best_translation(self, lang: str) -> ItemTranslation:
        """The reader's language when present, else the first one the item has."""
        found = self.translation(lang)
        if found is not None:
            return found
        return self.translations[0]

    def __repr__(self) -> str:
        return f"<Item {self.id} {self.type} {self.status}>"


class ItemTranslation(db.Model):
    """One language's text of an item: title, summary, body and translatable fields."""

    __tablename__ = "item_translations"
    __table_args__ = (UniqueConstraint("item_id", "lang"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    lang: Mapped[str] = mapped_column(String(2))
    title: Mapped[str] = mapped_column(String(500))
    summary: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    item: Mapped[Item] = relationship(back_populates="translations")


class Revision(db.Model):
    """The state of an item after a save: who saved it, when and what changed."""

    __tablename__ = "revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    action: Mapped[str] = mapped_column(String(30), default="save")
    comment: Mapped[str] = mapped_column(Text, default="")
    changed: Mapped[list[str]] = mapped_column(JSON, default=list)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: Attachments this save added and removed, by name: ``{"added": [...], "removed": [...]}``.
    files: Mapped[dict[str, list[str]] | None] = mapped_column(JSON, nullable=True)

    item: Mapped[Item] = relationship(back_populates="revisions")
    user: Mapped[User | None] = relationship()


class ItemLabel(db.Model):
    """One permission label of an item: whoever holds it may see the item.

    Written by :mod:`kennisbank.auth.labels` in the same flush as the item;
    the item's deletion takes its labels along (``ON DELETE CASCADE``).
    """

    __tablename__ = "item_labels"

    item_id: Mapped[int] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), primary_key=True, autoincrement=False)
    label: Mapped[str] = mapped_column(String(100), primary_key=True)

    __table_args__ = (Index("ix_item_labels_label", "label", "item_id"),)


class IndexTask(db.Model):
    """Search outbox: an item id whose index entry must be refreshed or removed.

    Rows are written in the same transaction as the item change and deleted
    only after the index has applied them, so no update is ever lost.

    A row whose item could not be indexed completely (a plugin failed in
    ``index_document``) stays as the item's one failure record: how often it
    was tried, the last error (naming the plugin) and when to try again; the
    outbox passes over it until then, so it never holds up the others.
    """

    __tablename__ = "index_tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(index=True)
    action: Mapped[str] = mapped_column(String(10))  # "index" or "delete"
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    #: The plugins that failed, comma-separated (for listing); ``None`` while not failing.
    failed_plugins: Mapped[str | None] = mapped_column(String(300))
    last_error: Mapped[str | None] = mapped_column(Text)
    #: Not applied before this time (a failing item's backoff); ``None``: at once.
    next_attempt_at: Mapped[datetime | None] = mapped_column()


class AuditEvent(db.Model):
    """Security-relevant events: logins, failed logins, role changes, publications."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    event: Mapped[str] = mapped_column(String(50), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    subject: Mapped[str] = mapped_column(String(300), default="")
    address: Mapped[str] = mapped_column(String(64), default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
