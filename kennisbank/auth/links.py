"""Single-use links sent by e-mail: password reset, invitations, address confirmations.

A link carries a random token (32 bytes from :mod:`secrets`, URL-safe). Only
the token's SHA-256 digest is stored (the digest of :mod:`.tokens`), so a copy
of the database gives nobody a working link; a token that long needs no slow
hash, and looking it up by its digest needs no constant-time comparison.

Each link has a *purpose* (one of the ``PURPOSE_*`` constants, or another
feature's own), so a token made for one thing never works for another. It
belongs to a user, an address or both, may carry a small ``payload`` (the new
address of an address change, the invitation's id) and dies when it

* is used: :func:`redeem_link` marks it used in one conditional ``UPDATE``, so
  two requests racing with the same token cannot both succeed;
* expires (``expires_at``);
* is revoked: a newer link for the same purpose and person revokes the older
  ones, and features revoke links when they no longer apply (a password
  change ends every reset link of the account).

Functions add to the caller's database session; the caller commits.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import current_app, has_request_context, url_for
from sqlalchemy import JSON, ForeignKey, String, update
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import changed_rows, db
from ..models import User, utcnow
from .tokens import digest

#: Choose a new password after "Forgot your password?" (or a reset an admin started).
PURPOSE_RESET = "password_reset"
#: Accept an invitation: choose a password (and name), the account is made.
PURPOSE_INVITATION = "invitation"
#: Confirm a new e-mail address of an existing account.
PURPOSE_EMAIL_CHANGE = "email_change"
#: Choose the first password of an account made without one (an approved access request).
PURPOSE_SET_PASSWORD = "set_password"

#: Random bytes in a token: 256 bits cannot be guessed.
TOKEN_BYTES = 32
#: Longer "tokens" are refused before any database work.
MAX_TOKEN_LENGTH = 100
MAX_PURPOSE_LENGTH = 40


class EmailLink(db.Model):
    """One e-mailed link; the token itself is never stored, only its digest."""

    __tablename__ = "email_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(String(MAX_PURPOSE_LENGTH), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str | None] = mapped_column(String(254), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User | None] = relationship()

    def live(self, now: datetime | None = None) -> bool:
        """Neither used, revoked nor expired."""
        now = now or utcnow()
        return (self.used_at is None and self.revoked_at is None
                and as_utc(self.expires_at) > now)

    def __repr__(self) -> str:
        return f"<EmailLink {self.id} {self.purpose}>"


def as_utc(moment: datetime) -> datetime:
    """SQLite (and PostgreSQL's ``timestamp``) give naive values that mean UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _normalise(email: str | None) -> str | None:
    return email.strip().lower() if email else None


def _live_clause(purpose: str, *, user: User | None, email: str | None) -> list[Any]:
    if user is None and not email:
        raise ValueError("a link belongs to a user or an e-mail address")
    who = (EmailLink.user_id == user.id) if user is not None else (EmailLink.email == email)
    return [EmailLink.purpose == purpose, who,
            EmailLink.used_at.is_(None), EmailLink.revoked_at.is_(None)]


def issue_link(purpose: str, *, user: User | None = None, email: str | None = None,
               payload: dict[str, Any] | None = None, ttl: timedelta) -> str:
    """Make a link and return its raw token (to put in a URL); only the digest is kept.

    Older live links for the same ``purpose`` and person (the user when given,
    else the address) are revoked: only the newest link a person was sent works.
    """
    if not purpose or len(purpose) > MAX_PURPOSE_LENGTH:
        raise ValueError(f"bad link purpose {purpose!r}")
    if ttl <= timedelta(0):
        raise ValueError("a link must live for some time")
    email = _normalise(email)
    if user is not None and user.id is None:
        db.session.flush()
    revoke_links(purpose, user=user, email=email)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    now = utcnow()
    db.session.add(EmailLink(
        purpose=purpose, token_hash=digest(token), user_id=user.id if user else None,
        email=email, payload=dict(payload or {}), created_at=now, expires_at=now + ttl,
    ))
    db.session.flush()
    return token


def peek_link(purpose: str, token: str) -> EmailLink | None:
    """The live link for ``token``, without using it (to show a form before the POST)."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    link = db.session.execute(
        db.select(EmailLink).where(EmailLink.token_hash == digest(token),
                                   EmailLink.purpose == purpose)
        # The row, not a copy the session may hold from before an UPDATE.
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if link is None or not link.live():
        return None
    return link


def redeem_link(purpose: str, token: str) -> EmailLink | None:
    """Use the link: its record when it was live, else ``None``; it never works again.

    The ``UPDATE ... WHERE used_at IS NULL`` decides: of two requests with the
    same token, only one changes a row.
    """
    link = peek_link(purpose, token)
    if link is None:
        return None
    now = utcnow()
    result = db.session.execute(
        update(EmailLink)
        .where(EmailLink.id == link.id, EmailLink.used_at.is_(None),
               EmailLink.revoked_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if changed_rows(result) != 1:
        return None
    db.session.refresh(link)
    return link


def revoke_links(purpose: str, *, user: User | None = None, email: str | None = None) -> int:
    """Revoke every live link of ``purpose`` for ``user`` (or, without one, ``email``).

    Returns how many were revoked.
    """
    clause = _live_clause(purpose, user=user, email=_normalise(email))
    result = db.session.execute(
        update(EmailLink).where(*clause).values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return changed_rows(result)


def revoke_all_links(user: User) -> int:
    """Revoke every live link of ``user``, whatever its purpose (deactivation)."""
    result = db.session.execute(
        update(EmailLink)
        .where(EmailLink.user_id == user.id, EmailLink.used_at.is_(None),
               EmailLink.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return changed_rows(result)


def absolute_url(endpoint: str, **values: Any) -> str:
    """An absolute URL for a mail, in a request or not (the command line).

    With the ``BASE_URL`` setting (``KENNISBANK_BASE_URL``, such as
    ``https://kennisbank.deventer.nl``) every link starts with it, also in a
    request: the request's ``Host`` header is the sender's to choose, and a
    reset link built from it would carry the token to a site of the sender's
    choosing ("password reset poisoning"). Without it, links use the request's
    address (fine on one machine behind a proxy that fixes the host, or with
    Flask's ``TRUSTED_HOSTS``), and outside a request Flask's ``SERVER_NAME``.
    """
    base = str(current_app.config.get("BASE_URL") or "").rstrip("/")
    if base:
        with current_app.test_request_context("/", base_url=base):
            return url_for(endpoint, _external=True, **values)
    if has_request_context() or current_app.config.get("SERVER_NAME"):
        return url_for(endpoint, _external=True, **values)
    raise RuntimeError(
        "links in mail need the site's address outside a request: "
        "set KENNISBANK_BASE_URL, for example https://kennisbank.example.org"
    )
