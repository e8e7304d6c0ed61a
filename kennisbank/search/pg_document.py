"""Items as PostgreSQL search rows, and a reader's query as a ``tsquery``.

Both sides use the analyzers of :mod:`.analysis`, the very ones the Whoosh
backend indexes with, instead of PostgreSQL's ``dutch`` and ``english``
configurations: PostgreSQL's Dutch Snowball stems ``fiets`` to ``fiet`` but
``fietsen`` to ``fiets`` (ours corrects that with the word list), it knows no
compound splitting, and a custom dictionary would need files on the database
server, which a managed PostgreSQL does not allow. So the same text gives the
same words in both backends, and a query finds the same items.

The ``tsvector`` is written as a literal: each word as ``'<lang>:<stem>'``
with its positions and a weight letter per field (title A, keywords B,
summary C, the rest D, as the Whoosh boosts rank them). Fields follow each
other with a gap of positions, so a phrase never spans two fields, as in
Whoosh, where every field is its own index. Dutch compound parts sit at the
compound's position. PostgreSQL's limits are kept here rather than failing
a save: positions stop at 16,383, a word keeps at most 256 positions, and
words past ``MAX_VECTOR_BYTES`` (a huge attachment) are left out.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ..auth.labels import PUBLIC
from ..config import LANGUAGES
from ..content.registry import Registry
from ..models import Item
from ..plugins import HookFailure
from .analysis import (
    keyword_analyzer,
    normalize_keyword,
    term_positions,
    word_terms,
)
from .backend import IndexFailures
from .document import build_document
from .schema import ANALYSIS_VERSION, facet_names, text_names
from .vocabulary import vocabulary

KEYWORDS = "kw"
#: Weight letters; D (the default) is written without a letter.
WEIGHTS = {"title": "A", "keywords": "B", "summary": "C"}
#: ``ts_rank`` weights for D, C, B, A: the Whoosh boosts 1, 1.5, 2 and 3, scaled to 1.
RANK_WEIGHTS = "{0.333,0.5,0.667,1.0}"
MAX_POSITION = 16_383
MAX_POSITIONS_PER_WORD = 256
FIELD_GAP = 8
MAX_VECTOR_BYTES = 900_000
MAX_KEYWORD_LENGTH = 500


def quote(lexeme: str) -> str:
    """A lexeme quoted for ``tsvector`` and ``tsquery`` input."""
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def facet_code(facet: str, value: str) -> str:
    """A facet value as stored in ``search_documents.facets``."""
    return f"{facet}={value}"


def signature(registry: Registry, labels: str = "") -> str:
    """What the rows depend on besides the item: fields, facets, analysis and
    the permission label rules (``auth.labels.labels_signature``)."""
    described = json.dumps([text_names(registry), facet_names(registry), ANALYSIS_VERSION,
                            labels])
    return hashlib.sha256(described.encode("utf-8")).hexdigest()


@lru_cache(maxsize=1 << 18)
def _lexemes(lang: str, word: str) -> tuple[str, ...]:
    """The word's terms as this backend's lexemes (``nl:fiets``), cached."""
    return tuple(f"{lang}:{term}" for term in word_terms(lang, word))


@dataclass
class VectorBuilder:
    """Collects positions per lexeme and writes the ``tsvector`` literal.

    Indexing time is spent here, once per word of every item, so the loop is
    written out flat (one dictionary look-up per lexeme)."""

    positions: dict[str, list[str]] = field(default_factory=dict)
    offset: int = 0
    size: int = 0
    full: bool = False

    def _new(self, lexeme: str) -> bool:
        """Room for one more lexeme within ``MAX_VECTOR_BYTES``?"""
        self.size += len(lexeme.encode("utf-8")) + 8
        self.full = self.size > MAX_VECTOR_BYTES
        return not self.full

    def add_text(self, lang: str, text: str, weight: str) -> None:
        """Every word of ``text`` as ``lang`` analyses it, after the previous field."""
        positions, start, letter = self.positions, self.offset + 1, weight.replace("D", "")
        last = -1
        for position, lexemes in term_positions(text, lang, _lexemes):
            if self.full:
                break
            last = position
            where = f"{min(start + position, MAX_POSITION)}{letter}"
            for lexeme in lexemes:
                entry = positions.get(lexeme)
                if entry is None:
                    if not self._new(lexeme):
                        break
                    positions[lexeme] = [where]
                elif len(entry) < MAX_POSITIONS_PER_WORD:
                    entry.append(where)
            self.size += 2 * len(lexemes)
        self.offset += last + 1 + FIELD_GAP

    def add_keywords(self, keywords: Iterable[str]) -> None:
        joined = ",".join(str(k).replace(",", " ")[:MAX_KEYWORD_LENGTH] for k in keywords if k)
        if not joined:
            return
        for number, token in enumerate(keyword_analyzer(commas=True)(joined)):
            lexeme = f"{KEYWORDS}:{token.text}"
            if lexeme not in self.positions and not self._new(lexeme):
                break
            self.positions.setdefault(lexeme, []).append(
                f"{self.offset + number + 1}{WEIGHTS['keywords']}")
        self.offset += FIELD_GAP

    def literal(self) -> str:
        return " ".join(f"{quote(lex)}:{','.join(pos)}" for lex, pos in self.positions.items())


def _numbers(facets: dict[str, list[str]]) -> dict[str, float]:
    """Each facet's highest numeric value (what a plugin's sort orders by)."""
    found: dict[str, float] = {}
    for name, values in facets.items():
        for value in values:
            try:
                number = float(value)
            except (TypeError, ValueError):
                continue
            if number == number and abs(number) != float("inf"):  # not NaN or infinite
                found[name] = max(found.get(name, number), number)
    return found


def document_row(item: Item, registry: Registry, row_signature: str,
                 failed: IndexFailures | None = None) -> dict[str, Any]:
    """The ``search_documents`` values of ``item`` (the vectors as literals); a
    plugin failing on it is added to ``failed`` (the row is written anyway)."""
    failures: list[HookFailure] = []
    document = build_document(item, registry, failures)
    if failures and failed is not None:
        failed[item.id] = failures
    texts: dict[str, dict[str, str]] = document["text"]
    vector, extra = VectorBuilder(), VectorBuilder()
    names = text_names(registry)
    for lang, values in texts.items():
        for name in names:
            if values.get(name):
                vector.add_text(lang, values[name], WEIGHTS.get(name, "D"))
    vector.add_keywords(document["keywords"])
    tags = ", ".join(str(tag) for tag in document["keywords"] if tag)
    if tags:
        # Tags read as text too (``groene daken`` found word by word), as in Whoosh.
        for lang in LANGUAGES:
            vector.add_text(lang, tags, WEIGHTS["keywords"])
    extra_text = "\n".join(str(text) for text in document["extra_text"] if text)
    if extra_text:
        for lang in LANGUAGES:
            vector.add_text(lang, extra_text, "D")
            extra.add_text(lang, extra_text, "D")
    titles = {}
    for lang in LANGUAGES:
        shown = texts.get(lang) or next(iter(texts.values()), {})
        titles[lang] = normalize_keyword(shown.get("title", ""))
    facets = list(dict.fromkeys(
        facet_code(name, str(value)) for name, values in document["facets"].items()
        for value in values if value not in (None, "")
    ))
    start = document.get("start_date")
    public = PUBLIC in document["labels"]
    return {
        "item_id": document["id"],
        "status": document["status"],
        "owner_id": document.get("owner_id"),
        "sector": document.get("sector") or "",
        "start_day": start.toordinal() if start else 0,
        "title_nl": titles.get("nl", ""),
        "title_en": titles.get("en", ""),
        "facets": facets,
        "labels": document["labels"],
        "numbers": _numbers(document["facets"]),
        "vector": vector.literal(),
        "extra": extra.literal() if extra.positions else None,
        "display": {
            **{key: document[key] for key in (
                "external_id", "type", "sector", "country", "city", "languages")},
            "titles": {lang: values.get("title", "") for lang, values in texts.items()},
            "summaries": {lang: values.get("summary", "") for lang, values in texts.items()},
        },
        "texts": texts,
        "words": vocabulary(document) if public else None,
        "stamp": document["stamp"],
        "signature": row_signature,
    }
