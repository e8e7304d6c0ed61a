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
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ..auth import labels
from ..extensions import db
from ..models import IndexTask, Item
from .backend import IndexReport, ProgressFn, SearchBackend

BATCH_SIZE = 200
REBUILD_BATCH = 500
#: From this many waiting items on, a drain writes them the way a rebuild does
#: (``bulk_apply``: in parallel, one commit) instead of a commit per batch:
#: measured in bench/RESULTS.md ("Bulk writes"), below it the forking costs more
#: than it saves.
BULK_MIN = 400

log = logging.getLogger(__name__)


def enqueue(session: Session, item_id: int, action: str) -> None:
    """Put an index update in the outbox, inside ``session``'s transaction."""
    session.add(IndexTask(item_id=item_id, action=action))


def drain(backend: SearchBackend, *, timeout: float | None = None,
          max_batches: int | None = None, progress: ProgressFn | None = None) -> int:
    """Apply pending outbox rows in order; return how many rows were applied.

    Raises ``SearchUnavailable`` when the lock is not had in ``timeout``
    seconds; the rows then stay for the next drain.
    """
    applied = 0
    batches = 0
    with backend.writing(timeout), Session(db.engine) as session:
        if max_batches is None and hasattr(backend, "bulk_apply"):
            applied = _drain_bulk(backend, session, progress)
            if applied:
                return applied
        while max_batches is None or batches < max_batches:
            tasks = session.scalars(
                select(IndexTask).order_by(IndexTask.id).limit(BATCH_SIZE)
            ).all()
            if not tasks:
                break
            ids = sorted({task.item_id for task in tasks})
            items = session.scalars(select(Item).where(Item.id.in_(ids))).all()
            found = {item.id for item in items}
            backend.apply(items, [item_id for item_id in ids if item_id not in found])
            session.execute(delete(IndexTask).where(IndexTask.id.in_([t.id for t in tasks])))
            session.commit()
            applied += len(tasks)
            batches += 1
    return applied


def _drain_bulk(backend: SearchBackend, session: Session,
                progress: ProgressFn | None = None) -> int:
    """Apply every waiting row at once when there are at least ``BULK_MIN``
    items; 0 (and nothing done) when there are fewer.

    The rows are deleted only after the index committed, and only those read
    here: a crash in between leaves them for the next drain, which applies
    them again harmlessly; a row added meanwhile stays for the next drain.
    """
    tasks = session.execute(select(IndexTask.id, IndexTask.item_id)).all()
    ids = sorted({item_id for _task, item_id in tasks})
    if len(ids) < BULK_MIN:
        return 0
    backend.bulk_apply(id_batches(ids), ids, progress)  # type: ignore[attr-defined]
    task_ids = [task for task, _item in tasks]
    for start in range(0, len(task_ids), REBUILD_BATCH):
        chunk = task_ids[start:start + REBUILD_BATCH]
        session.execute(delete(IndexTask).where(IndexTask.id.in_(chunk)))
    session.commit()
    log.info("search index: %d changed items written in bulk", len(ids))
    return len(tasks)


def pending() -> int:
    """Outbox rows not yet applied."""
    with Session(db.engine) as session:
        return session.scalar(select(func.count()).select_from(IndexTask)) or 0


def check(backend: SearchBackend, *, labels_too: bool = True) -> IndexReport:
    """Compare the database with the index, item by item (and each item's stored
    permission labels with the rules, unless ``labels_too`` is off)."""
    with Session(db.engine) as session:
        rows = session.execute(select(Item.id, Item.updated_at)).all()
        waiting = session.scalar(select(func.count()).select_from(IndexTask)) or 0
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
                    backend.apply(items, orphans)
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
    changed), then rebuild the whole index from the database and swap it in."""
    relabel()
    # The labels were just written: catching up needs only the items' stamps.
    return backend.rebuild(item_batches, progress=progress,
                           finish=lambda fresh: repair(fresh, labels_too=False))
