"""Tables of the partner features: organisation profiles, contact persons,
transfer links between practices and cities, and messages between people.

They extend the core tables without changing them: an organisation's profile
is a row of its own (``organisation_profiles``), and membership of a person in
an organisation is the core's ``User.organisation_id``.

Bilingual texts (a transfer's note) are JSON ``{lang: text}``, like the
core's ``Organisation.description``, so either language may be missing.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models import City, Item, Organisation, User, utcnow

#: How a practice relates to the other side of a transfer link. ``inspired_by``
#: and ``adapted_from`` mean the practice took something from the other side;
#: ``adopted_by`` means the other side took the practice up.
TRANSFER_KINDS = ("inspired_by", "adapted_from", "adopted_by")
#: Kinds whose practice (``from_item``) is the one that took something.
TAKING_KINDS = frozenset({"inspired_by", "adapted_from"})


class OrganisationProfile(db.Model):
    """What an organisation offers and seeks in international work, as SDG theme codes."""

    __tablename__ = "organisation_profiles"

    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True
    )
    offers: Mapped[list[str]] = mapped_column(JSON, default=list)
    seeks: Mapped[list[str]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    organisation: Mapped[Organisation] = relationship()


class ContactPerson(db.Model):
    """The person to ask about a practice or an organisation.

    ``user`` links the person's account, if they have one: only then can
    others send them a message through the platform. Email and phone are
    shown to logged-in people only (``can(user, "contact")``).
    """

    __tablename__ = "contact_persons"
    __table_args__ = (
        CheckConstraint("(item_id IS NULL) <> (organisation_id IS NULL)", name="contact_one_owner"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int | None] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    item: Mapped[Item | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    user: Mapped[User | None] = relationship()

    @property
    def reachable(self) -> bool:
        """Whether a message through the platform can reach this person (an active account)."""
        return self.user is not None and bool(self.user.active)


class TransferLink(db.Model):
    """A practice was inspired by, adapted from, or adopted by another practice or a city.

    Exactly one of ``to_item`` and ``to_city`` is set. ``how`` and ``result``
    say, per language, how the practice was adapted and what came of it.
    """

    __tablename__ = "transfer_links"
    __table_args__ = (
        CheckConstraint("(to_item_id IS NULL) <> (to_city_id IS NULL)", name="transfer_one_target"),
        CheckConstraint("to_item_id IS NULL OR to_item_id <> from_item_id",
                        name="transfer_not_itself"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    from_item_id: Mapped[int] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), index=True
    )
    to_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), index=True
    )
    to_city_id: Mapped[int | None] = mapped_column(
        ForeignKey("cities.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    how: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    result: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    from_item: Mapped[Item] = relationship(foreign_keys=[from_item_id])
    to_item: Mapped[Item | None] = relationship(foreign_keys=[to_item_id])
    to_city: Mapped[City | None] = relationship()
    created_by: Mapped[User | None] = relationship()

    @property
    def target_city(self) -> City:
        """The city on the other side of a link without a practice there (the
        table's check constraint guarantees one of the two)."""
        if self.to_city is None:
            raise ValueError(f"transfer link {self.id} links a practice, not a city")
        return self.to_city

    @property
    def taker_is_from(self) -> bool:
        """Whether ``from_item`` is the side that took something up."""
        return self.kind in TAKING_KINDS


class Message(db.Model):
    """A message from one person to another, about a practice or an organisation.

    Stored first, so it reaches the recipient's inbox whatever happens to the
    email; its mail copy is in the outbox (:mod:`kennisbank.mail`).
    """

    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    sender_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                              index=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("items.id", ondelete="SET NULL"))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL")
    )
    reply_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("messages.id", ondelete="SET NULL")
    )
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    read_at: Mapped[datetime | None]

    sender: Mapped[User | None] = relationship(foreign_keys=[sender_id])
    recipient: Mapped[User] = relationship(foreign_keys=[recipient_id])
    item: Mapped[Item | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
