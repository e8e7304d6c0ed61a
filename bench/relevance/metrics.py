"""Ranking metrics for graded judgments (0-3), computed on one query's ranking.

Grades follow the judgments file: 3 exactly what the searcher wants, 2 clearly
relevant, 1 marginally relevant, anything unjudged 0. A result "counts" for the
binary metrics (success, reciprocal rank) from grade 2 up: a marginal hit at
the top is not what the searcher came for. nDCG uses every grade, with the
usual exponential gain ``2**grade - 1`` so that one grade-3 item outweighs
several grade-1 items.

Rankings are lists of external ids, best first. An id that appears twice
counts once, at its first place: a repeated result shows the searcher nothing
new, so it must not earn gain twice.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

#: The lowest grade that makes a result relevant for success@k and MRR.
RELEVANT = 2


def _distinct(ranking: Sequence[str]) -> list[str]:
    """The ranking without repeats, each id at its first place."""
    return list(dict.fromkeys(ranking))


def success_at(ranking: Sequence[str], grades: Mapping[str, int], k: int = 5) -> float:
    """1.0 when an item graded >= 2 is among the first ``k`` results, else 0.0."""
    return float(any(grades.get(eid, 0) >= RELEVANT for eid in _distinct(ranking)[:k]))


def reciprocal_rank(ranking: Sequence[str], grades: Mapping[str, int], k: int = 10) -> float:
    """1 / rank of the first item graded >= 2 within the first ``k``; 0.0 when there is none."""
    for rank, eid in enumerate(_distinct(ranking)[:k], start=1):
        if grades.get(eid, 0) >= RELEVANT:
            return 1.0 / rank
    return 0.0


def gain(grade: int) -> float:
    """Exponential gain: grade 3 -> 7, 2 -> 3, 1 -> 1, 0 -> 0."""
    return float(2**grade - 1)


def dcg(grade_list: Sequence[int]) -> float:
    """Discounted cumulative gain of grades in ranked order (log2 discount, rank 1 undiscounted)."""
    return sum(gain(grade) / math.log2(rank + 1) for rank, grade in enumerate(grade_list, start=1))


def ndcg_at(ranking: Sequence[str], grades: Mapping[str, int], k: int = 10) -> float:
    """nDCG@k: the ranking's DCG over the best possible DCG from all judged items.

    0.0 when nothing is judged relevant (no ideal to compare with); the judgments
    file guarantees that never happens for a real query.
    """
    ideal = dcg(sorted((g for g in grades.values() if g > 0), reverse=True)[:k])
    if ideal == 0:
        return 0.0
    return dcg([grades.get(eid, 0) for eid in _distinct(ranking)[:k]]) / ideal


def query_scores(ranking: Sequence[str], grades: Mapping[str, int]) -> dict[str, float]:
    """The three figures the report shows for one query."""
    return {
        "success@5": success_at(ranking, grades, 5),
        "mrr@10": reciprocal_rank(ranking, grades, 10),
        "ndcg@10": ndcg_at(ranking, grades, 10),
    }


def mean(values: Sequence[float]) -> float:
    """Arithmetic mean; 0.0 for no values (an empty group shows as zero, not an error)."""
    return sum(values) / len(values) if values else 0.0
