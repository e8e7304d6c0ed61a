"""``kennisbank reindex``, ``kennisbank check-index`` and ``kennisbank index-worker``.

``reindex`` builds a complete new index beside the old one and swaps it in,
so searches keep working while it runs; changes saved meanwhile are caught
up under the write lock just before the swap. ``check-index`` compares every
item with its index entry and repairs what differs. ``index-worker`` applies
the outbox continuously, for deployments with several processes or with
``KENNISBANK_SEARCH_INLINE_DRAIN=false``.
"""

from __future__ import annotations

import time

import click

from .extensions import db
from .models import Item
from .search import outbox
from .search.backend import SearchUnavailable
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
    if not report.drift:
        click.echo("The index matches the database.")
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


@click.command("index-worker")
@click.option("--interval", default=0.5, show_default=True, type=click.FloatRange(0.05, 60),
              help="Seconds between looks at the outbox.")
@click.option("--once", is_flag=True, help="Apply what is pending, then stop.")
def index_worker(interval: float, once: bool) -> None:
    """Apply pending index updates continuously (Ctrl+C to stop)."""
    backend = current_search().backend
    while True:
        try:
            applied = outbox.drain(backend)
        except SearchUnavailable as exc:
            click.echo(f"Index busy, will retry: {exc}", err=True)
            applied = 0
        if applied:
            click.echo(f"Applied {applied} index updates.")
        if once:
            return
        time.sleep(interval)
