"""Outgoing mail that is never lost: one outbox for every feature.

``queue_mail(to, template, context, lang=..., user=...)`` renders
``templates/mail/<template>.txt`` and ``.html`` in the recipient's language
and adds the message to the outbox in the caller's transaction
(:mod:`.outbox`); after the commit it is sent (:mod:`.sender`), retried while
the server is down or answers "try later", and shown to admins
(``/<lang>/admin/mail``, ``kennisbank mail status``) with the reason when it
fails. Without ``MAIL_SERVER`` the app runs as usual and mail waits.
"""

from __future__ import annotations

from flask import Flask

from .models import MailMessage
from .outbox import queue_mail
from .smtp import mail_configured

__all__ = ["MailMessage", "init_app", "mail_configured", "queue_mail"]


def init_app(app: Flask) -> None:
    """The admin page and the privacy registries; sending after commit is a session
    event, always listening."""
    from ..privacy import register_export, register_forget, register_purge
    from . import privacy, views

    app.register_blueprint(views.bp)
    register_export("mail", privacy.export_mail)
    register_purge("mail_messages", privacy.purge_mail)
    register_forget("mail", privacy.forget_mail)
