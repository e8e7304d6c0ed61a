"""The durable index: apply the outbox, and find and repair drift.

``content/service.py`` writes an ``IndexTask`` row in the same transaction as
each item change. :func:`drain` applies pending rows after the commit:

1. take the index write lock (across processes), so two workers never write
   at once and nobody writes an item state older than one already indexed;
2. only then read the pending rows and the items, in a fresh session (a new
   database snapshot, later than any change whose row it sees);
3. index each item as it is now in the database, or delete it when it is
   gone: the row says *which* item changed, the database says *how*, so
   applying a row twice or out of order is harmless;
4. commit the index, then delete exactly the rows applied.

A crash anywhere leaves rows that the next drain applies again. If the index
is locked for too long the rows simply wait for the next drain (the next
commit in any process, or ``kennisbank index-worker``). :func:`repair`
compares every item's stamp with the index, and every item's stored
permission labels with what the label rules say now, and fixes what
differs, for ``kennisbank check-index`` and at the end of a rebuild.

A plugin failing in ``index_document`` concerns one item only. The item is
indexed with what the core and the other plugins gave (its entry follows
its status, so nothing withdrawn stays findable), and :func:`settle` keeps
one *failure row* for it: attempts, the plugins and the last error, and
when to try again (backoff from :data:`RETRY_FIRST` up to
:data:`RETRY_MOST`). :func:`drain` passes over that row until then, so the
queue goes on; a later successful indexing of the item removes it. The
PostgreSQL backend, which indexes inside the saving transaction, records
its failures the same way, in that transaction: the save never fails.
:func:`failures` lists them for ``kennisbank check-index``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, delete, func, or_, select
from sqlalchemy.orm import Session

from ..auth import labels
from ..extensions import db
from ..models import IndexTask, Item
from .backend import BulkBackend, IndexFailures, IndexReport, ProgressFn, SearchBackend

BATCH_SIZE = 200
REBUILD_BATCH = 500
#: From this many due items on, a drain writes them the way a rebuild does
#: (``bulk_apply``: in parallel, one commit) instead of a commit per batch:
#: measured in bench/RESULTS.md ("Bulk writes"), below it the forking costs more
#: than it saves.
BULK_MIN = 400
#: Seconds before a failing item is tried again; doubled per attempt up to RETRY_MOST.
RETRY_FIRST = 60
RETRY_MOST = 6 * 3600
#: Longest error text kept per item.
ERROR_LENGTH = 2000

log = logging.getLogger(__name__)


def enqueue(session: Session, item_id: int, action: str) -> None:
    """Put an index update in the outbox, inside ``session``'s transaction."""
    session.add(IndexTask(item_id=item_id, action=action))


@dataclass(frozen=True)
class IndexFailure:
    """An item a plugin keeps failing on, as ``check-index`` lists it."""

    item_id: int
    plugins: str
    error: str
    attempts: int
    next_attempt_at: datetime | None


def _now() -> datetime:
    """UTC without a zone, as both databases store and compare it."""
    return datetime.now(UTC).replace(tzinfo=None)


def retry_delay(attempts: int) -> timedelta:
    """How long a failing item waits after its ``attempts``-th failed attempt."""
    return timedelta(seconds=min(RETRY_FIRST * 2 ** max(attempts - 1, 0), RETRY_MOST))


def drain(backend: SearchBackend, *, timeout: float | None = None,
          max_batches: int | None = None, progress: ProgressFn | None = None) -> int:
    """Apply the due outbox rows in order; return how many rows were applied.

    Raises ``SearchUnavailable`` when the lock is not had in ``timeout``
    seconds; the rows then stay for the next drain. A failing item's row
    waits for its next attempt and never holds up the rows behind it.
    """
    applied = 0
    batches = 0
    with backend.writing(timeout), Session(db.engine) as session:
        if max_batches is None and isinstance(backend, BulkBackend):
            applied = _drain_bulk(backend, session, progress)
            if applied:
                return applied
        while max_batches is None or batches < max_batches:
            now = _now()
            tasks = session.scalars(
                select(IndexTask).where(_due(now)).order_by(IndexTask.id).limit(BATCH_SIZE)
            ).all()
            if not tasks:
                break
            ids = sorted({task.item_id for task in tasks})
            # Read after the rows: the items are at least as new as every change they name.
            items = session.scalars(select(Item).where(Item.id.in_(ids))).all()
            found = {item.id for item in items}
            failed = backend.apply(items, [item_id for item_id in ids if item_id not in found])
            session.execute(delete(IndexTask).where(
                IndexTask.id.in_([t.id for t in tasks if not t.attempts])))
            settle(session, ids, failed, now=now)
            session.commit()
            applied += len(tasks)
            batches += 1
    return applied


def _due(now: datetime) -> ColumnElement[bool]:
    """Rows to apply now: ordinary ones, and failing items' whose wait is over."""
    return or_(IndexTask.next_attempt_at.is_(None), IndexTask.next_attempt_at <= now)


def _drain_bulk(backend: BulkBackend, session: Session,
                progress: ProgressFn | None = None) -> int:
    """Apply every due row at once when there are at least ``BULK_MIN``
    items; 0 (and nothing done) when there are fewer.

    The rows are deleted only after the index committed, and only those read
    here: a crash in between leaves them for the next drain, which applies
    them again harmlessly; a row added meanwhile stays for the next drain.
    Items a plugin failed on keep a failure row, as in :func:`drain`.
    """
    now = _now()
    tasks = session.execute(select(IndexTask.id, IndexTask.item_id, IndexTask.attempts)
                            .where(_due(now))).all()
    ids = sorted({task.item_id for task in tasks})
    if len(ids) < BULK_MIN:
        return 0
    _count, failed = backend.bulk_apply(id_batches(ids), ids, progress)
    plain = [task.id for task in tasks if not task.attempts]
    for start in range(0, len(plain), REBUILD_BATCH):
        chunk = plain[start:start + REBUILD_BATCH]
        session.execute(delete(IndexTask).where(IndexTask.id.in_(chunk)))
    settle(session, ids, failed, now=now)
    session.commit()
    log.info("search index: %d changed items written in bulk", len(ids))
    return len(tasks)


def settle(session: Session, ids: Iterable[int], failed: IndexFailures, *,
           now: datetime | None = None) -> None:
    """Record what indexing ``ids`` came to, in ``session``'s transaction: the
    failure rows of the items indexed cleanly go, each item in ``failed`` keeps
    one failure row (attempts counted, last error, next attempt)."""
    ids = set(ids)
    if not ids:
        return
    when = now or _now()
    rows = session.scalars(select(IndexTask).where(
        IndexTask.item_id.in_(sorted(ids)), IndexTask.attempts > 0)).all()
    kept: dict[int, IndexTask] = {}
    for row in rows:
        if row.item_id in failed and row.item_id not in kept:
            kept[row.item_id] = row
        else:
            session.delete(row)
    for item_id, failures in sorted(failed.items()):
        row = kept.get(item_id)
        if row is None:
            row = IndexTask(item_id=item_id, action="index", attempts=0)
            session.add(row)
        row.attempts = (row.attempts or 0) + 1
        row.failed_plugins = ", ".join(dict.fromkeys(f.plugin for f in failures))[:300]
        row.last_error = "; ".join(str(f) for f in failures)[:ERROR_LENGTH]
        row.next_attempt_at = when + retry_delay(row.attempts)
        log.warning("search index: item %d indexed without a failing plugin's part "
                    "(attempt %d, next %s): %s", item_id, row.attempts,
                    row.next_attempt_at.isoformat(timespec="seconds"), row.last_error)
    session.flush()


def failures() -> list[IndexFailure]:
    """The items a plugin keeps failing on, by item id."""
    with Session(db.engine) as session:
        rows = session.scalars(select(IndexTask).where(IndexTask.attempts > 0)
                               .order_by(IndexTask.item_id, IndexTask.id)).all()
        found: dict[int, IndexFailure] = {}
        for row in rows:
            found.setdefault(row.item_id, IndexFailure(
                row.item_id, row.failed_plugins or "", row.last_error or "", row.attempts,
                row.next_attempt_at))
        return list(found.values())


def retry_failures(backend: SearchBackend) -> list[IndexFailure]:
    """Index every failing item now, whatever its backoff; what still fails."""
    ids = [failure.item_id for failure in failures()]
    with backend.writing(), Session(db.engine) as session:
        for start in range(0, len(ids), BATCH_SIZE):
            chunk = ids[start:start + BATCH_SIZE]
            items = session.scalars(select(Item).where(Item.id.in_(chunk))).all()
            found = {item.id for item in items}
            failed = backend.apply(items, [i for i in chunk if i not in found])
            settle(session, chunk, failed)
            session.commit()
    return failures()


def _rebuilt(failed: IndexFailures) -> None:
    """After a rebuild, which indexed every item: the items it failed on keep
    (or get) a failure row, every other item's failure row goes."""
    with Session(db.engine) as session:
        failing = session.scalars(select(IndexTask.item_id).where(IndexTask.attempts > 0)).all()
        settle(session, set(failing) | set(failed), failed)
        session.commit()


def pending() -> int:
    """Outbox rows not yet applied (failing items' rows not counted)."""
    with Session(db.engine) as session:
        return session.scalar(select(func.count()).select_from(IndexTask)
                              .where(IndexTask.attempts == 0)) or 0


def check(backend: SearchBackend, *, labels_too: bool = True) -> IndexReport:
    """Compare the database with the index, item by item (and each item's stored
    permission labels with the rules, unless ``labels_too`` is off)."""
    with Session(db.engine) as session:
        rows = session.execute(select(Item.id, Item.updated_at)).all()
        waiting = session.scalar(select(func.count()).select_from(IndexTask)
                                 .where(IndexTask.attempts == 0)) or 0
    expected = {item_id: (updated.isoformat() if updated else "") for item_id, updated in rows}
    indexed = backend.stamps()
    return IndexReport(
        database=len(expected),
        indexed=len(indexed),
        missing=sorted(set(expected) - set(indexed)),
        stale=sorted(i for i in expected.keys() & indexed.keys() if expected[i] != indexed[i]),
        orphans=sorted(set(indexed) - set(expected)),
        pending=waiting,
        schema_outdated=backend.schema_outdated(),
        labels_stale=stale_labels() if labels_too else [],
    )


def stale_labels() -> list[int]:
    """Items whose stored labels are not what the label rules say now."""
    stale: list[int] = []
    with Session(db.engine) as session:
        if not labels.plugins_decide():
            return labels.core_outdated(session)
        for batch in item_batches():
            stale += [item.id for item in labels.outdated(session, batch)]
    return sorted(stale)


def relabel(ids: list[int] | None = None) -> int:
    """Store the labels the rules say now for ``ids`` (``None``: every item),
    in a transaction per batch; returns how many items were relabelled."""
    done = 0
    with Session(db.engine) as session:
        if ids is None and not labels.plugins_decide():
            labels.write_core_labels(session)
            session.commit()
            return session.scalar(select(func.count()).select_from(Item)) or 0
        if ids is None:
            for batch in item_batches():
                labels.write_labels(session, batch)
                session.commit()
                done += len(batch)
            return done
        for start in range(0, len(ids), BATCH_SIZE):
            items = session.scalars(
                select(Item).where(Item.id.in_(ids[start:start + BATCH_SIZE]))).all()
            labels.write_labels(session, items)
            session.commit()
            done += len(items)
    return done


def repair(backend: SearchBackend, report: IndexReport | None = None, *,
           labels_too: bool = True) -> IndexReport:
    """Fix what :func:`check` finds (under the write lock); return the findings."""
    with backend.writing():
        report = report or check(backend, labels_too=labels_too)
        if report.labels_stale:
            relabel(report.labels_stale)
        wrong = sorted(set(report.missing + report.stale + report.labels_stale))
        with Session(db.engine) as session:
            for start in range(0, max(len(wrong), 1), BATCH_SIZE):
                chunk = wrong[start:start + BATCH_SIZE]
                items = (
                    session.scalars(select(Item).where(Item.id.in_(chunk))).all() if chunk else []
                )
                orphans = report.orphans if start == 0 else []
                if items or orphans:
                    failed = backend.apply(items, orphans)
                    settle(session, [item.id for item in items], failed)
                    session.commit()
                    log.info("search index repaired: %d items, %d removed",
                             len(items), len(orphans))
    return report


def item_batches(part: int = 0, parts: int = 1,
                 size: int = REBUILD_BATCH) -> Iterator[list[Item]]:
    """Every item whose id modulo ``parts`` is ``part``, in id order, ``size``
    at a time, from a session of its own (memory stays flat)."""
    last = 0
    with Session(db.engine) as session:
        while True:
            query = select(Item).where(Item.id > last)
            if parts > 1:
                query = query.where(Item.id % parts == part)
            batch = session.scalars(query.order_by(Item.id).limit(size)).all()
            if not batch:
                return
            yield list(batch)
            last = batch[-1].id
            session.expunge_all()


def id_batches(ids: Sequence[int], size: int = REBUILD_BATCH
               ) -> Callable[[int, int], Iterator[list[Item]]]:
    """A source (as :func:`item_batches` is one) of the items of ``ids`` that
    still exist: share ``part`` of ``parts`` is every ``parts``-th id."""
    def source(part: int = 0, parts: int = 1) -> Iterator[list[Item]]:
        share = list(ids)[part::parts]
        with Session(db.engine) as session:
            for start in range(0, len(share), size):
                chunk = share[start:start + size]
                batch = session.scalars(
                    select(Item).where(Item.id.in_(chunk)).order_by(Item.id)).all()
                if batch:
                    yield list(batch)
                session.expunge_all()
    return source


def rebuild(backend: SearchBackend, progress: ProgressFn | None = None) -> int:
    """Recompute every item's permission labels (a plugin's rule may have
    changed), then rebuild the whole index from the database and swap it in;
    the items a plugin failed on are recorded (:func:`failures` lists them)."""
    relabel()
    # The labels were just written: catching up needs only the items' stamps.
    return backend.rebuild(item_batches, progress=progress,
                           finish=lambda fresh: repair(fresh, labels_too=False),
                           failed=_rebuilt)
