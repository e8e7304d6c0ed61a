"""Whoosh analyzers for Dutch and English text, and for keywords.

A text analyzer runs, in this order:

1. ``RegexTokenizer(WORD_PATTERN)``: unicode words and numbers (``3.5`` and
   ``www.deventer.nl`` stay whole). Combining diacritics count as word
   characters, so text in decomposed form (``coo\\u0308peratie``) is not cut.
   For Dutch, ``EllipsisTokenizer`` also notes on each token the words an
   elliptic coordination left out (``zon-`` in ``zon- en windenergie`` stands
   for ``zonenergie``; see :mod:`.ellipsis`), which needs the raw text.
2. ``NormalizeFilter``: lowercase and NFC, the form the word list uses.
3. ``StopFilter`` with Whoosh's stop list for the language (the Snowball
   project's lists). It renumbers positions, so ``fietspaden in Deventer``
   indexes as two adjacent words and the phrase query, analysed the same way,
   matches. It runs before decompounding because renumbering would otherwise
   move the parts off their word's position.
4. ``WordFormationFilter`` (Dutch only, never in query mode): after each
   compound it emits its parts at the same position and character range, so
   ``fiets`` finds ``fietsbeleid``, phrases over the whole word still match,
   and the highlighter marks the whole word. Queries keep the compound whole:
   a search for ``fietsbeleid`` should not match every text about bicycles.
   After a ``ver-`` derivation of an adjective it emits the adjective the
   same way (``verduurzaming`` -> ``duurzaam``, :mod:`.derivation`).
5. ``FoldFilter``: strip diacritics (``Pécs`` = ``Pecs``). After decompounding,
   because the word list is spelled with diacritics; before stemming, so both
   spellings stem alike.
6. ``StemFilter`` with the Snowball stemmer of the language. For Dutch the
   stemmer is corrected by the word list (see :mod:`.stemming`).
7. ``EllipsisFilter`` (Dutch only): after the terms of a word that an
   ellipsis left incomplete, the terms of its completions, at its position.
   Last in the chain because it emits finished terms (``word_terms`` of each
   completion) and leaves out those the word already has.

The schema's text fields index through ``IndexingAnalyzer``: the same
tokens as this chain, made word by word from a per-process cache of each
word's terms (:func:`word_terms`), which is what indexing spent most of its
analysis time on; queries go through the chain itself.

Whoosh pickles the schema, analyzers included, into the index, so every part
here is a module-level class or function with plain attributes: an index
written by one process can be opened by another.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from functools import cache, lru_cache
from itertools import chain
from typing import Any

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

from kennisbank.search.decompound import compound_parts, fold_accents
from kennisbank.search.derivation import base_forms
from kennisbank.search.ellipsis import Completions, completions

# dutch_stem and english_stem are re-exported: indexes pickled before the
# ``stemming`` module existed name them here.
from kennisbank.search.stemming import STEMMERS, dutch_stem, english_stem  # noqa: F401

LANGUAGES = ("nl", "en")
#: One character of a word (combining accents included).
WORD_CHAR = r"[\w\u0300-\u036f]"
_WORD_CHARS = rf"{WORD_CHAR}+"
WORD_PATTERN = rf"{_WORD_CHARS}(?:\.{_WORD_CHARS})*"
WORD_RE = re.compile(WORD_PATTERN)
MAX_TOKEN_LENGTH = 100
_WORD_CACHE = 1 << 18


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


class EllipsisTokenizer(RegexTokenizer):
    """``RegexTokenizer`` that marks its tokens for ``EllipsisFilter`` when the
    text has an ellipsis: ``elliptic``, ``word_index`` (the match's number)
    and ``ellipsis`` (the completions to index with the word, usually none).

    Most texts have none, and then the plain tokens go out unwrapped (an
    unmarked token reads as not elliptic): this runs for every token indexed.
    """

    def __call__(self, value: str, mode: str = "", tokenize: bool = True,
                 **kwargs: Any) -> Iterator[Token]:
        found = completions(value, self.expression) if tokenize and mode != "query" else {}
        tokens = super().__call__(value, mode=mode, tokenize=tokenize, **kwargs)
        return self._marked(tokens, found) if found else tokens

    @staticmethod
    def _marked(tokens: Iterator[Token], found: Completions) -> Iterator[Token]:
        for index, t in enumerate(tokens):
            t.elliptic, t.word_index, t.ellipsis = True, index, found.get(index, ())
            yield t


@lru_cache(maxsize=_WORD_CACHE)
def word_formations(word: str) -> tuple[str, ...]:
    """What ``WordFormationFilter`` emits after a lowercased, NFC-normalised
    Dutch word: its compound parts, then the bases of it and of its parts
    (``woningverduurzaming`` -> ``woning``, ``verduurzaming``, ``duurzaam``)."""
    parts = compound_parts(word)
    bases = [base for piece in (word, *parts) for base in base_forms(piece)]
    return tuple(dict.fromkeys(form for form in (*parts, *bases) if form != word))


class WordFormationFilter(Filter):
    """Follow each Dutch word by its parts and bases, at the same position."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            forms = () if t.stopped or t.mode == "query" else word_formations(t.text)
            yield t
            for form in forms:
                t.text = form
                yield t


# Indexes written before word formation grew beyond compounds pickled this name.
DecompoundFilter = WordFormationFilter


class EllipsisFilter(Filter):
    """After the last term of a word with completions (``EllipsisTokenizer``),
    the completions' terms that the word does not have yet."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        tokens = iter(tokens)
        for first in tokens:
            if getattr(first, "elliptic", False):
                yield from self._completing(chain([first], tokens))
            else:
                yield first
                yield from tokens
            return

    def _completing(self, tokens: Iterator[Token]) -> Iterator[Token]:
        held: Token | None = None
        seen: set[str] = set()
        for t in tokens:
            if held is not None and t.word_index != held.word_index:
                yield from self._completed(held, seen)
                held = None
            if t.ellipsis and not t.stopped:
                if held is None:
                    seen = set()
                seen.add(t.text)
                held = t.copy()
            yield t
        if held is not None:
            yield from self._completed(held, seen)

    def _completed(self, held: Token, seen: set[str]) -> Iterator[Token]:
        for term in completion_terms(self.lang, held.ellipsis, seen, word_terms):
            held.text = term
            yield held


class FoldFilter(Filter):
    """Strip diacritics from token text."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            t.text = fold_accents(t.text)
            yield t


@cache
def analyzer_for(lang: str) -> Analyzer:
    """The text analyzer for ``lang`` ("nl" or "en"), built once and shared."""
    if lang not in LANGUAGES:
        raise ValueError(f"no analyzer for language {lang!r}; expected one of {LANGUAGES}")
    tokenizer = EllipsisTokenizer(WORD_PATTERN) if lang == "nl" else RegexTokenizer(WORD_PATTERN)
    analyzer = (
        tokenizer
        | NormalizeFilter()
        | StopFilter(stoplist=None, lang=lang, maxsize=MAX_TOKEN_LENGTH)
    )
    if lang == "nl":
        analyzer = analyzer | WordFormationFilter()
    # Whoosh's own cache around the stemmer is not thread-safe; ours is.
    analyzer = analyzer | FoldFilter() | StemFilter(stemfn=STEMMERS[lang], cachesize=None)
    return analyzer | EllipsisFilter(lang) if lang == "nl" else analyzer


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
    """What ``analyzer_for(lang)`` indexes for one word: its term, then the
    terms of its compound parts and bases; empty for a stop word. Cached per
    process.

    Analysing a word depends on its neighbours only in an elliptic
    coordination (``zon- en windenergie``, see :func:`term_positions`), so
    text can be analysed as: find the words (one C-speed regular expression),
    look each distinct word up here. That is several times faster than the
    analyzer chain token by token, for the PostgreSQL backend's indexing and
    for highlighting, and gives the same terms (``tests/search/test_analysis.py``).
    """
    return tuple(token.text for token in analyzer_for(lang)(word))


def completion_terms(lang: str, words: tuple[str, ...], seen: set[str],
                     terms_of: Callable[[str, str], tuple[str, ...]]) -> list[str]:
    """The terms of ``words`` (an ellipsis' completions) not in ``seen``, in
    order and once each; ``seen`` grows with them."""
    found = []
    for word in words:
        for term in terms_of(lang, word):
            if term not in seen:
                seen.add(term)
                found.append(term)
    return found


def indexed_words(text: str, lang: str,
                  terms_of: Callable[[str, str], tuple[str, ...]] = word_terms,
                  ) -> Iterator[tuple[int, re.Match[str], tuple[str, ...]]]:
    """``(position, match, terms)`` for each indexed word of ``text``, positions
    counted as the analyzer counts them: Whoosh's ``StopFilter`` keeps the
    first kept word's own position and numbers the kept words on from there,
    so stop words before it count and stop words after it do not. ``terms_of``
    may be a cached variant of :func:`word_terms` (for example with a prefix).

    Dutch words an ellipsis left incomplete get their completions' terms too,
    as ``EllipsisFilter`` adds them; only texts with a hyphen next to a comma
    or conjunction are searched for those (:func:`.ellipsis.completions`)."""
    found = completions(text, WORD_RE) if lang == "nl" else {}
    position: int | None = None
    for index, match in enumerate(WORD_RE.finditer(text)):
        terms = terms_of(lang, match.group())
        if terms:
            position = index if position is None else position + 1
            if index in found:
                terms += tuple(completion_terms(lang, found[index], set(terms), terms_of))
            yield position, match, terms


def term_positions(text: str, lang: str,
                   terms_of: Callable[[str, str], tuple[str, ...]] = word_terms,
                   ) -> Iterator[tuple[int, tuple[str, ...]]]:
    """``(position, terms)`` for each indexed word of ``text``
    (:func:`indexed_words` without the words' places in the text)."""
    for position, _match, terms in indexed_words(text, lang, terms_of):
        yield position, terms


class IndexingAnalyzer(Analyzer):
    """The analyzer of a text field in the schema: exactly what
    ``analyzer_for(lang)`` emits, made word by word when indexing.

    Indexing spent most of its time passing every token through the seven
    steps of the chain, although a word's terms depend on the word alone
    (and, in an elliptic coordination, on its neighbours, which
    :func:`indexed_words` handles as the chain does). So in index mode this
    finds the words with the chain's own expression, looks each up in the
    per-process cache of :func:`word_terms` and emits the chain's tokens:
    the same text, position, characters and boost
    (``tests/search/test_indexing_analyzer.py`` compares the two). Any other
    call (queries, or options indexing never uses) goes to the chain itself.

    Only the language is kept, so the pickled schema stays small and an index
    written by one process opens in another.
    """

    def __init__(self, lang: str) -> None:
        if lang not in LANGUAGES:
            raise ValueError(f"no analyzer for language {lang!r}; expected one of {LANGUAGES}")
        self.lang = lang

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.lang!r})"

    def has_morph(self) -> bool:
        return analyzer_for(self.lang).has_morph()

    def __call__(self, value: str, positions: bool = False, chars: bool = False,
                 keeporiginal: bool = False, removestops: bool = True, start_pos: int = 0,
                 start_char: int = 0, tokenize: bool = True, mode: str = "",
                 no_morph: bool = False, **kwargs: Any) -> Iterator[Token]:
        if mode != "index" or keeporiginal or not removestops or not tokenize or no_morph:
            return analyzer_for(self.lang)(
                value, positions=positions, chars=chars, keeporiginal=keeporiginal,
                removestops=removestops, start_pos=start_pos, start_char=start_char,
                tokenize=tokenize, mode=mode, no_morph=no_morph, **kwargs)
        return self._indexed(value, positions, chars, start_pos, start_char, kwargs)

    def _indexed(self, value: str, positions: bool, chars: bool, start_pos: int,
                 start_char: int, kwargs: dict[str, Any]) -> Iterator[Token]:
        # One token object, changed and yielded again, as Whoosh's own analyzers do.
        token = Token(positions, chars, removestops=True, mode="index", **kwargs)
        token.boost = 1.0
        token.stopped = False
        for position, match, terms in indexed_words(value, self.lang):
            if positions:
                token.pos = start_pos + position
            if chars:
                token.startchar = start_char + match.start()
                token.endchar = start_char + match.end()
            for term in terms:
                token.text = term
                yield token


@cache
def indexing_analyzer(lang: str) -> IndexingAnalyzer:
    """The schema's analyzer for text in ``lang`` (:class:`IndexingAnalyzer`)."""
    return IndexingAnalyzer(lang)
