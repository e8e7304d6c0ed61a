"""Typos: a word no visible item matches, corrected against published words.

Only the words whose part of the query matched nothing are corrected: a word
that matched stays as typed, so a correction never swaps one inflection of a
found word for another. Each is corrected against the written words of
*published* content in one language (:mod:`.vocabulary`), the query's own
first; a suggestion never mixes the languages (``klimaat adaptation``).

The allowed distance grows with the word (``max_distance``): one edit for
four or five letters, two from six on, none under four (a short word's neighbours
are other words, not typos). Edits are Damerau's (a swap of two neighbouring
letters is one edit: ``wateroverlsat``); the first letter must be right,
which keeps the look-up to a small slice of the dictionary and matches how
people mistype. Among the candidates the nearest wins, then the one found
in most published items.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .analysis import LANGUAGES, plain_word
from .vocabulary import Words, spelling

MAX_CANDIDATES = 60
MIN_LENGTH = 4
LONG_WORD = 6
PREFIX = 1


def edit_distance(a: str, b: str) -> int:
    """Damerau-Levenshtein distance (optimal string alignment): insert, delete,
    substitute, or swap two neighbouring letters, each one edit."""
    rows = [list(range(len(b) + 1))]
    for i, char_a in enumerate(a, 1):
        row = [i]
        for j, char_b in enumerate(b, 1):
            cost = char_a != char_b
            best = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                best = min(best, rows[-2][j - 2] + 1)
            row.append(best)
        rows = [rows[-1], row]
    return rows[-1][-1]


def max_distance(word: str) -> int:
    """Edits allowed for a word of this length."""
    if len(word) < MIN_LENGTH:
        return 0
    return 2 if len(word) >= LONG_WORD else 1


def correct_word(words: Words, lang: str, word: str) -> tuple[str, int, int] | None:
    """(correction, distance, frequency) of ``word`` in ``lang``, or None."""
    limit = max_distance(word)
    if not limit or not word.isalpha():
        return None
    entry = spelling(lang, word)
    prefix = len(entry) - len(word) + PREFIX
    close: dict[str, int] = {}
    for candidate in words.near(entry, limit, prefix)[:MAX_CANDIDATES]:
        text = candidate.partition(":")[2]
        if not candidate.startswith(f"{lang}:") or text == word or text[:PREFIX] != word[:PREFIX]:
            continue
        distance = edit_distance(word, text)
        if distance <= limit:
            close[candidate] = distance
    best: tuple[int, int, str] | None = None
    for candidate, frequency in words.frequencies(close).items():
        text, distance = candidate.partition(":")[2], close[candidate]
        if frequency and (best is None or (distance, -frequency, text) < best):
            best = (distance, -frequency, text)
    return None if best is None else (best[2], best[0], -best[1])


def corrections(words: Words, wrong: Sequence[str], language: str,
                kept: Sequence[str] = ()) -> dict[str, str]:
    """Corrections of the ``wrong`` words, all in one language: the query's own,
    or the other one if it corrects more and the words ``kept`` as typed are
    words of that language too (``klimaat`` is no English word, so ``klimaat
    adaptatoin`` is never offered as ``klimaat adaptation``); empty when none can be."""
    best: dict[str, str] = {}
    for lang in [language, *(lang for lang in LANGUAGES if lang != language)]:
        entries = [spelling(lang, plain_word(word) or word) for word in kept]
        if lang != language and not all(words.frequencies(entries).values()):
            continue
        found = {}
        for typed in wrong:
            corrected = correct_word(words, lang, plain_word(typed) or "")
            if corrected is not None:
                found[typed] = corrected[0]
        if len(found) > len(best):
            best = found
    return best


def corrected_text(text: str, found: dict[str, str]) -> str:
    """``text`` with each corrected word replaced where it stands (the rest of
    the query, its quotes and exclusions, as typed)."""
    for typed, correction in found.items():
        text = re.sub(rf"(?<![\w-]){re.escape(typed)}(?![\w-])", correction, text, count=1)
    return text
