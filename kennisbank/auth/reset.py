"""Choosing a password through a mailed link: "Forgot your password?" and a first password.

**Reset.** :func:`request_reset` answers nothing: the page says the same
whether or not the address has an account, and the work is the same too. For
an unknown or deactivated address a link is made and the mail rendered just
as for a known one; the link is never stored and the mail is taken out of the
session before anything is written, and the audit event (written in both
cases) makes both requests commit a row. A reset link lives at most an hour
(``PASSWORD_RESET_MINUTES``), dies when another is asked for, when it is used,
and when the password changes in any way (:func:`.accounts.change_password`).

**First password.** An account made without a password (an approved access
request) gets a link to choose one: :func:`send_set_password_link` mails it,
:func:`set_password_url` only makes it, for a feature that writes its own mail.

Callers commit.
"""

from __future__ import annotations

import secrets

from flask_babel import gettext as _

from ..extensions import db
from ..i18n import current_language
from ..mail import queue_mail
from ..models import User
from . import audit
from .accounts import AccountError, change_password, find_user, looks_like_email, normalise_email
from .links import (
    PURPOSE_RESET,
    PURPOSE_SET_PASSWORD,
    TOKEN_BYTES,
    absolute_url,
    issue_link,
    peek_link,
    redeem_link,
    revoke_links,
)
from .passwords import password_problem
from .settings import reset_ttl, set_password_ttl
from .tokens import digest

#: The purposes whose links lead to a page where a password is chosen.
PASSWORD_PURPOSES = (PURPOSE_RESET, PURPOSE_SET_PASSWORD)


def can_reset(user: User | None) -> bool:
    """Only active accounts get a link: a deactivated person cannot reset their way in."""
    return user is not None and bool(user.active)


def request_reset(email: str) -> None:
    """Mail a reset link when ``email`` belongs to an active account; else the same work."""
    email = normalise_email(email)
    user = find_user(email)
    if can_reset(user):
        send_reset_link(user)
        return
    # The same token, digest and rendering work as for a real account; nothing is kept.
    token = secrets.token_urlsafe(TOKEN_BYTES)
    digest(token)
    revoke_links(PURPOSE_RESET, email=email)
    url = absolute_url("account.reset_password", token=token, lang=current_language())
    _discard(queue_mail(email, "account/password_reset", _reset_context(name="", url=url)))
    audit.record("password_reset_requested", subject=email if looks_like_email(email) else "",
                 known=False)


def _discard(message: object) -> None:
    """Take a mail out of the session so it is never written."""
    if message in db.session.new:
        db.session.expunge(message)
    else:
        db.session.delete(message)


def _reset_context(*, name: str, url: str) -> dict[str, object]:
    minutes = int(reset_ttl().total_seconds() // 60)
    return {"name": name, "url": url, "minutes": minutes}


def send_reset_link(user: User, *, by: User | None = None) -> str:
    """Mail ``user`` a new reset link (older ones stop working); returns the link.

    ``by`` is the admin who started it, else the person asked for it themselves.
    """
    token = issue_link(PURPOSE_RESET, user=user, ttl=reset_ttl())
    url = absolute_url("account.reset_password", token=token, lang=_lang(user))
    queue_mail(user.email, "account/password_reset", _reset_context(name=user.name, url=url),
               user=user)
    audit.record("password_reset_requested", user=by, subject=user.email, known=True,
                 by_admin=by is not None)
    return url


def _lang(user: User) -> str:
    return user.preferred_language if user.preferred_language in ("nl", "en") else "nl"


def set_password_url(user: User) -> str:
    """A new link for ``user`` to choose their first password (older ones stop working).

    For a feature that writes its own mail around it (an approved access
    request); :func:`send_set_password_link` sends this module's own mail.
    """
    token = issue_link(PURPOSE_SET_PASSWORD, user=user, ttl=set_password_ttl())
    return absolute_url("account.choose_password", token=token, lang=_lang(user))


def send_set_password_link(user: User, *, purpose: str = PURPOSE_SET_PASSWORD) -> str:
    """Mail ``user`` a link to choose a password; returns the link.

    ``purpose`` is :data:`PURPOSE_SET_PASSWORD` (a first password: the page logs
    the person in) or :data:`PURPOSE_RESET` (the reset mail and page).
    """
    if purpose == PURPOSE_RESET:
        return send_reset_link(user)
    if purpose != PURPOSE_SET_PASSWORD:
        raise ValueError(f"no password page for links of purpose {purpose!r}")
    url = set_password_url(user)
    days = int(set_password_ttl().days)
    queue_mail(user.email, "account/set_password", {"name": user.name, "url": url, "days": days},
               user=user)
    return url


def link_user(purpose: str, token: str) -> User | None:
    """The active person a live password link of ``purpose`` belongs to, else ``None``."""
    if purpose not in PASSWORD_PURPOSES:
        return None
    link = peek_link(purpose, token)
    if link is None or link.user is None or not can_reset(link.user):
        return None
    return link.user


def use_password_link(purpose: str, token: str, password: str) -> User:
    """Set the password chosen on a link's page; the link is used up only when it is set.

    :raises AccountError: ``password`` for a password that is not acceptable (the
        link stays usable), ``token`` when the link is no longer valid.
    """
    user = link_user(purpose, token)
    if user is None:
        raise AccountError({"token": _("This link is no longer valid.")})
    problem = password_problem(password, user.email)
    if problem:
        raise AccountError({"password": problem})
    if redeem_link(purpose, token) is None:
        raise AccountError({"token": _("This link is no longer valid.")})
    change_password(user, password, field="password",
                    how="reset" if purpose == PURPOSE_RESET else "first")
    return user
