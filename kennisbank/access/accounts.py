"""Where the way in meets the account pages: an account without a password,
and the links that let its owner choose one or reset it.

The pages behind those links belong to the account pages
(:mod:`kennisbank.auth.reset`); this module only asks for their links, so the
access request code does not depend on how those pages are built.
"""

from __future__ import annotations

import secrets

from ..auth.accounts import create_user
from ..auth.links import PURPOSE_RESET, absolute_url, issue_link
from ..auth.reset import set_password_url
from ..auth.settings import reset_ttl
from ..models import User

__all__ = ["create_approved_account", "password_reset_url", "set_password_url"]


def create_approved_account(*, email: str, name: str, role: str, sectors: list[str],
                            language: str, by: User) -> User:
    """An account that cannot log in until its owner chooses a password.

    :func:`create_user` checks and audits it like any other account; the
    random password it is given is thrown away at once.

    :raises kennisbank.auth.accounts.AccountError: as :func:`create_user`.
    """
    user = create_user(email=email, name=name, password=secrets.token_urlsafe(32), role=role,
                       sectors=sectors, language=language, by=by)
    user.password_hash = None
    return user


def password_reset_url(user: User) -> str:
    """A reset link as "Forgot your password?" sends it (older ones stop working)."""
    token = issue_link(PURPOSE_RESET, user=user, ttl=reset_ttl())
    lang = user.preferred_language if user.preferred_language in ("nl", "en") else "nl"
    return absolute_url("account.reset_password", token=token, lang=lang)
