"""Evaluate a parsed query with numpy: which documents match, and their BM25F scores.

Profiling the API at 10,000 items showed most of a search's time in Whoosh's
matcher tree: a reader's query becomes an ``Or`` over some twenty fields per
word, and Whoosh walks that union one document at a time, in Python, twice
(once to find every match for the total and the facet counts, once to score).
Here each term's posting list is read block by block into arrays, and the
tree is combined with array operations: ``Or`` adds, ``And`` intersects,
``AndNot`` removes. Scoring is BM25 per field (k1 = 1.2, b = 0.75, Whoosh's
own idf), summed over fields and words with the field boosts, as Whoosh's
BM25F does. Phrases are checked by Whoosh itself (positions), only on the
documents that have all their words.

The block reader uses Whoosh 2.7's codec internals (``W3LeafMatcher``'s
blocks, the per-segment length column); anything else falls back to Whoosh's
public matcher interface, so another codec is slower, not wrong.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from typing import Any

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher
from whoosh.matching import ListMatcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.query import And, AndNot, NullQuery, Or, Phrase, Query, Term
from whoosh.util.numeric import byte_to_length

K1 = 1.2
B = 0.75
LENGTHS = np.array([byte_to_length(i) for i in range(256)], dtype=np.float32)

Leaves = list[tuple[Any, int]]
Span = tuple[int, int]


def _block_arrays(matcher: W3LeafMatcher) -> tuple[np.ndarray, np.ndarray]:
    ids, weights = [], []
    while not matcher._atend:
        if matcher._data is None:
            matcher._read_data()
        raw_ids, raw_weights = matcher._data[0], matcher._data[1]
        block = np.asarray(raw_ids, dtype=np.int64)
        ids.append(block if matcher._byteids else np.cumsum(block))
        if raw_weights is None:
            weights.append(np.ones(block.size, dtype=np.float32))
        elif isinstance(raw_weights, float):
            weights.append(np.full(block.size, raw_weights, dtype=np.float32))
        else:
            weights.append(np.asarray(raw_weights, dtype=np.float32))
        matcher._next_block()
    if not ids:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    return np.concatenate(ids), np.concatenate(weights)


def postings(leaf: Any, field: str, text: str) -> tuple[np.ndarray, np.ndarray]:
    """(local docnums, term frequencies) of a term in one segment, deleted
    documents included (the caller masks them with the live array)."""
    if (field, text) not in leaf:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    matcher = leaf.postings(field, text)
    if isinstance(matcher, FilterMatcher):
        matcher = matcher.child
    if isinstance(matcher, W3LeafMatcher) and not matcher._byteids:
        return _block_arrays(matcher)
    if isinstance(matcher, ListMatcher) and isinstance(matcher._ids, list | tuple):
        weights = matcher._weights
        size = len(matcher._ids)
        return (np.asarray(matcher._ids, dtype=np.int64),
                np.ones(size, dtype=np.float32) if weights is None
                else np.asarray(weights, dtype=np.float32))
    ids, freqs = [], []
    while matcher.is_active():
        ids.append(matcher.id())
        freqs.append(matcher.weight())
        matcher.next()
    return np.asarray(ids, dtype=np.int64), np.asarray(freqs, dtype=np.float32)


def field_lengths(leaf: Any, field: str) -> np.ndarray:
    """Every document's length in ``field`` for one segment (as Whoosh stored it)."""
    size = leaf.doc_count_all()
    try:
        column = leaf._perdoc._cached_reader(f"_{field}_len", LENGTHS_COLUMN)
        if column is None:
            return np.zeros(size, dtype=np.float32)
        raw = np.frombuffer(column._dbfile.get(column._basepos, column._count), dtype=np.uint8)
        codes = np.zeros(size, dtype=np.uint8)
        codes[:raw.size] = raw[:size]
        return LENGTHS[codes]
    except AttributeError:
        return np.asarray([leaf.doc_field_length(d, field, 0) for d in range(size)],
                          dtype=np.float32)


def _block_values(matcher: W3LeafMatcher, targets: list[int],
                  kind: str) -> dict[int, list[Any]]:
    decode = getattr(matcher.format, f"decode_{kind}")
    found: dict[int, list[Any]] = {}
    index = 0
    while not matcher._atend and index < len(targets):
        if matcher._maxid < targets[index]:
            matcher._next_block()  # skipped without reading the block
            continue
        matcher._read_ids()
        block = matcher._ids
        while index < len(targets) and targets[index] <= matcher._maxid:
            position = bisect_left(block, targets[index])
            if position < len(block) and block[position] == targets[index]:
                if matcher._values is None:
                    matcher._read_values()
                found[targets[index]] = list(decode(matcher._values[position]))
            index += 1
        matcher._next_block()
    return found


def decoded(leaf: Any, field: str, text: str, targets: list[int],
            kind: str = "characters") -> dict[int, list[Any]]:
    """A term's ``characters`` ((position, start, end) each) or ``positions`` in
    some documents of one segment (sorted local docnums), for snippets and
    for words standing close together: blocks without a wanted document are
    not even read."""
    if not targets or (field, text) not in leaf:
        return {}
    matcher = leaf.postings(field, text)
    if isinstance(matcher, FilterMatcher):
        matcher = matcher.child
    if isinstance(matcher, W3LeafMatcher) and not matcher._byteids:
        return _block_values(matcher, targets, kind)
    found: dict[int, list[Any]] = {}
    for target in targets:
        if not matcher.is_active():
            break
        matcher.skip_to(target)
        if matcher.is_active() and matcher.id() == target:
            found[target] = list(matcher.value_as(kind))
    return found


class Evaluator:
    """Match and score queries over one searcher's segments.

    ``lengths`` caches field-length arrays per segment id across searchers:
    segments never change, so an edit only costs reading the new one.
    """

    def __init__(self, searcher: Any, lengths: dict[tuple[str, str], np.ndarray]) -> None:
        self.searcher = searcher
        self.leaves: Leaves = list(searcher.reader().leaf_readers())
        self.size = searcher.reader().doc_count_all()
        self.lengths = lengths

    def _decoded(self, field: str, text: str, docnums: list[int],
                 kind: str) -> dict[int, list[Any]]:
        found: dict[int, list[Any]] = {}
        ends = [offset for _, offset in self.leaves[1:]] + [self.size]
        for (leaf, offset), end in zip(self.leaves, ends, strict=True):
            local = sorted(d - offset for d in docnums if offset <= d < end)
            for docnum, values in decoded(leaf, field, text, local, kind).items():
                found[docnum + offset] = values
        return found

    def characters(self, field: str, text: str,
                   docnums: list[int]) -> dict[int, list[Span]]:
        """Character ranges of a term in the given (global) documents."""
        return {docnum: [(start, end) for _, start, end in values] for docnum, values
                in self._decoded(field, text, docnums, "characters").items()}

    def positions(self, field: str, text: str, docnums: list[int]) -> dict[int, list[int]]:
        """Word positions of a term in the given (global) documents."""
        return self._decoded(field, text, docnums, "positions")

    def _lengths(self, field: str) -> np.ndarray:
        parts = []
        for leaf, _offset in self.leaves:
            key = (leaf.segment().segment_id(), field)
            if key not in self.lengths:
                self.lengths[key] = field_lengths(leaf, field)
            parts.append(self.lengths[key])
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.float32)

    def sparse_term(self, field: str, text: str, boost: float) -> tuple[np.ndarray, np.ndarray]:
        """(docnums, scores) of the documents holding one term: BM25 of the field."""
        ids, freqs = [], []
        for leaf, offset in self.leaves:
            local, tf = postings(leaf, field, text)
            if local.size:
                ids.append(local + offset)
                freqs.append(tf)
        if not ids:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        docs, tf = np.concatenate(ids), np.concatenate(freqs)
        total = self.searcher.doc_count_all()
        idf = math.log(total / (self.searcher.doc_frequency(field, text) + 1)) + 1
        average = self.searcher.field_length(field) / max(total, 1) or 1.0
        length = self._lengths(field)[docs]
        scores = boost * idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / average))
        return docs, scores.astype(np.float32)

    def term(self, field: str, text: str, boost: float) -> tuple[np.ndarray, np.ndarray]:
        """(mask, scores) of one term."""
        docs, found = self.sparse_term(field, text, boost)
        mask = np.zeros(self.size, dtype=bool)
        scores = np.zeros(self.size, dtype=np.float32)
        mask[docs] = True
        scores[docs] = found
        return mask, scores

    def evaluate(self, query: Query) -> tuple[np.ndarray, np.ndarray]:
        """(mask, scores) of a query tree built by ``querytext``."""
        if query is NullQuery:
            return np.zeros(self.size, dtype=bool), np.zeros(self.size, dtype=np.float32)
        if isinstance(query, Term):
            return self.term(query.fieldname, query.text, query.boost)
        if isinstance(query, AndNot):
            mask, scores = self.evaluate(query.a)
            excluded, _ = self.evaluate(query.b)
            return mask & ~excluded, scores
        if isinstance(query, Or | And):
            parts = [self.evaluate(child) for child in query.subqueries]
            combine = np.logical_or if isinstance(query, Or) else np.logical_and
            mask = parts[0][0].copy()
            scores = parts[0][1].copy()
            for part_mask, part_scores in parts[1:]:
                combine(mask, part_mask, out=mask)
                scores += part_scores
            return mask, scores * query.boost
        if isinstance(query, Phrase):
            words = [self.term(query.fieldname, w, query.boost) for w in query.words]
            candidates = np.logical_and.reduce([m for m, _ in words])
            mask = np.zeros(self.size, dtype=bool)
            if candidates.any():
                found = np.fromiter(self.searcher.docs_for_query(query), dtype=np.int64)
                mask[found] = True
            return mask & candidates, sum(s for _, s in words)
        found = np.fromiter(self.searcher.docs_for_query(query), dtype=np.int64)
        mask = np.zeros(self.size, dtype=bool)
        mask[found] = True
        return mask, mask.astype(np.float32)


def top(scores: np.ndarray, mask: np.ndarray, limit: int) -> list[tuple[int, float]]:
    """The ``limit`` best (docnum, score) of the documents in ``mask``."""
    docs = np.flatnonzero(mask)
    if not docs.size or limit <= 0:
        return []
    values = scores[docs]
    if docs.size > limit:
        best = np.argpartition(-values, limit - 1)[:limit]
        docs, values = docs[best], values[best]
    order = np.lexsort((docs, -values))
    return [(int(docs[i]), float(values[i])) for i in order]
