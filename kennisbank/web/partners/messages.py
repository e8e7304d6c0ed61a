"""Writing to a contact person, the inbox, and one message with its reply form.

Logged-in people write (``contact``) to contact persons with an active
account: the message goes to that account's inbox, with an email copy when a
mail server is configured. Visitors without an account write on the same page
with their name, address and organisation; their message waits until they
confirm their address (:func:`kennisbank.access.views.outside_contact`), and
its recipient answers them by mail from the same message page. A message is visible to its sender
and its recipient only; anyone else gets a 404, as for something that does
not exist.
"""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...access import views as access_views
from ...auth.policy import can
from ...extensions import db
from ...partners import messages as service
from ...partners.models import ContactPerson, Message
from ..editing import person
from ..filters import page_lang
from . import bp
from .forms import MessageForm
from .organisations import find


def _send(form: MessageForm, recipient: Any, **about: Any) -> Message | None:
    """Store the message (its mail copy goes out after the commit); ``None`` with
    errors on the form."""
    try:
        message = service.send_message(person(), recipient, form.subject.data or "",
                                       form.body.data or "", **about)
    except service.MessageError as exc:
        db.session.rollback()
        for key, text in exc.errors.items():
            field = getattr(form, key, form.body)
            field.errors = [*field.errors, text]
        return None
    db.session.commit()
    return message


@bp.route("/contact/<int:contact_id>", methods=["GET", "POST"])
def contact(contact_id: int) -> Any:
    """Write to a practice's or an organisation's contact person."""
    if not current_user.is_authenticated and not current_app.config["PUBLIC"]:
        person()  # a private site: visitors log in first
    found = find(ContactPerson, contact_id)
    subject = found.item if found.item is not None else found.organisation
    if found.item is not None and not can(current_user, "view", found.item):
        abort(404)
    lang = page_lang()
    about = (found.item.best_translation(lang).title if found.item is not None
             else subject.name if subject is not None else "")
    if not current_user.is_authenticated:
        return access_views.outside_contact(found, about)
    user = person()
    if not can(user, "contact") or not found.reachable or found.user_id == user.id:
        abort(403)
    form = MessageForm()
    if form.validate_on_submit():
        sent = _send(form, found.user, item=found.item, organisation=found.organisation)
        if sent is not None:
            # The account the message reached: the name the Sent list and the
            # message itself show, so the three never disagree.
            flash(_("Your message is sent to %(name)s.", name=sent.recipient.name), "success")
            if found.item is not None:
                return redirect(url_for("web.item", item_id=found.item.id), 303)
            return redirect(url_for("partners.organisation",
                                    organisation_id=found.organisation_id), 303)
    return render_template("partners/contact_form.html", form=form, contact=found, about=about)


@bp.route("/inbox")
def inbox() -> Any:
    user = person()
    return render_template("partners/inbox.html", received=service.received(user),
                           sent=service.sent(user))


@bp.route("/inbox/<int:message_id>", methods=["GET", "POST"])
def message(message_id: int) -> Any:
    """One message; its recipient reads it (marked read) and may reply."""
    user = person()
    found = find(Message, message_id)
    if not service.readable_by(found, user):
        abort(404)
    if getattr(found, "outside", None) is not None:
        if found.recipient_id == user.id and found.read_at is None:
            service.mark_read(found, user)
            db.session.commit()
        return access_views.message_from_outside(found, user, service.about(found, page_lang()))
    thread = service.conversation(found)
    if any(m.recipient_id == user.id and m.read_at is None for m in thread):
        for shown in thread:
            service.mark_read(shown, user)
        db.session.commit()
    latest = thread[-1]
    other = found.sender if found.recipient_id == user.id else found.recipient
    # One answers the thread's latest message, whoever wrote it: the conversation
    # goes on from the message page, on either side.
    can_reply = other is not None and other.active and other.id != user.id
    if request.method == "POST" and not can_reply:
        abort(403)
    form = MessageForm()
    if can_reply and form.validate_on_submit():
        sent = _send(form, other, item=found.item, organisation=found.organisation,
                     reply_to=latest)
        if sent is not None:
            flash(_("Your reply is sent to %(name)s.", name=sent.recipient.name), "success")
            return redirect(url_for("partners.message", message_id=sent.id,
                                    _anchor=f"message-{sent.id}"), 303)
    elif form.subject.data is None:
        subject = latest.subject if latest.subject.startswith("Re: ") else f"Re: {latest.subject}"
        form.subject.data = subject[:service.MAX_SUBJECT_LENGTH]
    return render_template("partners/message.html", message=found, thread=thread, other=other,
                           form=form, can_reply=can_reply,
                           about=service.about(found, page_lang()))
