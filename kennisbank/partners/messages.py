"""Messages between people: stored in the recipient's inbox, with a copy by mail.

:func:`send_message` stores the message and queues the mail copy in the same
transaction (the caller commits); the outbox sends it after the commit
(:mod:`kennisbank.mail`), so a slow or broken mail server never loses or
delays the message itself, and a message that was not stored is never mailed.
Neither side learns the other's email address from a message: the recipient
answers on the platform.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from ..auth.links import absolute_url
from ..config import LANGUAGES
from ..extensions import db
from ..mail import queue_mail
from ..models import Item, Organisation, User, utcnow
from .models import Message

MAX_SUBJECT_LENGTH = 200
MAX_BODY_LENGTH = 5000


class MessageError(ValueError):
    """The message cannot be sent; ``errors`` maps each field to a message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def per_hour() -> int:
    return int(current_app.config["MESSAGES_PER_HOUR"])


def sent_last_hour(user: User) -> int:
    since = utcnow() - timedelta(hours=1)
    return db.session.scalar(
        select(func.count(Message.id)).where(Message.sender_id == user.id,
                                             Message.created_at >= since)
    ) or 0


def check_text(subject: str | None, body: str | None) -> tuple[str, str, dict[str, str]]:
    """A message's subject and body as stored, and what is wrong with them.

    One rule for every message, from an account or from outside
    (:mod:`kennisbank.access.outside`). A subject is one line (it becomes a
    mail header); the body keeps its lines.
    """
    subject, body = " ".join((subject or "").split()), (body or "").strip()
    errors: dict[str, str] = {}
    if not subject:
        errors["subject"] = _("Write a subject.")
    elif len(subject) > MAX_SUBJECT_LENGTH:
        errors["subject"] = _("At most %(max)d characters.", max=MAX_SUBJECT_LENGTH)
    if not body:
        errors["body"] = _("Write a message.")
    elif len(body) > MAX_BODY_LENGTH:
        errors["body"] = _("At most %(max)d characters.", max=MAX_BODY_LENGTH)
    return subject, body, errors


def send_message(sender: User, recipient: User, subject: str, body: str, *,
                 item: Item | None = None, organisation: Organisation | None = None,
                 reply_to: Message | None = None) -> Message:
    """Store a message for ``recipient`` and queue its mail copy; the caller commits.

    :raises MessageError: empty or too long texts, an inactive recipient, a
        message to oneself, or more than :func:`per_hour` messages in an hour.
    """
    subject, body, errors = check_text(subject, body)
    if not recipient.active or recipient.id == sender.id:
        errors["recipient"] = _("This person cannot receive messages from you.")
    elif sent_last_hour(sender) >= per_hour():
        errors["recipient"] = _("You have sent many messages in the last hour. "
                                "Please try again later.")
    if errors:
        raise MessageError(errors)
    message = Message(sender=sender, recipient=recipient, subject=subject, body=body,
                      item=item, organisation=organisation,
                      reply_to_id=reply_to.id if reply_to is not None else None)
    db.session.add(message)
    db.session.flush()
    _queue_copy(message)
    return message


def about(message: Message, lang: str) -> str:
    """What the message is about: the practice's title or the organisation's name."""
    if message.item is not None and message.item.translations:
        return message.item.best_translation(lang).title
    if message.organisation is not None:
        return message.organisation.name
    return ""


def _queue_copy(message: Message) -> None:
    """The mail copy, in the recipient's language, with a link to read and reply;
    none for a person who turned copies off (``User.notify_messages``)."""
    recipient = message.recipient
    if not recipient.notify_messages:
        return
    lang = recipient.preferred_language if recipient.preferred_language in LANGUAGES else "nl"
    link = absolute_url("partners.message", message_id=message.id, lang=lang)
    queue_mail(recipient.email, "message", {
        "subject": message.subject, "body": message.body, "link": link,
        "sender": message.sender.name if message.sender is not None else "?",
        "about": about(message, lang),
    }, lang=lang)


def received(user: User) -> list[Message]:
    return list(db.session.scalars(
        select(Message).where(Message.recipient_id == user.id)
        .order_by(Message.created_at.desc(), Message.id.desc())
    ))


def sent(user: User) -> list[Message]:
    return list(db.session.scalars(
        select(Message).where(Message.sender_id == user.id)
        .order_by(Message.created_at.desc(), Message.id.desc())
    ))


def unread_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return db.session.scalar(
        select(func.count(Message.id)).where(Message.recipient_id == user.id,
                                             Message.read_at.is_(None))
    ) or 0


def readable_by(message: Message, user: Any) -> bool:
    """Only its sender and its recipient see a message."""
    user_id = getattr(user, "id", None)
    return user_id is not None and user_id in (message.sender_id, message.recipient_id)


def conversation(message: Message) -> list[Message]:
    """The thread ``message`` belongs to, oldest first: every message between
    its two people about the same practice or organisation (or about nothing
    in particular, when it names neither). Only its two people see it."""
    if message.sender_id is None:
        return [message]
    pair = {message.sender_id, message.recipient_id}
    return list(db.session.scalars(
        select(Message).where(
            Message.sender_id.in_(pair), Message.recipient_id.in_(pair),
            Message.sender_id != Message.recipient_id,
            _same(Message.item_id, message.item_id),
            _same(Message.organisation_id, message.organisation_id),
        ).order_by(Message.created_at, Message.id)
    ))


def _same(column: Any, value: int | None) -> Any:
    return column.is_(None) if value is None else column == value


def mark_read(message: Message, user: User) -> None:
    """The recipient opened it; the caller commits."""
    if message.recipient_id == user.id and message.read_at is None:
        message.read_at = utcnow()
