"""Changing one's e-mail address: confirmed by a link sent to the new address.

Nothing changes until the link is used: a typo or someone else's address
never takes over the account's mail. When it is used, the old address is told,
so a person whose account was taken over learns of it. The request page says
the same whether or not the new address has an account already (a logged-in
person must not be able to probe who has one); such an address gets no link,
and a confirmation that finds the address taken by then is refused.

Callers commit.
"""

from __future__ import annotations

from flask_babel import gettext as _

from ..mail import queue_mail
from ..models import User
from . import audit
from .accounts import AccountError, change_email, find_user, looks_like_email, normalise_email
from .links import PURPOSE_EMAIL_CHANGE, absolute_url, issue_link, redeem_link
from .settings import email_change_ttl


def request_email_change(user: User, new_email: str) -> str:
    """Send a confirmation link to ``new_email``; returns the normalised address.

    :raises AccountError: ``new_email`` when it is not an address or is the current one.
    """
    new_email = normalise_email(new_email)
    if not looks_like_email(new_email):
        raise AccountError({"new_email": _("Enter an email address.")})
    if new_email == user.email:
        raise AccountError({"new_email": _("This is your current email address.")})
    audit.record("email_change_requested", user=user, subject=user.email, new_email=new_email)
    if find_user(new_email) is not None:
        return new_email
    ttl = email_change_ttl()
    token = issue_link(PURPOSE_EMAIL_CHANGE, user=user, email=new_email,
                       payload={"email": new_email}, ttl=ttl)
    queue_mail(new_email, "account/email_confirm", {
        "name": user.name, "old_email": user.email, "new_email": new_email,
        "url": absolute_url("account.confirm_email", token=token,
                            lang=user.preferred_language or "nl"),
        "hours": int(ttl.total_seconds() // 3600),
    }, user=user)
    return new_email


def confirm_email_change(token: str) -> User:
    """Use the link: the account gets the new address and the old one is told.

    :raises AccountError: ``token`` when the link is no longer valid, the account
        is deactivated, or the address has an account by now.
    """
    link = redeem_link(PURPOSE_EMAIL_CHANGE, token)
    user = link.user if link is not None else None
    if user is None or not user.active:
        raise AccountError({"token": _("This link is no longer valid.")})
    old_email = user.email
    change_email(user, str(link.payload.get("email") or ""), field="token")
    notify_old_address(user, old_email, by_admin=False)
    return user


def notify_old_address(user: User, old_email: str, *, by_admin: bool) -> None:
    """Tell the previous address that the account's mail now goes elsewhere."""
    queue_mail(old_email, "account/email_changed", {
        "name": user.name, "old_email": old_email, "new_email": user.email,
        "by_admin": by_admin,
    }, user=user)
