"""Where the way in meets the account pages: an account without a password,
and the links that let its owner choose one or reset it.

The pages behind those links belong to the account pages
(:mod:`kennisbank.auth`); this module only asks for them, so the access
request code does not depend on how they are built.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import url_for

from ..auth.accounts import create_user
from ..auth.links import PURPOSE_RESET, PURPOSE_SET_PASSWORD, issue_link
from ..models import User

#: How long the link to choose the first password works after an approval.
SET_PASSWORD_TTL = timedelta(days=7)
#: How long a reset link in "you already have an account" works.
RESET_TTL = timedelta(hours=1)


def create_approved_account(*, email: str, name: str, role: str, sectors: list[str],
                            language: str, by: User) -> User:
    """An account that cannot log in until its owner chooses a password.

    :raises kennisbank.auth.accounts.AccountError: as :func:`create_user`.
    """
    user = create_user(email=email, name=name, password=secrets.token_urlsafe(32), role=role,
                       sectors=sectors, language=language, by=by)
    user.password_hash = None
    return user


def _lang(user: User) -> str:
    return user.preferred_language if user.preferred_language in ("nl", "en") else "nl"


def set_password_url(user: User) -> str:
    """A single-use link to choose the first password."""
    token = issue_link(PURPOSE_SET_PASSWORD, user=user, ttl=SET_PASSWORD_TTL)
    return url_for("account.set_password", token=token, lang=_lang(user), _external=True)


def password_reset_url(user: User) -> str:
    """A single-use link to choose a new password, as "Forgot your password?" sends."""
    token = issue_link(PURPOSE_RESET, user=user, ttl=RESET_TTL)
    return url_for("account.reset_password", token=token, lang=_lang(user), _external=True)
