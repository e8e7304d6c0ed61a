"""Translation pairs indexed for look-up by a query's analysed words.

Every source of the lexicon (FreeDict, the instance's parallel texts, the
app's vocabularies, editors' synonyms, plugins) ends up as :class:`Entry`
pairs of a Dutch and an English term. A :class:`PairIndex` keys them, in each
direction, by the source term's *query analysis* (stemmed, accent-folded, stop
words dropped, compounds whole): the same form a query word takes, so
``streets`` finds the entry for ``street`` and ``fietsstraten`` the one for
``fietsstraat``. What it returns, :class:`Translation`, carries the target
term's own query analysis, ready to be searched for in the target language.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import lru_cache

import wordfreq

from ..analysis import LANGUAGES, WORD_RE, analyzer_for
from ..decompound import fold_accents

#: Longest term (in analysed words) a look-up considers: longer ones are sentences.
MAX_KEY_WORDS = 3
_CACHE = 1 << 17

#: How much a target term's other meanings lower its weight (0: not at all).
SPECIFICITY = 0.35
#: The weight of a translation found through the stem only, when the term itself has entries.
STEM_ONLY = 0.5
#: What a second source of the same pair adds (as a share of the weaker weight).
BOTH_BONUS = 0.2

Key = tuple[str, ...]


def other(lang: str) -> str:
    """The other language of the two."""
    return "en" if lang == "nl" else "nl"


@lru_cache(maxsize=_CACHE)
def word_key(lang: str, word: str) -> Key:
    """One word as a query in ``lang`` reads it (empty for a stop word)."""
    return tuple(token.text for token in analyzer_for(lang)(word, mode="query"))


@lru_cache(maxsize=_CACHE)
def term_key(lang: str, text: str) -> Key:
    """A term (word or phrase) as a query in ``lang`` reads it, word by word."""
    return tuple(part for word in WORD_RE.findall(text) for part in word_key(lang, word))


def surface_key(text: str) -> Key:
    """A term as written, lowercase and accent-folded, marked apart from stems."""
    return ("=", *(fold_accents(word.lower()) for word in WORD_RE.findall(text)))


@lru_cache(maxsize=_CACHE)
def zipf(lang: str, text: str) -> float:
    """How common ``text`` is in ``lang`` (wordfreq's zipf scale: 0 unknown,
    3 a word in a million words ... 7 the commonest)."""
    return wordfreq.zipf_frequency(text, lang)


@dataclass(frozen=True)
class Entry:
    """A Dutch and an English term that translate each other.

    ``weight`` (0-1) is how sure the source is; ``origin`` names the source
    (``freedict``, ``learned``, ``vocabulary``, ``synonyms``, ``plugin``).
    ``weights`` may give a different weight per direction (source language ->
    weight), as a dictionary's own direction is surer than its reverse.
    """

    nl: str
    en: str
    weight: float = 1.0
    origin: str = "lexicon"
    weights: tuple[tuple[str, float], ...] = ()

    def weight_from(self, lang: str) -> float:
        return dict(self.weights).get(lang, self.weight)


@dataclass(frozen=True)
class Translation:
    """A term in the target language: ``text`` to show, ``terms`` to search for."""

    lang: str
    text: str
    terms: Key
    weight: float
    origin: str


class PairIndex:
    """Entries of one source, looked up by the analysed source term.

    With ``specific=True`` a target term that translates many different source
    terms counts less (``vuur`` translates fire, heat, passion...: for ``heat``
    the specific ``hitte`` is the better word), and so does a rare one
    (``geslachtsdrift``): what a general dictionary needs. The instance's own
    sources are specific already and keep their weights.
    """

    def __init__(self, entries: Iterable[Entry], *, specific: bool = False) -> None:
        self.specific = specific
        self._cache: dict[tuple[str, Key], list[Translation]] = {}
        self._targets: dict[tuple[str, Key], dict[str, tuple[float, str]]] = defaultdict(dict)
        self._back: dict[tuple[str, Key], set[Key]] = defaultdict(set)
        for entry in entries:
            for source in LANGUAGES:
                target = other(source)
                source_text, target_text = getattr(entry, source), getattr(entry, target)
                key = term_key(source, source_text)
                if not key or len(key) > MAX_KEY_WORDS or not term_key(target, target_text):
                    continue
                for lookup in {key, surface_key(source_text)}:
                    self._add(source, lookup, target_text, entry.weight_from(source),
                              entry.origin)
                self._back[(target, term_key(target, target_text))].add(key)

    def _add(self, source: str, key: Key, target_text: str, weight: float,
             origin: str) -> None:
        found = self._targets[(source, key)]
        previous = found.get(target_text)
        if previous is not None:
            # Seen in both dictionaries, or twice: surer than either alone.
            weight = min(1.0, max(weight, previous[0]) + BOTH_BONUS * min(weight, previous[0]))
        found[target_text] = (weight, origin)

    def __len__(self) -> int:
        return len(self._targets)

    def keys(self, lang: str) -> Iterable[Key]:
        return (key for source, key in self._targets if source == lang)

    def lookup(self, lang: str, key: Key, surface: str = "") -> list[Translation]:
        """Translations of the term that ``lang`` analyses as ``key``, surest first.

        The term as written (``surface``) comes first: stems merge words a
        dictionary keeps apart (``elderly`` and ``elder``, the tree, are both
        ``elder``), so when the term itself is an entry, what only its stem
        finds counts ``STEM_ONLY`` as much; the stem finds inflected forms
        (``streets``) that are no entry of their own."""
        exact = self._cached(lang, surface_key(surface)) if surface else []
        found = {t.text: t for t in exact}
        factor = STEM_ONLY if exact else 1.0
        for stemmed in self._cached(lang, key):
            known = found.get(stemmed.text)
            weight = round(stemmed.weight * factor, 4)
            if known is None or known.weight < weight:
                found[stemmed.text] = replace(stemmed, weight=weight)
        return sorted(found.values(), key=lambda t: (-t.weight, t.text))

    def _cached(self, lang: str, key: Key) -> list[Translation]:
        if (lang, key) not in self._targets:
            return []
        cached = self._cache.get((lang, key))
        if cached is None:
            cached = self._cache[(lang, key)] = self._scored(lang, key)
        return cached

    def _scored(self, lang: str, key: Key) -> list[Translation]:
        target = other(lang)
        scored = []
        for text, (weight, origin) in self._targets[(lang, key)].items():
            terms = term_key(target, text)
            if self.specific:
                back = len(self._back.get((target, terms), ())) or 1
                common = min(1.0, max(0.2, (zipf(target, text) - 1.0) / 3.0))
                weight = weight * common / back ** SPECIFICITY
            scored.append(Translation(target, text, terms, round(weight, 4), origin))
        scored.sort(key=lambda t: (-t.weight, t.text))
        return scored
