"""The vocabulary of public content (:mod:`.vocabulary`) in a Whoosh index.

The entries are the terms of the ``spell`` field, which only documents
labelled ``public`` (published, and not withheld by a plugin's permission
labels) fill. Whoosh keeps a term in its term list until segments merge,
even after the only document that had it was deleted, unpublished or
withheld, so an entry counts only where a live public document's postings
hold it: a draft's or a withheld item's word can never be suggested, nor a
translation only such an item uses.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from .vocabulary import SPELL_FIELD


class WhooshWords:
    """The ``spell`` field of a Whoosh index, limited to live public documents."""

    def __init__(self, reader: Any, public: np.ndarray) -> None:
        self.reader = reader
        self.public = public

    def frequencies(self, entries: Iterable[str]) -> dict[str, int]:
        return {entry: self._frequency(entry) for entry in entries}

    def _frequency(self, entry: str) -> int:
        if (SPELL_FIELD, entry) not in self.reader:
            return 0
        docs = np.fromiter(self.reader.postings(SPELL_FIELD, entry).all_ids(), dtype=np.int64)
        return int(self.public[docs].sum()) if docs.size else 0

    def near(self, entry: str, maxdist: int, prefix: int) -> list[str]:
        if SPELL_FIELD not in self.reader.schema:
            return []
        return list(self.reader.terms_within(SPELL_FIELD, entry, maxdist, prefix=prefix))

    def known(self, entries: Iterable[str]) -> set[str]:
        """Stops at each entry's first public document: a common term costs
        no more than a rare one."""
        found = set()
        for entry in entries:
            if (SPELL_FIELD, entry) not in self.reader:
                continue
            if any(self.public[docnum]
                   for docnum in self.reader.postings(SPELL_FIELD, entry).all_ids()):
                found.add(entry)
        return found
