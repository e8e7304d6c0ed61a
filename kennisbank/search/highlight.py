"""Snippets with the matched words marked, from character ranges.

The index keeps each word's character range (``TEXT(chars=True)``), so the
shown page's snippets are cut straight from the stored text: no re-analysis
of long bodies (Dutch decompounding and stemming of 800 words per hit is what
made naive highlighting slow). Text outside the marks is HTML-escaped.

A backend that keeps no character ranges (PostgreSQL) uses
:func:`matching_spans`: it finds the words with the tokenizer's regular
expression and analyses each distinct word once per process (remembered),
so that finding a text's matching words costs set operations instead of a
full analysis per hit.
"""

from __future__ import annotations

import re

from markupsafe import escape

from .analysis import WORD_CHAR, WORD_RE, word_terms

FRAGMENT_CHARS = 180
CONTEXT_CHARS = 50
MAX_FRAGMENTS = 3
MAX_WORD_SHIFT = 30
#: Matches looked for per field: three fragments need no more.
MAX_SPANS = 24

Span = tuple[int, int]


def matching_spans(text: str, lang: str, stems: frozenset[str],
                   limit: int = MAX_SPANS) -> list[Span]:
    """Character ranges of the words of ``text`` that ``lang`` analyses into one
    of ``stems`` (a compound counts when one of its parts does), the first
    ``limit`` of them: a few fragments need no more.

    A body of hundreds of words holds a few distinct matching ones, so the
    words are listed by the regular expression engine (``findall``, no
    Python per word), and which of them match is found with set operations
    on the words this process has analysed before (:class:`_Analysed`): only
    a word it never met is analysed, in Python. The matching ones are looked
    for again (``str.find``), keeping the places where :data:`WORD_RE` would
    read exactly that word (:func:`_is_token`)."""
    if not stems:
        return []
    words = set(WORD_RE.findall(text))
    found: list[Span] = []
    for word in _analysed(lang).matching(words, stems):
        found += _places(text, word)
    found.sort()
    return found[:limit]


#: Words analysed per language before :class:`_Analysed` starts afresh (memory bound).
MAX_ANALYSED = 1 << 18


class _Analysed:
    """The words of one language this process has analysed for snippets, and
    for each term the words that yield it: which words of a text hold a term
    is then a set intersection, whatever the query.

    Safe to share between threads without a lock: each step is one set or
    dict operation (atomic under the interpreter lock), a word is added to
    ``words_of`` before ``words``, so a word in ``words`` is always found in
    ``words_of``, and a full instance is replaced, never emptied, so a search
    that holds it sees it whole."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.words: set[str] = set()
        self.words_of: dict[str, set[str]] = {}

    def matching(self, words: set[str], stems: frozenset[str]) -> set[str]:
        """Those of ``words`` that analyse into one of ``stems``."""
        for word in words - self.words:
            for found in word_terms(self.lang, word):
                self.words_of.setdefault(found, set()).add(word)
            self.words.add(word)
        return words & set().union(*[self.words_of.get(stem, ()) for stem in stems])


_ANALYSED: dict[str, _Analysed] = {}


def _analysed(lang: str) -> _Analysed:
    """This process's :class:`_Analysed` of ``lang`` (a new one when it is full)."""
    current = _ANALYSED.get(lang)
    if current is None or len(current.words) > MAX_ANALYSED:
        current = _ANALYSED[lang] = _Analysed(lang)
    return current


_WORD_CHAR_RE = re.compile(WORD_CHAR)


def _places(text: str, word: str) -> list[Span]:
    """Where ``word`` stands in ``text`` as a whole token."""
    places = []
    start = text.find(word)
    while start >= 0:
        end = start + len(word)
        if _is_token(text, start, end):
            places.append((start, end))
        start = text.find(word, start + 1)
    return places


def _is_token(text: str, start: int, end: int) -> bool:
    """Whether :data:`WORD_RE` reads ``text[start:end]`` (word characters, maybe
    joined by dots) as one token: no word character before or after it, nor a
    dot joining it to one (``a.b`` is one token, so its ``b`` is none)."""
    word_char = _WORD_CHAR_RE.match
    if start > 0 and (word_char(text, start - 1) or (
            text[start - 1] == "." and start > 1 and word_char(text, start - 2))):
        return False
    return not (end < len(text) and (word_char(text, end) or (
        text[end] == "." and end + 1 < len(text) and word_char(text, end + 1))))


def merge_spans(spans: list[Span]) -> list[Span]:
    """Sorted, with overlapping ranges joined (a compound and its parts share one)."""
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _word_start(text: str, index: int) -> int:
    """Move ``index`` back to the start of the word it is in (a few letters at most)."""
    floor = max(0, index - MAX_WORD_SHIFT)
    while index > floor and not text[index - 1].isspace():
        index -= 1
    return index


def _word_end(text: str, index: int) -> int:
    ceiling = min(len(text), index + MAX_WORD_SHIFT)
    while index < ceiling and not text[index].isspace():
        index += 1
    return index


def _windows(text: str, spans: list[Span]) -> list[tuple[int, int, list[Span]]]:
    """Group spans into windows of about ``FRAGMENT_CHARS`` characters."""
    windows: list[tuple[int, int, list[Span]]] = []
    for start, end in spans:
        if windows and end - windows[-1][0] <= FRAGMENT_CHARS:
            first, _, inside = windows[-1]
            windows[-1] = (first, end, [*inside, (start, end)])
        else:
            windows.append((start, end, [(start, end)]))
    return windows


def fragments(text: str, spans: list[Span], limit: int = MAX_FRAGMENTS) -> list[str]:
    """Up to ``limit`` HTML fragments of ``text`` with ``spans`` in ``<mark>``.

    Windows with the most matches come first; each is widened to whole words
    with some context and marked with an ellipsis where text was cut.
    """
    spans = [(s, e) for s, e in merge_spans(spans) if 0 <= s < e <= len(text)]
    if not spans:
        return []
    windows = _windows(text, spans)
    best = sorted(windows, key=lambda w: (-len(w[2]), w[0]))[:limit]
    result = []
    for first, last, inside in sorted(best, key=lambda w: w[0]):
        room = max(0, FRAGMENT_CHARS - (last - first)) // 2
        start = _word_start(text, max(0, first - min(room, CONTEXT_CHARS)))
        end = _word_end(text, min(len(text), last + room))
        parts = ["\u2026 " if start > 0 else ""]
        cursor = start
        for span_start, span_end in inside:
            parts.append(str(escape(text[cursor:span_start])))
            parts.append(f"<mark>{escape(text[span_start:span_end])}</mark>")
            cursor = span_end
        parts.append(str(escape(text[cursor:end])))
        parts.append(" \u2026" if end < len(text) else "")
        result.append("".join(parts).strip())
    return result
