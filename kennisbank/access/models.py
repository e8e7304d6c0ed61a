"""Tables of the way in for people without an account: access requests and
messages from outside.

An :class:`AccessRequest` is written when someone asks for an account, but
counts for nobody until its e-mail address is confirmed (``state``
``unconfirmed`` -> ``pending``); admins and editors then approve or decline it.
An :class:`OutsideMessage` holds what a reader without an account wrote to a
contact person until they confirm their address; confirming turns it into an
ordinary :class:`~kennisbank.partners.models.Message` in the recipient's inbox
(``message``), whose backref ``Message.outside`` tells the inbox who wrote it.
Replies to such a sender go out by mail and are kept as :class:`OutsideReply`.

Client addresses are kept only as an HMAC under the secret key
(:func:`kennisbank.access.throttle.address_digest`): enough to recognise a
declined address again, useless to anyone who reads the table.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from ..extensions import db
from ..models import Item, Organisation, User, utcnow
from ..partners.models import ContactPerson, Message

#: ``unconfirmed``: the e-mail address is not confirmed yet (nobody sees it);
#: ``pending``: in the queue; ``approved`` and ``declined``: decided.
REQUEST_STATES = ("unconfirmed", "pending", "approved", "declined")


class AccessRequest(db.Model):
    """Someone asks for an account."""

    __tablename__ = "access_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    state: Mapped[str] = mapped_column(String(20), default="unconfirmed", index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), index=True)
    #: An existing organisation the requester chose, or ``None`` with ``organisation_name``.
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"))
    #: The name of a new organisation, when none of the existing ones fitted.
    organisation_name: Mapped[str] = mapped_column(String(200), default="")
    #: Decides which editors see the request: the organisation's sector, or the one chosen.
    sector: Mapped[str | None] = mapped_column(String(50), index=True)
    city: Mapped[str] = mapped_column(String(120), default="")
    function: Mapped[str] = mapped_column(String(200), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(2), default="nl")
    address_digest: Mapped[str] = mapped_column(String(64), default="", index=True)
    confirmed_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    role: Mapped[str] = mapped_column(String(20), default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    organisation: Mapped[Organisation | None] = relationship()
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])

    @property
    def organisation_label(self) -> str:
        """The organisation as the requester gave it: the chosen one or the new name."""
        return self.organisation.name if self.organisation is not None else self.organisation_name


class OutsideMessage(db.Model):
    """A message from a reader without an account, to a contact person."""

    __tablename__ = "outside_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact_persons.id", ondelete="SET NULL"))
    item_id: Mapped[int | None] = mapped_column(ForeignKey("items.id", ondelete="SET NULL"))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), index=True)
    sender_organisation: Mapped[str] = mapped_column(String(200), default="")
    #: The sender agreed that the recipient sees their e-mail address.
    share_email: Mapped[bool] = mapped_column(default=False)
    language: Mapped[str] = mapped_column(String(2), default="nl")
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    address_digest: Mapped[str] = mapped_column(String(64), default="")
    confirmed_at: Mapped[datetime | None]
    #: The inbox message made on confirmation.
    message_id: Mapped[int | None] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), unique=True)

    contact: Mapped[ContactPerson | None] = relationship()
    item: Mapped[Item | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    message: Mapped[Message | None] = relationship(
        backref=backref("outside", uselist=False, passive_deletes=True))
    replies: Mapped[list[OutsideReply]] = relationship(
        back_populates="outside_message", cascade="all, delete-orphan",
        order_by="OutsideReply.id")


class OutsideReply(db.Model):
    """A reply from the inbox to an outside sender, sent to them by mail."""

    __tablename__ = "outside_replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    outside_message_id: Mapped[int] = mapped_column(
        ForeignKey("outside_messages.id", ondelete="CASCADE"), index=True)
    sender_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    #: The replier let the outside sender see their e-mail address.
    shared_email: Mapped[bool] = mapped_column(default=False)

    outside_message: Mapped[OutsideMessage] = relationship(back_populates="replies")
    sender: Mapped[User | None] = relationship()
