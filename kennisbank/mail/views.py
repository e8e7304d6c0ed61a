"""The outbox for admins: ``/<lang>/admin/mail``.

What waits, what was sent and what failed, with the reason and the next
attempt, and "retry now" for a failed message (a POST with the CSRF token).
When ``MAIL_SERVER`` is unset the page says so first: the app runs, mail
waits. The mail's text is not shown: it may hold a single-use link meant for
the recipient alone.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from ..auth.policy import require
from ..extensions import db
from ..models import User
from ..web.editing import person
from . import sender
from .models import STATES, MailMessage

bp = Blueprint("mail_admin", __name__, url_prefix="/<any(nl, en):lang>/admin/mail")

PER_PAGE = 50
STATE_LABELS = {"pending": _l("Waiting"), "sending": _l("Being sent"), "sent": _l("Sent"),
                "failed": _l("Failed")}
FAILURE_LABELS = {
    "invalid": _l("The address cannot be used."),
    "refused": _l("The mail server refused this message."),
    "gave_up": _l("Not sent after the last attempt."),
    "interrupted": _l("Interrupted while being handed to the mail server: it may have "
                      "arrived. Check with the recipient before you retry."),
}


def _admin() -> User:
    """Admins only: visitors to the login page (GET) or 401, everyone else 403."""
    user = person()
    require(user, "manage_users")
    return user


@bp.get("")
def index() -> str:
    _admin()
    state = request.args.get("state", "")
    shown = state if state in STATES else None
    try:
        page = max(1, int(request.args.get("page", 1)))
    except ValueError:
        page = 1
    query = select(MailMessage)
    if shown:
        query = query.where(MailMessage.state == shown)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = db.session.scalars(query.order_by(MailMessage.id.desc())
                              .limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    return render_template("admin/mail.html", status=sender.status(), rows=rows, state=shown,
                           page=page, pages=max(1, -(-total // PER_PAGE)), total=total,
                           state_labels=STATE_LABELS, failure_labels=FAILURE_LABELS)


@bp.post("/<int:message_id>/retry")
def retry(message_id: int) -> Response:
    """Queue a failed message again with a fresh set of attempts; sent after the commit."""
    _admin()
    row = db.session.get(MailMessage, message_id)
    if row is None:
        abort(404)
    if sender.retry_now(db.session, [message_id]):
        db.session.commit()
        db.session.refresh(row)
        if row.state == "sent":
            flash(_("The message to %(to)s has been sent.", to=row.to), "success")
        else:
            flash(_("The message to %(to)s is queued again.", to=row.to), "success")
    else:
        flash(_("Only a failed message can be retried."), "error")
    return redirect(url_for("mail_admin.index", state=request.args.get("state") or None), 303)
