"""The ``kennisbank`` command: set up, run and manage an instance.

The group builds the app once, on first use, and then lets plugins add their
own subcommands (``register_commands``), so ``kennisbank --help`` lists them.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app, has_app_context
from flask_babel import force_locale

from ..config import ConfigError
from ..extensions import current_app_object
from ..plugins import PluginError, current_plugins

#: Commands that answer without building the app when none is given (they
#: only read, and building one would create an instance in an empty folder).
WITHOUT_APP = frozenset({"plugins"})


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
            from .. import create_app

            try:
                self._app = create_app()
            except (PluginError, ConfigError) as exc:
                raise click.ClickException(str(exc)) from exc
        if not self._plugin_commands_added:
            self._plugin_commands_added = True
            with self._app.app_context():
                try:
                    current_plugins().call("register_commands", cli=self)
                except PluginError as exc:
                    raise click.ClickException(str(exc)) from exc
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

    def resolve_command(self, ctx: click.Context, args: list[str]
                        ) -> tuple[str | None, click.Command | None, list[str]]:
        """Find the subcommand and enter the app's context for it (held until
        the command is done), except for the commands in :data:`WITHOUT_APP`
        when no app was given: building one creates the instance folder,
        its database and its secret key."""
        name, command, rest = super().resolve_command(ctx, args)
        if command is not None and (self._app is not None or name not in WITHOUT_APP):
            ctx.with_resource(self.app().app_context())
            # Command output is English, like the commands and their help; without
            # this, messages from shared code (validation, import) would follow
            # DEFAULT_LANGUAGE and mix with the English around them.
            ctx.with_resource(force_locale("en"))
        return name, command, rest


@click.command()
@click.option("--demo", is_flag=True, help="Load the demo practices, cities and users.")
def init(demo: bool) -> None:
    """Create or upgrade the database schema (and load the demo content); safe to run again."""
    from ..demo import load_demo
    from ..schema import migrate

    click.echo(f"Instance folder: {current_app.instance_path}")
    before, after = migrate(current_app_object())
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
    app = current_app_object()
    app.run(host=host, port=port, debug=debug, use_reloader=debug)


@click.command("plugins")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option("--all", "show_all", is_flag=True,
              help="Also list the core's built-in plugins (such as the partner features).")
def plugins_command(as_json: bool, show_all: bool) -> None:
    """List the enabled plugins with their distribution, version and content types."""
    if has_app_context():
        plugins = current_plugins()
    else:  # only reads: no instance folder, database or secret key is created
        from ..app import load_plugins
        from ..config import enabled_plugins_from_env

        try:
            plugins, _registry = load_plugins(enabled_plugins_from_env())
        except PluginError as exc:
            raise click.ClickException(str(exc)) from exc
    rows = [info for info in plugins.info.values() if show_all or not info.builtin]
    if as_json:
        click.echo(json.dumps([vars(info) for info in rows], indent=2))
        return
    if not rows:
        click.echo("No plugins enabled.")
        return
    click.echo(table(("Plugin", "Distribution", "Version", "Content types"),
                     [(info.name + (" (built in)" if info.builtin else ""), info.distribution,
                       info.version, ", ".join(info.content_types) or "-") for info in rows]))


def table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    """Rows in columns as wide as their widest cell, the header first."""
    widths = [max(len(row[n]) for row in (header, *rows)) for n in range(len(header))]
    return "\n".join("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
                     .rstrip() for row in (header, *rows))


@click.command("import")
@click.argument("file", type=click.File("rb"))
@click.option("--attachments", "attachments_dir", metavar="DIR",
              type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="Also attach the files in DIR/<external id>/ (see export --attachments).")
def import_command(file: Any, attachments_dir: Path | None) -> None:
    """Import items from a JSON Lines FILE (- for standard input); all or nothing."""
    from ..attachments.transfer import stage_attachments
    from ..content.transfer import import_items
    from ..search import outbox
    from .search import fail_on_index_failures

    started = time.monotonic()
    lines: Any = file
    staged = None
    if attachments_dir:
        lines = file.readlines()  # read twice: for the files, then for the items
        staged = stage_attachments(lines, attachments_dir)
        if staged.errors:
            for problem in staged.errors:
                click.echo(problem, err=True)
            raise click.ClickException(f"nothing imported: {len(staged.errors)} file(s) refused")
    with ImportProgress(_line_count(file)) as progress:
        report = import_items(lines, user=None, progress=progress)
    if not report.ok:
        for line in report.error_lines():
            click.echo(line, err=True)
        raise click.ClickException(
            f"nothing imported: {len(report.errors)} invalid line(s)"
        )
    seconds = time.monotonic() - started
    rate = (report.created + report.updated + report.unchanged) / max(seconds, 1e-9)
    click.echo(
        f"Imported: {report.created} created, {report.updated} updated, "
        f"{report.unchanged} unchanged in {seconds:.1f} s ({rate:.0f} items/s)."
    )
    if report.synonyms is not None:
        sets = report.synonyms
        click.echo(f"Synonym sets: {sets.created} created, {sets.updated} updated, "
                   f"{sets.unchanged} unchanged.")
    if staged is not None:
        added, replaced, unchanged = staged.save()
        click.echo(f"Attachments: {added} added, {replaced} replaced, {unchanged} unchanged.")
    imported = set(report.item_ids)
    fail_on_index_failures([f for f in outbox.failures() if f.item_id in imported],
                           "The import itself is committed: every item is saved.")


def _line_count(file: Any) -> int | None:
    """Lines in ``file`` when it can be read twice (not standard input), for the progress bar."""
    if not file.seekable():
        return None
    count = sum(chunk.count(b"\n") for chunk in iter(lambda: file.read(1 << 20), b""))
    file.seek(0)
    return count


class ImportProgress:
    """A progress bar per stage of an import (checking lines, saving, indexing),
    on a terminal only: a script reading the output gets just the summary."""

    LABELS = {"check": "Checking", "save": "Saving", "index": "Indexing"}

    def __init__(self, lines: int | None) -> None:
        self.lines = lines
        self.saved = 0
        self.stage: str | None = None
        self.bar: Any = None
        self.show = sys.stdout.isatty()

    def __enter__(self) -> ImportProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        self._close()

    def __call__(self, stage: str, n: int) -> None:
        if stage == "save":
            self.saved += n
        if not self.show:
            return
        if stage != self.stage:
            self._close()
            self.stage = stage
            length = self.lines if stage == "check" else self.saved if stage == "index" else None
            self.bar = click.progressbar(length=length, label=self.LABELS.get(stage, stage),
                                         show_pos=True)
            self.bar.__enter__()
        self.bar.update(n)

    def _close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


@click.command("export")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path),
                required=False)
@click.option("--attachments", "attachments_dir", metavar="DIR",
              type=click.Path(file_okay=False, path_type=Path),
              help="Also write each item's files to DIR/<external id>/.")
def export_command(file: Path | None, attachments_dir: Path | None) -> None:
    """Export the items, then the synonym sets, as JSON Lines to FILE (or standard output)."""
    from ..attachments.transfer import export_attachments
    from ..content.transfer import export_lines
    from ..extensions import db
    from ..models import Item
    from ..synonyms.transfer import export_lines as synonym_lines

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
    from ..access.cli import access
    from ..following.cli import digests_group
    from ..mail.cli import mail_group
    from ..privacy.cli import privacy
    from ..synonyms.cli import synonyms
    from .db import db_group
    from .search import check_index, index_worker, reindex, search_command
    from .users import tokens, users

    group = KennisbankGroup(
        name="kennisbank",
        help="Kennisbank: the knowledge base of practices of Deventer and its partner cities.",
        app=app,
    )
    for command in (init, serve, plugins_command, import_command, export_command, users, tokens,
                    reindex, check_index, index_worker, search_command):
        group.add_command(command)
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
