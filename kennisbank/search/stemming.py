"""Snowball stemmers for Dutch and English, the Dutch one corrected by the word list.

The correction makes inflected forms meet where Snowball keeps them apart
(``fiets``/``fietsen``); it is explained at its function. Every stemmer is
cached and thread-safe, unlike Whoosh's own cache around a stemmer.
``analysis`` re-exports them: indexes pickled before this module existed name
``kennisbank.search.analysis.dutch_stem``.
"""

from __future__ import annotations

from functools import lru_cache

from whoosh.lang.snowball.dutch import DutchStemmer
from whoosh.lang.snowball.english import EnglishStemmer

from kennisbank.search.decompound import word_zipf

_STEM_CACHE = 1 << 16
# A Dutch word ending in -s counts as a singular whose plural is -sen only when
# that plural is a common word, not a spelling accident of the word list.
_PLURAL_ZIPF = 2.5
_VOWELS = frozenset("aeiouy")

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


STEMMERS = {"nl": dutch_stem, "en": english_stem}
