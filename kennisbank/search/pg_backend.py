"""The PostgreSQL backend: search inside the app's database.

With several app servers on one PostgreSQL there is no index on local disk to
keep in sync: each item's search row (:mod:`.pg_tables`) is written in the
same transaction as the item. ``content.service.queue_index`` hands the
changed item ids to :meth:`PostgresBackend.queue`; just before that session
commits, the rows of those items are brought in line with the items as the
transaction sees them (after its last flush). So no outbox is needed, a
search right after a save finds the change, and a rolled-back save leaves no
trace in the index either.

Searching is one statement (:mod:`.pg_query`): the matching, visible rows
(GIN index on the ``tsvector``) are gathered once, then counted, counted per
facet value and cut into the shown page, ranked by ``ts_rank``; snippets are
cut in Python from the page's stored text. Recent results are reused until
the index changes (:mod:`.pg_cache`). A result set larger than
``SEARCH_EXACT_LIMIT`` is counted and ranked on a sample of the rows
(:meth:`PostgresBackend._sample`), so a search's cost stays bounded at any
size of the collection; the result says it is estimated.

``SEARCH_DATABASE_URL`` may point searches at a read replica; everything that
writes uses the app's own database.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from math import ceil
from typing import Any

from psycopg.types.json import Jsonb
from sqlalchemy import (
    Connection,
    Engine,
    case,
    column,
    create_engine,
    delete,
    event,
    exists,
    func,
    literal,
    literal_column,
    select,
    table,
    text,
    true,
)
from sqlalchemy.dialects.postgresql import JSONB, array
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from ..auth.labels import labels_signature
from ..auth.policy import Visibility
from ..config import LANGUAGES
from ..content.registry import Registry
from ..content.service import INDEX_PROGRESS_KEY
from ..extensions import db
from ..models import Item
from . import pg_cache
from .backend import (
    FailedFn,
    Hit,
    IndexFailures,
    ProgressFn,
    SearchBackend,
    SearchQuery,
    SearchResult,
    SearchUnavailable,
)
from .outbox import settle
from .parallel import run_parts
from .pg_document import document_row, quote, signature
from .pg_plan import TextQuery, alternative_query, as_tsquery, plan_query
from .pg_query import (
    SAMPLE_BUCKETS,
    PostgresWords,
    Sample,
    docs,
    extra_words,
    highlight,
    hit_of,
    probe_statement,
    query_key,
    read_once,
    related_hits,
    search_statement,
    words_table,
)
from .plan import LOOSEN_BELOW, Alternative, QueryPlan, explain_via
from .schema import text_names
from .vocabulary import term

log = logging.getLogger(__name__)
PENDING_KEY = "kennisbank.search.pending"
#: Key of the advisory lock behind :meth:`PostgresBackend.writing` ("kbsx").
LOCK_KEY = 0x6B62_7378
LOCK_POLL_SECONDS = 0.05
LOCK_TIMEOUT = 10.0
REBUILD_BATCH = 200
WORDS_CHUNK = 5000
#: From this many rows on, a batch of an import is copied in (``_copy_rows``)
#: rather than upserted row by row. A rebuild, whose rows mostly exist already,
#: upserts: staging them through the temporary table measured slower there
#: (bench/RESULTS.md, "Import and reindex (issue 17)").
COPY_MIN = 20
STAGE_TABLE = "search_documents_batch"
JSON_COLUMNS = frozenset(column.name for column in docs.columns if isinstance(column.type, JSONB))
COUNT_WORDS = text(
    "INSERT INTO search_words (word, documents) "
    "SELECT * FROM unnest(CAST(:words AS text[]), CAST(:numbers AS integer[])) "
    "ON CONFLICT (word) DO UPDATE SET documents = search_words.documents + EXCLUDED.documents")
#: Matches counted and ranked exactly; more are sampled (``SEARCH_EXACT_LIMIT``).
DEFAULT_EXACT_LIMIT = 2_000
class PostgresBackend:
    """A :class:`~kennisbank.search.backend.SearchBackend` on PostgreSQL."""

    #: Changes are indexed inside the item's transaction (no outbox, no drain).
    transactional = True

    def __init__(self, registry: Registry, *, read_url: str | None = None,
                 engine_options: dict[str, Any] | None = None,
                 rebuild_procs: int = 1, cache_size: int = pg_cache.DEFAULT_SIZE,
                 exact_limit: int = DEFAULT_EXACT_LIMIT) -> None:
        self.registry = registry
        self.exact_limit = exact_limit
        self.cache = pg_cache.ResultCache(cache_size)
        self.signature = signature(registry, labels_signature())
        self.rebuild_procs = rebuild_procs
        self._read_engine: Engine | None = (
            create_engine(read_url, **(engine_options or {})) if read_url else None
        )

    @contextmanager
    def _reading(self, autocommit: bool = True) -> Iterator[Connection]:
        """A connection to read from: the replica when one is set and it can be
        reached, else the app's database (so a replica that is down costs the
        replica's load, not the search; its failure is logged).

        It reads in autocommit unless ``autocommit`` is False: each statement
        is its own transaction, as each already sees its own snapshot (read
        committed), and no ``BEGIN`` and ``ROLLBACK`` round trips are spent
        around the few statements of a search (on a busy machine each round
        trip waits for the database process to be scheduled)."""
        if self._read_engine is not None:
            try:
                connection = self._read_engine.connect()
            except OperationalError:
                log.warning("search replica unreachable; searching the primary database",
                            exc_info=True)
            else:
                with connection:
                    yield _autocommit(connection) if autocommit else connection
                return
        with db.engine.connect() as connection:
            yield _autocommit(connection) if autocommit else connection

    # Writing, inside the caller's transaction

    def queue(self, session: Session, item_id: int) -> None:
        """Index ``item_id`` as it is when ``session`` commits."""
        _, ids = session.info.setdefault(PENDING_KEY, (self, set()))
        ids.add(item_id)

    def write(self, session: Session, ids: Iterable[int], *, words: bool = True,
              progress: ProgressFn | None = None) -> IndexFailures:
        """Bring the rows of ``ids`` in line with the items as ``session`` sees them
        (``progress(n)``: ``n`` more rows written); returns the items a plugin
        failed on (their rows are written all the same).

        A large change (an import) is written ``REBUILD_BATCH`` items at a time,
        each batch copied in (:meth:`_store`); the items a batch loaded are let
        go of after it, so the session does not grow with the import."""
        failed: IndexFailures = {}
        wanted = sorted(set(ids))
        started, written = time.monotonic(), 0
        for start in range(0, len(wanted), REBUILD_BATCH):
            chunk = wanted[start:start + REBUILD_BATCH]
            held = {i for i in chunk if identity_key(Item, i) in session.identity_map}
            # Reloaded, so values read as they were stored (an aware ``updated_at``
            # comes back naive), as every later stamp comparison will read them.
            items = session.scalars(select(Item).where(Item.id.in_(chunk))
                                    .execution_options(populate_existing=True)).all()
            rows = [document_row(item, self.registry, self.signature, failed) for item in items]
            found = {row["item_id"] for row in rows}
            self._store(session, rows, [i for i in chunk if i not in found], words=words)
            for item in items:
                if item.id not in held:  # loaded here: the caller holds no reference
                    session.expunge(item)
            written += len(rows)
            if progress is not None:
                progress(len(rows))
        if written >= COPY_MIN:
            seconds = time.monotonic() - started
            log.info("search rows: %d written in %.1f s (%.0f rows/s)",
                     written, seconds, written / max(seconds, 1e-9))
        return failed

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
        if len(rows) >= COPY_MIN and not only_newer:
            _copy_rows(session, rows, only_newer)
        elif rows:
            session.execute(_upsert(pg_insert(docs), only_newer), rows)
        if words:
            self._count_words(session, delta)

    @staticmethod
    def _count_words(session: Session, delta: Counter[str]) -> None:
        """Add ``delta`` to the published-item counts, in word order (so two
        transactions lock the same rows in the same order and never deadlock).

        The words go as two array parameters of one statement: a ``VALUES``
        list of thousands of rows was compiled anew for every batch, which
        took longer than writing the search rows themselves."""
        changes = sorted((word, number) for word, number in delta.items() if number)
        for start in range(0, len(changes), WORDS_CHUNK):
            chunk = changes[start:start + WORDS_CHUNK]
            session.execute(COUNT_WORDS, {"words": [word for word, _ in chunk],
                                          "numbers": [number for _, number in chunk]})
        gone = [word for word, number in changes if number < 0]
        if gone:
            session.execute(delete(words_table).where(
                words_table.c.word.in_(gone), words_table.c.documents <= 0))

    # Writing, in transactions of its own (outbox, repair, rebuild)

    def apply(self, items: Iterable[Item], delete_ids: Iterable[int]) -> IndexFailures:
        ids = {item.id for item in items} | set(delete_ids)
        if not ids:
            return {}
        with Session(db.engine) as session:
            # Lock the items first: an edit committing meanwhile cannot be overwritten
            # with an older state, and the rows are built from what is there now.
            session.execute(select(Item.id).where(Item.id.in_(sorted(ids))).with_for_update())
            failed = self.write(session, ids)
            session.commit()
        return failed

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
        failed: FailedFn | None = None,
    ) -> int:
        """Rewrite every row in batches, each its own transaction, so searches go
        on and always see whole rows; a row that an edit wrote meanwhile is
        never replaced by an older state (``stamp`` check). Then count the
        words afresh and let ``finish`` repair what changed meanwhile."""
        registry, row_signature = self.registry, self.signature

        def work(part: int, parts: int,
                 report: Callable[[int], None]) -> tuple[int, IndexFailures]:
            count = 0
            mine: IndexFailures = {}
            with Session(db.engine) as session:
                for batch in source(part, parts):
                    rows = [document_row(item, registry, row_signature, mine) for item in batch]
                    self._store(session, rows, (), words=False, only_newer=True)
                    session.commit()
                    count += len(batch)
                    report(len(batch))
            return count, mine

        failures: IndexFailures = {}
        with self.writing():
            count = 0
            for number, mine in run_parts(work, self.rebuild_procs, progress):
                count += number
                failures.update(mine)
            self.recount_words()
        if failed is not None:  # before ``finish``, which records its own failures
            failed(failures)
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
                .where(docs.c.words.is_not(None))
                .group_by(word)))
            session.commit()

    # Reading

    def search(self, query: SearchQuery) -> SearchResult:
        plan = query.text_plan()
        wanted = plan_query(plan) if plan is not None else None
        if plan is not None and wanted is None:
            return SearchResult(total=0, hits=[], facets={name: [] for name in query.facets})
        with self._reading() as connection:
            return self.cache.get_or_compute(
                ("search", query_key(query)), lambda: pg_cache.generation(connection),
                lambda: self._matched(connection, query, plan, wanted))

    def _matched(self, connection: Connection, query: SearchQuery, plan: QueryPlan | None,
                 wanted: TextQuery | None) -> SearchResult:
        """Every clause first; when that finds too little, most of them (as the
        Whoosh backend does, :mod:`.whoosh_plan`).

        The round trips are few because the tail of the latency is the searches
        that loosen: the strict count and page (after the sample probe); only
        when that is too little, one statement that both probes the loosened
        query and asks which clauses match nothing (:meth:`_unmatched`), then
        the loosened count and page; and last, one statement for the shown
        page's hits with their snippets' texts and (when loosening was
        considered) which alternatives each matches (:meth:`_hits`). A page
        that is not shown is never read."""
        found, page = self._search(connection, query, wanted)
        if plan is None or wanted is None or found.total >= LOOSEN_BELOW:
            found.hits = self._hits(connection, page, query, wanted)
            return found
        loose = (plan_query(plan, loose=True)
                 if query.loosen and len(plan.clauses) > 1 else None)
        unmatched, sample = self._unmatched(connection, query, plan, wanted, loose)
        if loose is not None:
            looser, loose_page = self._search(connection, query, loose, sample)
            if looser.total > found.total:
                found, page, wanted = looser, loose_page, loose
                found.loosened = True
        found.unmatched = unmatched
        found.hits = self._hits(connection, page, query, wanted, plan, found.loosened)
        return found

    def _unmatched(self, connection: Connection, query: SearchQuery, plan: QueryPlan,
                   wanted: TextQuery, loose: TextQuery | None
                   ) -> tuple[tuple[int, ...], Sample | None]:
        """The clauses no visible row matches (asked only when few rows match
        all), and the sample probe of the ``loose`` query, in one statement.

        A clause with a one-word alternative that published content holds
        (``search_words``, one index look-up) matches; only for the others are
        the rows searched (``CASE`` evaluates that only when the look-up finds
        nothing), and the words of those are rare by then, so the GIN index
        reads short lists (a common word's would be long)."""
        visible = query.visibility.sql_array(docs.c.labels)
        tests = []
        for n, clause in enumerate(plan.clauses):
            entries = sorted({term(a.space, a.terms[0]) for a in clause.alternatives
                              if a.space in LANGUAGES and len(a.terms) == 1})
            in_rows = exists().where(visible, docs.c.vector.bool_op("@@")(
                as_tsquery(wanted.clauses[n])))
            if entries:
                known = exists().where(words_table.c.word.in_(entries),
                                       words_table.c.documents > 0)
                tests.append(case((known, true()), else_=in_rows))
            else:
                tests.append(in_rows)
        statement = select(*tests)
        probe = bool(self.exact_limit) and loose is not None
        if probe:
            counts = probe_statement(query, loose).subquery("probe")
            statement = statement.add_columns(counts.c.matches, counts.c.passing
                                              ).select_from(counts)
        row = connection.execute(statement).one()
        unmatched = tuple(n for n, matched in enumerate(row[:len(tests)]) if not matched)
        sample = self._buckets(query, *row[len(tests):]) if probe else None
        return unmatched, sample

    def _search(self, connection: Connection, query: SearchQuery, wanted: TextQuery | None,
                sample: Sample | None = None) -> tuple[SearchResult, list[list[Any]]]:
        """The count, facet counts and the page's ``[id, score, display]`` rows
        (hits are made by :meth:`_hits` for the page that is shown)."""
        if sample is None:
            sample = self._sample(connection, query, wanted)
        total, counted, page = connection.execute(search_statement(query, wanted, sample)).one()
        facets: dict[str, list[tuple[str, int]]] = {name: [] for name in query.facets}
        for code, number in counted or []:
            name, _, value = code.partition("=")
            facets.setdefault(name, []).append((value, Sample.estimate(number, sample.facets)))
        for pairs in facets.values():
            pairs.sort(key=lambda pair: (-pair[1], pair[0]))
        return SearchResult(total=Sample.estimate(int(total), sample.hits), hits=[],
                            facets=facets, estimated=sample.estimated), page or []

    def _sample(self, connection: Connection, query: SearchQuery,
                wanted: TextQuery | None) -> Sample:
        """Which buckets to read: all of them, unless the first bucket says that
        more than ``exact_limit`` rows would be counted (or ranked); then enough
        buckets to hold about ``exact_limit`` of them (:meth:`_buckets`)."""
        if not self.exact_limit:
            return Sample()
        matches, passing = connection.execute(probe_statement(query, wanted)).one()
        return self._buckets(query, matches, passing)

    def _buckets(self, query: SearchQuery, matches: int, passing: int) -> Sample:
        """The sample for ``matches`` (and ``passing`` the filters) in the first bucket.

        A page deeper than half of ``exact_limit`` doubles the size of the
        sample until it holds the page twice over. The first ``exact_limit /
        2`` hits thus always come from one sample, so paging through them
        shows each once.
        """
        if not self.exact_limit:
            return Sample()

        def buckets(found: int, deepest: int) -> int | None:
            size = self.exact_limit
            while size < 2 * deepest:
                size *= 2
            expected = found * SAMPLE_BUCKETS
            wanted_buckets = ceil(SAMPLE_BUCKETS * size / expected) if expected > size else None
            return wanted_buckets if wanted_buckets and wanted_buckets < SAMPLE_BUCKETS else None

        return Sample(facets=buckets(matches, 0),
                      hits=buckets(passing, query.page * query.per_page))

    def _hits(self, connection: Any, page: list[list[Any]], query: SearchQuery,
              wanted: TextQuery | None, plan: QueryPlan | None = None,
              loosened: bool = False) -> list[Hit]:
        """The page's hits, with their snippets and the words their attachments
        hold; with ``plan``, also the translations each was found through and
        (``loosened``) the clauses it misses. One statement over the page's rows."""
        hits = [hit_of(item_id, score, display, query.lang) for item_id, score, display in page]
        if wanted is None or not hits:
            return hits
        # Whether each language's summary (weight C) and other text (D) holds a
        # query term at all: scanning a long body for words it does not have is
        # most of a page's snippet cost.
        langs = [lang for lang in LANGUAGES if wanted.terms.get(lang)]
        # Each row's vectors are read once for the many tests below (:func:`read_once`).
        shown = (select(docs.c.item_id, docs.c.texts, read_once(docs.c.extra).label("extra"),
                        read_once(docs.c.vector).label("vector"))
                 .where(docs.c.item_id.in_([hit.id for hit in hits]))
                 .offset(0).subquery("shown"))
        holds = [func.ts_filter(shown.c.vector, literal_column(f"'{{{weight}}}'::\"char\"[]"))
                 .bool_op("@@")(as_tsquery(" | ".join(quote(f"{lang}:{t}")
                                                      for t in wanted.terms[lang])))
                 for lang in langs for weight in ("c", "d")]
        alternatives = [a for clause in plan.clauses for a in clause.alternatives] if plan else []
        tests = [shown.c.vector.bool_op("@@")(as_tsquery(alternative_query(a)))
                 for a in alternatives]
        rows = connection.execute(
            select(shown.c.item_id, shown.c.texts if query.highlight else literal(None),
                   extra_words(wanted, shown.c.extra), array(holds) if holds else literal(None),
                   array(tests) if tests else literal(None))
        ).all()
        found = {item_id: rest for item_id, *rest in rows}
        for hit in hits:
            texts, extra, held, matched = found.get(hit.id, (None, None, None, None))
            if texts:
                flags = iter(held or ())
                holding = {lang: (next(flags, True), next(flags, True)) for lang in langs}
                shown = {lang: {name: text for name, text in fields.items()
                                if holding.get(lang, (False, False))[name != "summary"]}
                         for lang, fields in texts.items()}
                highlight(hit, shown, wanted, text_names(self.registry)[1:])
            for lexeme in extra or ():
                lang, _, stem = lexeme.partition(":")
                hit.extra_words[lang] = hit.extra_words.get(lang, frozenset()) | {stem}
            if plan is not None:
                self._explain(hit, plan, alternatives, matched or (), loosened)
        return hits

    @staticmethod
    def _explain(hit: Hit, plan: QueryPlan, alternatives: list[Alternative],
                 matched: Sequence[bool], loosened: bool) -> None:
        """The translations ``hit`` was found through, and (loosened) the clauses it misses."""
        flags = dict(zip([a.key for a in alternatives], matched, strict=False))
        hit.via = explain_via(plan, lambda a: bool(flags.get(a.key)))
        if loosened:
            hit.missing = [c.text for c in plan.clauses
                           if not any(flags.get(a.key) for a in c.alternatives)]

    def related(self, item_id: int, *, visibility: Visibility, lang: str,
                limit: int) -> list[Hit]:
        with self._reading() as connection:
            return self.cache.get_or_compute(
                ("related", item_id, visibility, lang, limit),
                lambda: pg_cache.generation(connection),
                lambda: related_hits(connection, item_id, visibility, lang, limit))

    def vocabulary(self) -> PostgresWords:
        return PostgresWords(self._reading)

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


def _upsert(statement: Any, only_newer: bool) -> Any:
    """``statement`` (an insert into ``search_documents``) replacing the row of
    an item that has one; with ``only_newer``, not by an older state."""
    excluded = statement.excluded
    return statement.on_conflict_do_update(
        index_elements=[docs.c.item_id],
        set_={column.name: excluded[column.name] for column in docs.columns
              if column.name != "item_id"},
        where=(docs.c.stamp <= excluded.stamp) if only_newer else None,
    )


def _copy_rows(session: Session, rows: list[dict[str, Any]], only_newer: bool) -> None:
    """Write many search rows at once: ``COPY`` them into a temporary table
    (one stream instead of a statement per row), then upsert them from it in
    one statement. The table lives until the transaction ends."""
    names = [column.name for column in docs.columns]
    session.execute(text(f"CREATE TEMPORARY TABLE IF NOT EXISTS {STAGE_TABLE} "
                         "(LIKE search_documents) ON COMMIT DROP"))
    connection = session.connection().connection.driver_connection
    with connection.cursor() as cursor, cursor.copy(
            f"COPY {STAGE_TABLE} ({', '.join(names)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([Jsonb(row[name]) if name in JSON_COLUMNS else row[name]
                            for name in names])
    stage = table(STAGE_TABLE, *(column(name) for name in names))
    session.execute(_upsert(pg_insert(docs).from_select(names, select(*stage.c)), only_newer))
    session.execute(text(f"TRUNCATE {STAGE_TABLE}"))


def _autocommit(connection: Connection) -> Connection:
    return connection.execution_options(isolation_level="AUTOCOMMIT")


@event.listens_for(Session, "before_commit")
def _index_before_commit(session: Session) -> None:
    """Write the search rows of the items queued in this transaction, in it.

    A plugin failing on an item never fails the save: the row is written with
    what the others gave, and the failure is recorded with the item in the
    same transaction (:func:`.outbox.settle`), for ``check-index`` to list
    and the index worker to retry."""
    pending = session.info.pop(PENDING_KEY, None)
    if pending:
        backend, ids = pending
        session.flush()
        settle(session, ids, backend.write(session, ids,
                                           progress=session.info.get(INDEX_PROGRESS_KEY)))


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
