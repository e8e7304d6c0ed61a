"""Pages of the way in: request access, confirm by mail, the review queue,
and writing to a contact person without an account.

==============================================  ==========================================
``/<lang>/request-access``                      the public form (then ``/sent``)
``/<lang>/request-access/confirm/<token>``      confirm the address (GET shows, POST uses)
``/<lang>/admin/access-requests``               the queue (admins; editors: their sectors)
``/<lang>/admin/access-requests/<id>``          one request: approve or decline forms
``/<lang>/contact/<id>`` (``partners``)         visitors get :func:`outside_contact`
``/<lang>/contact/confirm/<token>``             confirm an outside message
==============================================  ==========================================

A link from a mail is never used by a GET: mail scanners and link previews
fetch links, and would spend a single-use token. The GET shows a button, the
POST uses the link (its CSRF token is checked by the app-wide ``CSRFProtect``,
as for every POST). Every public form is throttled
(:mod:`.throttle`) and answers the same whatever the address is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from ..auth.accounts import looks_like_email
from ..auth.links import peek_link
from ..auth.policy import require
from ..content.registry import current_registry
from ..extensions import db
from ..models import Organisation, User
from ..partners.messages import MessageError
from ..partners.models import ContactPerson, Message
from ..web.admin import role_label
from ..web.editing import person
from ..web.filters import page_lang
from . import outside, service, throttle
from .forms import (
    NEW_ORGANISATION,
    AccessRequestForm,
    ApproveForm,
    DeclineForm,
    OutsideMessageForm,
    OutsideReplyForm,
)
from .models import AccessRequest

bp = Blueprint("access", __name__, url_prefix="/<any(nl, en):lang>")
#: Pages with a single-use token in their URL.
LINK_PAGES = ("access.confirm_request", "access.confirm_message")


@bp.after_request
def _private_link_pages(response: Response) -> Response:
    """The token is in the URL: send no ``Referer`` from these pages, keep no copy."""
    if request.endpoint in LINK_PAGES:
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-store"
    return response


def _organisations() -> list[Organisation]:
    return list(db.session.scalars(db.select(Organisation).order_by(Organisation.name)))


def _sector_choices() -> list[SelectChoice]:
    lang = page_lang()
    return [SelectChoice(code, current_registry().sector_label(code, lang))
            for code in current_registry().sectors]


def _invalid_link() -> tuple[str, int]:
    return render_template("access/link_invalid.html"), 404


# -- request access ---------------------------------------------------------------------


def _fill_request_choices(form: AccessRequestForm) -> None:
    form.organisation.choices = [
        SelectChoice("", _("Choose your organisation")),
        *(SelectChoice(str(o.id), o.name) for o in _organisations()),
        SelectChoice(NEW_ORGANISATION, _("Another organisation (name it below)")),
    ]
    form.sector.choices = [SelectChoice("", _("I do not know")), *_sector_choices()]
    if form.language.data is None:
        form.language.data = page_lang()


def _request_data(form: AccessRequestForm) -> service.RequestData | None:
    """The form's answers, or ``None`` with a message on each wrong field."""
    choice = form.organisation.data or ""
    new_name = (form.new_organisation.data or "").strip()
    organisation: Organisation | None = None
    if choice.isdigit():
        organisation = db.session.get(Organisation, int(choice))
        if organisation is None:
            form.organisation.errors.append(_("Choose an organisation from the list."))
    elif not new_name:
        target = form.new_organisation if choice == NEW_ORGANISATION else form.organisation
        target.errors.append(_("Choose your organisation, or name it if it is not in the list."))
    sector = form.sector.data or None
    if sector is not None and sector not in current_registry().sectors:
        form.sector.errors.append(_("Choose a sector from the list."))
    email = (form.email.data or "").strip()
    if email and not looks_like_email(email):
        form.email.errors.append(_("Give an email address such as name@example.org."))
    if any(f.errors for f in form):
        return None
    return service.RequestData(
        name=form.name.data or "", email=email,
        organisation_id=organisation.id if organisation is not None else None,
        organisation_name=new_name if organisation is None else "",
        sector=organisation.sector if organisation is not None else sector,
        city=form.city.data or "", function=form.function.data or "",
        reason=form.reason.data or "", language=form.language.data or page_lang(),
    )


@bp.route("/request-access", methods=["GET", "POST"])
def request_access() -> Any:
    """The public form; every valid submission gets the same answer (see :mod:`.service`)."""
    if current_user.is_authenticated:
        return redirect(url_for("account.overview"), 303)
    form = AccessRequestForm()
    _fill_request_choices(form)
    if form.is_submitted():
        valid = form.validate()
        data = _request_data(form)  # its messages too, so every problem shows at once
        if valid and data is not None:
            throttle.check("access", data.email)
            if not form.is_bot():
                service.submit_request(data, lang=page_lang())
                db.session.commit()
            return redirect(url_for("access.request_sent"), 303)
    return render_template("access/request.html", form=form)


@bp.get("/request-access/sent")
def request_sent() -> str:
    return render_template("access/request_sent.html")


@bp.route("/request-access/confirm/<token>", methods=["GET", "POST"])
def confirm_request(token: str) -> Any:
    return _confirm_page(token, service.CONFIRM_PURPOSE, service.confirm_request,
                         kind="request", done="access/request_confirmed.html", name="confirmed")


def _confirm_page(token: str, purpose: str, confirm: Callable[[str], Any], *, kind: str,
                  done: str, name: str) -> Any:
    """A mailed confirmation link: GET shows a button and POST uses the link, so a mail
    scanner that fetches links cannot spend it."""
    if peek_link(purpose, token) is None:
        return _invalid_link()
    if request.method == "GET":
        return render_template("access/confirm.html", kind=kind)
    found = confirm(token)
    if found is None:
        db.session.rollback()
        return _invalid_link()
    db.session.commit()
    return render_template(done, **{name: found})


# -- the queue --------------------------------------------------------------------------


def _reviewer() -> User:
    user = person()
    require(user, "review_access")
    return user


def _request_or_404(request_id: int, user: User) -> AccessRequest:
    found = db.session.get(AccessRequest, request_id)
    if found is None or found.state != "pending" or not service.may_review(user, found):
        abort(404)
    return found


@bp.get("/admin/access-requests")
def queue() -> str:
    user = _reviewer()
    return render_template("access/queue.html", requests=service.queue_for(user))


def _decision_forms(pending: AccessRequest, user: User,
                    approve: ApproveForm | None = None,
                    decline: DeclineForm | None = None) -> tuple[ApproveForm, DeclineForm]:
    default_org = (str(pending.organisation_id) if pending.organisation_id
                   else NEW_ORGANISATION if pending.organisation_name else "")
    if approve is None:
        approve = ApproveForm(formdata=None, data={
            "role": "contributor", "organisation": default_org,
            "sectors": [pending.sector] if pending.sector else []})
    approve.role.choices = [SelectChoice(r, role_label(r)) for r in service.grantable_roles(user)]
    approve.sectors.choices = _sector_choices()
    org_choices = [SelectChoice("", _("No organisation"))]
    if pending.organisation_id is None and pending.organisation_name:
        org_choices.append(SelectChoice(
            NEW_ORGANISATION, _("Create “%(name)s”", name=pending.organisation_name)))
    org_choices += [SelectChoice(str(o.id), o.name) for o in _organisations()]
    approve.organisation.choices = org_choices
    return approve, decline if decline is not None else DeclineForm(formdata=None)


def _show_decision(pending: AccessRequest, user: User, approve: ApproveForm | None = None,
                   decline: DeclineForm | None = None, status: int = 200) -> tuple[str, int]:
    approve, decline = _decision_forms(pending, user, approve, decline)
    return render_template("access/review.html", pending=pending, approve=approve,
                           decline=decline, may_grant_sectors=user.role == "admin"), status


@bp.get("/admin/access-requests/<int:request_id>")
def review(request_id: int) -> Any:
    user = _reviewer()
    return _show_decision(_request_or_404(request_id, user), user)


def _errors_to(form: Any, errors: dict[str, str]) -> None:
    for key, message in errors.items():
        field = getattr(form, key, None)
        if field is None:
            flash(message, "error")
        else:
            field.errors = [*field.errors, message]


@bp.post("/admin/access-requests/<int:request_id>/approve")
def approve(request_id: int) -> Any:
    user = _reviewer()
    found = _request_or_404(request_id, user)
    form = ApproveForm()
    _decision_forms(found, user, approve=form)
    if not form.validate_on_submit():
        return _show_decision(found, user, approve=form, status=422)
    sectors = list(form.sectors.data or []) if form.role.data == "editor" else []
    try:
        account = service.approve(found, by=user, role=form.role.data or "", sectors=sectors,
                                  organisation=form.organisation.data or "")
    except service.RequestError as exc:
        db.session.rollback()
        _errors_to(form, exc.errors)
        return _show_decision(found, user, approve=form, status=422)
    db.session.commit()
    flash(_("%(name)s now has an account and has been mailed a link to choose a password.",
            name=account.name), "success")
    return redirect(url_for("access.queue"), 303)


@bp.post("/admin/access-requests/<int:request_id>/decline")
def decline(request_id: int) -> Any:
    user = _reviewer()
    found = _request_or_404(request_id, user)
    form = DeclineForm()
    if not form.validate_on_submit():
        return _show_decision(found, user, decline=form, status=422)
    try:
        service.decline(found, by=user, reason=form.reason.data or "")
    except service.RequestError as exc:
        db.session.rollback()
        _errors_to(form, exc.errors)
        return _show_decision(found, user, decline=form, status=422)
    db.session.commit()
    flash(_("The request of %(name)s has been declined; they have been told why.",
            name=found.name), "success")
    return redirect(url_for("access.queue"), 303)


# -- contact without an account -----------------------------------------------------------


def outside_contact(contact: ContactPerson, about: str) -> Any:
    """``partners.contact`` for a visitor: the message waits for the sender's confirmation."""
    if not contact.reachable:
        abort(403)
    form = OutsideMessageForm()
    if form.validate_on_submit():
        email = (form.email.data or "").strip()
        throttle.check("contact", email)
        if form.is_bot():
            return redirect(url_for("access.message_sent"), 303)
        data = outside.OutsideData(
            name=form.name.data or "", email=email,
            organisation=form.sender_organisation.data or "", subject=form.subject.data or "",
            body=form.body.data or "", share_email=bool(form.share_email.data),
            language=page_lang())
        try:
            outside.submit(contact, data)
        except MessageError as exc:
            db.session.rollback()
            _errors_to(form, {k: v for k, v in exc.errors.items() if k != "recipient"})
            if "recipient" in exc.errors:
                abort(403)
        else:
            db.session.commit()
            return redirect(url_for("access.message_sent"), 303)
    return render_template("access/outside_form.html", form=form, contact=contact, about=about)


@bp.get("/contact/sent")
def message_sent() -> str:
    return render_template("access/message_sent.html")


@bp.route("/contact/confirm/<token>", methods=["GET", "POST"])
def confirm_message(token: str) -> Any:
    return _confirm_page(token, outside.CONFIRM_PURPOSE, outside.confirm,
                         kind="message", done="access/message_confirmed.html", name="delivered")


def message_from_outside(message: Message, user: User, about: str) -> Any:
    """``partners.message`` for a message from outside: its recipient replies by mail."""
    found = message.outside
    can_reply = message.recipient_id == user.id
    form = OutsideReplyForm()
    if form.is_submitted() and not can_reply:
        abort(403)
    if can_reply and form.validate_on_submit():
        try:
            outside.reply(found, by=user, subject=form.subject.data or "",
                          body=form.body.data or "", share_email=bool(form.share_email.data))
        except MessageError as exc:
            db.session.rollback()
            _errors_to(form, exc.errors)
        else:
            db.session.commit()
            flash(_("Your reply has been mailed to %(name)s.", name=found.name), "success")
            return redirect(url_for("partners.inbox"), 303)
    elif form.subject.data is None:
        subject = message.subject if message.subject.startswith("Re: ") \
            else f"Re: {message.subject}"
        form.subject.data = subject[:200]
    return render_template("partners/message.html", message=message, form=form,
                           can_reply=can_reply, about=about, outside=found)


def template_helpers() -> dict[str, Any]:
    return {
        "access_waiting": lambda: service.waiting_count(current_user),
        "message_sender": message_sender,
    }


def message_sender(message: Message) -> str:
    """The sender's name as the inbox shows it, for account holders and outside senders."""
    if message.sender is not None:
        return message.sender.name
    found = getattr(message, "outside", None)
    if found is not None:
        return _("%(sender)s (without an account)", sender=outside.sender_label(found))
    return _("Former user")  # the sender deleted their account
