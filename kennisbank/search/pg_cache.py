"""Recent search results of one process, valid while the index is unchanged.

A search on PostgreSQL costs time per matching item (visibility, facet
counts, ranking: see ``bench/RESULTS.md``), so a query matching most of a
large collection is slow, and the most frequent query of all, the search
page without a query, matches everything. Readers ask the same things
again (that page, popular words, a facet picked from it), so each process
keeps its recent results.

A result stays valid while the index is unchanged, across all processes and
servers: the sequence ``search_generation`` is advanced after every commit
that changed search rows (:func:`changed` marks the session, the backend's
``after_commit`` listener advances it), and each search first reads it (one
cheap query on the connection it searches with, so a read replica's lag is
the data's lag). A result computed before a change is stored under the
generation read before computing it, so it is never served after the change
is counted. Between a commit and the advance (one round trip) another server
may still serve the previous result.
"""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

CHANGED_KEY = "kennisbank.search.changed"
DEFAULT_SIZE = 256
T = TypeVar("T")


def changed(session: Session) -> None:
    """Note that ``session`` wrote search rows: cached results end at its commit."""
    session.info[CHANGED_KEY] = True


def advance(session: Session, connection: Connection) -> None:
    """After ``session`` committed search rows: count a new generation."""
    if session.info.pop(CHANGED_KEY, False):
        connection.execute(text("SELECT nextval('search_generation')"))
        connection.commit()


def forget(session: Session) -> None:
    session.info.pop(CHANGED_KEY, None)


def generation(connection: Connection) -> int:
    return int(connection.execute(text("SELECT last_value FROM search_generation")).scalar_one())


class ResultCache:
    """A least-recently-used map of results, each kept with the generation it
    was computed at; copies go in and out (callers add to hits afterwards)."""

    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        self.size = size
        self._entries: OrderedDict[Hashable, tuple[int, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_compute(self, key: Hashable, generation_now: Callable[[], int],
                       compute: Callable[[], T]) -> T:
        """The stored result for ``key`` if it is of the current generation, else
        ``compute()`` (stored). Without a cache, the generation is not even read."""
        if self.size <= 0:
            return compute()
        current = generation_now()
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry[0] == current:
                self._entries.move_to_end(key)
                return copy.deepcopy(entry[1])
        result = compute()
        with self._lock:
            self._entries[key] = (current, copy.deepcopy(result))
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return result
