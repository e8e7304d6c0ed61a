"""The sender against a real SMTP server that goes down, comes back, refuses:
nothing lost, nothing sent twice, a bad address reported and not retried."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask

from kennisbank.extensions import db
from kennisbank.mail import queue_mail
from kennisbank.mail.models import MailMessage
from kennisbank.mail.sender import drain
from kennisbank.models import utcnow
from tests.conftest import Runner, make_app
from tests.mail_server import MailServer

CONTEXT = {"subject": "Hello", "body": "Text", "link": "https://kb.example/en/inbox/1",
           "sender": "Anna", "about": ""}


def _queue(app: Flask, *addresses: str) -> None:
    """One transaction per address, as separate requests would."""
    for address in addresses:
        with app.app_context():
            queue_mail(address, "message", {**CONTEXT, "subject": f"For {address}"}, lang="en")
            db.session.commit()


def _rows(app: Flask) -> dict[str, MailMessage]:
    with app.app_context():
        rows = db.session.scalars(db.select(MailMessage).order_by(MailMessage.id)).all()
        db.session.expunge_all()
        return {row.to: row for row in rows}


def _aware(value):  # SQLite gives naive datetimes that mean UTC
    return value if value.tzinfo else value.replace(tzinfo=utcnow().tzinfo)


def test_a_down_server_loses_nothing_and_a_restart_sends_everything_once(
        tmp_path: Path, mail_server: MailServer) -> None:
    app = make_app(tmp_path, **mail_server.settings())
    mail_server.stop()
    addresses = [f"person{i}@example.org" for i in range(3)]
    _queue(app, *addresses)
    rows = _rows(app)
    assert [row.state for row in rows.values()] == ["pending"] * 3
    for row in rows.values():
        assert row.attempts == 1 and "cannot connect" in row.last_error
        assert _aware(row.next_attempt_at) > utcnow() + timedelta(seconds=50)

    # The app process ends; a new one on the same database finds everything waiting.
    restarted = make_app(tmp_path, DATABASE_URL=app.config["DATABASE_URL"],
                         **mail_server.settings())
    mail_server.start()
    result = Runner(restarted).invoke("mail", "send-pending")
    assert result.exit_code == 0, result.output
    assert "Sent 3, to retry later 0, failed 0." in result.output
    assert sorted(r.rcpt_tos[0] for r in mail_server.received) == addresses
    again = Runner(restarted).invoke("mail", "send-pending")
    assert again.exit_code == 0 and "Sent 0," in again.output
    assert len(mail_server.received) == 3
    assert len({r.mail["Message-ID"] for r in mail_server.received}) == 3
    assert {row.state for row in _rows(app).values()} == {"sent"}


def test_waits_double_after_each_failed_attempt(app: Flask, smtp_server: MailServer) -> None:
    smtp_server.stop()
    _queue(app, "anna@example.org")
    waits = []
    for _ in range(3):
        row = _rows(app)["anna@example.org"]
        waits.append((_aware(row.next_attempt_at) - utcnow()).total_seconds())
        with app.app_context():
            assert drain().sent == 0  # not due yet: nothing tried
            assert _rows(app)["anna@example.org"].attempts == row.attempts
            drain(everything=True)
    assert [round(w / 60) for w in waits] == [1, 2, 4]
    assert _rows(app)["anna@example.org"].attempts == 4


def test_a_refused_address_fails_with_the_reason_and_is_not_retried(
        app: Flask, smtp_server: MailServer, runner: Runner) -> None:
    smtp_server.refuse("nobody@example.org")
    _queue(app, "nobody@example.org", "anna@example.org")
    refused = _rows(app)["nobody@example.org"]
    assert (refused.state, refused.failure, refused.attempts) == ("failed", "refused", 1)
    assert "550 5.1.1 No such user here" in refused.last_error
    assert [r.rcpt_tos for r in smtp_server.received] == [["anna@example.org"]]
    result = runner.invoke("mail", "send-pending")
    assert result.exit_code == 0 and "Sent 0," in result.output  # failed rows stay failed
    assert _rows(app)["nobody@example.org"].attempts == 1


def test_send_pending_exits_non_zero_when_a_message_fails(app: Flask, runner: Runner,
                                                          mail_server: MailServer) -> None:
    _queue(app, "nobody@example.org")  # queued while mail was not configured
    mail_server.refuse("nobody@example.org")
    app.config.update(mail_server.settings())
    result = runner.invoke("mail", "send-pending")
    assert result.exit_code == 1
    assert "failed 1" in result.output and "550 5.1.1" in result.output


def test_a_try_later_reply_is_retried(app: Flask, smtp_server: MailServer,
                                      runner: Runner) -> None:
    smtp_server.refuse("busy@example.org", "451 4.3.0 Mailbox busy, try later")
    _queue(app, "busy@example.org")
    row = _rows(app)["busy@example.org"]
    assert (row.state, row.attempts) == ("pending", 1) and "451 4.3.0" in row.last_error
    assert runner.invoke("mail", "send-pending").exit_code == 1
    smtp_server.refusals.clear()
    assert runner.invoke("mail", "send-pending").exit_code == 0
    assert _rows(app)["busy@example.org"].state == "sent"
    assert len(smtp_server.to("busy@example.org")) == 1


def test_an_unwritable_address_fails_without_asking_the_server(
        app: Flask, smtp_server: MailServer) -> None:
    _queue(app, "anna@example.org\r\nBcc: victim@example.org", "no-at-sign")
    rows = _rows(app)
    assert {row.failure for row in rows.values()} == {"invalid"}
    assert all("not a valid e-mail address" in row.last_error for row in rows.values())
    assert smtp_server.received == []


def test_a_message_fails_after_the_last_attempt(tmp_path: Path, mail_server: MailServer) -> None:
    app = make_app(tmp_path, MAIL_MAX_ATTEMPTS=3, **mail_server.settings())
    mail_server.stop()
    _queue(app, "anna@example.org")
    runner = Runner(app)
    assert runner.invoke("mail", "send-pending").exit_code == 1
    result = runner.invoke("mail", "send-pending")
    assert result.exit_code == 1 and "gave up after 3 attempts" in result.output
    row = _rows(app)["anna@example.org"]
    assert (row.state, row.failure, row.attempts) == ("failed", "gave_up", 3)
    mail_server.start()
    assert runner.invoke("mail", "send-pending").exit_code == 0
    assert mail_server.received == []


def test_two_senders_at_once_send_each_message_once(tmp_path: Path,
                                                    mail_server: MailServer) -> None:
    app = make_app(tmp_path, MAIL_SEND_AFTER_COMMIT=False, **mail_server.settings())
    with app.app_context():
        for i in range(24):
            queue_mail(f"person{i}@example.org", "message", CONTEXT, lang="nl")
        db.session.commit()
    mail_server.delay = 0.02
    reports = []

    def send() -> None:
        with app.app_context():
            reports.append(drain())

    threads = [threading.Thread(target=send) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sum(report.sent for report in reports) == 24
    assert all(report.sent < 24 for report in reports), "the senders did not overlap"
    recipients = [r.rcpt_tos[0] for r in mail_server.received]
    assert sorted(recipients) == sorted(f"person{i}@example.org" for i in range(24))
    assert {row.attempts for row in _rows(app).values()} == {1}


def _claimed(app: Flask, state: str, lease_left: timedelta) -> None:
    """A row as a sender that died left it."""
    with app.app_context():
        queue_mail("anna@example.org", "message", CONTEXT, lang="en")
        db.session.flush()
        row = db.session.scalars(db.select(MailMessage)).one()
        row.state, row.attempts, row.claimed_by = state, 1, "dead-sender"
        row.claimed_until = utcnow() + lease_left
        db.session.commit()


@pytest.mark.parametrize("lease_left", [timedelta(minutes=-1), timedelta(minutes=4)])
def test_a_sender_that_died_before_data_leaves_the_message_to_the_next(
        tmp_path: Path, mail_server: MailServer, lease_left: timedelta) -> None:
    app = make_app(tmp_path, MAIL_SEND_AFTER_COMMIT=False, **mail_server.settings())
    _claimed(app, "pending", lease_left)
    with app.app_context():
        drain(everything=True)
    expired = lease_left < timedelta(0)
    assert len(mail_server.received) == (1 if expired else 0)  # a live lease is respected
    row = _rows(app)["anna@example.org"]
    assert (row.state, row.attempts) == (("sent", 2) if expired else ("pending", 1))


def test_a_sender_that_died_during_data_is_reported_not_resent(
        tmp_path: Path, mail_server: MailServer) -> None:
    app = make_app(tmp_path, MAIL_SEND_AFTER_COMMIT=False, **mail_server.settings())
    _claimed(app, "sending", timedelta(minutes=-1))
    result = Runner(app).invoke("mail", "send-pending")
    assert mail_server.received == []
    row = _rows(app)["anna@example.org"]
    assert (row.state, row.failure) == ("failed", "interrupted")
    assert "it may have arrived" in row.last_error
    assert result.exit_code == 1 and "failed 1" in result.output


def test_index_worker_also_sends_due_mail(tmp_path: Path, mail_server: MailServer) -> None:
    app = make_app(tmp_path, MAIL_SEND_AFTER_COMMIT=False, **mail_server.settings())
    _queue(app, "anna@example.org")
    assert mail_server.received == []
    result = Runner(app).invoke("index-worker", "--once")
    assert result.exit_code == 0 and "Sent 1 mails." in result.output
    assert len(mail_server.received) == 1
