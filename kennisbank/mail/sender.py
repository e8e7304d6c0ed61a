"""Sending the outbox: claim due rows, hand them to the SMTP server, record the outcome.

Several processes may drain one outbox at once (every app worker after its
commits, ``kennisbank mail send-pending``, ``kennisbank index-worker``). A row
is *claimed* with one conditional UPDATE (``state = 'pending'``, due, and no
live lease) that sets a random ``claimed_by`` and a lease; exactly one UPDATE
matches, on SQLite (one writer at a time) and on PostgreSQL (the second
UPDATE waits for the first and re-checks its condition). Every later change
of the row names the claim, so a sender that lost its lease changes nothing.

Never twice, and the crash window
---------------------------------
Sending and recording cannot be one atomic step: the SMTP server and the
database do not share a transaction. The outbox therefore records, just
before DATA (after the server accepted sender and recipient), that the
message is ``sending``, and marks it ``sent`` as soon as the server answers
250. If the process dies:

* before DATA: the row is still ``pending``; its lease expires and another
  sender sends it. Nothing was handed over, so nothing is sent twice.
* between DATA and recording ``sent`` (a window of milliseconds): the server
  may have the message. Resending could deliver it twice, so it is not
  resent: once the lease has expired the row becomes ``failed`` with the
  reason "interrupted while being handed over", and an admin who checks
  with the recipient can send it again with "retry now". The same holds when
  the connection breaks during DATA.

So a message is never sent twice by the outbox itself, and never lost
without a trace: the rare uncertain case is shown to admins as failed.

Retries: connection errors, 4xx replies, a refused login or sender are
retried after ``MAIL_RETRY_DELAY`` seconds, doubling each time (at most
:data:`MAX_DELAY`), until ``MAIL_MAX_ATTEMPTS``; 5xx refusals of the recipient
or the message, and addresses that cannot be written, fail at once.
"""

from __future__ import annotations

import logging
import secrets
import smtplib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, exists, func, or_, select, update
from sqlalchemy.orm import Session

from ..extensions import changed_rows, db
from ..models import utcnow
from . import smtp
from .models import STATES, MailMessage

MAX_DELAY = timedelta(hours=4)
#: How long a claim holds: far longer than one SMTP conversation may take.
LEASE = timedelta(minutes=5)
BATCH = 50
INTERRUPTED = ("interrupted while being handed to the mail server; it may have arrived: "
               "check with the recipient before retrying")
#: Far enough ahead to make every pending row due ("send everything now").
EVERYTHING = timedelta(days=365 * 100)

log = logging.getLogger(__name__)


@dataclass
class DrainReport:
    """What one run did; ``errors`` holds the reasons of this run's failures."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    def __iadd__(self, other: DrainReport) -> DrainReport:
        self.sent += other.sent
        self.retrying += other.retrying
        self.failed += other.failed
        self.errors += other.errors
        return self


def max_attempts() -> int:
    return max(1, int(current_app.config["MAIL_MAX_ATTEMPTS"]))


def retry_delay(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed attempt: doubling, at most :data:`MAX_DELAY`."""
    base = float(current_app.config["MAIL_RETRY_DELAY"])
    exponent = min(max(attempts - 1, 0), 30)
    return min(timedelta(seconds=base * 2 ** exponent), MAX_DELAY)


def _due(now: datetime, ahead: timedelta = timedelta(0)) -> tuple[ColumnElement[bool], ...]:
    """Pending, due by ``now + ahead``, and not held by a live claim."""
    return (MailMessage.state == "pending", MailMessage.next_attempt_at <= now + ahead,
            or_(MailMessage.claimed_until.is_(None), MailMessage.claimed_until < now))


def drain(*, first: list[int] | None = None, limit: int | None = None,
          everything: bool = False) -> DrainReport:
    """Send due messages (``first`` before the others), at most ``limit`` of them;
    with ``everything`` also those waiting for a later retry.

    Without ``MAIL_SERVER`` nothing is tried and nothing changes. Stops early
    when the server cannot be reached: the other messages would fail alike.
    """
    report = DrainReport()
    if not smtp.mail_configured():
        return report
    interrupted = recover_interrupted()
    if interrupted:
        report.failed += interrupted
        report.errors.append(f"{interrupted} mail(s): {INTERRUPTED}")
    ahead = EVERYTHING if everything else timedelta(0)
    with Session(db.engine) as session, _connection() as conn:
        for message_id in _candidates(session, first or [], limit, ahead):
            outcome = _send_one(session, conn, message_id, ahead)
            report += outcome
            if conn.broken:
                break
    return report


def _candidates(session: Session, first: list[int], limit: int | None,
                ahead: timedelta) -> Iterator[int]:
    """``first``, then the due rows oldest first (read in batches, each row once per run)."""
    count = 0
    for message_id in dict.fromkeys(first):
        if limit is not None and count >= limit:
            return
        count += 1
        yield message_id
    after = 0
    while True:
        batch = list(session.scalars(
            select(MailMessage.id).where(*_due(utcnow(), ahead), MailMessage.id > after)
            .order_by(MailMessage.id).limit(BATCH)))
        session.rollback()  # end the read: each claim is a transaction of its own
        if not batch:
            return
        for message_id in batch:
            if limit is not None and count >= limit:
                return
            after = message_id
            if message_id not in first:
                count += 1
                yield message_id


class _Connection:
    """One SMTP connection per run, opened when the first message is claimed."""

    def __init__(self) -> None:
        self.client: smtplib.SMTP | None = None
        self.broken = False

    def get(self) -> smtplib.SMTP:
        if self.client is None:
            try:
                self.client = smtp.connect()
            except smtp.Temporary:
                self.broken = True
                raise
        return self.client

    def drop(self) -> None:
        self.broken = True
        if self.client is not None:
            smtp.close(self.client)
            self.client = None


@contextmanager
def _connection() -> Iterator[_Connection]:
    conn = _Connection()
    try:
        yield conn
    finally:
        if conn.client is not None:
            smtp.close(conn.client)


def _claim(session: Session, message_id: int, ahead: timedelta) -> str | None:
    """Take the row for this run; ``None`` when another sender has it or it is not due."""
    token = secrets.token_hex(16)
    now = utcnow()
    result = session.execute(
        update(MailMessage).where(MailMessage.id == message_id, *_due(now, ahead))
        .values(claimed_by=token, claimed_until=now + LEASE, attempts=MailMessage.attempts + 1)
        .execution_options(synchronize_session=False))
    session.commit()
    return token if changed_rows(result) == 1 else None


def _change(session: Session, message_id: int, token: str, **values: object) -> bool:
    """Change the row only while this run's claim holds it."""
    result = session.execute(
        update(MailMessage).where(MailMessage.id == message_id, MailMessage.claimed_by == token)
        .values(**values).execution_options(synchronize_session=False))
    session.commit()
    return changed_rows(result) == 1


def _send_one(session: Session, conn: _Connection, message_id: int,
              ahead: timedelta) -> DrainReport:
    token = _claim(session, message_id, ahead)
    if token is None:
        return DrainReport()
    row = session.get(MailMessage, message_id, populate_existing=True)
    assert row is not None
    to, attempts = row.to, row.attempts
    if attempts > max_attempts():
        return _fail(session, row.id, token, "gave_up",
                     f"gave up after {attempts - 1} attempts: {row.last_error or 'interrupted'}")
    try:
        mail = smtp.build_mail(row)
        session.rollback()  # release the read before the network conversation
        client = conn.get()
        reply = smtp.hand_over(client, mail, to, lambda: _change(
            session, message_id, token, state="sending", claimed_until=utcnow() + LEASE))
    except smtp.Permanent as exc:
        return _fail(session, message_id, token, exc.kind, str(exc))
    except smtp.Uncertain as exc:
        conn.drop()
        return _fail(session, message_id, token, "interrupted", f"{INTERRUPTED} ({exc})")
    except smtp.Temporary as exc:
        if exc.connection:
            conn.drop()
        return _retry(session, message_id, token, attempts, str(exc))
    except (OSError, smtplib.SMTPException) as exc:
        conn.drop()
        return _retry(session, message_id, token, attempts, f"connection lost: {exc}")
    if not reply:
        log.warning("mail %s: claim lost before DATA; another sender has it", message_id)
        return DrainReport()
    if not _change(session, message_id, token, state="sent", sent_at=utcnow(),
                   claimed_by=None, claimed_until=None, last_error=None, failure=None):
        log.error("mail %s was sent (%s) but its claim had expired", message_id, reply)
    log.info("mail %s sent to %s: %s", message_id, to, reply)
    return DrainReport(sent=1)


def _retry(session: Session, message_id: int, token: str, attempts: int,
           reason: str) -> DrainReport:
    if attempts >= max_attempts():
        return _fail(session, message_id, token, "gave_up",
                     f"gave up after {attempts} attempts: {reason}")
    wait = retry_delay(attempts)
    _change(session, message_id, token, state="pending", next_attempt_at=utcnow() + wait,
            last_error=reason, claimed_by=None, claimed_until=None)
    log.warning("mail %s not sent (attempt %d), retry in %s: %s", message_id, attempts,
                wait, reason)
    return DrainReport(retrying=1)


def _fail(session: Session, message_id: int, token: str, kind: str,
          reason: str) -> DrainReport:
    _change(session, message_id, token, state="failed", failure=kind, last_error=reason[:2000],
            claimed_by=None, claimed_until=None)
    log.error("mail %s failed: %s", message_id, reason)
    return DrainReport(failed=1, errors=[f"mail {message_id}: {reason}"])


def recover_interrupted() -> int:
    """Rows left ``sending`` by a sender that died: failed, with the reason (see above)."""
    now = utcnow()
    stale = (MailMessage.state == "sending", MailMessage.claimed_until < now)
    with Session(db.engine) as session:
        if not session.scalar(select(exists().where(*stale))):
            return 0  # the usual case, without taking a write lock
        result = session.execute(
            update(MailMessage).where(*stale)
            .values(state="failed", failure="interrupted", last_error=INTERRUPTED,
                    claimed_by=None, claimed_until=None)
            .execution_options(synchronize_session=False))
        session.commit()
    interrupted = changed_rows(result)
    if interrupted:
        log.error("%d mail(s) were interrupted while being handed over", interrupted)
    return interrupted


def retry_now(session: Session, message_ids: list[int]) -> int:
    """Put failed messages back in the queue, due now, with a fresh set of attempts.

    Runs in ``session``'s transaction (the caller commits); they are sent after the commit.
    """
    from .outbox import send_after_commit

    result = session.execute(
        update(MailMessage)
        .where(MailMessage.id.in_(message_ids), MailMessage.state == "failed")
        .values(state="pending", attempts=0, next_attempt_at=utcnow(), failure=None,
                claimed_by=None, claimed_until=None)
        .execution_options(synchronize_session=False))
    send_after_commit(session, list(message_ids))
    return changed_rows(result)


@dataclass(frozen=True)
class Status:
    counts: dict[str, int]
    oldest_pending: datetime | None
    configured: bool
    #: The newest rows' ``last_error`` (pending ones retrying, and failed ones).
    recent_errors: list[str]


def status() -> Status:
    """Counts per state, the oldest pending message and the latest errors."""
    with Session(db.engine) as session:
        counts = dict.fromkeys(STATES, 0)
        for state, count in session.execute(
                select(MailMessage.state, func.count()).group_by(MailMessage.state)):
            counts[state] = count
        oldest = session.scalar(select(func.min(MailMessage.created_at))
                                .where(MailMessage.state == "pending"))
        errors = session.execute(
            select(MailMessage.id, MailMessage.state, MailMessage.last_error)
            .where(MailMessage.last_error.is_not(None), MailMessage.state != "sent")
            .order_by(MailMessage.id.desc()).limit(3)).all()
    return Status(counts=counts, oldest_pending=oldest, configured=smtp.mail_configured(),
                  recent_errors=[f"mail {i} ({state}): {error}" for i, state, error in errors])
