"""The search backend interface: what the service needs from an engine.

Views and the API talk to :mod:`kennisbank.search.service`, which talks to a
``SearchBackend``. Whoosh is the default (:mod:`.whoosh_backend`); a
PostgreSQL backend can implement the same protocol later without touching a
view. Everything crossing this boundary is plain data (dataclasses, dicts,
``Visibility``), never an engine object.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from ..auth.policy import Visibility
from ..models import Item
from ..plugins import HookFailure
from .plan import QueryPlan, direct_plan
from .vocabulary import Words

SORTS = ("relevance", "newest", "title")
DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100
#: Results beyond this position are never paged to (deep pages cost every backend).
MAX_RESULT_WINDOW = 10_000


class SearchUnavailable(Exception):
    """The index cannot be read or written right now (locked, missing, corrupt).

    Callers show a clear message; nothing saved is lost, because the outbox
    keeps every pending change until the index has applied it.
    """


@dataclass(frozen=True)
class SearchQuery:
    """One search: text, filters, order, page, and who is asking (``visibility``).

    ``filters`` maps a facet to the values wanted: values of one facet are
    OR-ed, facets AND-ed. ``sort=None`` means relevance with a text and newest
    without; a sort that is not one of ``SORTS`` names a facet whose values
    are whole numbers (highest first). ``facets`` names the facets to count.
    ``constraints`` are ``(facet, values)`` pairs every result must match, like
    visibility: unlike filters they also narrow the facet counts, and an empty
    ``values`` matches nothing.
    """

    visibility: Visibility
    text: str = ""
    lang: str = "nl"
    #: How to match ``text`` (built by :mod:`.expand`); None: the text as its syntax
    #: reads, without synonyms, translations or word formation (:func:`.plan.direct_plan`).
    plan: QueryPlan | None = None
    #: Loosen to most of the words when matching every word finds too little.
    loosen: bool = True
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    sort: str | None = None
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    facets: tuple[str, ...] = ()
    highlight: bool = True
    constraints: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def text_plan(self) -> QueryPlan | None:
        """The plan to match with, or None without a text."""
        if not self.text.strip():
            return None
        return self.plan if self.plan is not None else direct_plan(self.text)

    @property
    def effective_sort(self) -> str:
        if self.sort:
            return self.sort
        return "relevance" if self.text.strip() else "newest"

    @property
    def window(self) -> tuple[int, int]:
        """``(start, end)`` positions of the shown page in the ordered results;
        nothing is shown past ``MAX_RESULT_WINDOW`` (``start >= end`` then)."""
        start = (self.page - 1) * self.per_page
        return start, min(start + self.per_page, MAX_RESULT_WINDOW)


@dataclass
class Hit:
    """One result, in the translation shown (``lang``); ``score`` is None
    when the results are not ordered by relevance.

    ``extra_words`` maps a language to the query's words (as that language's
    analyzer reads them) that occur in the hit's extra text, so the service
    can tell which attachment a hit was found in without analysing the
    attachments of hits that matched elsewhere. ``found_in`` names those
    attachments.
    """

    id: int
    external_id: str | None
    type: str
    title: str
    summary: str
    lang: str
    languages: list[str]
    sector: str
    country: str | None
    city: str | None
    score: float | None = None
    highlights: list[str] = field(default_factory=list)
    extra_words: dict[str, frozenset[str]] = field(default_factory=dict)
    found_in: list[str] = field(default_factory=list)
    #: Translations or synonyms through which it matched a part of the query
    #: it does not hold itself ("found via: fietsstraat").
    via: list[str] = field(default_factory=list)
    #: Parts of the query it does not match (only when the search was loosened).
    missing: list[str] = field(default_factory=list)


def make_hit(item_id: int, score: float | None, display: Mapping[str, Any], lang: str,
             text: Callable[[str, str], str]) -> Hit:
    """A hit from what a backend stores for showing it: ``display`` (type,
    sector, place, languages...) and ``text(field, lang)`` for the title and
    summary. Shown in ``lang`` when the item has it, else in its first language."""
    languages = display.get("languages") or []
    shown = lang if lang in languages else (languages[0] if languages else lang)
    return Hit(
        id=int(item_id),
        external_id=display.get("external_id"),
        type=display.get("type", ""),
        title=text("title", shown),
        summary=text("summary", shown),
        lang=shown,
        languages=list(languages),
        sector=display.get("sector", ""),
        country=display.get("country"),
        city=display.get("city"),
        score=float(score) if score is not None else None,
    )


@dataclass
class SearchResult:
    """A page of hits, the total, facet counts ``{facet: [(value, count)]}``.

    ``estimated``: the total and the counts were estimated from a sample of a
    very large result set (and its page ranked within the sample), which a
    backend may do to answer in time; see ``SEARCH_EXACT_LIMIT``.
    """

    total: int
    hits: list[Hit]
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    estimated: bool = False
    #: Not every part of the query had to match: matching all found too little.
    loosened: bool = False
    #: Numbers of the plan's clauses that no visible item matches.
    unmatched: tuple[int, ...] = ()


@dataclass
class IndexReport:
    """How the index compares with the database (see ``check-index``)."""

    database: int = 0
    indexed: int = 0
    missing: list[int] = field(default_factory=list)
    stale: list[int] = field(default_factory=list)
    orphans: list[int] = field(default_factory=list)
    pending: int = 0
    schema_outdated: bool = False
    #: Items whose stored permission labels differ from what the label rules
    #: say now (a plugin's rule changed): repaired in the database and the index.
    labels_stale: list[int] = field(default_factory=list)

    @property
    def drift(self) -> bool:
        return bool(self.missing or self.stale or self.orphans or self.schema_outdated
                    or self.labels_stale)


ProgressFn = Callable[[int], None]
#: Items whose document a plugin failed to enrich (``index_document``), with the
#: failures; those items were indexed all the same (see :mod:`.outbox`).
IndexFailures = dict[int, list[HookFailure]]
FailedFn = Callable[[IndexFailures], None]


@runtime_checkable
class SearchBackend(Protocol):
    """What a search engine must do for Kennisbank."""

    def index(self, items: Iterable[Item]) -> None:
        """Add or replace the entries of ``items``."""

    def delete(self, ids: Iterable[int]) -> None:
        """Remove the entries of these item ids (unknown ids are ignored)."""

    def apply(self, items: Iterable[Item], delete_ids: Iterable[int]) -> IndexFailures:
        """Index ``items`` and delete ``delete_ids`` as one atomic change.

        Returns the items a plugin failed on (indexed nonetheless), for the
        caller to record (:func:`kennisbank.search.outbox.settle`)."""

    def search(self, query: SearchQuery) -> SearchResult:
        """Run ``query``; visibility, filters and facet counts are applied inside."""

    def related(
        self, item_id: int, *, visibility: Visibility, lang: str, limit: int
    ) -> list[Hit]:
        """Items like ``item_id`` that ``visibility`` allows, never the item itself."""

    def vocabulary(self) -> Words:
        """The words and terms of published content (corrections, known terms)."""

    def clear(self) -> None:
        """Remove every entry."""

    def count(self) -> int:
        """Number of entries."""

    def stamps(self) -> dict[int, str]:
        """Item id -> the stamp it was indexed with (for drift checks)."""

    def schema_outdated(self) -> bool:
        """Whether the index was built for other content types than the app's."""

    def writing(self, timeout: float | None = None) -> AbstractContextManager[None]:
        """Hold the exclusive write permission (across processes) while inside."""

    def rebuild(
        self,
        source: Callable[[int, int], Iterator[list[Item]]],
        *,
        progress: ProgressFn | None = None,
        finish: Callable[[SearchBackend], None] | None = None,
        failed: FailedFn | None = None,
    ) -> int:
        """Build a fresh index and swap it in atomically.

        ``source(part, parts)`` yields batches of every item whose position
        modulo ``parts`` is ``part``, so a backend may read it from several
        processes at once (each opens its own database session); call it as
        ``source(0, 1)`` for everything. Searches keep using the old index
        until the swap. ``finish`` is called
        with the new index under the write lock, just before the swap, to catch
        up with changes made meanwhile. ``failed`` is given the items a plugin
        failed on (indexed nonetheless), before ``finish`` is called. Returns
        the number of items indexed.
        """


@runtime_checkable
class TransactionalBackend(SearchBackend, Protocol):
    """A backend that indexes inside the item's own transaction (no outbox)."""

    transactional: bool

    def queue(self, session: Any, item_id: int) -> None:
        """Index ``item_id`` in ``session``'s transaction, before it commits."""


@runtime_checkable
class BulkBackend(SearchBackend, Protocol):
    """A backend that writes many changed items at once, as a rebuild does."""

    def bulk_apply(self, source: Callable[[int, int], Iterator[list[Item]]],
                   replace: Sequence[int], progress: ProgressFn | None = None
                   ) -> tuple[int, IndexFailures]:
        """Index the items of ``source`` and drop the other ids of ``replace``
        in one commit; the number indexed and the items a plugin failed on."""


def describe(hit: Hit) -> dict[str, Any]:
    """A hit as JSON-ready data (without the URL, which the service adds)."""
    return {
        "id": hit.id,
        "external_id": hit.external_id,
        "type": hit.type,
        "title": hit.title,
        "summary": hit.summary,
        "lang": hit.lang,
        "languages": hit.languages,
        "sector": hit.sector,
        "country": hit.country,
        "city": hit.city,
        "score": hit.score,
        "highlights": hit.highlights,
        "found_in": hit.found_in,
        "found_via": hit.via,
        "missing": hit.missing,
    }
