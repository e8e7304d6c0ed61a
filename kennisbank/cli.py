"""The ``kennisbank`` command: set up, run and manage an instance.

The group builds the app once, on first use, and then lets plugins add their
own subcommands (``register_commands``), so ``kennisbank --help`` lists them.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app
from flask_babel import force_locale

from .config import ConfigError
from .plugins import PluginError, current_plugins


class KennisbankGroup(click.Group):
    """A click group that runs every command inside the app's context.

    The app is built on first use (from ``KENNISBANK_*`` settings) unless one
    is given, as the tests do.
    """

    def __init__(self, *args: Any, app: Flask | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._app = app
        self._plugin_commands_added = False

    def app(self) -> Flask:
        if self._app is None:
            from . import create_app

            try:
                self._app = create_app()
            except (PluginError, ConfigError) as exc:
                raise click.ClickException(str(exc)) from exc
        if not self._plugin_commands_added:
            self._plugin_commands_added = True
            with self._app.app_context():
                current_plugins().hook.register_commands(cli=self)
        return self._app

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is None:
            self.app()
            command = super().get_command(ctx, cmd_name)
        return command

    def list_commands(self, ctx: click.Context) -> list[str]:
        self.app()
        return super().list_commands(ctx)

    def invoke(self, ctx: click.Context) -> Any:
        # Command output is English, like the commands and their help; without
        # this, messages from shared code (validation, import) would follow
        # DEFAULT_LANGUAGE and mix with the English around them.
        with self.app().app_context(), force_locale("en"):
            return super().invoke(ctx)


@click.command()
@click.option("--demo", is_flag=True, help="Load the demo practices, cities and users.")
def init(demo: bool) -> None:
    """Create or upgrade the database schema (and load the demo content); safe to run again."""
    from .demo import load_demo
    from .schema import migrate

    click.echo(f"Instance folder: {current_app.instance_path}")
    before, after = migrate(current_app._get_current_object())  # type: ignore[attr-defined]
    if before != after:
        click.echo(f"Database schema: {before or 'empty'} -> {after}")
    if demo:
        report, users = load_demo()
        click.echo(
            f"Demo content: {report.created} created, {report.updated} updated, "
            f"{report.unchanged} unchanged."
        )
        for email, role, password in users:
            click.echo(f"Demo user {email} ({role}) password: {password}")


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--debug", is_flag=True, help="Reload on code changes; never in production.")
def serve(host: str, port: int, debug: bool) -> None:
    """Serve the app with Werkzeug (one machine; use gunicorn in production)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    app.run(host=host, port=port, debug=debug, use_reloader=debug)


@click.command("plugins")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def plugins_command(as_json: bool) -> None:
    """List the enabled plugins with their distribution, version and content types."""
    rows = [info for info in current_plugins().info.values() if not info.builtin]
    if as_json:
        click.echo(json.dumps([vars(info) for info in rows], indent=2))
        return
    if not rows:
        click.echo("No plugins enabled.")
    for info in rows:
        types = ", ".join(info.content_types) or "-"
        click.echo(f"{info.name:<16} {info.distribution} {info.version:<10} types: {types}")


@click.command("import")
@click.argument("file", type=click.File("rb"))
@click.option("--attachments", "attachments_dir", metavar="DIR",
              type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="Also attach the files in DIR/<external id>/ (see export --attachments).")
def import_command(file: Any, attachments_dir: Path | None) -> None:
    """Import items from a JSON Lines FILE (- for standard input); all or nothing."""
    from .attachments.transfer import stage_attachments
    from .content.transfer import import_items

    lines = file.readlines()
    staged = stage_attachments(lines, attachments_dir) if attachments_dir else None
    if staged is not None and staged.errors:
        for problem in staged.errors:
            click.echo(problem, err=True)
        raise click.ClickException(f"nothing imported: {len(staged.errors)} file(s) refused")
    report = import_items(lines, user=None)
    if not report.ok:
        for line in report.error_lines():
            click.echo(line, err=True)
        raise click.ClickException(
            f"nothing imported: {len(report.errors)} invalid line(s)"
        )
    click.echo(
        f"Imported: {report.created} created, {report.updated} updated, "
        f"{report.unchanged} unchanged."
    )
    if report.synonyms is not None:
        sets = report.synonyms
        click.echo(f"Synonym sets: {sets.created} created, {sets.updated} updated, "
                   f"{sets.unchanged} unchanged.")
    if staged is not None:
        added, replaced, unchanged = staged.save()
        click.echo(f"Attachments: {added} added, {replaced} replaced, {unchanged} unchanged.")


@click.command("export")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path),
                required=False)
@click.option("--attachments", "attachments_dir", metavar="DIR",
              type=click.Path(file_okay=False, path_type=Path),
              help="Also write each item's files to DIR/<external id>/.")
def export_command(file: Path | None, attachments_dir: Path | None) -> None:
    """Export the items, then the synonym sets, as JSON Lines to FILE (or standard output)."""
    from .attachments.transfer import export_attachments
    from .content.transfer import export_lines
    from .extensions import db
    from .models import Item
    from .synonyms.transfer import export_lines as synonym_lines

    items = db.session.execute(db.select(Item).order_by(Item.id)).scalars().all()
    if attachments_dir is not None:
        written = export_attachments(items, attachments_dir)
        click.echo(f"Wrote {written} attachments to {attachments_dir}", err=True)
    if file is None:
        for line in export_lines(items):
            sys.stdout.write(line)
        for line in synonym_lines():
            sys.stdout.write(line)
        return
    count = sets = 0
    tmp = file.with_name(file.name + ".part")
    with tmp.open("w", encoding="utf-8") as handle:
        for line in export_lines(items):
            handle.write(line)
            count += 1
        for line in synonym_lines():
            handle.write(line)
            sets += 1
    tmp.replace(file)
    click.echo(f"Exported {count} items to {file}", err=True)
    if sets:
        click.echo(f"Exported {sets} synonym sets to {file}", err=True)


def build_cli(app: Flask | None = None) -> KennisbankGroup:
    """The ``kennisbank`` group with the core commands; plugins add theirs on first use."""
    from .access.cli import access
    from .cli_db import db_group
    from .cli_search import check_index, index_worker, reindex
    from .cli_users import tokens, users
    from .following.cli import digests_group
    from .mail.cli import mail_group
    from .partners.cli import cities
    from .privacy.cli import privacy
    from .synonyms.cli import synonyms

    group = KennisbankGroup(
        name="kennisbank",
        help="Kennisbank: the knowledge base of practices of Deventer and its partner cities.",
        app=app,
    )
    for command in (init, serve, plugins_command, import_command, export_command, users, tokens,
                    reindex, check_index, index_worker):
        group.add_command(command)
    group.add_command(cities)
    group.add_command(synonyms)
    group.add_command(privacy)
    group.add_command(db_group)
    group.add_command(access)
    group.add_command(mail_group)
    group.add_command(digests_group)
    return group


def main() -> None:
    """Console-script entry point."""
    build_cli()()
