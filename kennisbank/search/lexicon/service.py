"""The app's bilingual lexicon: every source merged behind two look-ups.

Sources, surest first: the synonym sets editors keep (``kennisbank.synonyms``)
and those plugins register (``register_synonyms``); the app's bilingual
vocabularies (sectors, SDGs, types, fields, countries); the term pairs
learned from the instance's bilingual items; FreeDict's dictionaries.

:meth:`Lexicon.translations` answers "what is this term in the other
language", :meth:`Lexicon.synonyms` "what else means this in the same
language" (synonym sets only). The FreeDict index is built once per process
and shared by every app in it; the rest belongs to the app. Editors' sets
and learned pairs change while the app runs, so they are reloaded when their
version in the database moved (looked at before every search: two one-row
reads), so every process and server uses the current list.
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from sqlalchemy.orm import Session

from ...content.registry import Registry
from ...extensions import db
from ...plugins import PluginError, Plugins
from .freedict import DICTD_DIR, available, freedict_index
from .store import built_version, learned_pairs
from .terms import LANGUAGES, Entry, Key, PairIndex, Translation, other, surface_key, term_key
from .vocabularies import vocabulary_entries

log = logging.getLogger(__name__)

EXTENSION_KEY = "kennisbank.lexicon"
#: Weights of the curated sources (FreeDict's and the learned pairs' are their own).
SYNONYM_WEIGHT = 1.0
#: A target found by several sources: the best weight, plus this share of the next.
AGREEMENT_BONUS = 0.25


@dataclass(frozen=True)
class SynonymSet:
    """Terms that mean the same, per language."""

    nl: tuple[str, ...] = ()
    en: tuple[str, ...] = ()

    def terms(self, lang: str) -> tuple[str, ...]:
        return self.nl if lang == "nl" else self.en


class SynonymIndex:
    """Synonym sets, looked up by an analysed term: the translations of the
    set's other-language terms, and its same-language terms as synonyms."""

    def __init__(self, sets: Iterable[SynonymSet], origin: str) -> None:
        self.origin = origin
        self.pairs = PairIndex(Entry(nl=nl, en=en, weight=SYNONYM_WEIGHT, origin=origin)
                                for found in sets for nl in found.nl for en in found.en)
        self._same: dict[tuple[str, Key], dict[str, Translation]] = defaultdict(dict)
        for found in sets:
            for lang in LANGUAGES:
                terms = [t for t in found.terms(lang) if term_key(lang, t)]
                for term in terms:
                    for key in {term_key(lang, term), surface_key(term)}:
                        for synonym in terms:
                            if term_key(lang, synonym) != term_key(lang, term):
                                self._same[(lang, key)][synonym] = Translation(
                                    lang, synonym, term_key(lang, synonym), SYNONYM_WEIGHT,
                                    origin)

    def synonyms(self, lang: str, key: Key, surface: str) -> list[Translation]:
        found = dict(self._same.get((lang, key), {}))
        if surface:
            found.update(self._same.get((lang, surface_key(surface)), {}))
        return sorted(found.values(), key=lambda t: t.text)


@dataclass
class LexiconStatus:
    """What the lexicon is made of, for ``check-index`` and the admin."""

    freedict: list[str]
    vocabulary_terms: int
    learned_pairs: int
    plugin_sets: int
    editor_sets: int
    notes: list[str] = field(default_factory=list)


def plugin_sets(plugins: Plugins) -> list[SynonymSet]:
    """The sets of every plugin's ``register_synonyms``, checked (names the plugin)."""
    found = []
    for plugin, value in plugins.results("register_synonyms"):
        if not isinstance(value, dict) or not set(value) <= set(LANGUAGES) or not all(
                isinstance(terms, list | tuple) and all(isinstance(t, str) for t in terms)
                for terms in value.values()):
            raise PluginError(
                f"plugin {plugin!r} registered a synonym set as {value!r}; "
                "expected {'nl': [str, ...], 'en': [str, ...]}")
        found.append(SynonymSet(nl=tuple(value.get("nl", ())), en=tuple(value.get("en", ()))))
    return found


def _merge(groups: Sequence[list[Translation]]) -> list[Translation]:
    """One list, surest first: a target several sources agree on counts more."""
    best: dict[Key, Translation] = {}
    second: dict[Key, float] = {}
    for found in groups:
        for translation in found:
            known = best.get(translation.terms)
            if known is None:
                best[translation.terms] = translation
            elif translation.weight > known.weight:
                second[translation.terms] = known.weight
                best[translation.terms] = translation
            else:
                second[translation.terms] = max(second.get(translation.terms, 0.0),
                                                translation.weight)
    merged = [replace(t, weight=round(min(1.0, t.weight + AGREEMENT_BONUS
                                          * second.get(t.terms, 0.0)), 4))
              for t in best.values()]
    merged.sort(key=lambda t: (-t.weight, t.text))
    return merged


class Lexicon:
    """Every source of one app, merged."""

    def __init__(self, registry: Registry, plugin_synonyms: list[SynonymSet],
                 directory: Path = DICTD_DIR) -> None:
        self.directory = directory
        self.freedict = freedict_index(directory)
        self.vocabulary = PairIndex(vocabulary_entries(registry))
        self.plugins = SynonymIndex(plugin_synonyms, "plugin")
        self.plugin_set_count = len(plugin_synonyms)
        self.editors = SynonymIndex((), "synonyms")
        self.editor_set_count = 0
        self.learned = PairIndex(())
        self.learned_count = 0
        self._versions: tuple[Any, Any] | None = None
        self._lock = threading.Lock()

    def sync(self) -> None:
        """Reload the editors' sets and the learned pairs if either changed
        (two one-row reads when nothing did, in the caller's session: every
        search asks, so it costs no connection and transaction of its own)."""
        from ...synonyms import service as synonyms

        with self._lock:
            learned_version = built_version(db.session)
            synonyms_version = synonyms.version()
            if self._versions is not None and self._versions == (learned_version,
                                                                 synonyms_version):
                return
            self._reload(learned_version, synonyms_version)

    def _reload(self, learned_version: int, synonyms_version: str) -> None:
        """Read again what changed since the last :meth:`sync` (under its lock)."""
        from ...synonyms import service as synonyms

        with Session(db.engine) as session:
            if self._versions is None or learned_version != self._versions[0]:
                pairs = learned_pairs(session)
                self.learned = PairIndex(pair.entry() for pair in pairs)
                self.learned_count = len(pairs)
            if self._versions is None or synonyms_version != self._versions[1]:
                synonyms_version, sets = synonyms.snapshot()
                self.editors = SynonymIndex(
                    [SynonymSet(nl=tuple(s.nl), en=tuple(s.en)) for s in sets], "synonyms")
                self.editor_set_count = len(sets)
            self._versions = (learned_version, synonyms_version)

    def translations(self, lang: str, key: Key, surface: str = "") -> list[Translation]:
        """What the term (analysed as ``key`` in ``lang``) is in the other language."""
        if lang not in LANGUAGES or not key:
            return []
        return _merge([
            self.editors.pairs.lookup(lang, key, surface),
            self.plugins.pairs.lookup(lang, key, surface),
            self.vocabulary.lookup(lang, key, surface),
            self.learned.lookup(lang, key, surface),
            self.freedict.lookup(lang, key, surface),
        ])

    def synonyms(self, lang: str, key: Key, surface: str = "") -> list[Translation]:
        """Other terms of the same language that the synonym sets equate with it."""
        if lang not in LANGUAGES or not key:
            return []
        return _merge([self.editors.synonyms(lang, key, surface),
                       self.plugins.synonyms(lang, key, surface)])

    def status(self) -> LexiconStatus:
        self.sync()
        found = available(self.directory)
        notes = [] if found else [
            f"FreeDict dictionaries not found in {self.directory}: cross-lingual search uses "
            "only the instance's own vocabulary (install dict-freedict-nld-eng and "
            "dict-freedict-eng-nld)"]
        return LexiconStatus(freedict=found, vocabulary_terms=len(self.vocabulary),
                             learned_pairs=self.learned_count, plugin_sets=self.plugin_set_count,
                             editor_sets=self.editor_set_count, notes=notes)


def dictd_dir(app: Flask) -> Path:
    """Where FreeDict's dictionaries are (``LEXICON_DICTD_DIR``, Debian's place by default)."""
    return Path(app.config.get("LEXICON_DICTD_DIR") or DICTD_DIR)


def init_lexicon(app: Flask, registry: Registry, plugins: Plugins) -> None:
    """Check the plugins' synonym sets now (a bad one stops the start, naming the
    plugin); the lexicon itself is built on first use. Outside tests, FreeDict's
    index (a few seconds of work, once per process) is built in the background
    at once, so the first search does not wait for it; a missing dictionary is
    logged now."""
    app.extensions[EXTENSION_KEY] = (registry, plugin_sets(plugins), None)
    if not app.testing:
        threading.Thread(target=freedict_index, args=(dictd_dir(app),), name="freedict",
                         daemon=True).start()


def current_lexicon() -> Lexicon:
    """The current app's lexicon, built on first use, its changing parts in sync."""
    registry, sets, lexicon = current_app.extensions[EXTENSION_KEY]
    if lexicon is None:
        lexicon = Lexicon(registry, sets, dictd_dir(current_app))
        current_app.extensions[EXTENSION_KEY] = (registry, sets, lexicon)
    lexicon.sync()
    return lexicon


__all__ = ["Lexicon", "LexiconStatus", "SynonymSet", "Translation", "current_lexicon",
           "init_lexicon", "other"]
