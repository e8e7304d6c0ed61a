"""``kennisbank reindex``, ``kennisbank check-index`` and ``kennisbank index-worker``.

``reindex`` builds a complete new index beside the old one and swaps it in,
so searches keep working while it runs; changes saved meanwhile are caught
up under the write lock just before the swap. ``check-index`` compares every
item with its index entry and repairs what differs. ``index-worker`` applies
the outbox continuously, for deployments with several processes or with
``KENNISBANK_SEARCH_INLINE_DRAIN=false``; it also sends the mail outbox's due
messages (retries, and everything with ``KENNISBANK_MAIL_SEND_AFTER_COMMIT=false``),
so one background process serves both outboxes. All three keep the cross-lingual
lexicon's learned term pairs current too (``search.lexicon.store``), and
``check-index`` says what the lexicon holds (FreeDict installed or not).
"""

from __future__ import annotations

import sys
import time

import click
from sqlalchemy.orm import Session

from .content.registry import current_registry
from .extensions import db
from .following.digests import send_due_quietly as send_due_digests
from .mail.cli import drain_quietly as send_due_mail
from .models import Item
from .search import outbox
from .search.backend import SearchUnavailable
from .search.lexicon import store as lexicon_store
from .search.lexicon.service import current_lexicon
from .search.service import current_search


@click.command()
def reindex() -> None:
    """Rebuild the search index from the database (searches keep working)."""
    backend = current_search().backend
    total = db.session.scalar(db.select(db.func.count()).select_from(Item)) or 0
    db.session.close()
    started = time.monotonic()
    with click.progressbar(length=total, label="Indexing", show_pos=True) as bar:
        count = outbox.rebuild(backend, progress=bar.update)
    seconds = max(time.monotonic() - started, 1e-6)
    click.echo(f"Indexed {count} items in {seconds:.1f} s ({count / seconds:.0f} items/s).")
    _learn()


def _learn() -> None:
    """Relearn the lexicon's term pairs from the bilingual items, and say so."""
    started = time.monotonic()
    items, pairs = lexicon_store.rebuild(current_registry())
    click.echo(f"Lexicon: learned {len(pairs)} term pairs from {items} bilingual items "
               f"in {time.monotonic() - started:.1f} s.")


def _lexicon_report(repair: bool) -> bool:
    """Print what the lexicon holds; relearn stale pairs unless ``repair`` is off.
    Returns whether the learned pairs are (now) current."""
    status = current_lexicon().status()
    for note in status.notes:
        click.echo(f"Warning: {note}.")
    freedict = ", ".join(status.freedict) or "not installed"
    click.echo(f"Lexicon: FreeDict {freedict}; {status.vocabulary_terms} vocabulary terms, "
               f"{status.learned_pairs} learned pairs, {status.plugin_sets} plugin and "
               f"{status.editor_sets} editor synonym sets.")
    with Session(db.engine) as session:
        stale = lexicon_store.read_state(session).stale
    if not stale:
        return True
    if not repair:
        click.echo("Learned lexicon: out of date.")
        return False
    _learn()
    return True


@click.command("check-index")
@click.option("--dry-run", is_flag=True, help="Only report; do not repair.")
def check_index(dry_run: bool) -> None:
    """Compare the index with the database and repair the differences."""
    backend = current_search().backend
    report = outbox.check(backend)
    click.echo(f"Items in database: {report.database}")
    click.echo(f"Items in index:    {report.indexed}")
    click.echo(f"Pending updates:   {report.pending}")
    for label, ids in (("Missing", report.missing), ("Outdated", report.stale),
                       ("Not in database", report.orphans)):
        if ids:
            shown = ", ".join(str(i) for i in ids[:20]) + (" ..." if len(ids) > 20 else "")
            click.echo(f"{label}: {len(ids)} ({shown})")
    if report.schema_outdated:
        click.echo("The index was built for other content types: run `kennisbank reindex`.")
    lexicon_current = _lexicon_report(repair=not dry_run)
    if not report.drift:
        click.echo("The index matches the database.")
        if not lexicon_current:
            raise click.ClickException("the learned lexicon is out of date")
        return
    if dry_run:
        raise click.ClickException("the index differs from the database")
    outbox.repair(backend, report)
    fixed = len(report.missing) + len(report.stale) + len(report.orphans)
    click.echo(f"Repaired {fixed} entries.")
    if backend.schema_outdated():
        # Entries built for other content types that were not out of date
        # otherwise are left as they are: only a reindex rebuilds them all.
        raise click.ClickException("the index still needs `kennisbank reindex`")


#: Seconds between the worker's looks for due digests (they are due per day or week).
DIGEST_INTERVAL = 60.0


@click.command("index-worker")
@click.option("--interval", default=0.5, show_default=True, type=click.FloatRange(0.05, 60),
              help="Seconds between looks at the outbox.")
@click.option("--once", is_flag=True, help="Apply what is pending, then stop.")
def index_worker(interval: float, once: bool) -> None:
    """Apply pending index updates, make due digests and send due mail continuously
    (Ctrl+C to stop)."""
    backend = current_search().backend
    digests_checked = 0.0
    while True:
        try:
            applied = outbox.drain(backend)
        except SearchUnavailable as exc:
            click.echo(f"Index busy, will retry: {exc}", err=True)
            applied = 0
        if applied:
            click.echo(f"Applied {applied} index updates.")
        if lexicon_store.refresh(current_registry(), inline_limit=sys.maxsize):
            click.echo("Relearned the lexicon's term pairs.")
        if once or time.monotonic() - digests_checked >= DIGEST_INTERVAL:
            digests_checked = time.monotonic()
            made = send_due_digests()
            if made:
                click.echo(f"Queued {made} digests of followed searches.")
        try:
            sent = send_due_mail()
        except Exception as exc:  # a broken database or server must not stop the index
            click.echo(f"Mail not sent now, will retry: {exc}", err=True)
            sent = 0
        if sent:
            click.echo(f"Sent {sent} mails.")
        if once:
            return
        time.sleep(interval)
