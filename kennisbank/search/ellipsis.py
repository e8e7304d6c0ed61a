"""Dutch elliptic coordination: ``zon- en windenergie`` means ``zonenergie en
windenergie``.

Dutch leaves out the shared part of coordinated compounds and marks the gap
with a hyphen: ``zon- en windenergie``, ``dak- en thuisloosheid``, lists such
as ``zon-, wind- en waterenergie``, and the mirror image
``energieopwekking en -besparing``. The tokenizer drops the hyphen, so without
help the text holds ``zon`` and ``windenergie`` and a search for
``zonne-energie``'s parts or for ``dakloosheid`` misses it. This module reads
the raw text and says, per word, which completed words to index with it:
``zon`` gets ``zonenergie`` and ``energie``, ``-besparing`` gets
``energiebesparing`` and ``energie``.

The full compound is cut where the decompounder cuts it (``windenergie`` ->
``wind|energie``, so the shared tail is ``energie``), and its other parts are
indexed too, as they are for the full compound. When the decompounder leaves
it whole (``thuisloosheid``: ``loosheid`` is no word) it is cut after a
known-word prefix that leaves at least ``MIN_TAIL_LENGTH`` letters (see
``_known_prefix``), and only the completed word is added. A phrase may be the shared part instead
(``basis- en voortgezet onderwijs``): when the truncated word and the word
after the full one spell a known word (``basisonderwijs``), that is the
completion.

Separators are commas and the conjunctions ``en``, ``of``, ``en/of`` and
``tot``. A truncated word that is a stop word (``voor- en nadelen``) has no
position of its own, so its completion goes with the full word. Positions are
word indexes as the tokenizer counts them (every match of the word pattern),
so the Whoosh analyzer and ``analysis.term_positions`` place them alike.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Sequence

from kennisbank.search.decompound import FUNCTION_WORDS, compound_parts, word_zipf

HYPHENS = "-\u2010\u2011"
CONJUNCTIONS = frozenset({"en", "of", "tot"})
MIN_TAIL_LENGTH = 4
MIN_PREFIX_LENGTH = 2
MAX_LINKER_LENGTH = 2
# A hyphen that may mark an ellipsis: after a word and before a comma or a
# conjunction (``zon- en``), or after a space and before a word (``en -besparing``).
_HYPHEN = re.compile(
    rf"[{HYPHENS}](?:(?<=\w[{HYPHENS}])(?=\s*,|\s+(?:en|of|tot)\b)|(?<=\s[{HYPHENS}])(?=\w))",
    re.IGNORECASE,
)
_FORWARD_GAP = re.compile(rf"[{HYPHENS}](?:\s+|\s*,\s*)")
_REVERSE_GAP = re.compile(rf"(?:\s+|\s*,\s*)[{HYPHENS}]")
_SEPARATOR_GAP = re.compile(r"\s*[,/]?\s*")

Completions = dict[int, tuple[str, ...]]


def _normal(word: str) -> str:
    return unicodedata.normalize("NFC", word.lower())


def _known_prefix(word: str) -> int:
    """Length of the most frequent known-word prefix leaving a tail of
    ``MIN_TAIL_LENGTH`` letters (the longer one on a tie); 0 when there is none.

    The most frequent rather than the longest: ``kleinschalig`` starts with
    ``klein`` and with the name ``Kleins``, and only the first is the word
    that ``groot-`` stands beside.
    """
    best, best_zipf = 0, 0.0
    for end in range(MIN_PREFIX_LENGTH, len(word) - MIN_TAIL_LENGTH + 1):
        zipf = word_zipf(word[:end])
        if zipf and zipf >= best_zipf:
            best, best_zipf = end, zipf
    return best


def _forward(truncated: str, full: str, following: str | None) -> tuple[str, ...]:
    """Words to index for ``truncated-`` before ``full`` (and the word after it)."""
    if following and following not in FUNCTION_WORDS and word_zipf(truncated + following):
        return (truncated + following, following)
    parts = compound_parts(full)
    if parts:
        for linker in range(MAX_LINKER_LENGTH + 1):
            if full.startswith(parts[1], len(parts[0]) + linker):
                cut = len(parts[0]) + linker
                return (truncated + full[cut:], *parts[1:])
    cut = _known_prefix(full)
    return (truncated + full[cut:],) if cut else ()


def _reverse(full: str, truncated: str) -> tuple[str, ...]:
    """Words to index for ``-truncated`` after ``full``."""
    parts = compound_parts(full)
    if parts:
        return (full[: len(full) - len(parts[-1])] + truncated, *parts[:-1])
    cut = _known_prefix(full)
    return (full[:cut] + truncated,) if cut else ()


class _Text:
    """The words of a text, normalised on demand, and the characters between them."""

    def __init__(self, text: str, matches: Sequence[re.Match[str]]) -> None:
        self.text = text
        self.matches = matches
        self.starts = [match.start() for match in matches]
        self._words: dict[int, str] = {}

    def word(self, index: int) -> str:
        """Word ``index``, lowercase and NFC as the analyzer has it; "" outside."""
        if not 0 <= index < len(self.matches):
            return ""
        word = self._words.get(index)
        if word is None:
            word = self._words[index] = _normal(self.matches[index].group())
        return word

    def gap(self, index: int) -> str:
        """The characters after word ``index`` ("" after the last word)."""
        if not 0 <= index < len(self.matches) - 1:
            return ""
        return self.text[self.matches[index].end() : self.matches[index + 1].start()]

    def usable(self, index: int) -> bool:
        word = self.word(index)
        return word.isalpha() and word not in CONJUNCTIONS

    def skip_conjunctions(self, index: int, step: int) -> tuple[int, bool]:
        """First word from ``index`` on (in direction ``step``) that is not a
        conjunction, and whether any conjunction was passed."""
        passed = False
        while self.word(index) in CONJUNCTIONS:
            between = self.gap(index) if step > 0 else self.gap(index - 1)
            if not _SEPARATOR_GAP.fullmatch(between):
                break
            index, passed = index + step, True
        return index, passed


def _add(found: dict[int, list[str]], index: int, words: tuple[str, ...]) -> None:
    there = found.setdefault(index, [])
    for word in words:
        if word not in there:
            there.append(word)


def _forward_chain(doc: _Text, first: int, found: dict[int, list[str]]) -> int:
    """Complete ``first-`` and the truncated words listed after it; returns the
    index of the full word (or of where the chain broke off)."""
    chain: list[int] = []
    at = first
    while doc.usable(at) and _FORWARD_GAP.fullmatch(doc.gap(at)):
        chain.append(at)
        after, passed = doc.skip_conjunctions(at + 1, 1)
        if not (passed or "," in doc.gap(at)):
            return at
        at = after
    if chain and doc.usable(at):
        following = doc.word(at + 1) if doc.usable(at + 1) else None
        for truncated in chain:
            words = _forward(doc.word(truncated), doc.word(at), following)
            _add(found, truncated if doc.word(truncated) not in FUNCTION_WORDS else at, words)
    return at


def _reverse_chain(doc: _Text, index: int, found: dict[int, list[str]]) -> None:
    """Complete ``-word`` (word ``index``) from the full word before it."""
    if not doc.usable(index) or not _REVERSE_GAP.fullmatch(doc.gap(index - 1)):
        return
    at = index - 1
    while True:
        before, passed = doc.skip_conjunctions(at, -1)
        if not (passed or "," in doc.gap(at)) or not doc.usable(before):
            return
        if before > 0 and _REVERSE_GAP.fullmatch(doc.gap(before - 1)):
            at = before - 1
            continue
        words = _reverse(doc.word(before), doc.word(index))
        _add(found, index if doc.word(index) not in FUNCTION_WORDS else before, words)
        return


def completions(text: str, word_re: re.Pattern[str]) -> Completions:
    """Word index -> completed words to index there, for every elliptic
    coordination in ``text``; ``word_re`` is the tokenizer's word pattern.

    Only the words around a suspect hyphen are looked at, and texts without
    a hyphen cost three substring tests: this runs on every indexed text."""
    if "-" not in text and "\u2010" not in text and "\u2011" not in text:
        return {}
    hyphens = [match.start() for match in _HYPHEN.finditer(text)]
    if not hyphens:
        return {}
    doc = _Text(text, list(word_re.finditer(text)))
    found: dict[int, list[str]] = {}
    done = -1
    for hyphen in hyphens:
        before = bisect_right(doc.starts, hyphen) - 1
        if doc.matches and before >= 0 and doc.matches[before].end() == hyphen:
            if before > done:
                done = _forward_chain(doc, before, found)
        else:
            _reverse_chain(doc, before + 1, found)
    return {where: tuple(words) for where, words in found.items() if words}
