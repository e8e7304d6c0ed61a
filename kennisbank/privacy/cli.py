"""``kennisbank privacy``: the retention clean-up, and a person's data for an operator."""

from __future__ import annotations

import click

from ..auth.accounts import find_user
from ..extensions import db
from ..models import utcnow
from .registry import export_json, purge_names, run_purges


@click.group()
def privacy() -> None:
    """Personal data: remove what outlived its retention period, export a person's data."""


@privacy.command("purge")
def purge() -> None:
    """Run every registered clean-up (unconfirmed requests and messages, old security log)."""
    if not purge_names():
        click.echo("Nothing to purge: no clean-up is registered.")
        return
    removed = run_purges(utcnow())
    db.session.commit()
    for name, count in removed.items():
        click.echo(f"{name}: {count} removed")


@privacy.command("export")
@click.argument("email")
def export(email: str) -> None:
    """Print everything stored about the person with EMAIL as JSON (an access request)."""
    user = find_user(email)
    if user is None:
        raise click.ClickException(f"no account with the email address {email}")
    click.echo(export_json(user), nl=False)
