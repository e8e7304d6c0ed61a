"""A :class:`~.plan.QueryPlan` as PostgreSQL ``tsquery`` text and expressions.

The search row's vector holds ``nl:stem``, ``en:stem`` and ``kw:tag``
lexemes (:mod:`.pg_document`), so each alternative of the plan is a small
``tsquery`` in its space: its terms joined by ``&`` (all of them) or by
``<->`` (a phrase). A clause is the ``|`` of its alternatives.

Matching strictly is the ``&`` of the clauses (or a whole-query
alternative); loosened, the GIN index finds any clause and each row counts
its matched clauses against :meth:`.plan.QueryPlan.min_match`:
``(vector @@ clause)::int`` summed, or, where the results are ranked, one
index scan per clause (:func:`.pg_query._ranked`). Ranking mirrors the Whoosh backend's
(:mod:`.whoosh_plan`): ``ts_rank`` of the direct alternatives plus, weighted
lower, of the others (synonyms, translations, compound parts); a loosened
match scaled by its share of clauses squared; close words raising the score
by up to ``NEAR_BOOST``. Everything is computed for the matching rows only,
which sampling bounds (``SEARCH_EXACT_LIMIT``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Float, Integer, cast, func, literal, literal_column
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.sql.elements import ColumnClause

from .pg_document import RANK_WEIGHTS, quote
from .plan import DIRECT, Alternative, QueryPlan
from .whoosh_plan import COVERAGE_POWER, NEAR_BOOST, NEAR_WINDOW

RANK_NORMALIZATION = 1
RANK_WEIGHTS_SQL: ColumnClause[Any] = literal_column(f"'{RANK_WEIGHTS}'::float4[]")


def alternative_query(alternative: Alternative) -> str:
    """One alternative as ``tsquery`` text."""
    joiner = " <-> " if alternative.phrase else " & "
    return joiner.join(quote(f"{alternative.space}:{t}") for t in alternative.terms)


def any_of(queries: list[str]) -> str:
    return " | ".join(f"( {q} )" for q in dict.fromkeys(queries))


def _near(space: str, first: str, second: str) -> str:
    """The two terms within ``NEAR_WINDOW`` positions, in either order (a
    compound's parts share its position: distance 0)."""
    a, b = quote(f"{space}:{first}"), quote(f"{space}:{second}")
    found = [f"{a} <{n}> {b}" for n in range(NEAR_WINDOW + 1)]
    found += [f"{b} <{n}> {a}" for n in range(1, NEAR_WINDOW + 1)]
    return " | ".join(found)


@dataclass(frozen=True)
class TextQuery:
    """A plan as this backend runs it: ``tsquery`` finds the rows (GIN index),
    ``min_match`` (loosened) counts ``clauses`` per row, and the rest ranks."""

    tsquery: str
    terms: dict[str, list[str]]
    clauses: tuple[str, ...]
    #: The distinct lexemes of the direct alternatives, and of the others.
    direct: tuple[str, ...]
    related: tuple[str, ...] | None
    related_weight: float
    near: tuple[str, ...]
    gaps: int
    min_match: int | None = None

    def stems(self, lang: str) -> frozenset[str]:
        return frozenset(self.terms.get(lang, ()))

    def condition(self, vector: Any, *, counted: bool = True) -> list[Any]:
        """The conditions a matching row meets (without ``counted``, a loosened
        query's count of clauses is left to the caller: :meth:`score` uses it too)."""
        found = [vector.bool_op("@@")(as_tsquery(self.tsquery))]
        if self.min_match is not None and counted:
            found.append(self.matched(vector) >= self.min_match)
        return found

    def matched(self, vector: Any) -> Any:
        """How many clauses the row matches."""
        total: Any = literal(0)
        for clause in self.clauses:
            total = total + cast(vector.bool_op("@@")(as_tsquery(clause)), Integer)
        return total

    def score(self, vector: Any, matched: Any = None) -> Any:
        """The row's relevance, as described in the module docstring; ``matched``
        is the row's :meth:`matched` when the statement has it already."""
        score: Any = _summed_rank(vector, self.direct)
        if self.related is not None:
            score = score + self.related_weight * _summed_rank(vector, self.related)
        if self.min_match is not None:
            if matched is None:
                matched = self.matched(vector)
            share = cast(matched, Float) / len(self.clauses)
            score = score * func.power(share, COVERAGE_POWER)
        if self.near:
            close: Any = literal(0)
            for pair in self.near:
                close = close + cast(vector.bool_op("@@")(as_tsquery(pair)), Integer)
            score = score * (1 + NEAR_BOOST * func.least(1.0, cast(close, Float) / self.gaps))
        return score


def _summed_rank(vector: Any, lexemes: tuple[str, ...]) -> Any:
    """``ts_rank`` summed over the lexemes (as Whoosh sums each term's BM25).

    ``ts_rank`` of an ``|`` query averages over its operands (PostgreSQL's
    ``calc_rank_or`` divides by their number), so a word asked for in three
    spaces, of which a row can only match one, would count a third; and of an
    ``&`` query it measures how close the words stand, nearly nothing when
    they are far apart. Ranking the flat ``|`` of the distinct lexemes and
    multiplying by their number gives the sum."""
    query = " | ".join(lexemes)
    return len(lexemes) * func.ts_rank(RANK_WEIGHTS_SQL, vector, as_tsquery(query),
                                       RANK_NORMALIZATION)


def as_tsquery(query: str) -> Any:
    return cast(literal(query), TSQUERY)


def _lexemes(alternatives: Iterable[Alternative]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(quote(f"{a.space}:{t}") for a in alternatives for t in a.terms))


def plan_query(plan: QueryPlan, *, loose: bool = False) -> TextQuery | None:
    """The plan as a :class:`TextQuery`; None when nothing can be required."""
    if plan.empty:
        return None
    clauses = tuple(any_of([alternative_query(a) for a in clause.alternatives])
                    for clause in plan.clauses)
    whole = [alternative_query(a) for a in plan.whole]
    if loose:
        tsquery = any_of([*clauses, *whole])
    else:
        tsquery = " & ".join(f"( {c} )" for c in clauses)
        if whole:
            tsquery = any_of([tsquery, *whole])
    if plan.excluded:
        tsquery = f"( {tsquery} ) & !( {any_of([alternative_query(a) for a in plan.excluded])} )"
    alternatives = plan.alternatives()
    direct = _lexemes(a for a in alternatives if a.kind == DIRECT)
    others = [a for a in alternatives if a.kind != DIRECT]
    weight = sum(a.weight for a in others) / len(others) if others else 0.0
    terms = {space: plan.terms(space) for space in ("nl", "en")}
    return TextQuery(
        tsquery=tsquery, terms=terms, clauses=clauses, direct=direct,
        related=_lexemes(others) or None,
        related_weight=round(weight, 4),
        near=tuple(_near(*pair) for pair in plan.near), gaps=max(1, len(clauses) - 1),
        min_match=plan.min_match if loose else None)
