"""Access requests: from a stranger's form to an account, or a polite no.

The path: :func:`submit_request` (public form) -> the requester confirms their
e-mail address through a single-use link (:func:`confirm_request`) -> the
request is in the queue of admins and of the editors of its sector
(:func:`queue_for`) -> :func:`approve` creates the account and mails a link
to choose a password, or :func:`decline` mails the reason.

The public answer never depends on who asks. A new address, an address with
an account, an address (or client address) declined within
``ACCESS_DECLINE_DAYS`` and a bot that filled in the honeypot all see the same
page; only mail differs, and mail goes to the address's owner: a confirmation
link for a new request, "you already have an account" with a reset link for
an existing one, nothing for a declined one. Callers commit; mail is queued
in the same transaction (:func:`kennisbank.mail.queue_mail`).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy import delete, func, or_, select

from ..auth import audit
from ..auth.accounts import AccountError, check_role, find_user, normalise_email
from ..auth.links import EmailLink, issue_link, redeem_link
from ..auth.settings import reset_ttl, set_password_ttl
from ..config import LANGUAGES
from ..content.registry import current_registry
from ..extensions import db
from ..mail import queue_mail
from ..mail.models import MailMessage
from ..models import ROLES, Organisation, User, utcnow
from ..partners.organisations import OrganisationError, save_organisation
from .accounts import create_approved_account, password_reset_url, set_password_url
from .models import AccessRequest
from .throttle import address_digest

#: The purpose of the links that confirm a request's e-mail address.
CONFIRM_PURPOSE = "access-request"
#: Roles an editor may grant; admins may grant every role.
EDITOR_GRANTS = ("reader", "contributor")

class RequestError(ValueError):
    """A refused decision; ``errors`` maps a form field to a message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class RequestData:
    """What the public form sends, already trimmed by the form."""

    name: str
    email: str
    organisation_id: int | None
    organisation_name: str
    sector: str | None
    city: str
    function: str
    reason: str
    language: str


def confirm_ttl() -> timedelta:
    return timedelta(hours=float(current_app.config["ACCESS_CONFIRM_HOURS"]))


def recently_declined(email: str, digest: str, now: datetime | None = None) -> bool:
    """Whether this e-mail or client address was declined within ``ACCESS_DECLINE_DAYS``
    (an empty ``digest``: the e-mail address alone, as single sign-on asks)."""
    since = (now or utcnow()) - timedelta(days=float(current_app.config["ACCESS_DECLINE_DAYS"]))
    same = AccessRequest.email == email
    if digest:
        same = or_(same, AccessRequest.address_digest == digest)
    found = db.session.scalar(
        select(func.count(AccessRequest.id)).where(
            AccessRequest.state == "declined", AccessRequest.decided_at >= since, same,
        )
    )
    return bool(found)


def submit_request(data: RequestData, *, lang: str) -> str:
    """Handle the public form; returns what happened, for logs and tests only.

    ``"declined"``: the e-mail or client address was declined recently;
    nothing is recorded or sent. ``"account"``: the address has an active
    account; its owner is mailed a reset link. ``"inactive"``: a deactivated
    account; nothing happens. ``"new"``: a request waits for confirmation and
    a link is mailed. The caller shows the same page for each.
    """
    email = normalise_email(data.email)
    digest = address_digest()
    if recently_declined(email, digest):
        _decoy(data, lang)
        return "declined"
    user = find_user(email)
    if user is not None:
        if not user.active:
            _decoy(data, lang)
            return "inactive"
        queue_mail(email, "access/account_exists", {
            "name": user.name, "reset_url": password_reset_url(user),
            "minutes": int(reset_ttl().total_seconds() // 60),
            "login_url": url_for("account.login", lang=_lang_of(user), _external=True),
        }, user=user)
        return "account"
    _record_request(data, email, digest, lang)
    return "new"


def _record_request(data: RequestData, email: str, digest: str,
                    lang: str) -> tuple[AccessRequest, MailMessage]:
    """Keep the request and queue its confirmation mail (with a new single-use link)."""
    # An older unconfirmed request of the same address was never confirmed: the new one replaces it.
    db.session.execute(delete(AccessRequest).where(AccessRequest.email == email,
                                                   AccessRequest.state == "unconfirmed"))
    request = AccessRequest(
        name=data.name.strip(), email=email, organisation_id=data.organisation_id,
        organisation_name=data.organisation_name.strip() if data.organisation_id is None else "",
        sector=data.sector, city=data.city.strip(), function=data.function.strip(),
        reason=data.reason.strip(), language=data.language if data.language in LANGUAGES else lang,
        address_digest=digest,
    )
    db.session.add(request)
    db.session.flush()
    token = issue_link(CONFIRM_PURPOSE, email=email, payload={"request": request.id},
                       ttl=confirm_ttl())
    mail = queue_mail(email, "access/confirm_request", {
        "name": request.name,
        "confirm_url": url_for("access.confirm_request", token=token, lang=request.language,
                               _external=True),
        "hours": int(current_app.config["ACCESS_CONFIRM_HOURS"]),
    }, lang=request.language)
    return request, mail


def _decoy(data: RequestData, lang: str) -> None:
    """The work of a new request, undone before the commit: a declined or deactivated
    address gets no mail and leaves nothing, but its answer takes as long as a real
    request's, so the time does not tell that the address is known.

    The rows are written for a throwaway ``.invalid`` address (so no link of a
    real address is revoked) and deleted again in the same transaction.
    """
    decoy = f"{secrets.token_hex(8)}@decoy.invalid"
    request, mail = _record_request(replace(data, email=decoy), decoy, "", lang)
    db.session.flush()
    db.session.delete(request)
    db.session.delete(mail)
    db.session.execute(delete(EmailLink).where(EmailLink.email == decoy))
    db.session.flush()


def _lang_of(user: User) -> str:
    return user.preferred_language if user.preferred_language in LANGUAGES else "nl"


def confirm_request(token: str) -> AccessRequest | None:
    """Redeem a confirmation link: the request joins the queue and its reviewers are told.

    ``None`` for a link that is unknown, used, expired or revoked, or whose
    request is gone. A newer confirmed request of the same address replaces
    an older one still waiting, so the queue holds one per person.
    """
    link = redeem_link(CONFIRM_PURPOSE, token)
    if link is None:
        return None
    request_id = (link.payload or {}).get("request")
    request = db.session.get(AccessRequest, request_id) if isinstance(request_id, int) else None
    if request is None or request.state != "unconfirmed":
        return None
    db.session.execute(delete(AccessRequest).where(
        AccessRequest.email == request.email, AccessRequest.state == "pending",
        AccessRequest.id != request.id))
    request.state = "pending"
    request.confirmed_at = utcnow()
    for reviewer in reviewers_for(request):
        queue_mail(reviewer.email, "access/request_waiting", {
            "reviewer": reviewer.name, "name": request.name,
            "organisation": request.organisation_label,
            "queue_url": url_for("access.queue", lang=_lang_of(reviewer), _external=True),
        }, user=reviewer)
    return request


def reviewers_for(request: AccessRequest) -> list[User]:
    """Active admins, and active editors of the request's sector."""
    people = db.session.scalars(
        select(User).where(User.active.is_(True), User.role.in_(("admin", "editor")))
        .order_by(User.id)
    )
    return [p for p in people if may_review(p, request)]


def may_review(user: Any, request: AccessRequest) -> bool:
    """Admins review every request, editors those of their sectors."""
    role = getattr(user, "role", None)
    if not getattr(user, "is_authenticated", False) or not getattr(user, "active", False):
        return False
    if role == "admin":
        return True
    return role == "editor" and request.sector is not None and \
        request.sector in (user.sectors or [])


def _queue_query(user: Any) -> Any:
    query = select(AccessRequest).where(AccessRequest.state == "pending")
    if getattr(user, "role", None) == "admin":
        return query
    sectors = sorted(getattr(user, "sectors", None) or [])
    return query.where(AccessRequest.sector.in_(sectors))


def queue_for(user: Any) -> list[AccessRequest]:
    """The confirmed requests ``user`` may decide, oldest first."""
    if getattr(user, "role", None) not in ("admin", "editor"):
        return []
    return list(db.session.scalars(
        _queue_query(user).order_by(AccessRequest.confirmed_at, AccessRequest.id)))


def waiting_count(user: Any) -> int:
    """How many requests wait for ``user``: the number in the navigation."""
    if getattr(user, "role", None) not in ("admin", "editor"):
        return 0
    return db.session.scalar(
        select(func.count()).select_from(_queue_query(user).subquery())) or 0


def grantable_roles(user: User) -> tuple[str, ...]:
    """The roles ``user`` may give on approval: every role for admins, two for editors."""
    return ROLES if user.role == "admin" else EDITOR_GRANTS


def _organisation_for(request: AccessRequest, choice: str, by: User) -> Organisation | None:
    """The organisation chosen on the approval form: an id, ``new`` or nothing.

    ``new`` creates the organisation the requester named, unless one of that
    name (in any case) exists already, which is then linked instead.
    """
    if not choice:
        return None
    if choice == "new":
        name = request.organisation_name.strip()
        if not name:
            raise RequestError({"organisation": _("Choose an organisation from the list.")})
        existing = db.session.scalar(
            select(Organisation).where(func.lower(Organisation.name) == name.lower()))
        if existing is not None:
            return existing
        sector = request.sector if request.sector in current_registry().sectors else None
        try:
            return save_organisation(None, {"name": name, "sector": sector,
                                            "city": request.city}, by)
        except OrganisationError as exc:
            raise RequestError({"organisation": next(iter(exc.errors.values()))}) from exc
    found = db.session.get(Organisation, int(choice)) if choice.isdigit() else None
    if found is None:
        raise RequestError({"organisation": _("Choose an organisation from the list.")})
    return found


def approve(request: AccessRequest, *, by: User, role: str, sectors: list[str],
            organisation: str) -> User:
    """Create the account, link its organisation and mail a link to choose a password.

    :raises RequestError: a role ``by`` may not grant, an invalid role or
        sector choice, an unknown organisation, an address that has an
        account by now, or a request that is not waiting.
    """
    if request.state != "pending" or not may_review(by, request):
        raise RequestError({"request": _("This request is no longer waiting for you.")})
    sectors = list(dict.fromkeys(sectors))
    errors = check_role(role, sectors)
    if role not in grantable_roles(by):
        errors["role"] = _("You may grant at most the role of contributor.")
    if errors:
        raise RequestError(errors)
    chosen = _organisation_for(request, organisation, by)
    try:
        user = create_approved_account(email=request.email, name=request.name, role=role,
                                       sectors=sectors, language=request.language, by=by)
    except AccountError as exc:
        raise RequestError(exc.errors) from exc
    user.organisation = chosen
    request.state = "approved"
    request.role = role
    request.user = user
    request.decided_at = utcnow()
    request.decided_by = by
    if chosen is not None:
        request.organisation = chosen
    audit.record("access_approved", user=by, subject=request.email, role=role,
                 request=request.id)
    queue_mail(request.email, "access/approved", {
        "name": request.name, "set_password_url": set_password_url(user),
        "days": set_password_ttl().days,
        "login_url": url_for("account.login", lang=request.language, _external=True),
        "organisation": chosen.name if chosen is not None else "",
    }, lang=request.language)
    return user


def decline(request: AccessRequest, *, by: User, reason: str) -> None:
    """Decline with a reason, which the requester is mailed in their language."""
    if request.state != "pending" or not may_review(by, request):
        raise RequestError({"request": _("This request is no longer waiting for you.")})
    reason = reason.strip()
    if not reason:
        raise RequestError({"reason": _("This field is required.")})
    request.state = "declined"
    request.decision_reason = reason
    request.decided_at = utcnow()
    request.decided_by = by
    audit.record("access_declined", user=by, subject=request.email, request=request.id)
    queue_mail(request.email, "access/declined", {
        "name": request.name, "reason": reason,
        "about_url": url_for("browse.about", lang=request.language, _external=True),
    }, lang=request.language)

