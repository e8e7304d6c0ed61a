"""Rebuilding in several processes: one forked worker per share of the items.

A rebuild spends its time in Python (Markdown to text, plugin hooks, Dutch
decompounding and stemming), so one process per core is what makes it
scale. Each worker reads its share of the items (``source(part, parts)``)
through its own database connections and returns ``(count, value)``; the
parent collects the values (a Whoosh segment, or nothing when the worker wrote
to PostgreSQL itself), reports progress as workers report it, and raises if
any worker fails or dies.
"""

from __future__ import annotations

import multiprocessing
import queue
from collections.abc import Callable
from typing import Any

from ..extensions import db
from .backend import ProgressFn

WORKER_POLL_SECONDS = 1.0
Report = Callable[[int], None]
Work = Callable[[int, int, Report], tuple[int, Any]]


def _worker(work: Work, part: int, parts: int, messages: Any) -> None:
    try:
        db.engine.dispose(close=False)  # the parent's connections are not ours to use
        count, value = work(part, parts, lambda n: messages.put(("progress", n, 0)))
        messages.put(("done", value, count))
    except BaseException as exc:  # reported to the parent, which raises
        messages.put(("error", f"{type(exc).__name__}: {exc}", 0))


def run_parts(work: Work, procs: int, progress: ProgressFn | None = None
              ) -> list[tuple[int, Any]]:
    """``work(part, procs, report)`` for every part, in ``procs`` forked processes
    (in this one when ``procs`` is 1); the ``(count, value)`` of each part."""
    report = progress or (lambda n: None)
    if procs <= 1:
        return [work(0, 1, report)]
    context = multiprocessing.get_context("fork")
    messages = context.Queue()
    workers = [context.Process(target=_worker, args=(work, part, procs, messages), daemon=True)
               for part in range(procs)]
    for worker in workers:
        worker.start()
    results: list[tuple[int, Any]] = []
    try:
        while len(results) < procs:
            try:
                kind, value, number = messages.get(timeout=WORKER_POLL_SECONDS)
            except queue.Empty:
                if not any(worker.is_alive() for worker in workers):
                    raise RuntimeError("an index worker stopped without finishing") from None
                continue
            if kind == "progress":
                report(value)
            elif kind == "error":
                raise RuntimeError(f"an index worker failed: {value}")
            else:
                results.append((number, value))
    finally:
        for worker in workers:
            worker.join(timeout=5)
            if worker.is_alive():
                worker.terminate()
    return results
