"""The Whoosh backend: an on-disk index in the instance folder.

Layout of ``<instance>/search/``: ``index-<stamp>/`` folders, each a complete
Whoosh index; ``CURRENT``, naming the folder in use (replaced atomically, so
a rebuild swaps a fresh index in while searches go on); ``write.lock`` (see
:mod:`.locking`).

Speed comes from three things (see ``bench/RESULTS.md``): one searcher per
process, reused until the index changes; per-document numpy arrays for
visibility, filters, facet counts and sorting (:mod:`.doctable`), so Whoosh
only finds and scores the matching documents; and snippets cut from stored
character ranges for the shown page only (:mod:`.highlight`).
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import numpy as np
from whoosh import index as whoosh_index
from whoosh.index import Index
from whoosh.query import Or, Query, Term
from whoosh.searching import Searcher

from ..auth.labels import labels_signature
from ..auth.policy import Visibility
from ..config import LANGUAGES
from ..content.registry import Registry
from ..models import Item
from .backend import (
    MAX_RESULT_WINDOW,
    FailedFn,
    Hit,
    IndexFailures,
    ProgressFn,
    SearchBackend,
    SearchQuery,
    SearchResult,
    SearchUnavailable,
    make_hit,
)
from .doctable import DocTable, SegmentTable, Vocabulary, build_segment
from .highlight import MAX_FRAGMENTS, fragments
from .locking import write_lock
from .plan import LOOSEN_BELOW, QueryPlan
from .schema import (
    build_schema,
    positional_fields,
    query_spaces,
    schema_signature,
    text_field,
    text_names,
)
from .vectorized import Evaluator, top
from .whoosh_build import Source, build_index, document_fields, writer_options
from .whoosh_plan import PlanEvaluator, PlanResult, TermCache
from .whoosh_words import WhooshWords

CURRENT = "CURRENT"
LOCK_FILE = "write.lock"
LOCK_TIMEOUT = 10.0
WHOOSH_LOCK_TIMEOUT = 5.0
REBUILD_PROCS = max(1, min(4, os.cpu_count() or 1))
RELATED_TERMS = 12


class WhooshBackend:
    """A :class:`~kennisbank.search.backend.SearchBackend` on Whoosh."""

    def __init__(self, root: Path, registry: Registry, *, pinned: str | None = None,
                 lock_timeout: float = LOCK_TIMEOUT, rebuild_procs: int = REBUILD_PROCS) -> None:
        self.root = Path(root)
        self.rebuild_procs = rebuild_procs
        self.registry = registry
        self.schema = build_schema(registry, labels_signature())
        self.lock_timeout = lock_timeout
        self._pinned = pinned
        self._lock = write_lock(self.root / LOCK_FILE)
        self._read_lock = threading.RLock()
        self._vocab = Vocabulary()
        self._ix: Index | None = None
        self._ix_name: str | None = None
        self._searcher: Searcher | None = None
        self._table: DocTable | None = None
        self._table_key: tuple[str, int] | None = None
        self._segments: dict[str, SegmentTable] = {}
        self._lengths: dict[tuple[str, str], np.ndarray] = {}
        self._evaluator: Evaluator | None = None
        self._spaces: tuple[dict[str, dict[str, float]], dict[str, list[str]]] | None = None
        self._term_cache = TermCache()

    # Locations and opening

    def _current_name(self) -> str | None:
        if self._pinned:
            return self._pinned
        try:
            return (self.root / CURRENT).read_text(encoding="utf-8").strip() or None
        except FileNotFoundError:
            return None

    def _create_dir(self) -> tuple[str, Index]:
        name = f"index-{time.time_ns()}-{os.getpid()}"
        path = self.root / name
        path.mkdir(parents=True)
        return name, whoosh_index.create_in(str(path), self.schema)

    def _point_to(self, name: str) -> str | None:
        """Make ``name`` the current index (atomically); return the previous one."""
        previous = self._current_name()
        temporary = self.root / f"{CURRENT}.{os.getpid()}.tmp"
        temporary.write_text(name, encoding="utf-8")
        os.replace(temporary, self.root / CURRENT)
        return previous

    def _index(self) -> Index:
        """The current index, created on first use."""
        name = self._current_name()
        if name is None:
            with self.writing():
                name = self._current_name()
                if name is None:
                    name, _ = self._create_dir()
                    self._point_to(name)
        if name != self._ix_name or self._ix is None:
            self._close()
            try:
                self._ix = whoosh_index.open_dir(str(self.root / name))
            except (OSError, whoosh_index.IndexError, EOFError) as exc:
                raise SearchUnavailable(f"the search index {name} cannot be opened: {exc}") from exc
            self._ix_name = name
        return self._ix

    def _close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
        self._ix = self._searcher = self._table = self._table_key = None
        self._evaluator = None
        self._spaces = None

    def _state(self) -> tuple[Searcher, DocTable]:
        """The shared searcher and its arrays, refreshed only when the index changed."""
        ix = self._index()
        if self._searcher is not None and not self._searcher.up_to_date():
            # Not ``refresh()``: it reuses the readers of unchanged segments
            # together with their old deletion lists, so a replaced document
            # would stay visible. A new searcher costs a few milliseconds, and
            # only after a change; the per-segment arrays are kept anyway.
            self._searcher.close()
            self._searcher = None
        if self._searcher is None:
            self._searcher = ix.searcher()
        reader = self._searcher.reader()
        key = (self._ix_name or "", reader.generation())
        if self._table is None or self._table_key != key:
            self._table = self._build_table(reader)
            self._table_key = key
            self._evaluator = Evaluator(self._searcher, self._lengths)
        return self._searcher, self._table

    def _build_table(self, reader: Any) -> DocTable:
        parts: list[tuple[SegmentTable, int, set[int]]] = []
        seen: dict[str, SegmentTable] = {}
        if reader.doc_count_all():
            for leaf, offset in reader.leaf_readers():
                segment = leaf.segment()
                segid = segment.segment_id()
                table = self._segments.get(segid)
                if table is None:
                    column = leaf.column_reader("meta", translate=False)
                    table = build_segment(column, leaf.doc_count_all(), self._vocab)
                seen[segid] = table
                deleted = set(segment.deleted_docs()) if segment.has_deletions() else set()
                parts.append((table, offset, deleted))
        self._segments = seen
        self._lengths = {key: v for key, v in self._lengths.items() if key[0] in seen}
        return DocTable.join(parts, self._vocab)

    def reset(self) -> None:
        """Forget the open index, so the next call opens it again."""
        with self._read_lock:
            self._close()

    # Writing

    def writing(self, timeout: float | None = None) -> AbstractContextManager[None]:
        return self._lock.hold(self.lock_timeout if timeout is None else timeout)

    def _index_for_writing(self) -> Index:
        """The current index opened anew: writers never touch the searcher
        that other threads may be reading with."""
        name = self._current_name()
        if name is None:
            with self._read_lock:
                self._index()  # creates the first index
            name = self._current_name()
        return whoosh_index.open_dir(str(self.root / str(name)))

    def apply(self, items: Iterable[Item], delete_ids: Iterable[int]) -> IndexFailures:
        failed: IndexFailures = {}
        with self.writing():
            ix = self._index_for_writing()
            names = set(ix.schema.names())
            documents = [document_fields(item, self.registry, names, failed) for item in items]
            writer = ix.writer(**writer_options(timeout=WHOOSH_LOCK_TIMEOUT))
            try:
                for item_id in delete_ids:
                    writer.delete_by_term("id", str(item_id))
                for fields in documents:
                    writer.update_document(**fields)
            except BaseException:
                writer.cancel()
                raise
            try:
                writer.commit()
            except BaseException:
                _release_after_failed_commit(writer)
                raise
        return failed

    def bulk_apply(self, source: Source, replace: Sequence[int],
                   progress: ProgressFn | None = None) -> tuple[int, IndexFailures]:
        """Index the items of ``source`` and drop the other ids of ``replace``,
        in one commit, built in parallel as a rebuild is (:func:`build_index`);
        returns the number indexed and the items a plugin failed on.

        For large batches of changes (an import): one process with one
        writer per batch spends most of its time writing the same terms'
        postings again and again; this writes each worker's share once. The
        write lock is held throughout, so no other writer can slip an
        item's newer state in between and have it replaced by this one.
        """
        with self.writing():
            ix = self._index_for_writing()
            return build_index(ix, ix.storage.folder, self.registry, source,
                               self.rebuild_procs, progress, replace=replace)

    def index(self, items: Iterable[Item]) -> None:
        self.apply(items, ())

    def delete(self, ids: Iterable[int]) -> None:
        self.apply((), ids)

    def clear(self) -> None:
        with self.writing():
            name, _ = self._create_dir()
            self._swap(name)

    def _swap(self, name: str) -> None:
        previous = self._point_to(name)
        self.reset()
        if previous and previous != name:
            shutil.rmtree(self.root / previous, ignore_errors=True)

    def rebuild(
        self,
        source: Source,
        *,
        progress: ProgressFn | None = None,
        finish: Callable[[SearchBackend], None] | None = None,
        failed: FailedFn | None = None,
    ) -> int:
        name, ix = self._create_dir()
        try:
            count, failures = build_index(ix, str(self.root / name), self.registry, source,
                                          self.rebuild_procs, progress)
            if failed is not None:  # before ``finish``, which records its own failures
                failed(failures)
            with self.writing():
                if finish is not None:
                    finish(WhooshBackend(self.root, self.registry, pinned=name))
                self._swap(name)
        except BaseException:
            shutil.rmtree(self.root / name, ignore_errors=True)
            raise
        return count

    # Reading

    def _plans(self, searcher: Searcher) -> PlanEvaluator:
        """A plan evaluator over the current searcher (its caches last one search)."""
        if self._spaces is None:
            self._spaces = (query_spaces(self.registry, searcher.schema),
                            positional_fields(self.registry, searcher.schema))
        assert self._evaluator is not None
        return PlanEvaluator(self._evaluator, *self._spaces,
                             cache=self._term_cache.for_generation(self._table_key))

    def search(self, query: SearchQuery) -> SearchResult:
        with self._read_lock:
            searcher, table = self._state()
            base = table.visible(query.visibility)
            for facet, values in query.constraints:
                base &= table.facet_mask(facet, values)
            plan = query.text_plan()
            scores = None
            matched: PlanResult | None = None
            plans = self._plans(searcher)
            if plan is not None:
                if plan.empty:
                    base &= False
                else:
                    matched = plans.evaluate(plan, base, loosen=query.loosen,
                                             loosen_below=LOOSEN_BELOW)
                    base = matched.mask
                    scores = matched.scores
            filters = {
                facet: table.facet_mask(facet, values)
                for facet, values in query.filters.items() if values
            }
            result = base.copy()
            for mask in filters.values():
                result &= mask
            facets = {}
            for facet in query.facets:
                mask = base.copy()
                for other, other_mask in filters.items():
                    if other != facet:
                        mask &= other_mask
                facets[facet] = table.counts(facet, mask)
            total = int(result.sum())
            if plan is not None and matched is not None and query.effective_sort == "relevance":
                shown = min(query.page * query.per_page, MAX_RESULT_WINDOW)
                plans.rank_near(plan, PlanResult(result, matched.scores, [], {}), shown)
            page = self._page(table, query, scores, result, total)
            hits = [self._hit(searcher, table, docnum, score, query.lang) for docnum, score in page]
            docnums = [d for d, _ in page]
            if plan is not None and matched is not None and hits:
                for docnum, hit in zip(docnums, hits, strict=True):
                    hit.via = plans.via(plan, matched, docnum)
                    hit.missing = plans.missing(plan, matched, docnum)
                if query.highlight:
                    self._highlight(searcher, plan, matched, hits, docnums)
                self._extra_words(plan, hits, docnums)
            return SearchResult(total=total, hits=hits, facets=facets,
                                loosened=bool(matched and matched.loosened),
                                unmatched=matched.unmatched if matched else ())

    @staticmethod
    def _page(table: DocTable, query: SearchQuery, scores: np.ndarray | None,
              result: np.ndarray, total: int) -> list[tuple[int, float | None]]:
        start, end = query.window
        if start >= min(total, end):
            return []
        sort = query.effective_sort
        if sort == "relevance" and scores is not None:
            return list(top(scores, result, end)[start:end])
        if sort == "relevance":
            sort = "newest"
        ordered = table.order(result, sort, query.lang)[start:end]
        return [(int(docnum), None) for docnum in ordered]

    @staticmethod
    def _hit(searcher: Searcher, table: DocTable, docnum: int, score: float | None,
             lang: str) -> Hit:
        stored = searcher.stored_fields(docnum)
        return make_hit(table.ids[docnum], score, stored.get("display") or {}, lang,
                        lambda name, shown: stored.get(text_field(name, shown), ""))

    def _highlight(self, searcher: Searcher, plan: QueryPlan, matched: PlanResult,
                   hits: list[Hit], docnums: list[int]) -> None:
        """Marked snippets for the shown page: from the shown translation, or
        from the other one when only that matched. The words marked are the
        terms of the plan's alternatives that the hit matched in that language,
        translations included (each hit reads only those terms' postings).

        Fields are tried in order (summary, body, the type's fields) and a hit
        leaves the loop once it has its snippets, so most hits cost the
        summary's and the body's postings of the query words only.
        """
        assert self._evaluator is not None
        alternatives = plan.alternatives()

        def words(docnum: int, lang: str) -> tuple[str, ...]:
            found = (a.terms for a in alternatives if a.space == lang
                     and matched.alternative_masks[a.key][docnum])
            return tuple(dict.fromkeys(term for terms in found for term in terms))

        pending = dict(zip(docnums, hits, strict=True))
        stored: dict[int, dict[str, Any]] = {}
        for other_language in (False, True):
            for name in text_names(self.registry)[1:]:
                groups: dict[str, dict[int, tuple[str, ...]]] = {}
                for docnum, hit in pending.items():
                    langs = [x for x in hit.languages if x != hit.lang] if other_language \
                        else [hit.lang]
                    for shown in langs:
                        fieldname = text_field(name, shown)
                        terms = words(docnum, shown)
                        if terms and fieldname in searcher.schema:
                            groups.setdefault(fieldname, {})[docnum] = terms
                for fieldname, wanted in groups.items():
                    self._snippets(searcher, fieldname, wanted, pending, stored)
                pending = {d: h for d, h in pending.items() if len(h.highlights) < MAX_FRAGMENTS}
            pending = {d: h for d, h in pending.items() if not h.highlights}

    def _extra_words(self, plan: QueryPlan, hits: list[Hit], docnums: list[int]) -> None:
        """Fill each hit's ``extra_words``: the plan's terms its extra text
        (attachments) holds, per language. One postings read per term."""
        assert self._evaluator is not None
        for lang in LANGUAGES:
            fieldname = text_field("extra_text", lang)
            for text in plan.terms(lang):
                mask, _ = self._evaluator.term(fieldname, text, 1.0)
                for docnum, hit in zip(docnums, hits, strict=True):
                    if mask[docnum]:
                        hit.extra_words[lang] = hit.extra_words.get(lang, frozenset()) | {text}

    def _snippets(self, searcher: Searcher, fieldname: str, wanted: dict[int, tuple[str, ...]],
                  hits: dict[int, Hit], stored: dict[int, dict[str, Any]]) -> None:
        """Snippets of one field for the documents in ``wanted``, each marking its
        own terms; each term's postings are read once for every document wanting it."""
        assert self._evaluator is not None
        readers: dict[str, list[int]] = {}
        for docnum, terms in wanted.items():
            for text in terms:
                readers.setdefault(text, []).append(docnum)
        spans: dict[int, list[tuple[int, int]]] = {}
        for text, docs in readers.items():
            for docnum, found in self._evaluator.characters(fieldname, text, docs).items():
                spans.setdefault(docnum, []).extend(found)
        for docnum, found in spans.items():
            hit = hits[docnum]
            if docnum not in stored:
                stored[docnum] = searcher.stored_fields(docnum)
            room = MAX_FRAGMENTS - len(hit.highlights)
            hit.highlights += fragments(stored[docnum].get(fieldname, ""), found, room)

    def related(self, item_id: int, *, visibility: Visibility, lang: str,
                limit: int) -> list[Hit]:
        with self._read_lock:
            searcher, table = self._state()
            docnum = table.docnum(item_id)
            if docnum is None:
                return []
            stored = searcher.stored_fields(docnum)
            clauses: list[Query] = []
            for shown in (stored.get("display") or {}).get("languages") or []:
                text = "\n".join(
                    stored.get(text_field(name, shown), "") for name in ("title", "summary", "body")
                )
                body = text_field("body", shown)
                if body not in searcher.schema:
                    continue
                for term, weight in searcher.key_terms_from_text(body, text, RELATED_TERMS):
                    clauses.append(Term(body, term, boost=weight))
                    clauses.append(Term(text_field("title", shown), term, boost=2 * weight))
            if not clauses:
                return []
            assert self._evaluator is not None
            matched, scores = self._evaluator.evaluate(Or(clauses))
            allowed = table.visible(visibility) & matched
            allowed[docnum] = False
            return [self._hit(searcher, table, d, s, lang) for d, s in top(scores, allowed, limit)]

    def vocabulary(self) -> WhooshWords:
        with self._read_lock:
            searcher, table = self._state()
            return WhooshWords(searcher.reader(), table.public_mask())

    def count(self) -> int:
        with self._read_lock:
            return int(self._state()[1].live.sum())

    def stamps(self) -> dict[int, str]:
        with self._read_lock:
            _, table = self._state()
            return {
                int(table.ids[d]): table.stamps[d] for d in np.flatnonzero(table.live).tolist()
            }

    def schema_outdated(self) -> bool:
        with self._read_lock:
            return schema_signature(self._index().schema) != schema_signature(self.schema)


def _release_after_failed_commit(writer: Any) -> None:
    """A commit that fails halfway leaves Whoosh's write lock held, and every later
    write would wait and fail; the index itself is untouched until the TOC is written,
    so dropping the half-written segment and the lock is safe. The outbox keeps the
    tasks, so the next drain applies them again."""
    try:
        writer.cancel()
    except Exception:  # noqa: BLE001 - the writer is already broken; free the lock below
        lock = getattr(writer, "writelock", None)
        if lock is not None:
            lock.release()
