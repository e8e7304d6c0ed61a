"""Queueing mail: render it in the recipient's language, store it, send it after commit.

:func:`queue_mail` writes a :class:`MailMessage` into the caller's session and
does not commit: the mail exists exactly when what caused it (an account, a
message, a request) exists. A rolled-back transaction leaves no mail behind.

After the commit, the same process hands the transaction's messages (and a few
other due ones) to the sender: after the commit, never inside the transaction,
so a slow or broken SMTP server cannot hold database locks or undo anything.
By default a thread of the process sends them (:mod:`.background`), so the
response does not wait for the mail server and its timing says nothing about
whether a mail went out; ``MAIL_SEND_IN_REQUEST=true`` sends before the
commit call returns instead (the tests do, to see the result at once).
Failures are logged and leave the rows pending; they never reach the request.
``MAIL_SEND_AFTER_COMMIT=false`` leaves all sending to
``kennisbank mail send-pending`` or ``kennisbank index-worker``.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

from flask import current_app, has_request_context
from flask_babel import force_locale
from flask_babel import gettext as _
from jinja2 import Template
from sqlalchemy import event
from sqlalchemy.orm import Session
from werkzeug.routing import BuildError

from ..config import LANGUAGES
from ..extensions import current_app_object, db
from ..i18n import current_language
from ..models import User, utcnow
from .background import BACKLOG, background_sender
from .models import MailMessage
from .smtp import check_headers, mail_configured, new_message_id

#: ``session.info`` key: ids of the mail this transaction queued.
QUEUED_KEY = "kennisbank.mail.queued"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def queue_mail(to: str, template: str, context: dict[str, Any] | None = None, *,
               lang: str | None = None, user: User | None = None,
               headers: dict[str, str] | None = None) -> MailMessage:
    """Render ``mail/<template>.txt`` and ``.html`` and add the mail to the outbox.

    The language is ``lang``, else ``user``'s preferred language, else the
    language of the current page (outside a request: ``DEFAULT_LANGUAGE``).
    ``context`` holds plain data; links in it must be absolute
    (``url_for(..., _external=True)``). ``headers`` are extra headers the mail
    carries (see :data:`.smtp.EXTRA_HEADERS`). The message is added to the
    current session and sent after its commit.
    """
    check_headers(headers or {})
    chosen = choose_language(lang, user)
    rendered = render(template, context or {}, chosen)
    now = utcnow()
    message = MailMessage(
        to=to.strip(), lang=chosen, template=template, subject=rendered.subject,
        text=rendered.text, html=rendered.html, message_id=new_message_id(),
        headers=dict(headers) if headers else None,
        state="pending", attempts=0, next_attempt_at=now, created_at=now,
    )
    db.session.add(message)
    return message


def choose_language(lang: str | None, user: User | None) -> str:
    if lang in LANGUAGES:
        return str(lang)
    preferred = getattr(user, "preferred_language", None)
    if preferred in LANGUAGES:
        return str(preferred)
    if has_request_context():
        return current_language()
    return str(current_app.config["DEFAULT_LANGUAGE"])


def render(template: str, context: dict[str, Any], lang: str) -> Rendered:
    """The subject (the ``subject`` block of the text template), text and HTML."""
    env = current_app.jinja_env
    with force_locale(lang):
        values = {"site_name": _("Deventer Kennisbank"), "site_url": _site_url(lang),
                  **context, "lang": lang}
        text_template = env.get_template(f"mail/{template}.txt")
        subject = " ".join(_block(text_template, "subject", values).split())
        text = _tidy(text_template.render(values))
        html = env.get_template(f"mail/{template}.html").render({**values, "subject": subject})
    return Rendered(subject=subject, text=text, html=html)


def _block(template: Template, name: str, values: dict[str, Any]) -> str:
    if name not in template.blocks:
        raise LookupError(f"mail template {template.name} has no {{% block {name} %}}")
    return "".join(template.blocks[name](template.new_context(values)))


def _tidy(text: str) -> str:
    """Template tags leave stray spaces and blank lines; plain text shows them."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"


def _site_url(lang: str) -> str | None:
    """The home page, when a URL can be built: from ``BASE_URL`` when set, never
    from a forged ``Host`` header (see :func:`kennisbank.auth.links.absolute_url`)."""
    from ..auth.links import absolute_url

    try:
        return absolute_url("web.home", lang=lang)
    except (RuntimeError, BuildError):
        return None


def send_after_commit(session: Session, ids: list[int]) -> None:
    """Hand ``ids`` to the sender once ``session`` commits (for "retry now")."""
    session.info.setdefault(QUEUED_KEY, []).extend(ids)


@event.listens_for(Session, "after_flush")
def _collect(session: Session, _context: Any) -> None:
    """Remember the ids of newly written mail (ids exist only after a flush)."""
    ids = [obj.id for obj in session.new if isinstance(obj, MailMessage)]
    if ids:
        send_after_commit(session, ids)


@event.listens_for(Session, "after_commit")
def _send(session: Session) -> None:
    ids = session.info.pop(QUEUED_KEY, None)
    if not ids or not current_app or not current_app.config["MAIL_SEND_AFTER_COMMIT"]:
        return
    if not mail_configured():
        return
    if not current_app.config.get("MAIL_SEND_IN_REQUEST"):
        background_sender(current_app_object()).submit(ids)
        return
    from .sender import drain

    try:
        drain(first=ids, limit=len(ids) + BACKLOG)
    except Exception:
        log.exception("mail not sent after commit; it stays in the outbox")


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(QUEUED_KEY, None)
