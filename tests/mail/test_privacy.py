"""The outbox's part in privacy: a person's mails in their download (without the
text), sent and failed mail purged after the retention period, pending never."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from kennisbank.extensions import db
from kennisbank.mail import queue_mail
from kennisbank.mail.models import MailMessage
from kennisbank.mail.privacy import export_mail, forget_mail, purge_mail
from kennisbank.models import User, utcnow

CONTEXT = {"subject": "Reset", "body": "https://kb.example/reset/SECRET", "sender": "Kennisbank",
           "link": "https://kb.example/en/inbox/1", "about": ""}


def _mail(to: str, state: str, age: timedelta) -> None:
    row = queue_mail(to, "message", CONTEXT, lang="en")
    row.state, row.created_at = state, utcnow() - age
    row.sent_at = row.created_at if state == "sent" else None


def test_export_purge_and_forget(app: Flask, make_user) -> None:
    person = make_user("reader", email="Anna@Example.org")
    with app.app_context():
        _mail("anna@example.org", "sent", timedelta(days=40))
        _mail("anna@example.org", "failed", timedelta(days=40))
        _mail("anna@example.org", "pending", timedelta(days=40))
        _mail("anna@example.org", "sent", timedelta(days=2))
        _mail("jan@example.nl", "sent", timedelta(days=2))
        db.session.commit()
        user = db.session.get(User, person.id)
        exported = export_mail(user)
        assert [entry["state"] for entry in exported] == ["sent", "failed", "pending", "sent"]
        assert "SECRET" not in repr(exported) and exported[0]["subject"] == "[Kennisbank] Reset"

        assert purge_mail(utcnow()) == 2  # the old sent and failed ones
        db.session.commit()
        assert [e["state"] for e in export_mail(user)] == ["pending", "sent"]

        assert forget_mail(user) == 1  # the pending one still goes out
        db.session.commit()
        remaining = db.session.scalars(db.select(MailMessage.to).order_by(MailMessage.id)).all()
        assert remaining == ["anna@example.org", "jan@example.nl"]
