"""Turn whatever a reader types into a safe, cheap Whoosh query.

The search box accepts a small, forgiving syntax:

* words: every word must match, in at least one of the searched fields
  (``And`` across words of an ``Or`` across fields; Whoosh ranks with BM25F);
* ``"quoted phrases"``: the words in this order, in one field; a word joined
  by hyphens (``e-bike``) is read as the phrase of its parts;
* ``-word`` and ``-"a phrase"``: leave out documents that match;
* ``a OR b``: either (only the uppercase word between two positive terms).

Everything else is read as plain words and never fails: unbalanced quotes
are ignored, brackets and field syntax (``title:foo`` is the words ``title``
and ``foo``) are punctuation, a lone ``-`` or ``OR`` is a plain word. ``*``
and ``?`` are dropped, so ``fie?ts`` reads as ``fiets``: no wildcard or
prefix query is ever built, as those can expand to thousands of terms.
Control and format characters and lone surrogates are removed, input is cut
at ``MAX_QUERY_CHARS``, words at ``MAX_WORD_LENGTH`` and the whole query at
``MAX_TERMS`` words, so no input is expensive.

Each field analyses the words with its own analyzer from the schema, in query
mode: a Dutch field stems Dutch, an English field English, and compounds stay
whole. A word that is a stop word in any searched field is not required (the
Dutch ``die`` would otherwise have to occur in the English text, where it is
no stop word) and a phrase loses its stop words as the indexed text did.

A query with no positive term (empty, only stop words, only exclusions)
returns ``whoosh.query.NullQuery``, which matches nothing: listing the whole
collection minus a few documents is not a search, and the caller can test
``query is NullQuery`` to show its "type a search term" state instead.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from whoosh.fields import Schema
from whoosh.query import And, AndNot, NullQuery, Or, Phrase, Query, Term

from kennisbank.search.analysis import WORD_RE
from kennisbank.search.decompound import fold_accents

MAX_QUERY_CHARS = 1000
MAX_WORD_LENGTH = 100
MAX_TERMS = 32
OR_OPERATOR = "OR"

_QUOTES = str.maketrans(dict.fromkeys("\u201c\u201d\u201e\u201f\u00ab\u00bb\uff02", '"'))
_WILDCARDS = frozenset("*?")
_LEXEME = re.compile(r'(?P<neg>-*)"(?P<phrase>[^"]*)"|(?P<chunk>[^\s"]+)|"')


@dataclass
class QueryItem:
    """One unit of the query: a word, a phrase or the OR operator.

    ``quoted``: typed in quotes; ``hyphenated``: one word with hyphens
    (``e-bike``, ``zonne-energie``), read as a phrase of its parts."""

    words: list[str]
    negated: bool = False
    is_or: bool = False
    quoted: bool = False
    hyphenated: bool = False

    @property
    def text(self) -> str:
        """The item as typed (lowercase aside): words joined by hyphens or spaces."""
        return ("-" if self.hyphenated else " ").join(self.words)


def _clean(text: str) -> str:
    """Cap the length; control characters become spaces; format characters,
    lone surrogates and wildcards go (``fiets*`` is ``fiets``)."""
    out = []
    for char in text[:MAX_QUERY_CHARS].translate(_QUOTES):
        category = unicodedata.category(char)
        if category == "Cc":
            out.append(" ")
        elif category not in ("Cf", "Cs") and char not in _WILDCARDS:
            out.append(char)
    return "".join(out)


def _words(text: str) -> list[str]:
    return [word[:MAX_WORD_LENGTH] for word in WORD_RE.findall(text)]


def _chunk_items(chunk: str) -> list[QueryItem]:
    """The words of a chunk without spaces, those joined by single hyphens
    (``e-bike``) kept together as one hyphenated item."""
    groups: list[list[str]] = []
    end = -1
    for match in WORD_RE.finditer(chunk):
        joined = end >= 0 and match.start() == end + 1 and chunk[end] == "-"
        if joined:
            groups[-1].append(match.group()[:MAX_WORD_LENGTH])
        else:
            groups.append([match.group()[:MAX_WORD_LENGTH]])
        end = match.end()
    return [QueryItem(words, hyphenated=len(words) > 1) for words in groups]


def _lex(text: str) -> list[QueryItem]:
    """Split cleaned input into items, stopping at MAX_TERMS words."""
    items: list[QueryItem] = []
    budget = MAX_TERMS
    for match in _LEXEME.finditer(_clean(text)):
        chunk = match.group("chunk")
        if match.group("phrase") is not None:
            found = [QueryItem(_words(match.group("phrase")), negated=bool(match.group("neg")),
                               quoted=True)]
        elif chunk == OR_OPERATOR:
            found = [QueryItem([chunk], is_or=True)]
        elif chunk is not None and chunk.startswith("-"):
            found = [QueryItem(_words(chunk), negated=True)]
        elif chunk is not None:
            found = _chunk_items(chunk)
        else:
            continue
        for item in found:
            item.words = item.words[:budget]
            budget -= len(item.words)
            if item.words:
                items.append(item)
        if budget <= 0:
            break
    return items


def _plain(item: QueryItem) -> list[QueryItem]:
    """A clause holding the OR operator read as the plain word."""
    return [QueryItem(item.words)]


def _group(items: list[QueryItem]) -> tuple[list[list[QueryItem]], list[QueryItem]]:
    """Positive clauses (each a list of OR-ed items) and the excluded items.

    OR joins two positive neighbours; anywhere else it is the plain word.
    """
    clauses: list[list[QueryItem]] = []
    excluded: list[QueryItem] = []
    pending_or: QueryItem | None = None
    after_positive = False
    for item in items:
        if item.is_or and pending_or is None and after_positive:
            pending_or = item
            continue
        if pending_or is not None and (item.is_or or item.negated):
            clauses.append(_plain(pending_or))
            pending_or = None
        if item.is_or:
            clauses.append(_plain(item))
        elif item.negated:
            excluded.append(item)
        elif pending_or is not None:
            clauses[-1].append(item)
            pending_or = None
        else:
            clauses.append([item])
        after_positive = not item.negated
    if pending_or is not None:
        clauses.append(_plain(pending_or))
    return clauses, excluded


def parse_items(text: str) -> tuple[list[list[QueryItem]], list[QueryItem]]:
    """The query's structure, for any engine: required clauses (each a list of
    OR-ed items) and the excluded items. Every backend builds its own query
    from this, so all of them read the same text the same way."""
    return _group(_lex(text))


def _field_query(schema: Schema, field: str, boost: float, item: QueryItem) -> Query | None:
    """The item in one field, or None if the field's analyzer drops it all."""
    field_type = schema[field]
    tokens = list(field_type.process_text(" ".join(item.words), mode="query"))
    if not tokens:
        return None
    if len(tokens) == 1:
        return Term(field, tokens[0], boost=boost)
    if field_type.format is not None and field_type.format.supports("positions"):
        return Phrase(field, tokens, boost=boost)
    return And([Term(field, token, boost=boost) for token in tokens])


def _item_query(schema: Schema, fields: Mapping[str, float], item: QueryItem) -> Query | None:
    """The item in any of the fields; None if it cannot be required."""
    per_field = [_field_query(schema, field, boost, item) for field, boost in fields.items()]
    found = [query for query in per_field if query is not None]
    single_word = len(item.words) == 1
    if not found or (single_word and len(found) < len(per_field)):
        return None
    return found[0] if len(found) == 1 else Or(found)


def _check_fields(schema: Schema, fields: Mapping[str, float]) -> None:
    if not fields:
        raise ValueError("parse_user_query needs at least one field")
    for field in fields:
        if field not in schema or getattr(schema[field], "analyzer", None) is None:
            raise ValueError(f"{field!r} is not an analysed field of the schema")


def parse_user_query(text: str, fields: Mapping[str, float], schema: Schema) -> Query:
    """A Whoosh query for ``text`` over ``fields`` (field name -> boost).

    Never raises for any ``text``; raises ValueError for fields that are not
    text fields of ``schema`` (a programming error).
    """
    _check_fields(schema, fields)
    clauses, excluded = parse_items(text)
    required = []
    for clause in clauses:
        alternatives = [q for q in (_item_query(schema, fields, item) for item in clause) if q]
        if alternatives:
            required.append(alternatives[0] if len(alternatives) == 1 else Or(alternatives))
    if not required:
        return NullQuery
    query: Query = required[0] if len(required) == 1 else And(required)
    exclusions = [q for q in (_item_query(schema, fields, item) for item in excluded) if q]
    if exclusions:
        query = AndNot(query, exclusions[0] if len(exclusions) == 1 else Or(exclusions))
    return query.normalize()


def query_terms(text: str) -> list[str]:
    """The positive words of ``text``: lowercase, accent-folded, unstemmed, once each.

    Normalised like ``analysis.plain_words``, so they can be looked up in a
    "did you mean" dictionary built with it, or used to highlight.
    """
    clauses, _excluded = parse_items(text)
    terms: list[str] = []
    for clause in clauses:
        for item in clause:
            for word in item.words:
                term = fold_accents(unicodedata.normalize("NFC", word.lower()))
                if term not in terms:
                    terms.append(term)
    return terms
