"""Dutch verbs and nouns made from adjectives with ``ver-``, and their base.

``verduurzamen`` is "to make duurzaam", ``verduurzaming`` the act of it, and
an official who searches for ``duurzaam`` wants both; Snowball stems them
``verduurzam`` and ``duurzam``, so they never meet. At index time the
analyzer therefore emits the base adjective after such a word, at the same
position, as it emits compound parts; the query side may add it as a weaker
alternative (:func:`base_forms`).

The rule is the productive pattern ``ver-`` + adjective + a verb or ``-ing``
ending: ``verduurzamen``, ``verduurzaamd``, ``verduurzaming(en)``. ``ver-``
also makes verbs from verbs and nouns (``verkopen``, ``verslag``,
``vertrouwen``, ``verkeer``), and those drifted from their base's meaning, so
the base must be an adjective. Without a tagger, two kinds of adjective are
recognised:

* Words with an adjective suffix, ``-zaam``, ``-lijk``, ``-ig``, ``-isch``,
  ``-baar``, with at least three letters before it (``enig`` in
  ``vereniging`` and ``gelijk`` in ``vergelijken`` are not derivations),
  that the word list knows, and whose declined form (``duurzame``) is at most
  ``MAX_DECLINED_GAP`` zipf rarer than the base: a word used mostly as an
  adverb is no adjective to a reader (``tegenwoordig`` is "nowadays", and
  ``vertegenwoordigen`` "to represent").
* A closed list of short adjectives. Frequency cannot tell them from nouns
  and verb stems (``laat``/``verlaten``, ``goed``/``vergoeding``,
  ``zeker``/``verzekering``, ``lang``/``verlangen``, ``lief``/``verliefd``
  have declined, comparative and superlative forms like any adjective, and
  mean something else), so the list holds the adjectives whose ``ver-`` verb
  means "make more so", read from the ``ver-`` words of the wordfreq list.
"""

from __future__ import annotations

from functools import lru_cache

from kennisbank.search.decompound import word_zipf
from kennisbank.search.inflection import spellings

PREFIX = "ver"
# Infinitive, nominalisation, participles and finite forms; "" for ``vergroot``.
ENDINGS = ("ingen", "ing", "en", "den", "ten", "de", "te", "d", "t", "")
SUFFIXES = ("zaam", "lijk", "ig", "isch", "baar")
MIN_STEM_LENGTH = 3
MAX_DECLINED_GAP = 1.5
SHORT_ADJECTIVES = frozenset(
    {"arm", "beter", "breed", "dicht", "droog", "dun", "fijn", "groen", "groot", "hard"}
    | {"helder", "hoog", "jong", "klein", "koel", "kort", "laag", "licht", "minder", "nieuw"}
    | {"rijk", "ruim", "scherp", "slechter", "smal", "snel", "soepel", "sterk", "traag"}
    | {"vroeg", "vuil", "warm", "zacht", "zuur", "zwaar", "zwak", "grijs", "dik"}
)


def _declined(adjective: str) -> str:
    """The ``-e`` form of an adjective with a suffix (``duurzaam`` -> ``duurzame``).

    Only the suffixes above occur here: ``-aam`` loses a vowel, ``-baar`` too,
    the others take ``-e`` as they are.
    """
    if adjective.endswith(("aam", "aar")):
        return adjective[:-2] + adjective[-1] + "e"
    return adjective + "e"


def _is_adjective(word: str) -> bool:
    if word in SHORT_ADJECTIVES:
        return True
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM_LENGTH:
            zipf = word_zipf(word)
            return bool(zipf) and zipf - word_zipf(_declined(word)) <= MAX_DECLINED_GAP
    return False


@lru_cache(maxsize=1 << 16)
def base_forms(word: str) -> tuple[str, ...]:
    """The adjectives a ``ver-`` derivation comes from; empty for other words.

    ``word`` is lowercase and NFC-normalised, as the analyzer has it.

    >>> base_forms("verduurzaming")
    ('duurzaam',)
    >>> base_forms("verkeer")
    ()
    """
    if not word.startswith(PREFIX) or not word.isalpha():
        return ()
    rest = word[len(PREFIX):]
    for ending in ENDINGS:
        stem_length = len(rest) - len(ending)
        if stem_length < MIN_STEM_LENGTH or not rest.endswith(ending):
            continue
        for base in spellings(rest[:stem_length]):
            if _is_adjective(base):
                return (base,)
    return ()
