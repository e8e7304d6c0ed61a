"""The partner features' part of a person's data download: messages and contact entries.

Reaches the privacy feature through the hook ``register_personal_data``
(:mod:`.hooks`). What is about the person, and nothing else: their own
messages but not the other side's e-mail address.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ..extensions import db
from ..models import User
from .models import ContactPerson, Message


def _message(message: Message, *, other: User | None) -> dict[str, Any]:
    return {
        "id": message.id,
        "with": other.name if other is not None else None,
        "subject": message.subject,
        "body": message.body,
        "item_id": message.item_id,
        "organisation_id": message.organisation_id,
        "created_at": message.created_at,
        "read_at": message.read_at,
    }


def messages(user: User) -> dict[str, list[dict[str, Any]]]:
    sent = db.session.scalars(select(Message).where(Message.sender_id == user.id)
                              .order_by(Message.id))
    received = db.session.scalars(select(Message).where(Message.recipient_id == user.id)
                                  .order_by(Message.id))
    return {
        "sent": [_message(m, other=m.recipient) for m in sent],
        "received": [_message(m, other=m.sender) for m in received],
    }


def contact_entries(user: User) -> list[dict[str, Any]]:
    """Where the person is named as the contact of a practice or an organisation."""
    entries = db.session.scalars(select(ContactPerson).where(ContactPerson.user_id == user.id)
                                 .order_by(ContactPerson.id))
    return [{"item_id": c.item_id, "organisation_id": c.organisation_id, "name": c.name,
             "position": c.position, "email": c.email, "phone": c.phone} for c in entries]
