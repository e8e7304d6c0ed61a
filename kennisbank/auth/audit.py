"""The audit log: who did what security-relevant thing, when and from where.

Events go to the ``audit_events`` table (in the caller's transaction, so an
event is kept exactly when the change it describes is) and to the
``kennisbank.audit`` logger for a central log. Callers pass identifiers only:
never a password or a token, so neither can end up in the database or a log.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from flask import has_request_context, request

from ..extensions import db
from ..models import AuditEvent, User

logger = logging.getLogger("kennisbank.audit")

#: Control characters would let a crafted email address forge log lines.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

EVENTS = (
    "login", "login_failed", "logout", "password_changed",
    "user_created", "role_changed", "user_deactivated", "user_reactivated",
    "token_created", "token_revoked",
    "profile_changed", "email_change_requested", "email_changed", "organisation_changed",
    "password_reset_requested", "invitation_sent", "invitation_revoked",
    "invitation_accepted",
    "sso_linked", "account_deleted", "privacy_statement_changed", "site_text_changed",
    "item_submitted", "item_published", "item_returned", "item_withdrawn", "item_archived",
    "item_reverted",
    "access_approved", "access_declined",
)


def client_address() -> str:
    """The requesting address, or ``cli`` outside a request."""
    if not has_request_context():
        return "cli"
    return (request.remote_addr or "")[:64]


def record(event: str, *, user: User | None = None, subject: str = "", **details: Any) -> None:
    """Add an audit event to the session; the caller's commit stores it.

    :param user: who acted (``None`` for an unknown person, as in a failed login).
    :param subject: what it was about: an email address, ``item:12``, a token prefix.
    """
    if event not in EVENTS:
        raise ValueError(f"unknown audit event {event!r}")
    subject = _CONTROL.sub("?", subject)[:300]
    address = client_address()
    db.session.add(
        AuditEvent(event=event, user_id=user.id if user else None, subject=subject,
                   address=address, details=details)
    )
    logger.info(
        "%s user=%s subject=%s address=%s", event, user.id if user else "-", subject, address
    )
