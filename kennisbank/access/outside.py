"""Messages from readers without an account, and replies to them.

The same contact page that logged-in people use (``partners.contact``) asks
a visitor for their name, e-mail address and organisation as well.
:func:`submit` keeps the message as an :class:`OutsideMessage` and mails a
single-use link; nothing reaches the recipient before :func:`confirm` redeems
it. Confirming proves the address, so it delivers every message of that
address still waiting: each becomes an ordinary inbox message (without a
sender account), mailed to the recipient like any other.

Nobody sees the other's address unless they choose to: the recipient sees
the sender's only when the sender ticked ``share_email``, and a reply from
the inbox (:func:`reply`) is mailed to the sender from the site, with the
replier's address in it only when they ticked "share". The rules for the
texts are those of every message (:func:`kennisbank.partners.messages.check_text`).
Callers commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from ..auth.accounts import looks_like_email, normalise_email
from ..auth.links import issue_link, redeem_link
from ..config import LANGUAGES
from ..extensions import db
from ..mail import queue_mail
from ..models import User, utcnow
from ..partners.messages import MessageError, about, check_text
from ..partners.models import ContactPerson, Message
from .models import OutsideMessage, OutsideReply
from .throttle import address_digest

CONFIRM_PURPOSE = "outside-message"

@dataclass(frozen=True)
class OutsideData:
    """What the contact form sends for a visitor."""

    name: str
    email: str
    organisation: str
    subject: str
    body: str
    share_email: bool
    language: str


def submit(contact: ContactPerson, data: OutsideData) -> OutsideMessage:
    """Keep the message and mail its sender a confirmation link.

    :raises MessageError: texts as for every message, an e-mail address that
        is not one, a missing name or organisation, or a contact person who
        cannot receive messages.
    """
    subject, body, errors = check_text(data.subject, data.body)
    email = normalise_email(data.email)
    if not data.name.strip():
        errors["name"] = _("This field is required.")
    if not looks_like_email(email):
        errors["email"] = _("Give an email address such as name@example.org.")
    if not data.organisation.strip():
        errors["sender_organisation"] = _("This field is required.")
    if not contact.reachable:
        errors["recipient"] = _("This person cannot receive messages from you.")
    if errors:
        raise MessageError(errors)
    lang = data.language if data.language in LANGUAGES else "nl"
    message = OutsideMessage(
        contact=contact, item=contact.item, organisation=contact.organisation,
        name=data.name.strip()[:200], email=email,
        sender_organisation=data.organisation.strip()[:200], share_email=data.share_email,
        language=lang, subject=subject, body=body, address_digest=address_digest(),
    )
    db.session.add(message)
    db.session.flush()
    hours = int(current_app.config["ACCESS_CONFIRM_HOURS"])
    token = issue_link(CONFIRM_PURPOSE, email=email, payload={"message": message.id},
                       ttl=timedelta(hours=hours))
    queue_mail(email, "access/confirm_message", {
        "name": message.name, "recipient": contact.name, "subject": subject,
        "confirm_url": url_for("access.confirm_message", token=token, lang=lang, _external=True),
        "hours": hours,
    }, lang=lang)
    return message


def confirm(token: str) -> list[OutsideMessage] | None:
    """Redeem a confirmation link and deliver the address's waiting messages.

    ``None`` for a link that is unknown, used, expired or revoked. Messages
    whose contact person can no longer receive messages stay undelivered
    (and are deleted with the other unconfirmed ones after the retention period).
    """
    link = redeem_link(CONFIRM_PURPOSE, token)
    if link is None:
        return None
    email = normalise_email(link.email or "")
    waiting = db.session.scalars(
        select(OutsideMessage).where(OutsideMessage.email == email,
                                     OutsideMessage.confirmed_at.is_(None))
        .order_by(OutsideMessage.id))
    delivered = []
    for outside in waiting:
        contact = outside.contact
        if contact is None or not contact.reachable:
            continue
        outside.confirmed_at = utcnow()
        outside.message = message = Message(
            sender=None, recipient=contact.user, subject=outside.subject, body=outside.body,
            item=outside.item, organisation=outside.organisation)
        db.session.flush()
        _notify_recipient(outside, message)
        delivered.append(outside)
    return delivered


def _notify_recipient(outside: OutsideMessage, message: Message) -> None:
    recipient = message.recipient
    lang = recipient.preferred_language if recipient.preferred_language in LANGUAGES else "nl"
    queue_mail(recipient.email, "access/outside_message", {
        "recipient": recipient.name, "sender": outside.name,
        "sender_organisation": outside.sender_organisation,
        "sender_email": outside.email if outside.share_email else "",
        "subject": outside.subject, "body": outside.body,
        "about": about(message, lang),
        "message_url": url_for("partners.message", message_id=message.id,
                               lang=lang, _external=True),
    }, user=recipient)


def sender_label(outside: OutsideMessage) -> str:
    """How the inbox names an outside sender: name and organisation."""
    return f"{outside.name} ({outside.sender_organisation})" if outside.sender_organisation \
        else outside.name


def reply(outside: OutsideMessage, *, by: User, subject: str, body: str,
          share_email: bool) -> OutsideReply:
    """Mail a reply from the inbox to the outside sender, in their language.

    :raises MessageError: texts as for every message, or a replier who is
        not the recipient.
    """
    subject, body, errors = check_text(subject, body)
    if outside.message is None or outside.message.recipient_id != by.id:
        errors["recipient"] = _("This person cannot receive messages from you.")
    if errors:
        raise MessageError(errors)
    answer = OutsideReply(outside_message=outside, sender=by, subject=subject, body=body,
                          shared_email=share_email)
    db.session.add(answer)
    contact_url = (url_for("partners.contact", contact_id=outside.contact_id,
                           lang=outside.language, _external=True)
                   if outside.contact_id is not None else "")
    queue_mail(outside.email, "access/outside_reply", {
        "name": outside.name, "replier": by.name,
        "replier_email": by.email if share_email else "",
        "subject": subject, "body": body, "original_subject": outside.subject,
        "contact_url": contact_url,
    }, lang=outside.language)
    return answer
