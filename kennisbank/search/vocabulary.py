"""The vocabulary of published content, per language, as every backend keeps it.

Each published item adds two kinds of entries (drafts add none, so nothing
here can reveal a draft's words):

* ``nl:fietsstraten``: a word as written (lowercase, accents folded) in its
  Dutch texts: title, summary, body, searchable fields and tags (a tag counts
  for each language the item is written in). Typos are corrected against
  these (:mod:`.correct`): real words, not stems, and never a mix of languages;
* ``nl=fietsstrat``: a term as the Dutch analyzer indexes it (stems and
  compound parts). The expansion uses these to keep only the translations
  and synonyms that published content holds.

The Whoosh backend keeps them as the terms of its ``spell`` field, the
PostgreSQL backend as rows of ``search_words``, both with the number of
published items holding each (kept exact).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any, Protocol

from .analysis import LANGUAGES, WORD_RE, plain_word, word_terms

SPELL_FIELD = "spell"
#: Text fields whose words go into the vocabulary (attachments' text does not).
VOCABULARY_TEXT = None


def spelling(lang: str, word: str) -> str:
    """The entry of a written word."""
    return f"{lang}:{word}"


def term(lang: str, text: str) -> str:
    """The entry of an indexed term."""
    return f"{lang}={text}"


def vocabulary(document: dict[str, Any]) -> list[str]:
    """A published search document's entries (see the module docstring)."""
    texts: dict[str, dict[str, str]] = document["text"]
    tags = " ".join(str(tag) for tag in document.get("keywords") or ())
    entries: set[str] = set()
    for lang, values in texts.items():
        if lang not in LANGUAGES:
            continue
        text = "\n".join([*values.values(), tags])
        for found in set(WORD_RE.findall(text)):
            entries.update(_word_entries(lang, found))
    return sorted(entries)


@lru_cache(maxsize=1 << 18)
def _word_entries(lang: str, word: str) -> tuple[str, ...]:
    """The entries one written word adds (cached: indexing meets the same
    words in item after item)."""
    entries = [term(lang, t) for t in word_terms(lang, word)]
    plain = plain_word(word)
    if plain is not None:
        entries.append(spelling(lang, plain))
    return tuple(entries)


class Words(Protocol):
    """The vocabulary as a backend keeps it."""

    def frequencies(self, entries: Iterable[str]) -> dict[str, int]:
        """In how many published items each of ``entries`` occurs (0 for none)."""

    def near(self, entry: str, maxdist: int, prefix: int) -> list[str]:
        """Entries within ``maxdist`` edits of ``entry`` that share its first
        ``prefix`` characters (a backend may return a few more; they are
        measured by the caller)."""

    def known(self, entries: Iterable[str]) -> set[str]:
        """Those of ``entries`` that published content holds."""


class KnownTerms:
    """Whether published content holds terms, asked per plan and remembered:
    the expansion asks about each candidate translation one at a time."""

    def __init__(self, words: Words) -> None:
        self.words = words
        self._found: dict[str, bool] = {}

    def prefetch(self, entries: Iterable[str]) -> None:
        wanted = [e for e in entries if e not in self._found]
        if wanted:
            present = self.words.known(wanted)
            self._found.update((e, e in present) for e in wanted)

    def __call__(self, space: str, terms: tuple[str, ...]) -> bool:
        entries = [term(space, t) for t in terms]
        self.prefetch(entries)
        return all(self._found[e] for e in entries)
