"""``kennisbank reindex``, ``kennisbank check-index`` and ``kennisbank index-worker``.

``reindex`` builds a complete new index beside the old one and swaps it in,
so searches keep working while it runs; changes saved meanwhile are caught
up under the write lock just before the swap; it first recomputes every
item's permission labels, so a plugin's changed label rule reaches the
database and the index alike. ``check-index`` compares every item with its
index entry, and its stored permission labels with what the rules say now,
and repairs what differs. ``index-worker`` applies
the outbox continuously, for deployments with several processes or with
``KENNISBANK_SEARCH_INLINE_DRAIN=false``; it also sends the mail outbox's due
messages (retries, and everything with ``KENNISBANK_MAIL_SEND_AFTER_COMMIT=false``),
so one background process serves both outboxes. All three keep the cross-lingual
lexicon's learned term pairs current too (``search.lexicon.store``), and
``check-index`` says what the lexicon holds (FreeDict installed or not).
``search`` asks the search service what the API's ``/api/v1/search`` asks
it, as an anonymous reader.

Items a plugin fails on in ``index_document`` are indexed without that
plugin's part and recorded (``search.outbox``); ``reindex``, ``check-index``
and ``import`` list them with the plugin named and exit with status 1, after
doing the rest of their work.
"""

from __future__ import annotations

import json
import sys
import time

import click
from flask import current_app
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from ..auth.policy import may_read_collection
from ..config import LANGUAGES
from ..content.registry import current_registry
from ..extensions import db
from ..following.digests import send_due_quietly as send_due_digests
from ..mail.cli import drain_quietly as send_due_mail
from ..models import Item
from ..search import outbox
from ..search.backend import SearchUnavailable
from ..search.lexicon import store as lexicon_store
from ..search.lexicon.service import current_lexicon
from ..search.outbox import IndexFailure
from ..search.service import (
    MAX_PAGE,
    BadSearchRequest,
    SearchPage,
    current_search,
    parse_params,
    search,
)


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
    fail_on_index_failures(outbox.failures(), "The index was rebuilt and is in use.")


def fail_on_index_failures(failures: list[IndexFailure], done: str) -> None:
    """List the items a plugin failed on, naming it, and exit with status 1;
    ``done`` says what was done all the same."""
    if not failures:
        return
    click.echo(f"Indexed without a failing plugin's part: {len(failures)} item(s)", err=True)
    for failure in failures:
        click.echo(f"  item {failure.item_id}: {failure.error} "
                   f"(attempts: {failure.attempts})", err=True)
    click.echo(f"{done} Fix or disable the plugin, then run `kennisbank check-index` to "
               "index these items again.", err=True)
    plugins = ", ".join(sorted({f.plugins for f in failures}))
    raise click.ClickException(f"{len(failures)} item(s) could not be indexed completely: "
                               f"plugin {plugins} failed")


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
    if not dry_run:
        # Updates left waiting (by a crash, or a busy index) are applied first:
        # what they would fix is then not reported as drift.
        applied = outbox.drain(backend)
        if applied:
            click.echo(f"Applied {applied} pending updates.")
    report = outbox.check(backend)
    click.echo(f"Items in database: {report.database}")
    click.echo(f"Items in index:    {report.indexed}")
    click.echo(f"Pending updates:   {report.pending}")
    for label, ids in (("Missing", report.missing), ("Outdated", report.stale),
                       ("Not in database", report.orphans),
                       ("Permission labels outdated", report.labels_stale)):
        if ids:
            shown = ", ".join(str(i) for i in ids[:20]) + (" ..." if len(ids) > 20 else "")
            click.echo(f"{label}: {len(ids)} ({shown})")
    if report.schema_outdated:
        click.echo("The index was built for other content types or permission label rules: "
                   "run `kennisbank reindex`.")
    lexicon_current = _lexicon_report(repair=not dry_run)
    failing = outbox.failures()
    if failing and not dry_run:
        failing = outbox.retry_failures(backend)
    if not report.drift:
        click.echo("The index matches the database.")
        fail_on_index_failures(failing, "Every other item is indexed.")
        if not lexicon_current:
            raise click.ClickException("the learned lexicon is out of date")
        return
    if dry_run:
        fail_on_index_failures(failing, "Nothing was changed (--dry-run).")
        raise click.ClickException("the index differs from the database")
    outbox.repair(backend, report)
    fixed = len(set(report.missing + report.stale + report.labels_stale)) + len(report.orphans)
    click.echo(f"Repaired {fixed} entries.")
    fail_on_index_failures(outbox.failures(), "Every other entry is repaired.")
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


@click.command("search")
@click.argument("query")
@click.option("--lang", type=click.Choice(LANGUAGES), default=None,
              help="The reader's language (default: KENNISBANK_DEFAULT_LANGUAGE).")
@click.option("--page", type=click.IntRange(1, MAX_PAGE), default=1, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the API's JSON (/api/v1/search).")
def search_command(query: str, lang: str | None, page: int, as_json: bool) -> None:
    """Search as an anonymous reader sees the collection, as the API does."""
    lang = lang or current_app.config["DEFAULT_LANGUAGE"]
    # A request context, so result URLs are built as the API builds them.
    with current_app.test_request_context(f"/{lang}/search"):
        if not may_read_collection(None):
            raise click.ClickException("anonymous readers may not search this instance "
                                       "(KENNISBANK_PUBLIC is off)")
        try:
            params = parse_params(MultiDict({"q": query, "lang": lang, "page": str(page)}))
            found = search(params, None, lang)
        except BadSearchRequest as exc:
            raise click.ClickException(str(exc)) from exc
        except SearchUnavailable as exc:
            raise click.ClickException(f"search is unavailable: {exc}") from exc
    if as_json:
        click.echo(json.dumps(found.to_json(), indent=2, ensure_ascii=False))
        return
    _print_page(found)


def _print_page(found: SearchPage) -> None:
    if found.corrected_from:
        click.echo(f"Showing results for {found.query!r} ({found.corrected_from!r} found nothing).")
    about = "about " if found.estimated else ""
    first = (found.params.page - 1) * found.params.per_page
    shown = f", {first + 1}-{first + len(found.results)}" if found.results else ""
    click.echo(f"{about}{found.total} result(s){shown}:")
    width = max((len(str(hit["id"])) for hit in found.results), default=1)
    for hit in found.results:
        click.echo(f"  {hit['id']:>{width}}  {hit['title']}  [{hit['lang']}]  {hit['url']}")
        if hit["summary"]:
            click.echo(f"  {'':>{width}}  {hit['summary']}")
    if found.loosened:
        click.echo("Not every word matched: matching all of them found too little.")
    if found.suggestion:
        click.echo(f"Did you mean: {found.suggestion}?")
