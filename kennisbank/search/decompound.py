"""Dutch compound splitting driven by word frequencies.

Dutch writes compounds as one word (``fietspaden``, ``klimaatadaptatie``), so a
reader searching for ``fiets`` or ``klimaat`` misses most of the relevant text
unless the index also holds the parts. We split with the frequency method of
Koehn & Knight (2003, "Empirical methods for compound splitting"): among all
ways to cut a word into known words, take the one whose parts have the highest
geometric-mean corpus frequency, and split only when that beats the frequency
of the whole word. In zipf units (log10 of frequency per billion words) the
geometric mean is the arithmetic mean. The idea is that a real compound is
rarer than its parts (``fietsbeleid`` 1.0 against ``fiets`` 4.8 and ``beleid``
4.9), while a word that only happens to contain words is more frequent than
they are (``beleid`` 4.9 against ``bel`` 4.9 and ``eid`` 2.8).

The dictionary and frequencies are the Dutch list of the ``wordfreq`` package
(built from subtitles, Wikipedia, web text and news), so no word list has to be
maintained here.

Plain Koehn & Knight overgenerates on Dutch. The refinements below were tuned by
reading samples of splits across the frequency bands of that list:

* Dutch linking morphemes ``-s-``, ``-e-`` and ``-en-`` may join two parts
  (``stad|s|bestuur``); a small penalty makes the reading without a linker
  win when both are words (``jongeren|werk``, not ``jong|en|werk``).
* Parts need at least 3 letters and a zipf of at least 2.5, so rare strings
  and spelling debris are not parts. Three-letter parts are only allowed as
  the last part and need zipf >= 4 (``warmte|net``); as first parts they are
  mostly accidents (``bed|acht``, ``gek|merkt``).
* Function words are never parts (Koehn & Knight restrict parts to content
  words; we have no tagger, so we use the Snowball stop list and the
  pronominal adverbs such as ``erop``, ``daarvan``). Verbal
  particles and prefixes never start a split (``onder|wijs``, ``ver|keer``,
  ``best|uur``: lexicalised words, not compounds), and inflectional or
  derivational endings that happen to be words never follow another part
  (``plan|ten``, ``stuk|ken``, ``weten|schap``).
* The parts must beat the whole word by a margin of 0.5 zipf, and words with
  zipf >= 4.5 are never split: such words are lexicalised units that readers
  search for as such (``samenwerking``, ``onderwijs``, ``bestuur``).
* At most three parts, and two neighbouring parts are only kept apart if the
  word they spell together would be split on its own (``fiets|beleid|plan``,
  as ``beleidsplan`` splits), so ``stadsbestuur`` does not become
  ``stad|best|uur`` nor ``leeftijdgenoten`` ``leef|tijd|genoten``.
* An inflected word splits as its base does (``fietsenstallingen`` as
  ``fietsenstalling``, ``stallingen`` not at all, as ``stalling``): see
  ``compound_parts``.

``split_compound`` returns an empty list when a word is not a compound, so the
caller can write ``if parts:``; the parts are lowercase dictionary words (the
last one inflected as the word is) with the linking morpheme dropped
(``stadsbestuur`` -> ``["stad", "bestuur"]``).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from functools import lru_cache

import wordfreq
from whoosh.lang.stopwords import stoplists

from kennisbank.search.inflection import uninflected

MIN_WORD_LENGTH = 6
MAX_WORD_LENGTH = 40
MIN_PART_LENGTH = 3
MIN_PART_ZIPF = 2.5
MIN_SHORT_PART_ZIPF = 4.0
SPLIT_MARGIN = 0.5
LEXICALISED_ZIPF = 4.5
LINKERS = ("", "s", "e", "en")
LINKER_PENALTY = 0.1
MAX_PARTS = 3

# Pronominal adverbs (``erop``, ``daarvan``) are function words the stop list
# lacks; as parts they cut ``kinderopvang`` into ``kind|erop|vang``.
_PREPOSITIONS = ("aan", "achter", "af", "bij", "binnen", "boven", "buiten", "door", "heen", "in")
_PREPOSITIONS += ("langs", "mee", "na", "naar", "naast", "om", "onder", "op", "over", "tegen")
_PREPOSITIONS += ("toe", "tussen", "uit", "van", "voor", "zonder")
FUNCTION_WORDS = frozenset(stoplists["nl"]) | {
    adverb + preposition
    for adverb in ("er", "hier", "daar", "waar")
    for preposition in _PREPOSITIONS
}
_NO_HEAD = frozenset(
    {"aan", "achter", "best", "bij", "door", "her", "inge", "mee", "mis", "onder", "ont", "over"}
    | {"terug", "tegen", "ter", "toe", "uit", "ver", "voor", "weg", "wel"}
)
_NO_TAIL = frozenset(
    {"aars", "achtig", "and", "baar", "bare", "den", "der", "eert", "end", "ende", "ere"}
    | {"erd", "eren", "ers", "heden", "heid", "iers", "ingen", "isme", "ken", "len", "lijk"}
    | {"lijke", "ling", "loos", "men", "pen", "ren", "schap", "ster", "ten", "ter", "tering"}
    | {"tje", "tjes"}
)

# Letters that Unicode does not decompose into a base letter and a diacritic.
_UNDECOMPOSABLE = str.maketrans(
    {
        "ø": "o",
        "ł": "l",
        "đ": "d",
        "ħ": "h",
        "ı": "i",
        "ß": "ss",
        "æ": "ae",
        "œ": "oe",
        "þ": "th",
        "ð": "d",
        "Ø": "O",
        "Ł": "L",
        "Đ": "D",
        "Æ": "AE",
        "Œ": "OE",
    }
)


def fold_accents(text: str) -> str:
    """Strip diacritics (``coöperatie`` -> ``cooperatie``, ``Pécs`` -> ``Pecs``).

    Lives here rather than in ``analysis`` because the lexicon also stores the
    folded spelling of each word, so text typed without diacritics still splits.
    """
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.translate(_UNDECOMPOSABLE)


@lru_cache(maxsize=1)
def _lexicon() -> dict[str, float]:
    """Load the Dutch word list once: word -> zipf, for words that can be parts.

    The file holds words in buckets of one centibel; bucket i holds the words
    of zipf 9 - i/100 (``wordfreq.zipf_frequency`` reads the same data, but
    tokenises on every call). We read it with ``read_cBpack`` rather than
    ``get_frequency_list``, which would keep all 300,000 words cached, and
    keep only the ~56,000 words frequent enough to be parts: about 6 MB
    instead of 50. Rarer words then count as unknown (zipf 0) when they are
    the whole word; over the full list that changes the outcome for 127 of
    257,000 words of six letters or more.
    """
    path = wordfreq.available_languages("best")["nl"]
    lexicon: dict[str, float] = {}
    for index, bucket in enumerate(wordfreq.read_cBpack(path)):
        zipf = round(9.0 - index / 100.0, 2)
        if zipf < MIN_PART_ZIPF:
            break
        for word in bucket:
            if word.isalpha() and word not in lexicon:
                lexicon[word] = zipf
    for word, zipf in list(lexicon.items()):
        folded = fold_accents(word)
        if folded != word and lexicon.get(folded, 0.0) < zipf:
            lexicon[folded] = zipf
    return lexicon


def word_zipf(word: str) -> float:
    """Zipf frequency of a lowercase Dutch word; 0.0 when unknown or rarer than
    ``MIN_PART_ZIPF`` (see ``_lexicon``)."""
    return _lexicon().get(word, 0.0)


def _part_zipf(word: str, first: bool, last: bool, lexicon: dict[str, float]) -> float:
    """The word's zipf if it may be a compound part at this place, else 0.0."""
    if (
        word in FUNCTION_WORDS
        or (not first and word in _NO_TAIL)
        or (not last and word in _NO_HEAD)
    ):
        return 0.0
    zipf = lexicon.get(word, 0.0)
    if len(word) == MIN_PART_LENGTH and (not last or zipf < MIN_SHORT_PART_ZIPF):
        return 0.0
    return zipf if zipf >= MIN_PART_ZIPF else 0.0


Reading = tuple[tuple[str, ...], tuple[float, ...]]


def _heads(
    word: str, first: bool, lexicon: dict[str, float]
) -> Iterator[tuple[str, float, str, float]]:
    """Every (head, head zipf, rest, penalty) cut with an acceptable head."""
    for end in range(MIN_PART_LENGTH + 1, len(word) - MIN_PART_LENGTH + 1):
        head = word[:end]
        head_zipf = _part_zipf(head, first, False, lexicon)
        if not head_zipf:
            continue
        for linker in LINKERS:
            if linker and not word.startswith(linker, end):
                continue
            rest = word[end + len(linker) :]
            if len(rest) >= MIN_PART_LENGTH:
                yield head, head_zipf, rest, LINKER_PENALTY if linker else 0.0


def _reading(
    word: str, max_parts: int, first: bool, lexicon: dict[str, float], memo: dict
) -> Reading | None:
    """Best reading of ``word`` as 1..max_parts parts, or None if there is none.

    ``word`` always ends the compound; ``first`` says whether it also starts it.
    """
    key = (word, max_parts, first)
    if key in memo:
        return memo[key]
    whole = _part_zipf(word, first, True, lexicon)
    best: tuple[float, Reading] | None = None
    if (
        max_parts >= 2
        and len(word) >= MIN_WORD_LENGTH
        and lexicon.get(word, 0.0) < LEXICALISED_ZIPF
    ):
        for head, head_zipf, rest, penalty in _heads(word, first, lexicon):
            tail = _reading(rest, max_parts - 1, False, lexicon, memo)
            if tail is None or _splits_a_word(word, head, rest, tail[0], first, lexicon, memo):
                continue
            zipfs = (head_zipf, *tail[1])
            score = sum(zipfs) / len(zipfs) - penalty
            if best is None or score > best[0]:
                best = (score, ((head, *tail[0]), zipfs))
    result: Reading | None
    if best is not None and best[0] > lexicon.get(word, 0.0) + SPLIT_MARGIN:
        result = best[1]
    elif whole:
        result = ((word,), (whole,))
    else:
        result = None
    memo[key] = result
    return result


def _splits_a_word(
    word: str,
    head: str,
    rest: str,
    tail: tuple[str, ...],
    first: bool,
    lexicon: dict[str, float],
    memo: dict,
) -> bool:
    """Whether head + the tail's first part spell a word that stays whole on its own.

    The mean favours many short frequent parts, so ``standaardpakket`` would
    read as ``stand|aard|pakket`` and ``leeftijdgenoten`` as
    ``leef|tijd|genoten``; ``standaard`` and ``leeftijd`` are not split on
    their own, so neither may they be inside a longer word.
    """
    if len(tail) < 2:
        return False
    joined = word[: len(word) - len(rest) + len(tail[0])]
    if joined not in lexicon:
        return False
    own = _reading(joined, 2, first, lexicon, memo)
    return own is None or own[0] != (head, tail[0])


def _plain_parts(word: str) -> tuple[str, ...]:
    """The frequency reading of ``word`` as it is spelled, inflection ignored."""
    if not MIN_WORD_LENGTH <= len(word) <= MAX_WORD_LENGTH:
        return ()
    reading = _reading(word, MAX_PARTS, True, _lexicon(), {})
    if reading is None or len(reading[0]) < 2:
        return ()
    return reading[0]


def _inflected(word: str, base: str, parts: tuple[str, ...]) -> tuple[str, ...]:
    """``base``'s parts with the last one as ``word`` spells it (``stalling``
    -> ``stallingen``), so the parts stay pieces of the word itself."""
    cut = len(base) - len(parts[-1])
    if len(word) - cut < MIN_PART_LENGTH or word[:cut] != base[:cut]:
        return ()
    return (*parts[:-1], word[cut:])


@lru_cache(maxsize=1 << 18)
def compound_parts(word: str) -> tuple[str, ...]:
    """Parts of an already lowercased, NFC-normalised word; () if not a compound.

    An inflected word splits as its base does. The frequencies of a plural
    say little about its cut: ``fietsenstallingen`` reads best as ``fietsen
    |stal|lingen`` (``Lingen`` is a town) while ``fietsenstalling`` reads
    ``fietsen|stalling``, and ``zonnepanelen`` is too common to beat its
    parts while ``zonnepaneel`` splits. So the first base form
    (:func:`.inflection.uninflected`) that the word list knows decides: its
    parts, with the last one as the word inflects it, or no parts at all
    (``stallingen`` is the plural of a simple word). Two exceptions keep the
    word's own reading:

    * a word in ``-en`` whose base also takes ``-t`` is a verb
      (``combineren``: ``combineert``), and an infinitive is its own lemma,
      not the plural of its stem;
    * a base the list does not know decides nothing: it is as often a stem
      that is no word (``samenwerk``) as a rare singular.

    Adjectives in ``-e`` are not undone either: their bases are often
    misread (``goedkoop`` as ``goed|koop``) where the inflected form's own
    frequency keeps it whole.

    The analyzer calls this for every token, so it is cached and returns an
    immutable tuple that callers cannot corrupt.
    """
    if not MIN_WORD_LENGTH <= len(word) <= MAX_WORD_LENGTH or not word.isalpha():
        return ()
    lexicon = _lexicon()
    if lexicon.get(word, 0.0) >= LEXICALISED_ZIPF:
        return ()
    for base in uninflected(word):
        if base in lexicon and not (word.endswith("en") and base + "t" in lexicon):
            parts = _plain_parts(base)
            return _inflected(word, base, parts) if parts else ()
    return _plain_parts(word)


def split_compound(word: str) -> list[str]:
    """Split a Dutch compound into its parts; [] when it is not a compound.

    >>> split_compound("Stadsbestuur")
    ['stad', 'bestuur']
    """
    return list(compound_parts(unicodedata.normalize("NFC", word.lower())))
