"""Sending email with the standard library, when a mail server is configured.

Settings (each also ``KENNISBANK_<NAME>``): ``MAIL_SERVER`` (no server: no
mail is sent, and nothing else changes), ``MAIL_PORT`` (25), ``MAIL_USE_SSL``
(SMTP over TLS, usually port 465), ``MAIL_USE_TLS`` (STARTTLS, usually port
587), ``MAIL_USERNAME`` and ``MAIL_PASSWORD`` (log in when set),
``MAIL_SENDER`` (the From address) and ``MAIL_TIMEOUT`` (seconds).

Mail is a copy, never the only way a message arrives: callers store the
message first and treat any :class:`MailError` as "not emailed".
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from flask import current_app

DEFAULT_PORT = 25
DEFAULT_SENDER = "kennisbank@localhost"
DEFAULT_TIMEOUT = 10.0


class MailError(RuntimeError):
    """The mail could not be handed to the server."""


def mail_configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def _flag(name: str) -> bool:
    value = current_app.config.get(name, False)
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


def build_mail(to: str, subject: str, body: str) -> EmailMessage:
    sender = str(current_app.config.get("MAIL_SENDER") or DEFAULT_SENDER)
    mail = EmailMessage()
    mail["From"] = formataddr((str(current_app.config.get("MAIL_SENDER_NAME") or "Kennisbank"),
                               sender))
    mail["To"] = to
    mail["Subject"] = subject
    mail["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    mail.set_content(body)
    return mail


def send_mail(to: str, subject: str, body: str) -> None:
    """Send one plain-text mail through ``MAIL_SERVER``.

    :raises MailError: no server is configured, or it refused or could not be reached.
    """
    config = current_app.config
    host = config.get("MAIL_SERVER")
    if not host:
        raise MailError("MAIL_SERVER is not set")
    port = int(config.get("MAIL_PORT") or DEFAULT_PORT)
    timeout = float(config.get("MAIL_TIMEOUT") or DEFAULT_TIMEOUT)
    try:
        mail = build_mail(to, subject, body)
    except ValueError as exc:  # a header that cannot be written, such as a line break
        raise MailError(f"mail to {to} not built: {exc}") from exc
    try:
        if _flag("MAIL_USE_SSL"):
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                host, port, timeout=timeout, context=ssl.create_default_context())
        else:
            client = smtplib.SMTP(host, port, timeout=timeout)
        with client:
            if _flag("MAIL_USE_TLS"):
                client.starttls(context=ssl.create_default_context())
            if config.get("MAIL_USERNAME"):
                client.login(str(config["MAIL_USERNAME"]), str(config.get("MAIL_PASSWORD") or ""))
            client.send_message(mail)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailError(f"mail to {to} not sent: {exc}") from exc
