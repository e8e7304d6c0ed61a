"""Helpers for the tests of account mail: read the outbox, find the link, shift the clock."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from flask import Flask

from kennisbank.auth import links
from kennisbank.extensions import db
from kennisbank.mail.models import MailMessage
from kennisbank.models import AuditEvent, utcnow

LINK = re.compile(r"http://localhost(/(?:nl|en)/[^\s\"<>]+)")


def outbox(app: Flask, to: str | None = None) -> list[MailMessage]:
    """Queued mail (to ``to``), oldest first, detached for reading outside a context."""
    with app.app_context():
        query = db.select(MailMessage).order_by(MailMessage.id)
        if to is not None:
            query = query.where(MailMessage.to == to)
        found = db.session.execute(query).scalars().all()
        for message in found:
            db.session.expunge(message)
        return list(found)


def link_in(message: MailMessage) -> str:
    """The site path of the (one) link to act on in a mail; the text and HTML agree."""
    paths = [path for path in LINK.findall(message.text) if "/password/forgot" not in path]
    assert paths, message.text
    assert paths[0] in message.html, "the HTML part links to the same place"
    return paths[0]


def events(app: Flask, name: str) -> list[AuditEvent]:
    with app.app_context():
        found = db.session.execute(
            db.select(AuditEvent).where(AuditEvent.event == name).order_by(AuditEvent.id)
        ).scalars().all()
        for event in found:
            db.session.expunge(event)
        return list(found)


class Clock:
    """The links module's clock, moved forward by :meth:`shift`."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def shift(self, **delta: Any) -> None:
        self.offset += timedelta(**delta)

    def now(self) -> Any:
        return utcnow() + self.offset


def shifted_clock(monkeypatch: Any) -> Clock:
    """Patch every module that decides whether a link or invitation is still valid."""
    from kennisbank.auth import invitations

    clock = Clock()
    monkeypatch.setattr(links, "utcnow", clock.now)
    monkeypatch.setattr(invitations, "utcnow", clock.now)
    return clock
