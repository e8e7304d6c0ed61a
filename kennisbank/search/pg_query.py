"""Reading the PostgreSQL search rows: the search statement, related items,
"did you mean" words, and hits with their snippets.

:mod:`.pg_backend` runs these on a connection to the primary or the read
replica; nothing here writes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import (
    Connection,
    Float,
    Text,
    and_,
    case,
    cast,
    false,
    func,
    literal,
    literal_column,
    null,
    select,
    text,
    true,
)
from sqlalchemy.dialects.postgresql import ARRAY, TSQUERY, aggregate_order_by, array

from ..auth.policy import Visibility
from ..config import LANGUAGES
from .backend import MAX_RESULT_WINDOW, Hit, SearchQuery
from .highlight import MAX_FRAGMENTS, fragments, matching_spans
from .pg_document import RANK_WEIGHTS, TextQuery, facet_code, quote
from .pg_tables import SearchDocument, SearchWord

RANK_NORMALIZATION = 1
RELATED_TERMS = 12
#: Related items are ranked among at most this many candidates (bounded cost at 1M items).
RELATED_CANDIDATES = 5000

docs = SearchDocument.__table__
words_table = SearchWord.__table__
RANK_WEIGHTS_SQL = literal_column(f"'{RANK_WEIGHTS}'::float4[]")


def facet_codes(facet: str, values: Iterable[str]) -> Any:
    return cast([facet_code(facet, value) for value in values], ARRAY(Text))


def as_tsquery(query: str) -> Any:
    return cast(literal(query), TSQUERY)


class PostgresWords:
    """``search_words`` as the "did you mean" dictionary; ``pg_trgm`` finds near words."""

    #: Lower than pg_trgm's default (0.3) so one typo in a short word still qualifies.
    SIMILARITY = 0.2

    def __init__(self, connection: Any) -> None:
        self.connection = connection

    def frequency(self, word: str) -> int:
        return int(self.connection.scalar(
            select(words_table.c.documents).where(words_table.c.word == word)) or 0)

    def near(self, word: str, maxdist: int, prefix: int) -> list[str]:
        self.connection.execute(select(func.set_config(
            "pg_trgm.similarity_threshold", str(self.SIMILARITY), True)))
        similar = words_table.c.word.bool_op("%")(word)
        return list(self.connection.scalars(
            select(words_table.c.word)
            .where(similar, words_table.c.documents > 0,
                   func.left(words_table.c.word, prefix) == word[:prefix],
                   func.abs(func.length(words_table.c.word) - len(word)) <= maxdist)
            .order_by(func.similarity(words_table.c.word, word).desc(), words_table.c.word)
            .limit(40)))


def search_statement(query: SearchQuery, wanted: TextQuery | None) -> Any:
    """One statement: (total, facet counts, the page as [id, score, display]).

    Per matching row it costs one heap visit (status, facets, sort keys), one
    ``unnest`` of its facets and, ordered by relevance, one ``ts_rank`` of its
    vector, computed in the scan itself; only the shown page joins back for
    the rest (see ``bench/RESULTS.md`` for where the time goes).
    """
    conditions = [query.visibility.sql(docs.c.status, docs.c.owner_id, docs.c.sector)]
    for facet, values in query.constraints:
        conditions.append(docs.c.facets.overlap(facet_codes(facet, values)) if values else false())
    tsquery = as_tsquery(wanted.tsquery) if wanted is not None else None
    if tsquery is not None:
        conditions.append(docs.c.vector.bool_op("@@")(tsquery))
    filters = [(facet, values) for facet, values in query.filters.items() if values]
    flags = [docs.c.facets.overlap(facet_codes(facet, values)).label(f"f{number}")
             for number, (facet, values) in enumerate(filters)]
    sort = query.effective_sort
    if sort == "relevance" and tsquery is None:
        sort = "newest"
    keys: list[Any] = [docs.c.start_day]
    if sort == "relevance":
        keys.append(func.ts_rank(RANK_WEIGHTS_SQL, docs.c.vector, tsquery, RANK_NORMALIZATION)
                    .label("score"))
    elif sort == "title":
        keys.append(docs.c[f"title_{query.lang if query.lang in LANGUAGES else 'nl'}"]
                    .label("title"))
    elif sort != "newest":
        keys.append(func.coalesce(cast(docs.c.numbers[sort].astext, Float), 0).label("number"))
    base = select(docs.c.item_id, docs.c.facets, *keys, *flags).where(and_(*conditions)).cte("base")
    every = and_(true(), *[base.c[f"f{n}"] for n in range(len(filters))])

    total = select(func.count()).select_from(base).where(every).scalar_subquery()
    return select(total, _facet_counts(query, base, filters, every),
                  _page(query, base, sort, every))


def _facet_counts(query: SearchQuery, base: Any, filters: list[tuple[str, tuple[str, ...]]],
                  every: Any) -> Any:
    """``[[code, count], ...]`` over the matches; a filtered facet's own values are
    counted without its own filter (so a reader sees what else they could pick)."""
    values = func.unnest(base.c.facets).table_valued("value").render_derived("facet_values")
    value = values.c.value
    keep: Any = every
    if filters:
        keep = case(*[
            (func.starts_with(value, f"{facet}="),
             and_(true(), *[base.c[f"f{m}"] for m in range(len(filters)) if m != n]))
            for n, (facet, _) in enumerate(filters)
        ], else_=every)
    counts = (select(value.label("value"), func.count().label("n"))
              .select_from(base).join(values, true()).where(keep).group_by(value).subquery())
    wanted = func.split_part(counts.c.value, "=", 1).in_(list(query.facets) or [""])
    return select(func.json_agg(func.json_build_array(counts.c.value, counts.c.n))
                  ).where(wanted).scalar_subquery()


def _page(query: SearchQuery, base: Any, sort: str, every: Any) -> Any:
    """``[[id, score, display], ...]`` of the shown page, in order."""
    def order(table: Any) -> list[Any]:
        if sort == "relevance":
            return [table.c.score.desc(), table.c.item_id]
        if sort == "newest":
            return [table.c.start_day.desc(), table.c.item_id.desc()]
        if sort == "title":
            return [table.c.title.collate("C"), table.c.item_id]
        return [table.c.number.desc(), table.c.start_day.desc(), table.c.item_id.desc()]

    start = (query.page - 1) * query.per_page
    size = max(0, min(query.per_page, MAX_RESULT_WINDOW - start))
    top = select(base).where(every).order_by(*order(base)).limit(size).offset(start).subquery()
    shown = docs.alias("shown")
    score = top.c.score if sort == "relevance" else cast(null(), Float)
    return select(func.json_agg(aggregate_order_by(
        func.json_build_array(top.c.item_id, score, shown.c.display), *order(top)))
    ).select_from(top.join(shown, shown.c.item_id == top.c.item_id)).scalar_subquery()


def extra_words(wanted: TextQuery) -> Any:
    """The query's stems (as ``lang:stem``) that this row's extra text holds: one
    ``@@`` test per stem on the row's own ``extra`` vector (a query has at most a
    few dozen stems), so nothing but the shown rows is read."""
    stems = [f"{lang}:{stem}" for lang, found in wanted.terms.items() for stem in found]
    if not stems:
        return literal(None)
    tests = [case((docs.c.extra.bool_op("@@")(as_tsquery(quote(stem))), stem)) for stem in stems]
    return func.array_remove(array(tests), null())


def related_hits(connection: Connection, item_id: int, visibility: Visibility, lang: str,
             limit: int) -> list[Hit]:
    """Items sharing the item's key terms, ranked among a bounded set of candidates."""
    terms = _key_terms(connection, item_id)
    if not terms:
        return []
    wanted = as_tsquery(" | ".join(quote(term) for term in terms))
    candidates = (
        select(docs.c.item_id, docs.c.vector, docs.c.display)
        .where(docs.c.vector.bool_op("@@")(wanted), docs.c.item_id != item_id,
               visibility.sql(docs.c.status, docs.c.owner_id, docs.c.sector))
        .limit(RELATED_CANDIDATES).subquery()
    )
    score = func.ts_rank(RANK_WEIGHTS_SQL, candidates.c.vector, wanted, RANK_NORMALIZATION)
    rows = connection.execute(
        select(candidates.c.item_id, score, candidates.c.display)
        .order_by(score.desc(), candidates.c.item_id).limit(limit)
    ).all()
    return [make_hit(found, float(rank), display, lang) for found, rank, display in rows]


def query_key(query: SearchQuery) -> tuple[Any, ...]:
    """Everything a result depends on, hashable."""
    return (query.visibility, query.text, query.lang,
            tuple(sorted((name, tuple(values)) for name, values in query.filters.items())),
            query.sort, query.page, query.per_page, query.facets, query.highlight,
            query.constraints)


def _key_terms(connection: Any, item_id: int) -> list[str]:
    """The item's most frequent stems per language, titles counting double:
    what it is about."""
    rows = connection.execute(text(
        "SELECT t.lexeme, t.positions, t.weights FROM search_documents d, "
        "unnest(d.vector) AS t WHERE d.item_id = :item_id"), {"item_id": item_id}).all()
    weights = {"A": 2.0, "B": 1.5, "C": 1.0, "D": 1.0}
    scored: dict[str, list[tuple[float, str]]] = {}
    for lexeme, _positions, letters in rows:
        lang, _, stem = lexeme.partition(":")
        if lang not in LANGUAGES or len(stem) < 3 or stem.isdigit():
            continue
        score = sum(weights.get(letter, 1.0) for letter in letters or ["D"])
        scored.setdefault(lang, []).append((-score, lexeme))
    return [lexeme for found in scored.values() for _, lexeme in sorted(found)[:RELATED_TERMS]]


def make_hit(item_id: int, score: float | None, display: dict[str, Any], lang: str) -> Hit:
    languages = display.get("languages") or []
    shown = lang if lang in languages else (languages[0] if languages else lang)
    return Hit(
        id=int(item_id),
        external_id=display.get("external_id"),
        type=display.get("type", ""),
        title=(display.get("titles") or {}).get(shown, ""),
        summary=(display.get("summaries") or {}).get(shown, ""),
        lang=shown,
        languages=list(languages),
        sector=display.get("sector", ""),
        country=display.get("country"),
        city=display.get("city"),
        score=float(score) if score is not None else None,
    )


def highlight(hit: Hit, texts: dict[str, dict[str, str]], wanted: TextQuery,
               names: list[str]) -> None:
    """Snippets from the shown translation, or from another one when only that matched."""
    others = [lang for lang in hit.languages if lang != hit.lang]
    for group in ([hit.lang], others):
        for lang in group:
            stems = frozenset(wanted.terms.get(lang, ()))
            for name in names:
                if len(hit.highlights) >= MAX_FRAGMENTS:
                    return
                body = (texts.get(lang) or {}).get(name) or ""
                spans = matching_spans(body, lang, stems) if body else []
                if spans:
                    hit.highlights += fragments(body, spans, MAX_FRAGMENTS - len(hit.highlights))
        if hit.highlights:
            return
