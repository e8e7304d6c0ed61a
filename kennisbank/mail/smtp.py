"""Talking to the SMTP server: settings, the connection, and the mail as sent.

Settings (each also ``KENNISBANK_<NAME>``): ``MAIL_SERVER`` (unset: mail waits
in the outbox and nothing else changes), ``MAIL_PORT`` (25), ``MAIL_USE_SSL``
(SMTP over TLS, usually port 465), ``MAIL_USE_TLS`` (STARTTLS, usually port
587), ``MAIL_USERNAME`` and ``MAIL_PASSWORD`` (log in when set),
``MAIL_SENDER`` (the From address), ``MAIL_SENDER_NAME`` and ``MAIL_TIMEOUT``
(seconds per network operation).

A message is handed over in three steps (MAIL FROM, RCPT TO, DATA) rather than
with ``smtplib``'s ``send_message``, so the sender can record, just before
DATA, that the server may from then on have the message (see
:mod:`kennisbank.mail.sender` for why that matters).
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Callable
from contextlib import suppress
from datetime import UTC
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import format_datetime, formataddr, make_msgid, parseaddr

from flask import current_app

from ..content.kinds.text import EMAIL_RE
from .models import MailMessage

DEFAULT_PORT = 25
DEFAULT_SENDER = "kennisbank@localhost"
DEFAULT_SENDER_NAME = "Kennisbank"
DEFAULT_TIMEOUT = 10.0
#: Headers a queued mail may add to the ones every mail has: the one-click
#: unsubscribe pair of RFC 2369 and RFC 8058 (digests of followed searches).
EXTRA_HEADERS = ("List-Unsubscribe", "List-Unsubscribe-Post", "List-Id")
#: Bodies are quoted-printable or base64, never raw 8-bit: every server takes them.
POLICY = SMTP_POLICY.clone(cte_type="7bit")


class Temporary(Exception):
    """The server could not take the message now; try again later.

    ``connection`` is true when the server itself is unreachable or broke off,
    so the other messages of this run need not try it too.
    """

    def __init__(self, reason: str, *, connection: bool = False) -> None:
        super().__init__(reason)
        self.connection = connection


class Permanent(Exception):
    """The message can never be delivered as it is: ``kind`` is ``invalid`` (an
    address or header that cannot be written) or ``refused`` (a 5xx reply)."""

    def __init__(self, reason: str, *, kind: str = "refused") -> None:
        super().__init__(reason)
        self.kind = kind


class Uncertain(Exception):
    """The connection broke during DATA: the server may or may not have the message."""


def mail_configured() -> bool:
    """Whether a server is set; without one, queued mail waits in the outbox."""
    return bool(current_app.config.get("MAIL_SERVER"))


def _flag(name: str) -> bool:
    value = current_app.config.get(name, False)
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


def sender_address() -> str:
    return str(current_app.config.get("MAIL_SENDER") or DEFAULT_SENDER)


def new_message_id() -> str:
    """A Message-ID in the sender's domain; fixed when the mail is queued."""
    return make_msgid(domain=sender_address().rpartition("@")[2] or None)


def valid_address(address: str) -> bool:
    """One plain address, nothing a header or an SMTP command could be bent with."""
    if parseaddr(address)[1] != address or not address.isascii():
        return False
    return bool(EMAIL_RE.match(address)) and not any(c in address for c in "<>,;\"\\")


def check_headers(headers: dict[str, str]) -> None:
    """Refuse a header name outside :data:`EXTRA_HEADERS` or a value with a line break
    (a programming error, so it fails when the mail is queued, not when it is sent)."""
    for name, value in headers.items():
        if name not in EXTRA_HEADERS:
            raise ValueError(f"mail header {name!r} is not one of {', '.join(EXTRA_HEADERS)}")
        if "\r" in value or "\n" in value:
            raise ValueError(f"mail header {name!r} has a line break")


def build_mail(row: MailMessage) -> EmailMessage:
    """The MIME message: multipart/alternative, plain text first, then HTML.

    :raises Permanent: the address or a header cannot be written.
    """
    if not valid_address(row.to):
        raise Permanent(f"not a valid e-mail address: {row.to!r}", kind="invalid")
    created = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=UTC)
    mail = EmailMessage(policy=POLICY)
    try:
        mail["From"] = formataddr(
            (str(current_app.config.get("MAIL_SENDER_NAME") or DEFAULT_SENDER_NAME),
             sender_address()))
        mail["To"] = row.to
        mail["Subject"] = row.subject
        mail["Date"] = format_datetime(created)
        mail["Message-ID"] = row.message_id
        mail["Auto-Submitted"] = "auto-generated"
        for name, value in (row.headers or {}).items():
            if name in EXTRA_HEADERS:
                mail[name] = value
    except ValueError as exc:
        raise Permanent(f"the message cannot be written: {exc}", kind="invalid") from exc
    mail.set_content(row.text)
    mail.add_alternative(row.html, subtype="html")
    # After the parts exist: making the alternative moves Content-* headers into a part.
    mail["Content-Language"] = row.lang
    return mail


def connect() -> smtplib.SMTP:
    """An open, authenticated connection to ``MAIL_SERVER``.

    :raises Temporary: the server cannot be reached, or refuses the login or TLS.
    """
    config = current_app.config
    host = str(config.get("MAIL_SERVER") or "")
    port = int(config.get("MAIL_PORT") or DEFAULT_PORT)
    timeout = float(config.get("MAIL_TIMEOUT") or DEFAULT_TIMEOUT)
    try:
        if _flag("MAIL_USE_SSL"):
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                host, port, timeout=timeout, context=ssl.create_default_context())
        else:
            client = smtplib.SMTP(host, port, timeout=timeout)
    except (OSError, smtplib.SMTPException) as exc:
        raise Temporary(f"cannot connect to {host}:{port}: {exc}", connection=True) from exc
    try:
        client.ehlo()
        if _flag("MAIL_USE_TLS"):
            client.starttls(context=ssl.create_default_context())
            client.ehlo()
        if config.get("MAIL_USERNAME"):
            client.login(str(config["MAIL_USERNAME"]), str(config.get("MAIL_PASSWORD") or ""))
    except (OSError, smtplib.SMTPException) as exc:
        close(client)
        raise Temporary(f"{host}:{port} did not accept the session: {exc}",
                        connection=True) from exc
    return client


def close(client: smtplib.SMTP) -> None:
    """Say goodbye if the server still listens; a dead connection is just dropped."""
    try:
        client.quit()
    except (OSError, smtplib.SMTPException):
        client.close()


def _reply(code: int, text: bytes | str) -> str:
    message = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
    return f"{code} {' '.join(message.split())}"


def _refused(client: smtplib.SMTP, step: str, code: int, text: bytes | str) -> Exception:
    """The exception for a refusal at ``step``: 5xx for good, anything else for now."""
    with suppress(OSError, smtplib.SMTPException):
        client.rset()
    reason = f"{step} refused: {_reply(code, text)}"
    if 500 <= code < 600 and step != "MAIL FROM":
        return Permanent(reason)
    # A refused sender is the configuration's fault (MAIL_SENDER), not this
    # message's: it is retried, and after the last attempt it fails with the reason.
    return Temporary(reason, connection=code < 0)


def hand_over(client: smtplib.SMTP, mail: EmailMessage, to: str,
              before_data: Callable[[], bool]) -> str:
    """Send ``mail`` to ``to`` over ``client``; return the server's final reply.

    ``before_data`` runs after the server accepted sender and recipient and
    just before DATA; when it returns false nothing is sent (the row was lost).

    :raises Temporary: a 4xx reply, or the connection broke before DATA.
    :raises Permanent: a 5xx refusal of the recipient or the message.
    :raises Uncertain: the connection broke during DATA.
    """
    data = mail.as_bytes()
    try:
        code, text = client.mail(sender_address())
        if code != 250:
            raise _refused(client, "MAIL FROM", code, text)
        code, text = client.rcpt(to)
        if code not in (250, 251):
            raise _refused(client, "RCPT TO", code, text)
    except (OSError, smtplib.SMTPServerDisconnected) as exc:
        raise Temporary(f"connection lost: {exc}", connection=True) from exc
    except UnicodeEncodeError as exc:
        raise Permanent(f"not a valid e-mail address: {to!r}", kind="invalid") from exc
    if not before_data():
        with suppress(OSError, smtplib.SMTPException):
            client.rset()
        return ""
    try:
        code, text = client.data(data)
    except smtplib.SMTPDataError as exc:
        raise _refused(client, "DATA", exc.smtp_code, exc.smtp_error) from exc
    except (OSError, smtplib.SMTPServerDisconnected) as exc:
        raise Uncertain(f"connection lost during DATA: {exc}") from exc
    if code != 250:
        raise _refused(client, "DATA", code, text)
    return _reply(code, text)
