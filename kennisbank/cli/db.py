"""``kennisbank db``: the schema migrations (see :mod:`kennisbank.schema`).

``upgrade`` is the deployment step on PostgreSQL, where start-up does not
migrate; ``revision`` is for developers who changed a model.
"""

from __future__ import annotations

import click

from .. import schema
from ..extensions import current_app_object


@click.group("db")
def db_group() -> None:
    """Database schema: show the revision, upgrade, write a new migration."""


@db_group.command("upgrade")
@click.argument("revision", default="head")
def upgrade(revision: str) -> None:
    """Run the migrations up to REVISION (default: the newest, head)."""
    before, after = schema.migrate(current_app_object(), revision)
    click.echo(f"Database schema: {before or 'empty'} -> {after}")


@db_group.command("current")
def current() -> None:
    """Print the database's revision and whether it is the newest."""
    found = schema.current_revision()
    head = schema.head_revision()
    state = "head" if found == head else f"behind, head is {head}"
    click.echo(f"{found or 'none'} ({state})")


@db_group.command("revision")
@click.option("-m", "--message", required=True, help="What the migration changes.")
@click.option("--autogenerate", is_flag=True,
              help="Compare the models with the database and write the differences.")
def revision(message: str, autogenerate: bool) -> None:
    """Write a new migration file into kennisbank/migrations/versions (review it!)."""
    if autogenerate and schema.current_revision() != schema.head_revision():
        raise click.ClickException("upgrade the database to head before autogenerating")
    schema.new_revision(message, autogenerate)
