"""``kennisbank synonyms``: list, add and delete the synonym sets search applies.

The same rules as the admin pages and the API (:mod:`.service`); messages are
English, like every command's output.
"""

from __future__ import annotations

import json

import click

from ..extensions import db
from . import service


@click.group()
def synonyms() -> None:
    """The synonym list: sets of equivalent Dutch and English terms that search applies."""


@synonyms.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def list_command(as_json: bool) -> None:
    """Every synonym set, oldest first."""
    sets = service.find_sets()
    if as_json:
        click.echo(json.dumps([{"id": s.id, "nl": s.terms("nl"), "en": s.terms("en"),
                                "note": s.note} for s in sets], ensure_ascii=False, indent=2))
        return
    if not sets:
        click.echo("No synonym sets yet: add one with "
                   "`kennisbank synonyms add --nl TERM --en TERM`.")
        return
    for s in sets:
        click.echo(f"{s.id:>4}  nl: {', '.join(s.terms('nl')) or '-'}  |  "
                   f"en: {', '.join(s.terms('en')) or '-'}")


@synonyms.command("add")
@click.option("--nl", "nl", multiple=True, metavar="TERM", help="A Dutch term (repeat the option).")
@click.option("--en", "en", multiple=True, metavar="TERM",
              help="An English term (repeat the option).")
@click.option("--note", default="", help="Why the set exists.")
def add_command(nl: tuple[str, ...], en: tuple[str, ...], note: str) -> None:
    """Add a set of at least two terms, such as --nl fietsstraat --en "bicycle street"."""
    try:
        created = service.create_set({"nl": list(nl), "en": list(en), "note": note}, None)
    except service.SynonymError as exc:
        db.session.rollback()
        raise click.ClickException(
            "; ".join(f"{field}: {message}" for field, message in exc.errors.items())
        ) from exc
    db.session.commit()
    click.echo(f"Added synonym set {created.id}.")


@synonyms.command("delete")
@click.argument("set_id", type=int)
def delete_command(set_id: int) -> None:
    """Delete the synonym set SET_ID (see `kennisbank synonyms list`)."""
    found = service.get_set(set_id) if 0 < set_id <= 2**31 - 1 else None
    if found is None:
        raise click.ClickException(f"There is no synonym set {set_id}.")
    service.delete_set(found)
    db.session.commit()
    click.echo(f"Deleted synonym set {set_id}.")
