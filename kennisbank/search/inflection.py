"""Dutch inflection undone by rule: candidate base forms of a word.

Both the compound splitter (``fietsenstallingen`` should split as
``fietsenstalling`` does) and the derivation rules (``verbreden`` comes from
``breed``) need the form a word had before an ending was added. Dutch
spelling changes that form when an ending starts with a vowel, so cutting the
ending off is not enough; these functions undo the three regular changes:

* an open syllable writes a long vowel single: ``straat`` -> ``straten``,
  ``paneel`` -> ``panelen``, ``groot`` -> ``groter``;
* a short vowel doubles the consonant after it: ``budget`` -> ``budgetten``,
  ``snel`` -> ``snelle``;
* a final ``f`` or ``s`` after a long vowel is voiced: ``initiatief`` ->
  ``initiatieven``, ``huis`` -> ``huizen``, ``grijs`` -> ``vergrijzing``.

The rules overgenerate on purpose (``bomen`` gives ``bom`` and ``boom``):
callers keep only the candidates the word list knows, so a candidate that is
not a word costs one dictionary look-up and nothing else.
"""

from __future__ import annotations

_VOWELS = frozenset("aeiouy")
# Vowels written double in a closed syllable and single in an open one.
_DOUBLING_VOWELS = frozenset("aeou")
_VOICED = {"v": "f", "z": "s"}
MIN_BASE_LENGTH = 3


def spellings(stem: str) -> tuple[str, ...]:
    """``stem`` and the forms it may have had before a vowel ending was added:
    consonant undoubled, ``v``/``z`` devoiced, vowel doubled.

    >>> spellings("strat")
    ('strat', 'straat')
    >>> spellings("huiz")
    ('huiz', 'huis')
    """
    if len(stem) < 2 or stem[-1] in _VOWELS:
        return (stem,)
    if stem[-1] == stem[-2]:
        return (stem, stem[:-1])
    forms = [stem]
    devoiced = stem[:-1] + _VOICED[stem[-1]] if stem[-1] in _VOICED else stem
    if devoiced != stem:
        forms.append(devoiced)
    if len(stem) >= 3 and stem[-2] in _DOUBLING_VOWELS and stem[-3] not in _VOWELS:
        forms.append(devoiced[:-1] + devoiced[-2] + devoiced[-1])
    return tuple(forms)


def uninflected(word: str) -> tuple[str, ...]:
    """Candidate bases of a plural or inflected Dutch word, most specific ending
    first: ``-eren`` (``kinderen``), ``-en`` (``stallingen``, ``straten``),
    ``-n`` after ``e`` (``gemeenten``), ``-s`` (``routes``, ``bewoners``) and
    the adjective ending ``-e`` (``duurzame``). Empty for other words. The
    genitive and plural ``-'s`` never reach a word: the tokenizer cuts at the
    apostrophe.
    """
    found: list[str] = []
    if word.endswith("eren"):
        found.append(word[:-4])
    if word.endswith("en"):
        found.extend(spellings(word[:-2]))
    if word.endswith("en") or (word.endswith("s") and not word.endswith("ss")):
        found.append(word[:-1])
    return tuple(base for base in dict.fromkeys(found) if len(base) >= MIN_BASE_LENGTH)
