"""The outbox against a real SMTP server: sent after commit, in the recipient's
language, as plain text and HTML; nothing for a rolled-back transaction."""

from __future__ import annotations

from flask import Flask

from kennisbank.extensions import db
from kennisbank.mail import queue_mail
from kennisbank.mail.models import MailMessage
from tests.mail_server import MailServer

CONTEXT = {"subject": "Circulation plan", "body": "Can we visit in May?\nAnd <b>bring</b> maps?",
           "link": "https://kennisbank.example/en/inbox/1", "sender": "Anna", "about": "Leuven"}


def _rows(app: Flask) -> list[MailMessage]:
    with app.app_context():
        rows = db.session.scalars(db.select(MailMessage).order_by(MailMessage.id)).all()
        db.session.expunge_all()
        return list(rows)


def test_queued_mail_is_sent_after_commit_as_text_and_html(app: Flask,
                                                           smtp_server: MailServer) -> None:
    with app.app_context():
        queue_mail("anna@example.org", "message", CONTEXT, lang="en")
        assert smtp_server.received == []  # not inside the transaction
        db.session.commit()
    [received] = smtp_server.received
    assert received.rcpt_tos == ["anna@example.org"]
    mail = received.mail
    assert mail["Subject"] == "[Kennisbank] Circulation plan"
    assert mail["Auto-Submitted"] == "auto-generated"
    assert mail["Message-ID"] and mail["Date"]
    assert "kennisbank@deventer.example" in mail["From"]
    assert mail.get_content_type() == "multipart/alternative"
    text, html = received.part("plain"), received.part("html")
    assert "Anna sent you a message on Kennisbank about Leuven:" in text
    assert "And <b>bring</b> maps?" in text
    assert "And &lt;b&gt;bring&lt;/b&gt; maps?" in html
    assert 'href="https://kennisbank.example/en/inbox/1"' in html
    assert '<html lang="en">' in html
    [row] = _rows(app)
    assert (row.state, row.attempts, row.lang) == ("sent", 1, "en")
    assert row.sent_at is not None and row.message_id == mail["Message-ID"]


def test_mail_is_in_the_recipients_language(app: Flask, smtp_server: MailServer,
                                            make_user) -> None:
    dutch = make_user("reader", email="jan@example.nl", preferred_language="nl")
    english = make_user("reader", email="jane@example.org", preferred_language="en")
    with app.app_context():
        queue_mail(dutch.email, "message", CONTEXT, user=dutch)
        queue_mail(english.email, "message", CONTEXT, user=english)
        db.session.commit()
    [nl] = smtp_server.to("jan@example.nl")
    [en] = smtp_server.to("jane@example.org")
    assert "Anna stuurde u een bericht op Kennisbank over Leuven:" in nl.part("plain")
    assert '<html lang="nl">' in nl.part("html")
    assert nl.mail["Content-Language"] == "nl"
    assert "Anna sent you a message" in en.part("plain")


def test_a_rolled_back_transaction_sends_nothing(app: Flask, smtp_server: MailServer) -> None:
    with app.app_context():
        queue_mail("anna@example.org", "message", CONTEXT, lang="en")
        db.session.flush()
        db.session.rollback()
        db.session.commit()
    assert smtp_server.received == []
    assert _rows(app) == []


def test_without_a_mail_server_mail_waits(app: Flask) -> None:
    with app.app_context():
        queue_mail("anna@example.org", "message", CONTEXT, lang="en")
        db.session.commit()
    [row] = _rows(app)
    assert (row.state, row.attempts, row.last_error) == ("pending", 0, None)


def test_every_mail_template_is_valid_html_in_both_languages(app: Flask, tmp_path) -> None:
    """Each ``templates/mail/*.html`` (other features add theirs) rendered with a
    context that fills any name, checked by the Nu HTML checker."""
    from collections import defaultdict
    from pathlib import Path

    from kennisbank.mail.outbox import render
    from tests.test_html_validity import checker, run_checker

    folder = tmp_path / "mail-html"
    folder.mkdir()
    templates = sorted(p.stem for p in (Path(app.root_path) / "templates" / "mail").glob("*.html")
                       if not p.stem.startswith("_"))
    context = defaultdict(lambda: "https://kennisbank.example/x", CONTEXT)
    with app.test_request_context("/en/"):
        for name in templates:
            for lang in ("nl", "en"):
                html = render(name, context, lang).html
                (folder / f"{name}-{lang}.html").write_text(html, encoding="utf-8")
    assert "message" in templates
    errors = run_checker(checker(), folder)
    assert not errors, errors


def test_by_default_a_thread_sends_and_the_commit_does_not_wait(tmp_path,
                                                                mail_server: MailServer) -> None:
    """Outside tests the response never waits for the mail server, so how long an
    answer takes does not tell whether a mail was sent."""
    from kennisbank.mail.background import background_sender
    from tests.conftest import make_app

    app = make_app(tmp_path, **{**mail_server.settings(), "MAIL_SEND_IN_REQUEST": False})
    mail_server.delay = 1.0
    with app.app_context():
        queue_mail("anna@example.org", "message", CONTEXT, lang="en")
        db.session.commit()
        # The server answers a mail after a second; a send inside the commit would have
        # waited for that answer, so the mail would be in by now.
        assert mail_server.received == []
    assert len(mail_server.wait_for(1)) == 1
    background_sender(app).stop()
    [row] = _rows(app)
    assert row.state == "sent"
