"""``kennisbank digests send``: queue the digest of every due followed search now.

Run it from cron (``kennisbank index-worker`` also does it, once a minute); the
digests go out through the mail outbox like any other mail. It exits non-zero
when a digest could not be made, so cron mails the operator.
"""

from __future__ import annotations

import click

from .digests import DigestError, send_due


@click.group("digests")
def digests_group() -> None:
    """E-mail digests of followed searches."""


@digests_group.command("send")
def send() -> None:
    """Queue the digests that are due (and send them with the mail outbox)."""
    try:
        report = send_due()
    except DigestError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Due {report.due}: sent {report.sent}, nothing new {report.nothing_new}, "
               f"failed {len(report.errors)}.")
    for line in report.errors:
        click.echo(line, err=True)
    if report.errors:
        raise click.ClickException("not every digest was made; they are tried again next run")
