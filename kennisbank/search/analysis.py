"""Whoosh analyzers for Dutch and English text, and for keywords.

A text analyzer runs, in this order:

1. ``RegexTokenizer(WORD_PATTERN)``: unicode words and numbers (``3.5`` and
   ``www.deventer.nl`` stay whole). Combining diacritics count as word
   characters, so text in decomposed form (``coo\\u0308peratie``) is not cut.
2. ``NormalizeFilter``: lowercase and NFC, the form the word list uses.
3. ``StopFilter`` with Whoosh's stop list for the language (the Snowball
   project's lists). It renumbers positions, so ``fietspaden in Deventer``
   indexes as two adjacent words and the phrase query, analysed the same way,
   matches. It runs before decompounding because renumbering would otherwise
   move the parts off their word's position.
4. ``DecompoundFilter`` (Dutch only, never in query mode): after each compound
   it emits its parts at the same position and character range, so ``fiets``
   finds ``fietsbeleid``, phrases over the whole word still match, and the
   highlighter marks the whole word. Queries keep the compound whole: a
   search for ``fietsbeleid`` should not match every text about bicycles.
5. ``FoldFilter``: strip diacritics (``Pécs`` = ``Pecs``). After decompounding,
   because the word list is spelled with diacritics; before stemming, so both
   spellings stem alike.
6. ``StemFilter`` with the Snowball stemmer of the language. For Dutch the
   stemmer is corrected by the word list (see ``dutch_stem``).

Whoosh pickles the schema, analyzers included, into the index, so every part
here is a module-level class or function with plain attributes: an index
written by one process can be opened by another.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from functools import cache, lru_cache

from whoosh.analysis import (
    Analyzer,
    CommaSeparatedTokenizer,
    Filter,
    IDTokenizer,
    RegexTokenizer,
    StemFilter,
    StopFilter,
    StripFilter,
    Token,
)
from whoosh.lang.snowball.dutch import DutchStemmer
from whoosh.lang.snowball.english import EnglishStemmer

from kennisbank.search.decompound import compound_parts, fold_accents, word_zipf

LANGUAGES = ("nl", "en")
_WORD_CHARS = r"[\w\u0300-\u036f]+"
WORD_PATTERN = rf"{_WORD_CHARS}(?:\.{_WORD_CHARS})*"
WORD_RE = re.compile(WORD_PATTERN)
MAX_TOKEN_LENGTH = 100
_STEM_CACHE = 1 << 16
_WORD_CACHE = 1 << 18
# A Dutch word ending in -s counts as a singular whose plural is -sen only when
# that plural is a common word, not a spelling accident of the word list.
_PLURAL_ZIPF = 2.5
_VOWELS = frozenset("aeiouy")


class NormalizeFilter(Filter):
    """Lowercase and NFC-normalise token text; drop tokens that become empty."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            text = t.text.lower()
            if not text.isascii():
                text = unicodedata.normalize("NFC", text)
            if text:
                t.text = text
                yield t


class DecompoundFilter(Filter):
    """Follow each Dutch compound by its parts, at the same position."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            parts = () if t.stopped or t.mode == "query" else compound_parts(t.text)
            yield t
            for part in parts:
                t.text = part
                yield t


class FoldFilter(Filter):
    """Strip diacritics from token text."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            t.text = fold_accents(t.text)
            yield t


_dutch_snowball = DutchStemmer().stem
_english_snowball = EnglishStemmer().stem


@lru_cache(maxsize=_STEM_CACHE)
def dutch_stem(word: str) -> str:
    """Snowball Dutch, corrected for singulars that end in -s.

    Snowball strips a final -s as a plural ending, so ``fiets`` stems to
    ``fiet`` while its plural ``fietsen`` stems to ``fiets`` and the two never
    meet. When the word list knows a plural ``-sen`` (or ``-ssen`` after a
    short vowel) the -s belongs to the stem, and we stem that plural instead
    (``fiets``, ``fietsen`` -> ``fiets``; ``proces``, ``processen`` ->
    ``process``). Likewise a plural in
    -es whose singular is a common word stems as the singular (``gemeentes``
    -> ``gemeent``, as ``gemeente`` and ``gemeenten`` do).
    """
    if len(word) >= 3 and word.endswith("s"):
        plurals = [word + "en"]
        if word[-2] in _VOWELS and word[-3] not in _VOWELS:
            plurals.append(word + "sen")
        for plural in plurals:
            if word_zipf(plural) >= _PLURAL_ZIPF:
                return _dutch_snowball(plural)
        if len(word) >= 5 and word.endswith("es") and word_zipf(word[:-1]) >= _PLURAL_ZIPF:
            return _dutch_snowball(word[:-1])
    return _dutch_snowball(word)


@lru_cache(maxsize=_STEM_CACHE)
def english_stem(word: str) -> str:
    """Snowball English (Porter2), with a thread-safe cache."""
    return _english_snowball(word)


_STEMMERS = {"nl": dutch_stem, "en": english_stem}


@cache
def analyzer_for(lang: str) -> Analyzer:
    """The text analyzer for ``lang`` ("nl" or "en"), built once and shared."""
    if lang not in LANGUAGES:
        raise ValueError(f"no analyzer for language {lang!r}; expected one of {LANGUAGES}")
    analyzer = (
        RegexTokenizer(WORD_PATTERN)
        | NormalizeFilter()
        | StopFilter(stoplist=None, lang=lang, maxsize=MAX_TOKEN_LENGTH)
    )
    if lang == "nl":
        analyzer = analyzer | DecompoundFilter()
    # Whoosh's own cache around the stemmer is not thread-safe; ours is.
    return analyzer | FoldFilter() | StemFilter(stemfn=_STEMMERS[lang], cachesize=None)


@cache
def keyword_analyzer(commas: bool = False) -> Analyzer:
    """Analyzer for identifiers and tags: lowercase, accent-folded, no stemming.

    With ``commas=False`` the whole value is one token (an id, a single tag);
    with ``commas=True`` each comma-separated item is one (``"Klimaat, Groene
    daken"`` -> ``klimaat``, ``groene daken``). Whoosh does not analyse a list
    value, so index several tags as one comma-joined string.
    """
    tokenizer = CommaSeparatedTokenizer() if commas else IDTokenizer() | StripFilter()
    return tokenizer | NormalizeFilter() | FoldFilter()


def normalize_keyword(value: str) -> str:
    """A keyword as ``keyword_analyzer`` indexes it, for building Term queries."""
    text = value.strip().lower()
    return fold_accents(unicodedata.normalize("NFC", text))


@lru_cache(maxsize=_WORD_CACHE)
def plain_word(word: str) -> str | None:
    """One word as :func:`plain_words` keeps it, or None when it is left out."""
    plain = fold_accents(unicodedata.normalize("NFC", word.lower()))
    if 2 <= len(plain) <= MAX_TOKEN_LENGTH and not plain.replace(".", "").isdigit():
        return plain
    return None


def plain_words(text: str) -> list[str]:
    """Lowercase, accent-folded, unstemmed words of ``text``, repeats kept.

    Meant for building a "did you mean" dictionary from real words (stems
    like ``gemeent`` are no use as suggestions). Numbers, single letters and
    over-long tokens are left out; stop words stay, so that a suggester does
    not "correct" them into other words.
    """
    found = (plain_word(match.group()) for match in WORD_RE.finditer(text))
    return [word for word in found if word is not None]


@lru_cache(maxsize=_WORD_CACHE)
def word_terms(lang: str, word: str) -> tuple[str, ...]:
    """What ``analyzer_for(lang)`` indexes for one word: its term, then its
    compound parts' terms; empty for a stop word. Cached per process.

    Analysing a word never depends on its neighbours (only positions do), so
    text can be analysed as: find the words (one C-speed regular expression),
    look each distinct word up here. That is several times faster than the
    analyzer chain token by token, for the PostgreSQL backend's indexing and
    for highlighting, and gives the same terms (``tests/search/test_analysis.py``).
    """
    return tuple(token.text for token in analyzer_for(lang)(word))


def term_positions(text: str, lang: str,
                   terms_of: Callable[[str, str], tuple[str, ...]] = word_terms,
                   ) -> Iterator[tuple[int, tuple[str, ...]]]:
    """``(position, terms)`` for each indexed word of ``text``, positions
    counted as the analyzer counts them: Whoosh's ``StopFilter`` keeps the
    first kept word's own position and numbers the kept words on from there,
    so stop words before it count and stop words after it do not. ``terms_of``
    may be a cached variant of :func:`word_terms` (for example with a prefix)."""
    position: int | None = None
    for index, match in enumerate(WORD_RE.finditer(text)):
        terms = terms_of(lang, match.group())
        if terms:
            position = index if position is None else position + 1
            yield position, terms
