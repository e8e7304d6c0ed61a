"""Which account a single sign-on login is: found by its link, linked by e-mail, or new.

A provider names a person by ``iss`` + ``sub``, which never change; the e-mail
address may. So the first SSO login stores that pair in ``sso_links``, and
every later login finds the account through it, whatever the address at the
provider has become since. Only the first login goes by e-mail, and only by
an address the provider says it has verified, in a domain configured to log in
there: otherwise anyone who can make an account at some provider could claim
someone else's account here.

Other parts of the app may refuse an address (a declined access request, for
one) through :func:`register_refusal`; a deactivated account is always refused.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models import User, utcnow
from . import audit
from .accounts import find_user, normalise_email

#: Why a login through the provider is refused; the page turns each into a message.
REASONS = ("unavailable", "denied", "state", "token", "unverified", "domain", "inactive")

#: Checks that may refuse an e-mail address an SSO account: name -> fn(email) -> True to refuse.
_refusals: dict[str, Callable[[str], bool]] = {}


class SsoLink(db.Model):
    """An account's identity at an OpenID provider: issuer and subject, unique together."""

    __tablename__ = "sso_links"
    __table_args__ = (UniqueConstraint("issuer", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    issuer: Mapped[str] = mapped_column(String(500))
    subject: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class SsoRefused(Exception):
    """The login is refused; ``reason`` is one of :data:`REASONS`."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Policy:
    """What the settings allow: the issuer, its domains and a new account's role."""

    issuer: str
    domains: frozenset[str]
    default_role: str


def register_refusal(name: str, check: Callable[[str], bool]) -> None:
    """Refuse SSO accounts for addresses ``check(email)`` is true for (replaces ``name``)."""
    _refusals[name] = check


def unregister_refusal(name: str) -> None:
    _refusals.pop(name, None)


def refused(email: str) -> bool:
    return any(check(email) for check in _refusals.values())


def email_domain(email: str) -> str:
    return normalise_email(email).rpartition("@")[2]


def verified(claims: dict[str, Any]) -> bool:
    """``email_verified`` is a boolean; some providers send the string ``"true"``."""
    value = claims.get("email_verified")
    return value is True or (isinstance(value, str) and value.lower() == "true")


def links_of(user: User) -> list[SsoLink]:
    return list(db.session.scalars(select(SsoLink).where(SsoLink.user_id == user.id)
                                   .order_by(SsoLink.id)))


def account_for(claims: dict[str, Any], policy: Policy, *, lang: str) -> User:
    """The active account these verified ID-token claims log in; the caller commits.

    :raises SsoRefused: no verified e-mail, a domain that does not log in at
        this provider, a deactivated or refused account.
    """
    subject = str(claims.get("sub") or "")
    if not subject or len(subject) > 255:
        raise SsoRefused("token")
    if not verified(claims):
        raise SsoRefused("unverified")
    link = db.session.scalar(select(SsoLink).where(SsoLink.issuer == policy.issuer,
                                                   SsoLink.subject == subject))
    if link is not None:
        user = link.user
        _check_active(user, subject)
        link.last_login_at = utcnow()
        return user
    email = normalise_email(str(claims.get("email") or ""))
    if "@" not in email or len(email) > 254 or any(c.isspace() for c in email):
        raise SsoRefused("unverified")
    if policy.domains and email_domain(email) not in policy.domains:
        _refuse("domain", email)
    if refused(email):
        _refuse("inactive", email)
    user = find_user(email)
    if user is None:
        user = _create(email, claims, policy, lang)
    else:
        _check_active(user, email)
    db.session.add(SsoLink(user=user, issuer=policy.issuer, subject=subject,
                           last_login_at=utcnow()))
    audit.record("sso_linked", user=user, subject=user.email, issuer=policy.issuer)
    return user


def _check_active(user: User, subject: str) -> None:
    if not user.active or refused(user.email):
        _refuse("inactive", user.email)


def _refuse(reason: str, email: str) -> None:
    audit.record("login_failed", subject=email, method="sso", reason=reason)
    db.session.commit()
    raise SsoRefused(reason)


def _create(email: str, claims: dict[str, Any], policy: Policy, lang: str) -> User:
    """A new account without a password: it logs in through the provider only."""
    name = " ".join(str(claims.get("name") or "").split())[:200] or email.partition("@")[0]
    user = User(email=email, name=name, role=policy.default_role, sectors=[],
                preferred_language=lang, password_hash=None)
    db.session.add(user)
    db.session.flush()
    audit.record("user_created", user=user, subject=email, role=policy.default_role,
                 sectors=[], method="sso")
    return user
