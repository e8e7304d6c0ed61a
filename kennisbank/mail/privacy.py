"""What the outbox keeps about people, for the privacy feature's registries.

A mail row holds an address and a text that may be personal (a message) or
hold a link meant for one person. Once sent or failed it is kept only for
``MAIL_RETENTION_DAYS`` (for "when mail is not arriving" questions), then
:func:`purge_mail` removes it; pending mail is never purged, or it would be
lost. The functions match ``kennisbank.privacy``'s ``register_export``
(``fn(user)``), ``register_purge`` (``fn(now)``) and account deletion
(:func:`forget_mail`); each works in the current session, the caller commits.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import and_, delete, func, or_, select

from ..extensions import changed_rows, db
from ..models import User
from .models import MailMessage


def _to(user: User) -> Any:
    return func.lower(MailMessage.to) == user.email.lower()


def export_mail(user: User) -> list[dict[str, Any]]:
    """The mails to the person's address: what, when and what became of them.

    Not their text: it may hold a link that still works, and a download file
    travels further than a mailbox.
    """
    rows = db.session.scalars(select(MailMessage).where(_to(user)).order_by(MailMessage.id))
    return [{"to": row.to, "template": row.template, "subject": row.subject, "lang": row.lang,
             "state": row.state, "created_at": row.created_at, "sent_at": row.sent_at}
            for row in rows]


def purge_mail(now: datetime) -> int:
    """Remove sent and failed mail older than ``MAIL_RETENTION_DAYS``."""
    days = int(current_app.config["MAIL_RETENTION_DAYS"])
    cutoff = (now - timedelta(days=days)).replace(tzinfo=None)
    result = db.session.execute(delete(MailMessage).where(or_(
        and_(MailMessage.state == "sent", MailMessage.sent_at < cutoff),
        and_(MailMessage.state == "failed", MailMessage.created_at < cutoff),
    )).execution_options(synchronize_session=False))
    return changed_rows(result)


def forget_mail(user: User) -> int:
    """Remove the sent and failed mail to a deleted account's address.

    Pending mail stays until sent (the purge removes it later): a message
    queued with the deletion, such as its confirmation, still goes out.
    """
    result = db.session.execute(delete(MailMessage).where(
        _to(user), MailMessage.state.in_(("sent", "failed"))
    ).execution_options(synchronize_session=False))
    return changed_rows(result)
