"""Search as the views see it: parameters in, a page of results out.

Views and the API call :func:`parse_params` and :func:`search` (or
:func:`related`) and never see the engine. Visibility comes from
``auth.policy.visibility(user)`` and is handed to the backend, which applies
it inside the query: totals, facet counts, snippets and related items are all
computed over what the user may see. Suggestions and corrections come from
content every reader may see (labelled ``public``) only, whoever asks.

Any failure of the engine (a locked, missing or corrupt index) becomes
``SearchUnavailable``, which the views turn into a clear message, never a
500; and :meth:`SearchService.drain` never fails the request whose commit
called it: the outbox keeps the change until the index takes it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from flask import Flask, current_app, url_for

from ..args import ArgReader
from ..auth.policy import Visibility, visibility
from ..config import LANGUAGES, ConfigError
from ..content.registry import EXTENSION_KEY as REGISTRY_KEY
from ..content.registry import current_registry
from ..content.service import SEARCH_EXTENSION_KEY
from ..content.types import Labels
from ..models import Item
from ..plugins import EXTENSION_KEY as PLUGINS_KEY
from ..plugins import current_plugins
from . import outbox
from .backend import (
    DEFAULT_PER_PAGE,
    MAX_PER_PAGE,
    MAX_RESULT_WINDOW,
    SORTS,
    ProgressFn,
    SearchBackend,
    SearchQuery,
    SearchResult,
    SearchUnavailable,
    TransactionalBackend,
    describe,
)
from .correct import corrected_text, corrections
from .derivation import base_forms
from .expand import build_plan
from .extras import Scope, plugin_scopes, plugin_sorts
from .facets import all_facets, facet_entries, facet_title
from .found_in import mark_found_in
from .lexicon.service import current_lexicon
from .lexicon.store import mark_changed
from .lexicon.store import refresh as refresh_lexicon
from .plan import Expansion, QueryPlan
from .vocabulary import KnownTerms
from .whoosh_backend import REBUILD_PROCS, WhooshBackend

MAX_QUERY_LENGTH = 1000
MAX_FILTER_VALUES = 50
MAX_VALUE_LENGTH = 200
MAX_PAGE = MAX_RESULT_WINDOW
SUGGEST_BELOW = 3
RELATED_LIMIT = 5
DRAIN_TIMEOUT = 10.0

log = logging.getLogger(__name__)


class BadSearchRequest(ValueError):
    """Parameters that cannot be searched with; ``errors`` maps each to a message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class SearchParams:
    """What the reader asked for, validated; ``scopes`` maps a scope's parameter
    to its value, ``scope_values`` to the facet values it stands for.
    ``translate``: also search the other language; ``correct``: run a
    corrected query at once when the query as typed finds nothing."""

    text: str = ""
    translate: bool = True
    correct: bool = True
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    sort: str | None = None
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    scopes: dict[str, str] = field(default_factory=dict)
    scope_values: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass
class SearchPage:
    """One page of results, ready for JSON or a template."""

    params: SearchParams
    total: int
    sort: str
    results: list[dict[str, Any]]
    facets: dict[str, list[dict[str, Any]]]
    facet_titles: dict[str, str]
    suggestion: str | None
    #: The total and facet counts are estimates (a very large result set, sampled).
    estimated: bool = False
    #: The query that ran: ``params.text``, or its correction (``corrected_from``).
    query: str = ""
    corrected_from: str | None = None
    #: Not every word had to match (matching all of them found too little).
    loosened: bool = False
    #: The translations and synonyms searched for as well, if any.
    expansion: Expansion | None = None

    @property
    def pages(self) -> int:
        shown = min(self.total, MAX_RESULT_WINDOW)
        return max(1, -(-shown // self.params.per_page))

    def to_json(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "page": self.params.page,
            "per_page": self.params.per_page,
            "sort": self.sort,
            "results": self.results,
            "facets": self.facets,
            "suggestion": self.suggestion,
            "estimated": self.estimated,
            "query": self.query,
            "corrected_from": self.corrected_from,
            "loosened": self.loosened,
            "translate": self.params.translate,
            "expansion": self.expansion.to_json() if self.expansion else None,
        }


def _service() -> SearchService | None:
    return current_app.extensions.get(SEARCH_EXTENSION_KEY)


def sort_names() -> tuple[str, ...]:
    """The built-in sorts, then those plugins register (``register_search_sorts``)."""
    service = _service()
    return (*SORTS, *(service.sorts if service is not None else ()))


def scopes() -> dict[str, Scope]:
    """The scopes plugins register (``register_search_scopes``), by parameter name."""
    service = _service()
    return dict(service.scopes) if service is not None else {}


def _scope_values(reader: ArgReader) -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    chosen: dict[str, str] = {}
    values: dict[str, tuple[str, ...]] = {}
    for name, scope in scopes().items():
        value = reader.text(name, MAX_VALUE_LENGTH)
        if not value:
            continue
        try:
            values[name] = tuple(dict.fromkeys(scope.expand(value)))
        except ValueError as exc:
            reader.fail(name, str(exc))
            continue
        chosen[name] = value
    return chosen, values


def parse_params(args: Any) -> SearchParams:
    """Validate request arguments (a ``MultiDict``); raise ``BadSearchRequest``
    with every problem, in the reader's language (:mod:`kennisbank.args`).

    Each facet's values come from the repeatable parameter named after it,
    each scope's value from the parameter named after it.
    """
    reader = ArgReader(args, lenient=True)
    text = str(args.get("q", "") or "")[:MAX_QUERY_LENGTH]
    reader.choice("lang", LANGUAGES)
    sort = reader.choice("sort", sort_names())
    page = reader.whole_number("page", 1, MAX_PAGE)
    per_page = reader.whole_number("per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE)
    filters: dict[str, tuple[str, ...]] = {}
    for name in all_facets(current_registry()):
        values = reader.values(name, MAX_FILTER_VALUES, MAX_VALUE_LENGTH)
        if values:
            filters[name] = values
    chosen, expanded = _scope_values(reader)
    translate = reader.switch("translate")
    correct = reader.switch("correct")
    if reader.errors:
        raise BadSearchRequest(reader.errors)
    return SearchParams(text=text, filters=filters, sort=sort, page=page, per_page=per_page,
                        scopes=chosen, scope_values=expanded, translate=translate,
                        correct=correct)


class SearchService:
    """The app's search: one backend, the outbox, and the results as the views need them."""

    def __init__(self, app: Flask) -> None:
        with app.app_context():
            self.backend: SearchBackend = _make_backend(app)
        #: Whether changes are indexed inside the item's own transaction (no outbox).
        self.transactional = bool(getattr(self.backend, "transactional", False))
        self.inline_drain = (bool(app.config["SEARCH_INLINE_DRAIN"])
                             and not self.transactional)
        plugins, registry = app.extensions[PLUGINS_KEY], app.extensions[REGISTRY_KEY]
        #: What plugins add through ``register_search_scopes`` and ``register_search_sorts``.
        self.scopes: dict[str, Scope] = plugin_scopes(plugins, registry)
        self.sorts: dict[str, Labels] = plugin_sorts(plugins)
        self._lexicon_stale = False

    def queue(self, session: Any, item_id: int, action: str) -> None:
        """Index ``item_id`` after this transaction: inside it for a transactional
        backend, else through the outbox (a row written in the same transaction)."""
        if self.transactional and isinstance(self.backend, TransactionalBackend):
            self.backend.queue(session, item_id)
        else:
            outbox.enqueue(session, item_id, action)

    def lexicon_changed(self, session: Any) -> None:
        """The learned lexicon is out of date from ``session``'s transaction on."""
        self._lexicon_stale = True
        mark_changed(session)

    def drain(self, progress: ProgressFn | None = None) -> int:
        """Apply the outbox now (called after each commit), and relearn the
        lexicon if that commit made it stale; never raises. ``progress(n)`` is
        told of items written when the outbox is written in bulk."""
        if self._lexicon_stale:
            self._lexicon_stale = False
            refresh_lexicon(current_registry())
        if not self.inline_drain:
            return 0
        try:
            return outbox.drain(self.backend, timeout=DRAIN_TIMEOUT, progress=progress)
        except Exception:
            log.exception("search index not updated now; the outbox keeps the change")
            return 0

    def ping(self) -> None:
        """Raise ``SearchUnavailable`` unless the backend answers a search (one
        that matches nothing for anyone, so it costs next to nothing)."""
        self._call("search", SearchQuery(visibility=Visibility(labels=frozenset()), per_page=1,
                                         highlight=False))

    def _call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        """Run a backend method; any engine failure becomes ``SearchUnavailable``."""
        try:
            return getattr(self.backend, method)(*args, **kwargs)
        except SearchUnavailable:
            self._reset()
            raise
        except Exception as exc:
            log.exception("search failed")
            self._reset()
            raise SearchUnavailable(str(exc)) from exc

    def _reset(self) -> None:
        reset = getattr(self.backend, "reset", None)
        if reset is not None:
            reset()

    def plan(self, text: str, lang: str, *, translate: bool = True) -> QueryPlan | None:
        """The query plan of ``text``: expanded with the lexicon (synonyms,
        translations, word formation), keeping only terms published content holds."""
        if not text.strip():
            return None
        vocabulary = self._call("vocabulary")
        return build_plan(text, lang, current_lexicon(), KnownTerms(vocabulary),
                          translate=translate, translator=_translator(),
                          base_forms=base_forms)

    def search(self, params: SearchParams, user: Any, lang: str) -> SearchPage:
        registry = current_registry()
        names = tuple(all_facets(registry))
        plan = self.plan(params.text, lang, translate=params.translate)
        query = SearchQuery(
            visibility=visibility(user), text=params.text, lang=lang, filters=params.filters,
            sort=params.sort, page=params.page, per_page=params.per_page, facets=names,
            constraints=tuple((self.scopes[name].facet, values)
                              for name, values in params.scope_values.items()
                              if name in self.scopes),
            plan=plan,
        )
        found = self._call("search", query)
        text, corrected_from, suggestion = params.text, None, None
        correction = self._correction(query, found) if params.correct else None
        if correction is not None:
            again_plan = self.plan(correction, lang, translate=params.translate)
            again = self._call("search", replace(query, text=correction, plan=again_plan))
            # The correction runs in place of the query as typed when it leaves fewer
            # of the reader's words unmatched (and finds something).
            if again.total and len(again.unmatched) < len(found.unmatched):
                found, plan, text, corrected_from = again, again_plan, correction, params.text
            elif found.total < SUGGEST_BELOW and again.total:
                suggestion = correction
        mark_found_in(found.hits)
        return SearchPage(
            params=params,
            total=found.total,
            sort=query.effective_sort,
            results=[_result(hit, lang) for hit in found.hits],
            facets={
                name: facet_entries(registry, name, found.facets.get(name, []),
                                    params.filters.get(name, ()), lang)
                for name in names
            },
            facet_titles={name: facet_title(registry, name, lang) for name in names},
            suggestion=suggestion,
            estimated=found.estimated,
            query=text,
            corrected_from=corrected_from,
            loosened=found.loosened,
            expansion=_used(plan),
        )

    def _correction(self, query: SearchQuery, found: SearchResult) -> str | None:
        """The query with its unmatched words corrected, when matching every
        word found nothing (strictly) and some word matched nothing at all."""
        plan = query.plan
        if plan is None or not found.unmatched or (found.total and not found.loosened):
            return None
        wrong = [plan.clauses[n].word for n in found.unmatched if plan.clauses[n].word]
        if not wrong:
            return None
        kept = [clause.word for n, clause in enumerate(plan.clauses)
                if n not in found.unmatched and clause.word]
        fixes = corrections(self._call("vocabulary"), wrong, plan.language or query.lang, kept)
        return corrected_text(query.text, fixes) if fixes else None

    def related(self, item: Item, user: Any, lang: str,
                limit: int = RELATED_LIMIT) -> list[dict[str, Any]]:
        hits = self._call("related", item.id, visibility=visibility(user), lang=lang,
                          limit=limit)
        return [_result(hit, lang) for hit in hits if hit.id != item.id]


def _translator() -> Callable[[str, str, str], list[str]] | None:
    """A plugin's machine translation (``translate_query``), if one is installed;
    a failing one is logged, named, and searching goes on with the lexicon alone."""
    plugins = current_plugins()
    if not plugins.implemented("translate_query"):
        return None

    def translate(text: str, source: str, target: str) -> list[str]:
        found = plugins.contain_first("translate_query", text=text, source=source,
                                      target=target)
        if isinstance(found, str):
            found = [found]
        return [str(t) for t in found or () if str(t).strip()]

    return translate


def _used(plan: QueryPlan | None) -> Expansion | None:
    """The plan's expansion when it searched for anything beyond the words typed."""
    expansion = plan.expansion if plan is not None else None
    if expansion is None or not (expansion.translations or expansion.synonyms):
        return None
    return expansion


def _make_backend(app: Flask) -> SearchBackend:
    """The backend ``SEARCH_BACKEND`` names, or a ``ConfigError`` saying what to set."""
    name = str(app.config.get("SEARCH_BACKEND") or "whoosh").strip().lower()
    registry = current_registry()
    if name == "whoosh":
        root = app.config.get("SEARCH_PATH") or Path(app.instance_path) / "search"
        return WhooshBackend(Path(root), registry)
    if name in ("postgres", "postgresql"):
        if not str(app.config["SQLALCHEMY_DATABASE_URI"]).startswith("postgresql"):
            raise ConfigError("KENNISBANK_SEARCH_BACKEND=postgres needs KENNISBANK_DATABASE_URL "
                              "to be a PostgreSQL database (postgresql+psycopg://...)")
        from .pg_backend import PostgresBackend

        return PostgresBackend(registry, read_url=app.config.get("SEARCH_DATABASE_URL"),
                               engine_options=app.config.get("SQLALCHEMY_ENGINE_OPTIONS"),
                               rebuild_procs=REBUILD_PROCS,
                               cache_size=int(app.config["SEARCH_CACHE_SIZE"]),
                               exact_limit=int(app.config["SEARCH_EXACT_LIMIT"]))
    raise ConfigError(f"KENNISBANK_SEARCH_BACKEND must be 'whoosh' or 'postgres', not {name!r}")


def _result(hit: Any, lang: str) -> dict[str, Any]:
    data = describe(hit)
    data["url"] = url_for("web.item", item_id=hit.id, lang=lang)
    return data


def current_search() -> SearchService:
    """The search service of the current app."""
    return current_app.extensions[SEARCH_EXTENSION_KEY]


def search(params: SearchParams, user: Any, lang: str) -> SearchPage:
    """Search as ``user`` sees the collection, labels in ``lang``."""
    return current_search().search(params, user, lang)


def related(item: Item, user: Any, lang: str, limit: int = RELATED_LIMIT) -> list[dict[str, Any]]:
    """Items like ``item`` that ``user`` may see."""
    return current_search().related(item, user, lang, limit)
