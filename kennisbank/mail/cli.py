"""``kennisbank mail send-pending`` and ``kennisbank mail status``.

``send-pending`` sends every pending message now, including those waiting
for a later retry (an operator runs it when the server is back, or from
cron), and exits non-zero when some were not sent, so cron mails the
operator. ``status`` says whether mail is configured and what the outbox
holds. The continuous sending for deployments with several processes is
part of ``kennisbank index-worker`` (:func:`drain_quietly`), the one
background process a deployment already runs.
"""

from __future__ import annotations

import click
from flask import current_app

from ..models import utcnow
from . import sender
from .smtp import mail_configured


@click.group("mail")
def mail_group() -> None:
    """The mail outbox: what waits, what failed, and sending now."""


@mail_group.command("send-pending")
def send_pending() -> None:
    """Send every pending message now; exit 1 when some were not sent."""
    waiting = sender.status().counts["pending"]
    if not mail_configured():
        raise click.ClickException(
            f"mail is not configured: {waiting} message(s) wait in the outbox until "
            "KENNISBANK_MAIL_SERVER is set")
    report = sender.drain(everything=True)
    click.echo(f"Sent {report.sent}, to retry later {report.retrying}, failed {report.failed}.")
    for line in report.errors:
        click.echo(line, err=True)
    if report.retrying or report.failed:
        raise click.ClickException("not every message was sent: see `kennisbank mail status` "
                                   "and /<lang>/admin/mail")


@mail_group.command("status")
def status() -> None:
    """Whether mail is configured, messages per state, and the oldest waiting one."""
    found = sender.status()
    config = current_app.config
    if found.configured:
        click.echo(f"Mail server: {config['MAIL_SERVER']}:{config.get('MAIL_PORT') or 25} "
                   f"(from {config.get('MAIL_SENDER')})")
    else:
        click.echo("Mail is not configured: messages wait in the outbox until "
                   "KENNISBANK_MAIL_SERVER is set.")
    for state, count in found.counts.items():
        click.echo(f"{state:<8} {count}")
    if found.oldest_pending is not None:
        age = utcnow().replace(tzinfo=None) - found.oldest_pending.replace(tzinfo=None)
        click.echo(f"Oldest pending: {found.oldest_pending:%Y-%m-%d %H:%M} UTC "
                   f"({int(age.total_seconds() // 60)} minutes ago)")
    for problem in found.recent_errors:
        click.echo(f"Last error: {problem}")


def drain_quietly() -> int:
    """One worker round: send what is due; return how many were sent."""
    return sender.drain().sent
