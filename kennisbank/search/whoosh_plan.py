"""Run a :class:`~.plan.QueryPlan` over a Whoosh index, with numpy.

Each distinct alternative is evaluated once: its terms over every field of
its space (``nl``: ``title_nl``, ``summary_nl``, ..., ``keywords_nl``), BM25
per field with the field's boost, summed (:class:`.vectorized.Evaluator`).
A clause matches where any alternative does and scores the sum of its
alternatives' scores times their weights; the query matches where every
clause does (strictly), or, loosened, where at least ``min_match`` do,
scored lower the more clauses it misses.

Words standing close together (the plan's ``near`` pairs) are checked on
the best ``NEAR_CANDIDATES`` results only, from the positions of the two
terms in those documents: a bounded cost whatever the size of the result.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from whoosh.query import Phrase

from .plan import Alternative, QueryPlan, explain_via
from .vectorized import Evaluator, top

#: Words this many positions apart or closer count as close (a compound's
#: parts share its position: ``bicycle street`` stands close in ``fietsstraat``).
NEAR_WINDOW = 3
#: How much words standing close together add (all of them: this share more).
NEAR_BOOST = 0.5
NEAR_CANDIDATES = 200
#: Postings the cross-search term cache holds (:class:`TermCache`): about 24 MB.
TERM_CACHE_POSTINGS = 2_000_000
#: A loosened match that misses clauses scores (matched / clauses) ** COVERAGE_POWER.
COVERAGE_POWER = 2.0

Mask = np.ndarray
Scores = tuple[np.ndarray, np.ndarray]


@dataclass
class PlanResult:
    """What a plan matched: per clause and per alternative, and combined."""

    mask: Mask
    scores: np.ndarray
    clause_masks: list[Mask]
    alternative_masks: dict[tuple[str, tuple[str, ...], bool], Mask]
    loosened: bool = False
    unmatched: tuple[int, ...] = ()
    near: dict[int, float] = field(default_factory=dict)


class TermCache:
    """The documents and summed scores of recent (space, term) look-ups, for one
    searcher generation, kept across searches.

    A term costs a postings read in each of its space's fields (fifteen or so)
    in each segment, and an expanded query asks for several terms per word;
    words recur from query to query, so the backend keeps the sparse result
    (documents holding the term, their scores) until the index changes, up to
    ``limit`` postings in all (about 12 bytes each), least recently used first out.
    """

    def __init__(self, limit: int = TERM_CACHE_POSTINGS) -> None:
        self.limit = limit
        self.key: object = None
        self._entries: OrderedDict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = \
            OrderedDict()
        self._held = 0
        self._lock = threading.Lock()

    def for_generation(self, key: object) -> TermCache:
        """This cache, emptied if the index changed since it was filled."""
        with self._lock:
            if key != self.key:
                self._entries.clear()
                self._held = 0
                self.key = key
        return self

    def get(self, key: tuple[str, str]) -> tuple[np.ndarray, np.ndarray] | None:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key: tuple[str, str], value: tuple[np.ndarray, np.ndarray]) -> None:
        with self._lock:
            if key in self._entries or value[0].size > self.limit:
                return
            self._entries[key] = value
            self._held += value[0].size
            while self._held > self.limit:
                _, (docs, _) = self._entries.popitem(last=False)
                self._held -= docs.size


class PlanEvaluator:
    """Evaluates plans over one searcher; ``spaces`` maps a space to its fields
    and their boosts (fields the index lacks are left out by the caller)."""

    def __init__(self, evaluator: Evaluator, spaces: dict[str, dict[str, float]],
                 positional: dict[str, list[str]], cache: TermCache | None = None) -> None:
        self.evaluator = evaluator
        self.spaces = spaces
        self.positional = positional
        self.cache = cache
        self._terms: dict[tuple[str, str], Scores] = {}
        self._alternatives: dict[tuple[str, tuple[str, ...], bool], Scores] = {}

    def _empty(self) -> Scores:
        size = self.evaluator.size
        return np.zeros(size, dtype=bool), np.zeros(size, dtype=np.float32)

    def term(self, space: str, text: str) -> Scores:
        """A term in any field of its space, each field's BM25 added up."""
        key = (space, text)
        if key not in self._terms:
            sparse = self.cache.get(key) if self.cache is not None else None
            if sparse is None:
                sparse = self._sparse(space, text)
                if self.cache is not None:
                    self.cache.put(key, sparse)
            docs, scores = sparse
            mask = np.zeros(self.evaluator.size, dtype=bool)
            mask[docs] = True
            total = np.zeros(self.evaluator.size, dtype=np.float32)
            total[docs] = scores
            self._terms[key] = (mask, total)
        return self._terms[key]

    def _sparse(self, space: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(documents, summed scores) of a term over its space's fields."""
        docs, scores = [], []
        for fieldname, boost in self.spaces.get(space, {}).items():
            found, score = self.evaluator.sparse_term(fieldname, text, boost)
            if found.size:
                docs.append(found)
                scores.append(score)
        if not docs:
            return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32)
        held = np.concatenate(docs)
        unique, where = np.unique(held, return_inverse=True)
        summed = np.bincount(where, weights=np.concatenate(scores)).astype(np.float32)
        return unique.astype(np.int32), summed

    def alternative(self, alternative: Alternative) -> Scores:
        """Where all its terms occur (in one field, side by side, for a phrase)."""
        key = alternative.key
        if key not in self._alternatives:
            if alternative.phrase and len(alternative.terms) > 1:
                mask, scores = self._empty()
                for fieldname, boost in self.spaces.get(alternative.space, {}).items():
                    if fieldname in self.positional.get(alternative.space, ()):
                        found, score = self.evaluator.evaluate(
                            Phrase(fieldname, list(alternative.terms), boost=boost))
                        mask |= found
                        scores += np.where(found, score, 0)
            else:
                parts = [self.term(alternative.space, t) for t in alternative.terms]
                mask = np.logical_and.reduce([m for m, _ in parts])
                scores = np.where(mask, np.sum([s for _, s in parts], axis=0), 0).astype(
                    np.float32)
            self._alternatives[key] = (mask, scores)
        return self._alternatives[key]

    def evaluate(self, plan: QueryPlan, visible: Mask, *, loosen: bool,
                 loosen_below: int) -> PlanResult:
        """The plan's matches among ``visible`` documents, strict first."""
        size = self.evaluator.size
        masks: dict[tuple[str, tuple[str, ...], bool], Mask] = {}
        clause_masks, clause_scores = [], []
        for clause in plan.clauses:
            mask, scores = self._empty()
            for alternative in clause.alternatives:
                found, score = self.alternative(alternative)
                masks[alternative.key] = found
                mask |= found
                scores += alternative.weight * score
            clause_masks.append(mask)
            clause_scores.append(scores)
        whole, whole_scores = self._empty()
        for alternative in plan.whole:
            found, score = self.alternative(alternative)
            masks[alternative.key] = found
            whole |= found
            whole_scores += alternative.weight * score
        excluded = np.zeros(size, dtype=bool)
        for alternative in plan.excluded:
            excluded |= self.alternative(alternative)[0]
        allowed = visible & ~excluded
        total = np.sum(clause_scores, axis=0) + whole_scores
        strict = np.logical_and.reduce(clause_masks) | whole
        strict &= allowed
        unmatched = tuple(n for n, m in enumerate(clause_masks) if not (m & allowed).any())
        result = PlanResult(mask=strict, scores=total.astype(np.float32),
                            clause_masks=clause_masks, alternative_masks=masks,
                            unmatched=unmatched)
        if loosen and len(plan.clauses) > 1 and int(strict.sum()) < loosen_below:
            matched = np.sum(clause_masks, axis=0)
            matched = np.where(whole, len(plan.clauses), matched)
            loose = (matched >= plan.min_match) & allowed
            if int(loose.sum()) > int(strict.sum()):
                coverage = (matched / len(plan.clauses)) ** COVERAGE_POWER
                result.mask = loose
                result.scores = (total * coverage).astype(np.float32)
                result.loosened = True
        return result

    def rank_near(self, plan: QueryPlan, result: PlanResult, limit: int) -> None:
        """Raise the scores of the best ``limit`` matches whose query words stand
        close together (:data:`NEAR_WINDOW`), in place."""
        gaps = max(1, len(plan.clauses) - 1)
        if not plan.near:
            return
        candidates = [d for d, _ in top(result.scores, result.mask, max(limit, NEAR_CANDIDATES))]
        if not candidates:
            return
        close: dict[int, int] = {}
        for space, first, second in plan.near:
            for docnum in self._close(space, first, second, candidates):
                close[docnum] = close.get(docnum, 0) + 1
        for docnum, pairs in close.items():
            factor = 1.0 + NEAR_BOOST * min(1.0, pairs / gaps)
            result.scores[docnum] *= factor
            result.near[docnum] = factor

    def _close(self, space: str, first: str, second: str,
               candidates: list[int]) -> Iterable[int]:
        found: set[int] = set()
        both = self.term(space, first)[0] & self.term(space, second)[0]
        docs = [d for d in candidates if both[d]]
        if not docs:
            return found
        for fieldname in self.positional.get(space, ()):
            left = self.evaluator.positions(fieldname, first, docs)
            if not left:
                continue
            right = self.evaluator.positions(fieldname, second, list(left))
            for docnum, positions in right.items():
                if docnum not in found and _within(left[docnum], positions, NEAR_WINDOW):
                    found.add(docnum)
        return found

    @staticmethod
    def via(plan: QueryPlan, result: PlanResult, docnum: int) -> list[str]:
        """What ``docnum`` was found through (:func:`.plan.explain_via`)."""
        return explain_via(plan, lambda a: bool(result.alternative_masks[a.key][docnum]))

    @staticmethod
    def missing(plan: QueryPlan, result: PlanResult, docnum: int) -> list[str]:
        """The clauses ``docnum`` does not match (only a loosened result has any)."""
        if not result.loosened:
            return []
        return [clause.text for clause, mask in zip(plan.clauses, result.clause_masks,
                                                     strict=True) if not mask[docnum]]


def _within(left: list[int], right: list[int], window: int) -> bool:
    """Whether a position of ``left`` is at most ``window`` from one of ``right``."""
    ordered = sorted(right)
    for position in left:
        index = np.searchsorted(ordered, position)
        for near in ordered[max(0, index - 1):index + 1]:
            if abs(near - position) <= window:
                return True
    return False
