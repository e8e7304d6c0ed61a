"""Messages between people: stored in the recipient's inbox, emailed when mail is set up.

:func:`send_message` stores the message (the caller commits); only after the
commit does :func:`deliver` try to email a copy, so a slow or broken mail
server never loses or delays the message itself. Neither side learns the
other's email address from a message: the recipient answers on the platform.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from ..config import LANGUAGES
from ..extensions import db
from ..models import Item, Organisation, User, utcnow
from .mail import MailError, mail_configured, send_mail
from .models import Message

MAX_SUBJECT_LENGTH = 200
MAX_BODY_LENGTH = 5000
#: Messages one person may send per hour (``MESSAGES_PER_HOUR``): enough for real
#: contact, too few for spam.
DEFAULT_PER_HOUR = 20

log = logging.getLogger(__name__)


class MessageError(ValueError):
    """The message cannot be sent; ``errors`` maps each field to a message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def per_hour() -> int:
    return int(current_app.config.get("MESSAGES_PER_HOUR") or DEFAULT_PER_HOUR)


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
    """Store a message for ``recipient``; the caller commits, then calls :func:`deliver`.

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
    return message


def about(message: Message, lang: str) -> str:
    """What the message is about: the practice's title or the organisation's name."""
    if message.item is not None and message.item.translations:
        return message.item.best_translation(lang).title
    if message.organisation is not None:
        return message.organisation.name
    return ""


def deliver(message: Message, link: str) -> bool:
    """Email the recipient a copy, in their language, with ``link`` to read and reply.

    Returns whether it was sent; without ``MAIL_SERVER`` nothing is tried.
    Commits ``emailed_at`` when sent.
    """
    if not mail_configured():
        return False
    recipient = message.recipient
    lang = recipient.preferred_language if recipient.preferred_language in LANGUAGES else "nl"
    sender = message.sender.name if message.sender is not None else "?"
    with force_locale(lang):
        subject = _("[Kennisbank] %(subject)s", subject=message.subject)
        topic = about(message, lang)
        intro = (_("%(sender)s sent you a message on Kennisbank about %(about)s:",
                   sender=sender, about=topic) if topic
                 else _("%(sender)s sent you a message on Kennisbank:", sender=sender))
        text = "\n\n".join([
            intro, message.body,
            _("Read it and reply on Kennisbank: %(link)s", link=link),
            _("The sender does not see your email address."),
        ])
    try:
        send_mail(recipient.email, subject, text + "\n")
    except MailError as exc:
        log.warning("message %s stays in the inbox only: %s", message.id, exc)
        return False
    message.emailed_at = utcnow()
    db.session.commit()
    return True


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


def mark_read(message: Message, user: User) -> None:
    """The recipient opened it; the caller commits."""
    if message.recipient_id == user.id and message.read_at is None:
        message.read_at = utcnow()
