"""Reading the PostgreSQL search rows: the search statement, related items,
"did you mean" words, and hits with their snippets.

:mod:`.pg_backend` runs these on a connection to the primary or the read
replica; nothing here writes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
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
    union_all,
)
from sqlalchemy.dialects.postgresql import ARRAY, aggregate_order_by, array

from ..auth.policy import Visibility
from ..config import LANGUAGES
from .backend import Hit, SearchQuery, make_hit
from .highlight import MAX_FRAGMENTS, fragments, matching_spans
from .pg_document import facet_code, quote
from .pg_plan import RANK_NORMALIZATION, RANK_WEIGHTS_SQL, TextQuery, as_tsquery
from .pg_tables import SAMPLE_BUCKETS, SearchDocument, SearchWord

#: A facet filter: the facet and the values of which an item needs one.
Filter = tuple[str, tuple[str, ...]]
RELATED_TERMS = 12
#: Related items are ranked among at most this many candidates (bounded cost at 1M items).
RELATED_CANDIDATES = 5000

docs = SearchDocument.__table__
words_table = SearchWord.__table__
#: The row's sample bucket, as the index of migration 0004 computes it.
row_bucket = docs.c.item_id.op("%")(literal_column(str(SAMPLE_BUCKETS)))


def facet_codes(facet: str, values: Iterable[str]) -> Any:
    return cast([facet_code(facet, value) for value in values], ARRAY(Text))


class PostgresWords:
    """``search_words`` as the vocabulary (:mod:`.vocabulary`); ``pg_trgm`` finds
    the entries near a misspelling. ``reading`` opens a connection to read from
    (``reading(autocommit=False)`` one in a transaction)."""

    #: Lower than pg_trgm's default (0.3) so one typo in a short word still qualifies.
    SIMILARITY = 0.2

    def __init__(self, reading: Callable[..., AbstractContextManager[Connection]]) -> None:
        self.reading = reading

    def frequencies(self, entries: Iterable[str]) -> dict[str, int]:
        wanted = list(dict.fromkeys(entries))
        if not wanted:
            return {}
        with self.reading() as connection:
            found: dict[str, int] = dict(connection.execute(
                select(words_table.c.word, words_table.c.documents)
                .where(words_table.c.word.in_(wanted))).all())
        return {entry: int(found.get(entry) or 0) for entry in wanted}

    def known(self, entries: Iterable[str]) -> set[str]:
        wanted = list(entries)
        if not wanted:
            return set()
        with self.reading() as connection:
            return set(connection.scalars(select(words_table.c.word).where(
                words_table.c.word.in_(wanted), words_table.c.documents > 0)))

    def near(self, entry: str, maxdist: int, prefix: int) -> list[str]:
        # In a transaction: the threshold is set for it only (``set_config``'s ``true``).
        with self.reading(autocommit=False) as connection:
            connection.execute(select(func.set_config(
                "pg_trgm.similarity_threshold", str(self.SIMILARITY), True)))
            similar = words_table.c.word.bool_op("%")(entry)
            return list(connection.scalars(
                select(words_table.c.word)
                .where(similar, words_table.c.documents > 0,
                       func.left(words_table.c.word, prefix) == entry[:prefix],
                       func.abs(func.length(words_table.c.word) - len(entry)) <= maxdist)
                .order_by(func.similarity(words_table.c.word, entry).desc(),
                          words_table.c.word)
                .limit(60)))


def matching(query: SearchQuery, wanted: TextQuery | None) -> list[Any]:
    """The conditions of a visible match, before the reader's facet filters."""
    conditions = [query.visibility.sql_array(docs.c.labels)]
    for facet, values in query.constraints:
        conditions.append(docs.c.facets.overlap(facet_codes(facet, values)) if values else false())
    if wanted is not None:
        conditions += wanted.condition(docs.c.vector)
    return conditions


def probe_statement(query: SearchQuery, wanted: TextQuery | None) -> Any:
    """(matches, matches passing the facet filters) in the first sample bucket:
    ``1 / SAMPLE_BUCKETS`` of each count, for the cost of reading that bucket."""
    filters = _active(query)
    return select(func.count().label("matches"),
                  func.count().filter(and_(true(), *_filtered(filters))).label("passing")
                  ).where(*matching(query, wanted), row_bucket == 0)


@dataclass(frozen=True)
class Sample:
    """How many sample buckets to read: for the facet counts, and for the
    total and the ranked page; None reads every row, exactly."""

    facets: int | None = None
    hits: int | None = None

    @staticmethod
    def estimate(counted: int, buckets: int | None) -> int:
        """The whole set's count from the sample's, to two significant digits
        (the sample cannot tell more: 528 counted of a 1/256 sample is
        "about 140,000", not 135,168)."""
        if buckets is None:
            return counted
        scaled = counted * SAMPLE_BUCKETS / buckets
        return int(float(f"{scaled:.2g}")) if scaled >= 100 else round(scaled)

    @property
    def estimated(self) -> bool:
        return self.facets is not None or self.hits is not None


def search_statement(query: SearchQuery, wanted: TextQuery | None,
                     sample: Sample = Sample()) -> Any:
    """One statement: (total, facet counts, the page as [id, score, display]).

    Per matching row it costs one heap visit (status, facets, sort keys), and
    either one ``unnest`` of its facets (for the counts) or, ordered by
    relevance, one ``ts_rank`` of its vector, computed in the scan itself;
    only the shown page joins back for the rest (see ``bench/RESULTS.md`` for
    where the time goes).

    ``sample`` may limit the counting and the ranking to the first few sample
    buckets (see :data:`SAMPLE_BUCKETS`); a page in another order than
    relevance still comes from every match, since the newest items or the
    first by title must not be missed, and the index on that order finds them
    without reading the rest.
    """
    filters = _active(query)
    sort = query.effective_sort
    if sort == "relevance" and wanted is None:
        sort = "newest"
    # One scan serves both when the same rows are counted and ranked (no sample,
    # or the same one): the text match is looked up in the index only once.
    shared = sample.facets == sample.hits
    counted = _rows(query, wanted, sample.facets, counting=filters,
                    sort=sort if shared else None).cte("counted")
    if shared:
        hits = select(counted).where(_passes(counted, filters)).cte("hits")
    else:
        hits = _rows(query, wanted, sample.hits, required=filters, sort=sort).cte("hits")
    total = select(func.count()).select_from(hits).scalar_subquery()
    ordered = hits
    if sample.hits is not None and sort != "relevance":
        ordered = _rows(query, wanted, None, required=filters, sort=sort).cte("ordered")
    return select(total, _facet_counts(query, counted, filters), _page(query, ordered, sort))


def _active(query: SearchQuery) -> list[Filter]:
    """The reader's facet filters that name at least one value."""
    return [(facet, values) for facet, values in query.filters.items() if values]


def _filtered(filters: Sequence[Filter]) -> list[Any]:
    return [docs.c.facets.overlap(facet_codes(facet, values)) for facet, values in filters]


def _passes(counted: Any, filters: Sequence[Filter], but: int | None = None) -> Any:
    """A counted row passes every filter (but number ``but``), by its flags."""
    return and_(true(), *[counted.c[f"f{n}"] for n in range(len(filters)) if n != but])


def _rows(query: SearchQuery, wanted: TextQuery | None, buckets: int | None, *,
          counting: Sequence[Filter] | None = None, required: Sequence[Filter] = (),
          sort: str | None = None) -> Any:
    """The visible matches in the first ``buckets`` buckets (None: all) that pass
    the ``required`` filters: their id; to be counted, their facets and one
    flag per facet filter in ``counting``; and the sort key of ``sort``."""
    ranked = sort == "relevance" and wanted is not None
    # Ranked, the text conditions are :func:`_ranked`'s.
    conditions = [*matching(query, None if ranked else wanted), *_filtered(required)]
    if buckets is not None:
        conditions.append(row_bucket < buckets)
    columns: list[Any] = [docs.c.item_id]
    flags: list[Any] = []
    if counting is not None:
        flags = [flag.label(f"f{number}") for number, flag in enumerate(_filtered(counting))]
        columns += [docs.c.facets, *flags]
    if ranked:
        assert wanted is not None
        return _ranked(wanted, conditions, columns, len(flags))
    if sort == "title":
        columns.append(docs.c[f"title_{query.lang if query.lang in LANGUAGES else 'nl'}"]
                       .label("title"))
    elif sort not in (None, "newest", "relevance"):
        columns.append(func.coalesce(cast(docs.c.numbers[sort].astext, Float), 0)
                       .label("number"))
    if sort is not None:
        columns.append(docs.c.start_day)
    return select(*columns).where(and_(*conditions))


def _ranked(wanted: TextQuery, conditions: list[Any], columns: list[Any], flags: int) -> Any:
    """The rows of ``columns`` that match ``wanted`` and meet ``conditions``,
    with their ``score`` and ``start_day``; the first ``flags`` columns after
    ``item_id`` and ``facets`` are the counted filters' flags.

    The score tests a row's vector several times, and each test of a stored
    vector reads it again from TOAST, so each row's vector is read once
    (:func:`read_once`), in a subquery the planner keeps as it is (``OFFSET
    0``) so that its output is computed once per row rather than copied into
    every expression that uses it, and only for the rows that pass every
    filter (the others are only counted). A loosened query counts the
    clauses each row matches from the GIN index (one index scan per clause,
    each with the whole query's condition too, so the planner scans the
    index rather than testing every row's vector), so only the rows with
    enough clauses are read, and the count serves the score too."""
    vector = read_once(docs.c.vector)
    if flags:
        vector = case((and_(*columns[2:2 + flags]), vector))
    source, matched = docs, []
    text = wanted.condition(docs.c.vector, counted=False)
    if wanted.min_match is not None:
        rows = union_all(*[select(docs.c.item_id).where(
            docs.c.vector.bool_op("@@")(as_tsquery(clause)), *text, *conditions)
            for clause in wanted.clauses]).subquery("clause_rows")
        counts = (select(rows.c.item_id, func.count().label("matched"))
                  .group_by(rows.c.item_id).having(func.count() >= wanted.min_match)
                  .subquery("clauses"))
        source = docs.join(counts, counts.c.item_id == docs.c.item_id)
        matched = [counts.c.matched]
    inner = (select(*columns, docs.c.start_day, vector.label("vector"), *matched)
             .select_from(source)
             .where(*text, *conditions)
             .offset(0).subquery("matching"))
    kept = [inner.c[column.name] for column in columns]
    score = wanted.score(inner.c.vector, inner.c.matched if matched else None)
    if flags:
        score = case((and_(*kept[2:2 + flags]), score))
    return select(*kept, score.label("score"), inner.c.start_day)


def read_once(vector: Any) -> Any:
    """``vector``, read from TOAST into memory once, to be tested many times:
    ``ts_delete`` of a lexeme that no row holds (every lexeme has a space
    prefix, :mod:`.pg_document`) returns its input as read."""
    return func.ts_delete(vector, literal_column("''::text"))


def _facet_counts(query: SearchQuery, counted: Any,
                  filters: Sequence[Filter]) -> Any:
    """``[[code, count], ...]`` over the matches; a filtered facet's own values are
    counted without its own filter (so a reader sees what else they could pick)."""
    values = func.unnest(counted.c.facets).table_valued("value").render_derived("facet_values")
    value = values.c.value
    keep: Any = _passes(counted, filters)
    if filters:
        keep = case(*[(func.starts_with(value, f"{facet}="), _passes(counted, filters, but=n))
                      for n, (facet, _) in enumerate(filters)], else_=keep)
    counts = (select(value.label("value"), func.count().label("n"))
              .select_from(counted).join(values, true()).where(keep).group_by(value).subquery())
    wanted = func.split_part(counts.c.value, "=", 1).in_(list(query.facets) or [""])
    return select(func.json_agg(func.json_build_array(counts.c.value, counts.c.n))
                  ).where(wanted).scalar_subquery()


def _page(query: SearchQuery, hits: Any, sort: str) -> Any:
    """``[[id, score, display], ...]`` of the shown page, in order."""
    def order(table: Any) -> list[Any]:
        if sort == "relevance":
            return [table.c.score.desc(), table.c.item_id]
        if sort == "newest":
            return [table.c.start_day.desc(), table.c.item_id.desc()]
        if sort == "title":
            return [table.c.title.collate("C"), table.c.item_id]
        return [table.c.number.desc(), table.c.start_day.desc(), table.c.item_id.desc()]

    start, end = query.window
    size = max(0, end - start)
    top = select(hits).order_by(*order(hits)).limit(size).offset(start).subquery()
    shown = docs.alias("shown")
    score = top.c.score if sort == "relevance" else cast(null(), Float)
    return select(func.json_agg(aggregate_order_by(
        func.json_build_array(top.c.item_id, score, shown.c.display), *order(top)))
    ).select_from(top.join(shown, shown.c.item_id == top.c.item_id)).scalar_subquery()


def extra_words(wanted: TextQuery, extra: Any = docs.c.extra) -> Any:
    """The query's stems (as ``lang:stem``) that this row's extra text holds: one
    ``@@`` test per stem on the row's own ``extra`` vector (a query has at most a
    few dozen stems), so nothing but the shown rows is read."""
    stems = [f"{lang}:{stem}" for lang, found in wanted.terms.items() for stem in found]
    if not stems:
        return literal(None)
    tests = [case((extra.bool_op("@@")(as_tsquery(quote(stem))), stem)) for stem in stems]
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
               visibility.sql_array(docs.c.labels))
        .limit(RELATED_CANDIDATES).subquery()
    )
    score = func.ts_rank(RANK_WEIGHTS_SQL, candidates.c.vector, wanted, RANK_NORMALIZATION)
    rows = connection.execute(
        select(candidates.c.item_id, score, candidates.c.display)
        .order_by(score.desc(), candidates.c.item_id).limit(limit)
    ).all()
    return [hit_of(found, float(rank), display, lang) for found, rank, display in rows]


def query_key(query: SearchQuery) -> tuple[Any, ...]:
    """Everything a result depends on, hashable."""
    return (query.visibility, query.text, query.plan, query.loosen, query.lang,
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
        if letters and set(letters) == {"B"}:
            continue  # only in the tags, which related items do not compare (as in Whoosh)
        score = sum(weights.get(letter, 1.0) for letter in letters or ["D"])
        scored.setdefault(lang, []).append((-score, lexeme))
    return [lexeme for found in scored.values() for _, lexeme in sorted(found)[:RELATED_TERMS]]


#: Where a search row's display data keeps each shown text, by language.
_DISPLAY_TEXTS = {"title": "titles", "summary": "summaries"}


def hit_of(item_id: int, score: float | None, display: dict[str, Any], lang: str) -> Hit:
    """A hit from a search row's ``display`` (titles and summaries by language)."""
    return make_hit(item_id, score, display, lang,
                    lambda name, shown: (display.get(_DISPLAY_TEXTS[name]) or {}).get(shown, ""))


def highlight(hit: Hit, texts: dict[str, dict[str, str]], wanted: TextQuery,
               names: list[str]) -> None:
    """Snippets from the shown translation, or from another one when only that matched."""
    others = [lang for lang in hit.languages if lang != hit.lang]
    for group in ([hit.lang], others):
        for lang in group:
            stems = wanted.stems(lang)
            for name in names:
                if len(hit.highlights) >= MAX_FRAGMENTS:
                    return
                body = (texts.get(lang) or {}).get(name) or ""
                spans = matching_spans(body, lang, stems) if body else []
                if spans:
                    hit.highlights += fragments(body, spans, MAX_FRAGMENTS - len(hit.highlights))
        if hit.highlights:
            return
