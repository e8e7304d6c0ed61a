"""The mail outbox: one row per message, written in the transaction that caused it.

A row holds the message as it was rendered for its recipient (subject, plain
text, HTML, language), so sending never needs the request, the template or the
data that produced it, and a message queued today is sent unchanged tomorrow.

States: ``pending`` (waiting, or waiting for a retry at ``next_attempt_at``),
``sending`` (being handed to the SMTP server right now), ``sent`` and
``failed`` (refused for good, or out of attempts; ``failure`` says which,
``last_error`` gives the details, in the SMTP server's own words where it had any).
``claimed_by`` and ``claimed_until`` are the lease of the sender working on
the row, so several processes can drain one outbox (see
:mod:`kennisbank.mail.sender`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..models import utcnow

STATES = ("pending", "sending", "sent", "failed")
FAILURES = ("invalid", "refused", "gave_up", "interrupted")


class MailMessage(db.Model):
    """One outgoing mail and what became of it."""

    __tablename__ = "mail_messages"
    __table_args__ = (
        # The sender's question: which pending rows are due, oldest first.
        Index("ix_mail_messages_due", "state", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    to: Mapped[str] = mapped_column(String(254))
    lang: Mapped[str] = mapped_column(String(2))
    template: Mapped[str] = mapped_column(String(100))
    subject: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    #: Extra headers, ``{name: value}`` (such as ``List-Unsubscribe`` on a digest);
    #: only names :data:`kennisbank.mail.smtp.EXTRA_HEADERS` allows are written.
    headers: Mapped[dict[str, str] | None] = mapped_column(JSON)
    #: The Message-ID header, fixed when queued: a retry carries the same one.
    message_id: Mapped[str] = mapped_column(String(255))
    state: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    #: Why a ``failed`` row failed, as a code the admin page explains:
    #: ``invalid``, ``refused``, ``gave_up`` or ``interrupted`` (see FAILURES).
    failure: Mapped[str | None] = mapped_column(String(20))
    claimed_by: Mapped[str | None] = mapped_column(String(32))
    claimed_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    sent_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<MailMessage {self.id} {self.template} to {self.to} {self.state}>"
