"""Invitations: an admin or editor asks a person by e-mail to join with a role.

An :class:`Invitation` keeps what the inviter chose (role, sectors,
organisation, language, a name) and its history; the mail holds a
single-use link (:mod:`.links`, purpose ``invitation``) that expires after
``INVITATION_DAYS``. Resending makes a new link and kills the old one;
revoking kills the link. Accepting it makes the account with the chosen
password and the inviter's choices, or gives a pending account (one without a
password yet) its password; a deactivated account stays closed.

Who may invite whom: admins anyone, with any role; editors only readers and
contributors of an organisation in one of their sectors (the same rule that
lets them maintain those organisations). Callers commit.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..config import LANGUAGES
from ..extensions import db
from ..mail import queue_mail
from ..models import Organisation, User, utcnow
from . import audit
from .accounts import (
    AccountError,
    change_password,
    check_role,
    create_user,
    email_problem,
    find_user,
    normalise_email,
    set_role,
)
from .links import (
    PURPOSE_INVITATION,
    absolute_url,
    as_utc,
    issue_link,
    peek_link,
    redeem_link,
    revoke_links,
)
from .passwords import password_problem
from .roles import role_label
from .settings import invitation_ttl

STATES = ("pending", "accepted", "expired", "revoked")
#: The roles an editor may give.
EDITOR_ROLES = ("reader", "contributor")


class Invitation(db.Model):
    """An invitation to join, from its sending to its acceptance or revocation."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(20))
    sectors: Mapped[list[str]] = mapped_column(JSON, default=list)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"))
    language: Mapped[str] = mapped_column(String(2), default="nl")
    invited_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    organisation: Mapped[Organisation | None] = relationship()
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])

    @property
    def state(self) -> str:
        """``pending``, ``accepted``, ``expired`` or ``revoked``."""
        if self.accepted_at is not None:
            return "accepted"
        if self.revoked_at is not None:
            return "revoked"
        if as_utc(self.expires_at) <= utcnow():
            return "expired"
        return "pending"

    def __repr__(self) -> str:
        return f"<Invitation {self.id} {self.email} {self.state}>"


def may_invite(user: User | None) -> bool:
    """Whether ``user`` may invite anyone at all (admins and editors)."""
    return user is not None and bool(user.active) and user.role in ("admin", "editor")


def manages(user: User, invitation: Invitation) -> bool:
    """Admins manage every invitation; editors those for organisations of their sectors."""
    if user.role == "admin":
        return True
    organisation = invitation.organisation
    return (user.role == "editor" and organisation is not None
            and organisation.sector in (user.sectors or []))


def visible_invitations(user: User) -> list[Invitation]:
    """The invitations ``user`` manages, newest first."""
    found = db.session.execute(
        db.select(Invitation).order_by(Invitation.created_at.desc(), Invitation.id.desc())
    ).scalars().all()
    return [invitation for invitation in found if manages(user, invitation)]


def _check(by: User | None, *, email: str, role: str, sectors: list[str],
           organisation: Organisation | None, language: str) -> dict[str, str]:
    errors = check_role(role, sectors)
    problem = email_problem(email)
    if problem:
        errors["email"] = problem
    if language not in LANGUAGES:
        errors["language"] = _("Choose one of the languages.")
    if by is None:  # an operator on the command line
        return errors
    if by.role == "editor":
        if role not in EDITOR_ROLES:
            errors["role"] = _("Editors invite readers and contributors only.")
        if organisation is None:
            errors["organisation"] = _("Choose the organisation the person works for.")
        elif organisation.sector not in (by.sectors or []):
            errors["organisation"] = _("You can invite people of organisations in your "
                                       "sectors only.")
    elif by.role != "admin":
        errors["role"] = _("You may not invite people.")
    return errors


def invite(*, email: str, role: str, by: User | None, sectors: list[str] | None = None,
           organisation: Organisation | None = None, name: str = "",
           language: str = "nl") -> Invitation:
    """Invite ``email`` and mail the link; an earlier open invitation for it is revoked.

    ``by`` is the admin or editor inviting, ``None`` for an operator (the CLI).

    :raises AccountError: listing every problem, including an address that has an
        account already (the inviter is told so plainly: they manage accounts).
    """
    email = normalise_email(email)
    sectors = list(dict.fromkeys(sectors or []))
    name = " ".join(name.split())[:200]
    errors = _check(by, email=email, role=role, sectors=sectors, organisation=organisation,
                    language=language)
    if errors:
        raise AccountError(errors)
    for earlier in db.session.execute(
        db.select(Invitation).where(Invitation.email == email,
                                    Invitation.accepted_at.is_(None),
                                    Invitation.revoked_at.is_(None))
    ).scalars():
        earlier.revoked_at = utcnow()
    invitation = Invitation(email=email, name=name, role=role, sectors=sectors,
                            organisation=organisation, language=language, invited_by=by,
                            expires_at=utcnow())
    db.session.add(invitation)
    db.session.flush()
    _send(invitation, by=by, resent=False)
    return invitation


def _send(invitation: Invitation, *, by: User | None, resent: bool) -> None:
    """A new link (the old one dies), a new expiry, and the mail."""
    ttl = invitation_ttl()
    token = issue_link(PURPOSE_INVITATION, email=invitation.email,
                       payload={"invitation": invitation.id}, ttl=ttl)
    now = utcnow()
    invitation.sent_at = now
    invitation.expires_at = now + ttl
    lang = invitation.language if invitation.language in LANGUAGES else "nl"
    with force_locale(lang):
        role = role_label(invitation.role)
    queue_mail(invitation.email, "account/invitation", {
        "name": invitation.name,
        "inviter": by.name if by is not None else "",
        "organisation": invitation.organisation.name if invitation.organisation else "",
        "role": role,
        "url": absolute_url("account.accept_invitation", token=token, lang=lang),
        "days": ttl.days,
    }, lang=lang)
    audit.record("invitation_sent", user=by, subject=invitation.email, role=invitation.role,
                 sectors=list(invitation.sectors or []), resent=resent,
                 organisation=invitation.organisation.name if invitation.organisation else None)


def resend(invitation: Invitation, *, by: User | None) -> None:
    """Send a new link; the old one stops working. Accepted or revoked ones are final."""
    if invitation.state in ("accepted", "revoked"):
        raise AccountError({"invitation": _("This invitation was accepted or revoked; "
                                            "invite the person again instead.")})
    if find_user(invitation.email) is not None:
        raise AccountError({"invitation": _("An account with this email address exists "
                                            "already.")})
    _send(invitation, by=by, resent=True)


def revoke(invitation: Invitation, *, by: User | None) -> bool:
    """Stop the invitation; ``False`` when it was accepted or revoked already."""
    if invitation.state in ("accepted", "revoked"):
        return False
    invitation.revoked_at = utcnow()
    revoke_links(PURPOSE_INVITATION, email=invitation.email)
    audit.record("invitation_revoked", user=by, subject=invitation.email)
    return True


def open_invitation(token: str) -> Invitation | None:
    """The pending invitation behind a live link, else ``None`` (nothing is used up)."""
    link = peek_link(PURPOSE_INVITATION, token)
    if link is None:
        return None
    invitation = db.session.get(Invitation, int(link.payload.get("invitation") or 0))
    if invitation is None or invitation.state != "pending":
        return None
    return invitation


def accept(token: str, *, name: str, password: str) -> User:
    """Make the account (or give a pending one its password); the caller logs it in.

    The link is used up only when everything else is right, so a password that
    is refused can be corrected on the same page.

    :raises AccountError: ``token`` when the invitation is no longer valid or the
        address has an account that cannot take it, ``name``/``password`` when
        those are not acceptable.
    """
    invitation = open_invitation(token)
    if invitation is None:
        raise AccountError({"token": _("This invitation is no longer valid. Ask the person "
                                       "who invited you for a new one.")})
    existing = find_user(invitation.email)
    if existing is not None and (existing.password_hash or not existing.active):
        raise AccountError({"token": _("An account with this email address exists already. "
                                       "Log in, or ask for a new password.")})
    name = " ".join(name.split())
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("Enter a name.")
    problem = password_problem(password, invitation.email)
    if problem:
        errors["password"] = problem
    if errors:
        raise AccountError(errors)
    if redeem_link(PURPOSE_INVITATION, token) is None:
        raise AccountError({"token": _("This invitation is no longer valid. Ask the person "
                                       "who invited you for a new one.")})
    if existing is None:
        user = create_user(email=invitation.email, name=name, password=password,
                           role=invitation.role, sectors=list(invitation.sectors or []),
                           language=invitation.language, by=invitation.invited_by)
    else:
        user = existing
        user.name = name[:200]
        change_password(user, password, field="password", how="first")
        set_role(user, invitation.role, list(invitation.sectors or []),
                 by=invitation.invited_by)
    user.organisation_id = invitation.organisation_id
    invitation.accepted_at = utcnow()
    invitation.user = user
    audit.record("invitation_accepted", user=user, subject=user.email,
                 invitation=invitation.id)
    return user
