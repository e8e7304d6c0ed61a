"""Did you mean: a corrected query made of real words from published content.

The dictionary is the ``spell`` field: unstemmed, accent-folded words of the
titles, summaries and bodies of *published* items only (drafts index an empty
``spell`` field). Whoosh keeps a term in its term list until segments merge,
even after the only document that had it was deleted or unpublished, so each
candidate is also checked against the live, published documents' postings:
a draft's word can never be suggested.

For each query word that no published item contains, the closest words
(Levenshtein distance 1, or 2 for words of six letters or more, same first
two letters: typing errors at the very start are rare, and requiring them
keeps the look-up in a dictionary of 100,000 words to milliseconds) are
candidates; the nearest wins, then the one in most published items. The
suggestion is returned only if it finds a published item.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

import numpy as np

from .querytext import query_terms

SPELL_FIELD = "spell"
MAX_CANDIDATES = 40
LONG_WORD = 6
MAX_WORDS = 8
PREFIX = 2


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (insert, delete, substitute)."""
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1,
                               previous[j - 1] + (char_a != char_b)))
        previous = current
    return previous[-1]


class Words(Protocol):
    """A dictionary of the words of published content, as a backend keeps it."""

    def frequency(self, word: str) -> int:
        """In how many published items ``word`` occurs."""

    def near(self, word: str, maxdist: int, prefix: int) -> list[str]:
        """Words within ``maxdist`` edits of ``word`` sharing its first ``prefix``
        letters (a backend may return a few more; they are measured here)."""


class WhooshWords:
    """The ``spell`` field of a Whoosh index, limited to live published documents."""

    def __init__(self, reader: Any, published: np.ndarray) -> None:
        self.reader = reader
        self.published = published

    def frequency(self, word: str) -> int:
        if (SPELL_FIELD, word) not in self.reader:
            return 0
        docs = np.fromiter(self.reader.postings(SPELL_FIELD, word).all_ids(), dtype=np.int64)
        return int(self.published[docs].sum()) if docs.size else 0

    def near(self, word: str, maxdist: int, prefix: int) -> list[str]:
        return list(self.reader.terms_within(SPELL_FIELD, word, maxdist, prefix=prefix))


def _correct(words: Words, word: str) -> str | None:
    maxdist = 2 if len(word) >= LONG_WORD else 1
    candidates = [c for c in words.near(word, maxdist, PREFIX) if c != word][:MAX_CANDIDATES]
    scored = []
    for candidate in candidates:
        distance = edit_distance(word, candidate)
        if distance > maxdist or candidate[:PREFIX] != word[:PREFIX]:
            continue
        frequency = words.frequency(candidate)
        if frequency:
            scored.append((distance, -frequency, candidate))
    return min(scored)[2] if scored else None


def suggest_query(words: Words, text: str, has_results: Callable[[str], bool]) -> str | None:
    """A corrected version of ``text``, or None when nothing needs correcting."""
    terms = query_terms(text)[:MAX_WORDS]
    if not terms:
        return None
    corrected = []
    changed = False
    for word in terms:
        if len(word) < 3 or not word.isalpha() or words.frequency(word):
            corrected.append(word)
            continue
        better = _correct(words, word)
        changed = changed or better is not None
        corrected.append(better or word)
    if not changed:
        return None
    suggestion = " ".join(corrected)
    return suggestion if has_results(suggestion) else None
