"""The PostgreSQL backend: search inside the app's database.

With several app servers on one PostgreSQL there is no index on local disk to
keep in sync: each item's search row (:mod:`.pg_tables`) is written in the
same transaction as the item. ``content.service.queue_index`` hands the
changed item ids to :meth:`PostgresBackend.queue`; just before that session
commits, the rows of those items are brought in line with the items as the
transaction sees them (after its last flush). So no outbox is needed, a
search right after a save finds the change, and a rolled-back save leaves no
trace in the index either.

Searching is one statement: the matching, visible rows (GIN index on the
``tsvector``) are gathered once, then counted, counted per facet value
(``unnest`` of the ``facets`` array; each facet's count leaves out its own
filter, as in the Whoosh backend) and cut into the shown page, ranked by
``ts_rank`` with the field weights. Snippets are cut in Python from the page's
stored text (:func:`.highlight.matching_spans`).

``SEARCH_DATABASE_URL`` may point searches at a read replica; everything that
writes uses the app's own database.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    Float,
    Text,
    and_,
    case,
    cast,
    create_engine,
    delete,
    event,
    exists,
    false,
    func,
    literal,
    literal_column,
    null,
    select,
    text,
    true,
)
from sqlalchemy.dialects.postgresql import ARRAY, TSQUERY, aggregate_order_by
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from ..auth.policy import Visibility
from ..config import LANGUAGES
from ..content.registry import Registry
from ..extensions import db
from ..models import Item
from . import pg_cache
from .backend import (
    MAX_RESULT_WINDOW,
    Hit,
    ProgressFn,
    SearchBackend,
    SearchQuery,
    SearchResult,
    SearchUnavailable,
)
from .highlight import MAX_FRAGMENTS, fragments, matching_spans
from .parallel import run_parts
from .pg_document import (
    RANK_WEIGHTS,
    TextQuery,
    document_row,
    facet_code,
    quote,
    signature,
    text_query,
)
from .pg_tables import SearchDocument, SearchWord
from .schema import text_names
from .suggest import suggest_query

log = logging.getLogger(__name__)
PENDING_KEY = "kennisbank.search.pending"
#: Key of the advisory lock behind :meth:`PostgresBackend.writing` ("kbsx").
LOCK_KEY = 0x6B62_7378
LOCK_POLL_SECONDS = 0.05
LOCK_TIMEOUT = 10.0
REBUILD_BATCH = 200
WORDS_CHUNK = 5000
RANK_NORMALIZATION = 1
RELATED_TERMS = 12
#: Related items are ranked among at most this many candidates (bounded cost at 1M items).
RELATED_CANDIDATES = 5000

docs = SearchDocument.__table__
words_table = SearchWord.__table__
_RANK_WEIGHTS = literal_column(f"'{RANK_WEIGHTS}'::float4[]")


def _codes(facet: str, values: Iterable[str]) -> Any:
    return cast([facet_code(facet, value) for value in values], ARRAY(Text))


def _tsquery(query: str) -> Any:
    return cast(literal(query), TSQUERY)


class PostgresBackend:
    """A :class:`~kennisbank.search.backend.SearchBackend` on PostgreSQL."""

    #: Changes are indexed inside the item's transaction (no outbox, no drain).
    transactional = True

    def __init__(self, registry: Registry, *, read_url: str | None = None,
                 engine_options: dict[str, Any] | None = None,
                 rebuild_procs: int = 1, cache_size: int = pg_cache.DEFAULT_SIZE) -> None:
        self.registry = registry
        self.cache = pg_cache.ResultCache(cache_size)
        self.signature = signature(registry)
        self.rebuild_procs = rebuild_procs
        self._read_engine: Engine | None = (
            create_engine(read_url, **(engine_options or {})) if read_url else None
        )

    @contextmanager
    def _reading(self) -> Iterator[Connection]:
        """A connection to read from: the replica when one is set and it can be
        reached, else the app's database (so a replica that is down costs the
        replica's load, not the search; its failure is logged)."""
        if self._read_engine is not None:
            try:
                connection = self._read_engine.connect()
            except OperationalError:
                log.warning("search replica unreachable; searching the primary database",
                            exc_info=True)
            else:
                with connection:
                    yield connection
                return
        with db.engine.connect() as connection:
            yield connection

    # Writing, inside the caller's transaction

    def queue(self, session: Session, item_id: int) -> None:
        """Index ``item_id`` as it is when ``session`` commits."""
        _, ids = session.info.setdefault(PENDING_KEY, (self, set()))
        ids.add(item_id)

    def write(self, session: Session, ids: Iterable[int], *, words: bool = True) -> None:
        """Bring the rows of ``ids`` in line with the items as ``session`` sees them."""
        wanted = sorted(set(ids))
        for start in range(0, len(wanted), REBUILD_BATCH):
            chunk = wanted[start:start + REBUILD_BATCH]
            # Reloaded, so values read as they were stored (an aware ``updated_at``
            # comes back naive), as every later stamp comparison will read them.
            items = session.scalars(select(Item).where(Item.id.in_(chunk))
                                    .execution_options(populate_existing=True)).all()
            rows = [document_row(item, self.registry, self.signature) for item in items]
            found = {row["item_id"] for row in rows}
            self._store(session, rows, [i for i in chunk if i not in found], words=words)

    def _store(self, session: Session, rows: list[dict[str, Any]], gone: Sequence[int], *,
               words: bool = True, only_newer: bool = False) -> None:
        """Upsert ``rows``, delete the rows of ``gone``, and keep ``search_words`` exact."""
        pg_cache.changed(session)
        ids = sorted({row["item_id"] for row in rows} | set(gone))
        delta: Counter[str] = Counter()
        if words:
            previous = session.execute(
                select(docs.c.words).where(docs.c.item_id.in_(ids)).with_for_update()
            ).scalars()
            for old in previous:
                delta.subtract(old or ())
            for row in rows:
                delta.update(row["words"] or ())
        if gone:
            session.execute(delete(docs).where(docs.c.item_id.in_(list(gone))))
        if rows:
            statement = pg_insert(docs)
            excluded = statement.excluded
            statement = statement.on_conflict_do_update(
                index_elements=[docs.c.item_id],
                set_={column.name: excluded[column.name] for column in docs.columns
                      if column.name != "item_id"},
                where=(docs.c.stamp <= excluded.stamp) if only_newer else None,
            )
            session.execute(statement, rows)
        if words:
            self._count_words(session, delta)

    @staticmethod
    def _count_words(session: Session, delta: Counter[str]) -> None:
        """Add ``delta`` to the published-item counts, in word order (so two
        transactions lock the same rows in the same order and never deadlock)."""
        changes = sorted((word, number) for word, number in delta.items() if number)
        for start in range(0, len(changes), WORDS_CHUNK):
            chunk = changes[start:start + WORDS_CHUNK]
            statement = pg_insert(words_table).values(
                [{"word": word, "documents": number} for word, number in chunk])
            session.execute(statement.on_conflict_do_update(
                index_elements=[words_table.c.word],
                set_={"documents": words_table.c.documents + statement.excluded.documents}))
        gone = [word for word, number in changes if number < 0]
        if gone:
            session.execute(delete(words_table).where(
                words_table.c.word.in_(gone), words_table.c.documents <= 0))

    # Writing, in transactions of its own (outbox, repair, rebuild)

    def apply(self, items: Iterable[Item], delete_ids: Iterable[int]) -> None:
        ids = {item.id for item in items} | set(delete_ids)
        if not ids:
            return
        with Session(db.engine) as session:
            # Lock the items first: an edit committing meanwhile cannot be overwritten
            # with an older state, and the rows are built from what is there now.
            session.execute(select(Item.id).where(Item.id.in_(sorted(ids))).with_for_update())
            self.write(session, ids)
            session.commit()

    def index(self, items: Iterable[Item]) -> None:
        self.apply(items, ())

    def delete(self, ids: Iterable[int]) -> None:
        self.apply((), ids)

    def clear(self) -> None:
        with Session(db.engine) as session:
            pg_cache.changed(session)
            session.execute(delete(docs))
            session.execute(delete(words_table))
            session.commit()

    @contextmanager
    def _locked(self, timeout: float | None) -> Iterator[None]:
        wait = LOCK_TIMEOUT if timeout is None else timeout
        with db.engine.connect() as connection:
            waited = 0.0
            while not connection.scalar(select(func.pg_try_advisory_lock(LOCK_KEY))):
                if waited >= wait:
                    raise SearchUnavailable(f"the search index is busy (waited {wait:.0f} s)")
                connection.execute(select(func.pg_sleep(LOCK_POLL_SECONDS)))
                waited += LOCK_POLL_SECONDS
            try:
                yield
            finally:
                connection.execute(select(func.pg_advisory_unlock(LOCK_KEY)))
                connection.commit()

    def writing(self, timeout: float | None = None) -> Any:
        """Only one repair or rebuild at a time (item saves need no lock: row locks order them)."""
        return self._locked(timeout)

    def rebuild(
        self,
        source: Callable[[int, int], Iterator[list[Item]]],
        *,
        progress: ProgressFn | None = None,
        finish: Callable[[SearchBackend], None] | None = None,
    ) -> int:
        """Rewrite every row in batches, each its own transaction, so searches go
        on and always see whole rows; a row that an edit wrote meanwhile is
        never replaced by an older state (``stamp`` check). Then count the
        words afresh and let ``finish`` repair what changed meanwhile."""
        registry, row_signature = self.registry, self.signature

        def work(part: int, parts: int, report: Callable[[int], None]) -> tuple[int, None]:
            count = 0
            with Session(db.engine) as session:
                for batch in source(part, parts):
                    rows = [document_row(item, registry, row_signature) for item in batch]
                    self._store(session, rows, (), words=False, only_newer=True)
                    session.commit()
                    count += len(batch)
                    report(len(batch))
            return count, None

        with self.writing():
            count = sum(n for n, _ in run_parts(work, self.rebuild_procs, progress))
            self.recount_words()
        if finish is not None:
            finish(self)  # takes the lock itself (outbox.repair)
        return count

    def recount_words(self) -> None:
        """Count every word of published content afresh. Saves wait meanwhile
        (table lock), then add their change to the fresh counts."""
        with Session(db.engine) as session:
            session.execute(text("LOCK TABLE search_words IN EXCLUSIVE MODE"))
            session.execute(delete(words_table))
            words = func.unnest(docs.c.words).table_valued("word").render_derived("published_words")
            word = words.c.word
            session.execute(words_table.insert().from_select(
                ["word", "documents"],
                select(word, func.count()).select_from(docs).join(words, true())
                .where(docs.c.status == "published", docs.c.words.is_not(None))
                .group_by(word)))
            session.commit()

    # Reading

    def search(self, query: SearchQuery) -> SearchResult:
        wanted = text_query(query.text) if query.text.strip() else None
        if query.text.strip() and wanted is None:
            return SearchResult(total=0, hits=[], facets={name: [] for name in query.facets})
        with self._reading() as connection:
            return self.cache.get_or_compute(
                ("search", _query_key(query)), pg_cache.generation(connection),
                lambda: self._search(connection, query, wanted))

    def _search(self, connection: Connection, query: SearchQuery,
                wanted: TextQuery | None) -> SearchResult:
        total, counted, page = connection.execute(_search_statement(query, wanted)).one()
        hits = self._hits(connection, page or [], query, wanted)
        facets: dict[str, list[tuple[str, int]]] = {name: [] for name in query.facets}
        for code, number in counted or []:
            name, _, value = code.partition("=")
            facets.setdefault(name, []).append((value, int(number)))
        for pairs in facets.values():
            pairs.sort(key=lambda pair: (-pair[1], pair[0]))
        return SearchResult(total=int(total), hits=hits, facets=facets)

    def _hits(self, connection: Any, page: list[list[Any]], query: SearchQuery,
              wanted: TextQuery | None) -> list[Hit]:
        hits = [_hit(item_id, score, display, query.lang) for item_id, score, display in page]
        if wanted is None or not hits:
            return hits
        rows = connection.execute(
            select(docs.c.item_id, docs.c.texts if query.highlight else literal(None),
                   _extra_words(wanted))
            .where(docs.c.item_id.in_([hit.id for hit in hits]))
        ).all()
        found = {item_id: (texts, extra) for item_id, texts, extra in rows}
        for hit in hits:
            texts, extra = found.get(hit.id, (None, None))
            if texts:
                _highlight(hit, texts, wanted, text_names(self.registry)[1:])
            for lexeme in extra or ():
                lang, _, stem = lexeme.partition(":")
                hit.extra_words[lang] = hit.extra_words.get(lang, frozenset()) | {stem}
        return hits

    def related(self, item_id: int, *, visibility: Visibility, lang: str,
                limit: int) -> list[Hit]:
        with self._reading() as connection:
            return self.cache.get_or_compute(
                ("related", item_id, visibility, lang, limit), pg_cache.generation(connection),
                lambda: _related(connection, item_id, visibility, lang, limit))

    def suggest(self, text: str) -> str | None:
        with self._reading() as connection:
            def has_results(candidate: str) -> bool:
                wanted = text_query(candidate)
                if wanted is None:
                    return False
                return bool(connection.scalar(select(exists().where(
                    docs.c.status == "published",
                    docs.c.vector.bool_op("@@")(_tsquery(wanted.tsquery))))))

            return suggest_query(PostgresWords(connection), text, has_results)

    def count(self) -> int:
        with self._reading() as connection:
            return int(connection.scalar(select(func.count()).select_from(docs)) or 0)

    def stamps(self) -> dict[int, str]:
        with db.engine.connect() as connection:
            return {item_id: stamp for item_id, stamp in connection.execute(
                select(docs.c.item_id, docs.c.stamp))}

    def schema_outdated(self) -> bool:
        with db.engine.connect() as connection:
            return bool(connection.scalar(select(exists().where(
                docs.c.signature != self.signature))))

    def reset(self) -> None:
        """Nothing is cached between calls; connections come from the pool."""


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


def _search_statement(query: SearchQuery, wanted: TextQuery | None) -> Any:
    """One statement: (total, facet counts, the page as [id, score, display]).

    Per matching row it costs one heap visit (status, facets, sort keys), one
    ``unnest`` of its facets and, ordered by relevance, one ``ts_rank`` of its
    vector, computed in the scan itself; only the shown page joins back for
    the rest (see ``bench/RESULTS.md`` for where the time goes).
    """
    conditions = [query.visibility.sql(docs.c.status, docs.c.owner_id, docs.c.sector)]
    for facet, values in query.constraints:
        conditions.append(docs.c.facets.overlap(_codes(facet, values)) if values else false())
    tsquery = _tsquery(wanted.tsquery) if wanted is not None else None
    if tsquery is not None:
        conditions.append(docs.c.vector.bool_op("@@")(tsquery))
    filters = [(facet, values) for facet, values in query.filters.items() if values]
    flags = [docs.c.facets.overlap(_codes(facet, values)).label(f"f{number}")
             for number, (facet, values) in enumerate(filters)]
    sort = query.effective_sort
    if sort == "relevance" and tsquery is None:
        sort = "newest"
    keys: list[Any] = [docs.c.start_day]
    if sort == "relevance":
        keys.append(func.ts_rank(_RANK_WEIGHTS, docs.c.vector, tsquery, RANK_NORMALIZATION)
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


def _extra_words(wanted: TextQuery) -> Any:
    """The query's stems (as ``lang:stem``) that the row's extra text holds."""
    stems = [f"{lang}:{stem}" for lang, found in wanted.terms.items() for stem in found]
    return func.array(
        select(func.unnest(cast(stems, ARRAY(Text))))
        .intersect(select(func.unnest(func.tsvector_to_array(docs.c.extra))))
        .scalar_subquery()
    ) if stems else literal(None)


def _related(connection: Connection, item_id: int, visibility: Visibility, lang: str,
             limit: int) -> list[Hit]:
    """Items sharing the item's key terms, ranked among a bounded set of candidates."""
    terms = _key_terms(connection, item_id)
    if not terms:
        return []
    wanted = _tsquery(" | ".join(quote(term) for term in terms))
    candidates = (
        select(docs.c.item_id, docs.c.vector, docs.c.display)
        .where(docs.c.vector.bool_op("@@")(wanted), docs.c.item_id != item_id,
               visibility.sql(docs.c.status, docs.c.owner_id, docs.c.sector))
        .limit(RELATED_CANDIDATES).subquery()
    )
    score = func.ts_rank(_RANK_WEIGHTS, candidates.c.vector, wanted, RANK_NORMALIZATION)
    rows = connection.execute(
        select(candidates.c.item_id, score, candidates.c.display)
        .order_by(score.desc(), candidates.c.item_id).limit(limit)
    ).all()
    return [_hit(found, float(rank), display, lang) for found, rank, display in rows]


def _query_key(query: SearchQuery) -> tuple[Any, ...]:
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


def _hit(item_id: int, score: float | None, display: dict[str, Any], lang: str) -> Hit:
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


def _highlight(hit: Hit, texts: dict[str, dict[str, str]], wanted: TextQuery,
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


@event.listens_for(Session, "before_commit")
def _index_before_commit(session: Session) -> None:
    """Write the search rows of the items queued in this transaction, in it."""
    pending = session.info.pop(PENDING_KEY, None)
    if pending:
        backend, ids = pending
        session.flush()
        backend.write(session, ids)


@event.listens_for(Session, "after_commit")
def _advance_generation(session: Session) -> None:
    """Committed search rows end every process's cached results."""
    if session.info.get(pg_cache.CHANGED_KEY):
        with session.get_bind().connect() as connection:
            pg_cache.advance(session, connection)


@event.listens_for(Session, "after_rollback")
def _forget_pending(session: Session) -> None:
    """A rolled-back change leaves nothing to index."""
    session.info.pop(PENDING_KEY, None)
    pg_cache.forget(session)
