"""``kennisbank access``: housekeeping of access requests and outside messages."""

from __future__ import annotations

import click

from ..extensions import db
from ..models import utcnow
from .retention import purge_expired


@click.group()
def access() -> None:
    """Access requests and messages from people without an account."""


@access.command("purge")
def purge_command() -> None:
    """Delete unconfirmed requests and messages older than RETENTION_DAYS, and decided
    requests older than ACCESS_DECLINE_DAYS."""
    counts = purge_expired(utcnow())
    db.session.commit()
    click.echo(
        f"Deleted {counts['unconfirmed_requests']} unconfirmed access requests, "
        f"{counts['decided_requests']} decided access requests and "
        f"{counts['unconfirmed_messages']} unconfirmed messages."
    )
