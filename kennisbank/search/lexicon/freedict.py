"""FreeDict's Dutch-English and English-Dutch dictionaries, read from Debian's packages.

``make system-deps`` installs ``dict-freedict-nld-eng`` and
``dict-freedict-eng-nld``, which put each dictionary in dictd format into
``/usr/share/dictd``: an ``.index`` file (headword, then the byte offset and
length of its entry in base64) and a ``.dict.dz`` file (the entries, gzip
compressed with random access, which Python's gzip reads as one stream). An
entry is the headword with its pronunciation, then the translations: one
line of comma-separated words, or numbered senses ``1. bike, cycle`` ``2. ...``.

The data is never copied into the repository (FreeDict is GPL); without the
packages the app runs with the other lexicon sources and says so. Both
dictionaries are read in both directions: the English-Dutch one is small
(7,700 headwords) and lacks many words the Dutch-English one translates, so a
pair found in either serves both ways, and a pair found in both is surer.
"""

from __future__ import annotations

import gzip
import logging
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .terms import Entry, PairIndex

log = logging.getLogger(__name__)

DICTD_DIR = Path("/usr/share/dictd")
#: Dictionary name -> (source language, target language).
DICTIONARIES = {"freedict-nld-eng": ("nl", "en"), "freedict-eng-nld": ("en", "nl")}
#: Translations longer than this many words are explanations, not terms.
MAX_WORDS = 3
_B64 = {c: i for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                   "0123456789+/")}
_PRONUNCIATION = re.compile(r"\s*/[^/]*/\s*$")
_SENSE = re.compile(r"^\s*\d+\.\s*")
_NOTE = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_TO = re.compile(r"^to\s+")


@dataclass(frozen=True)
class Pair:
    """One translation: ``nl`` and ``en`` terms, the dictionary's direction
    (``source`` is the headword's language) and the sense's rank (0 = first)."""

    nl: str
    en: str
    source: str
    rank: int


def _number(text: str) -> int:
    value = 0
    for char in text:
        value = value * 64 + _B64[char]
    return value


def clean_term(text: str) -> str:
    """A dictionary term as a reader would type it: NFKC (the ligature ``ĳ``
    becomes ``ij``), lowercase, notes in brackets and an English ``to`` removed,
    unicode hyphens made ASCII, spaces collapsed; empty when nothing is left."""
    text = unicodedata.normalize("NFKC", text).replace("\u2010", "-").replace("\u2011", "-")
    text = _NOTE.sub(" ", text).strip().lower()
    text = _TO.sub("", text)
    return " ".join(text.split())


def parse_entry(entry: str) -> tuple[str, list[list[str]]]:
    """``(headword, senses)`` of one dictd entry, each sense a list of terms."""
    lines = [line for line in entry.splitlines() if line.strip()]
    if not lines:
        return "", []
    headword = clean_term(_PRONUNCIATION.sub("", lines[0]))
    senses = []
    for line in lines[1:]:
        terms = [clean_term(term) for term in _SENSE.sub("", line).split(",")]
        terms = [t for t in terms if t and len(t.split()) <= MAX_WORDS]
        if terms:
            senses.append(terms)
    return headword, senses


def read_dictionary(index: Path, data: Path) -> Iterator[tuple[str, list[list[str]]]]:
    """Every ``(headword, senses)`` of one dictd dictionary, the database's own
    ``00-database-*`` header entries left out."""
    content = gzip.decompress(data.read_bytes())
    for line in index.read_text(encoding="utf-8").splitlines():
        fields = line.split("\t")
        if len(fields) != 3 or fields[0].startswith(("00-database", "00database")):
            continue
        start, length = _number(fields[1]), _number(fields[2])
        headword, senses = parse_entry(content[start:start + length].decode("utf-8", "replace"))
        if headword and senses:
            yield headword, senses


def _pairs(directory: Path) -> Iterator[Pair]:
    for name, (source, _target) in DICTIONARIES.items():
        index, data = directory / f"{name}.index", directory / f"{name}.dict.dz"
        if not (index.is_file() and data.is_file()):
            continue
        for headword, senses in read_dictionary(index, data):
            for rank, sense in enumerate(senses):
                for term in sense:
                    nl, en = (headword, term) if source == "nl" else (term, headword)
                    yield Pair(nl=nl, en=en, source=source, rank=rank)


def available(directory: Path = DICTD_DIR) -> list[str]:
    """The FreeDict dictionaries installed in ``directory``."""
    return [name for name in DICTIONARIES if (directory / f"{name}.index").is_file()
            and (directory / f"{name}.dict.dz").is_file()]


@cache
def _load(directory: Path, stamp: tuple[tuple[str, float], ...]) -> tuple[Pair, ...]:
    del stamp  # part of the cache key only: a reinstalled package is read again
    return tuple(_pairs(directory))


def freedict_pairs(directory: Path = DICTD_DIR) -> tuple[Pair, ...]:
    """Every translation pair of the installed dictionaries (read once per process
    and installed version); empty, with a log line, when none is installed."""
    names = available(directory)
    if not names:
        log.warning("FreeDict dictionaries not found in %s: cross-lingual search uses only the "
                    "instance's own vocabulary (install dict-freedict-nld-eng and "
                    "dict-freedict-eng-nld, or run `make system-deps`)", directory)
        return ()
    stamp = tuple((name, (directory / f"{name}.dict.dz").stat().st_mtime) for name in names)
    return _load(directory, stamp)


#: A sense's weight falls with its rank; the reverse direction of a dictionary
#: (an English headword's Dutch translation read as Dutch -> English) counts less.
RANK_DECAY = 0.5
REVERSE_WEIGHT = 0.8


def freedict_entries(directory: Path = DICTD_DIR) -> list[Entry]:
    """The installed dictionaries as lexicon entries, with a weight per direction."""
    entries = []
    for pair in freedict_pairs(directory):
        forward = 1.0 / (1.0 + RANK_DECAY * pair.rank)
        reverse = "en" if pair.source == "nl" else "nl"
        entries.append(Entry(nl=pair.nl, en=pair.en, weight=forward, origin="freedict",
                             weights=((pair.source, forward), (reverse, REVERSE_WEIGHT * forward))))
    return entries


@cache
def _index(directory: Path, stamp: tuple[tuple[str, float], ...]) -> PairIndex:
    del stamp
    return PairIndex(freedict_entries(directory), specific=True)


def freedict_index(directory: Path = DICTD_DIR) -> PairIndex:
    """The installed dictionaries, indexed for look-up (built once per process)."""
    names = available(directory)
    stamp = tuple((name, (directory / f"{name}.dict.dz").stat().st_mtime) for name in names)
    return _index(directory, stamp)
