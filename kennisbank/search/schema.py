"""The Whoosh schema, generated from the registered content types.

One document per item. Text is indexed once per language with that
language's analyzer (``title_nl``, ``body_en``, ``challenge_nl``...), so a
query can run against both languages at once, each word analysed the way the
field's text was. Facet values go into keyword fields named ``facet_<name>``
that keep the exact value (``Pécs`` stays ``Pécs``: it is shown and filtered
on, not searched). A single ``meta`` column holds what search needs per
document besides the text (id, status, owner, facet values, sort keys) as
compact JSON: reading one column for a whole segment is far cheaper than
unpickling each document's stored fields, and it is what the per-document
arrays of :mod:`kennisbank.search.doctable` are built from.

The schema is pickled into the index by Whoosh, so every analyzer part is a
module-level class.
"""

from __future__ import annotations

from collections.abc import Iterator

from whoosh.analysis import Analyzer, SpaceSeparatedTokenizer, Token, Tokenizer
from whoosh.columns import VarBytesColumn
from whoosh.fields import COLUMN, ID, KEYWORD, STORED, TEXT, FieldType, Schema

from ..config import LANGUAGES
from ..content.registry import Registry
from .analysis import indexing_analyzer, keyword_analyzer

#: Facets every item has; content types and ``register_facets`` add more.
BASE_FACETS = ("type", "sector", "theme", "tag", "country", "city", "language", "year")
#: Separates several values of one facet inside the indexed string.
FACET_SEPARATOR = "\x1f"
#: Text fields every translation has, in the order highlights prefer them.
BASE_TEXT = ("title", "summary", "body")
#: How much a match in each kind of field counts (titles weigh most).
BOOSTS = {"title": 3.0, "summary": 1.5, "body": 1.0, "extra_text": 1.0, "keywords": 2.0}
FIELD_BOOST = 1.0
#: Bump when the analysis changes (the terms a text is indexed with): indexes and
#: search rows built before then are reported as outdated by ``check-index``.
ANALYSIS_VERSION = "3"


class FacetTokenizer(Tokenizer):
    """Splits on ``FACET_SEPARATOR`` and keeps each value exactly as given."""

    def __call__(
        self, value: str, positions: bool = False, chars: bool = False,
        keeporiginal: bool = False, removestops: bool = True, start_pos: int = 0,
        start_char: int = 0, tokenize: bool = True, mode: str = "", **kwargs: object,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for pos, part in enumerate(p for p in value.split(FACET_SEPARATOR) if p):
            token.text = part
            token.boost = 1.0
            if positions:
                token.pos = start_pos + pos
            yield token


def spelling_analyzer() -> Analyzer:
    """The vocabulary of published content (:mod:`.vocabulary`): the indexer
    hands this field each published document's entries already made
    (``nl:fietsstraten``, ``nl=fietsstrat``), so splitting on spaces is all
    that is left to do: tokenising the whole text a second time would cost a
    fifth of the indexing time."""
    return SpaceSeparatedTokenizer()


def text_field(name: str, lang: str) -> str:
    """The index field for text ``name`` in ``lang``: ``body_nl``."""
    return f"{name}_{lang}"


def facet_field(name: str) -> str:
    return f"facet_{name}"


def searchable_fields(registry: Registry) -> list[str]:
    """Names of every ``searchable`` text field of every type, in a stable order."""
    found: list[str] = []
    for ctype in registry.types.values():
        for fld in ctype.fields:
            searchable = fld.searchable and registry.kind(fld.kind).searchable
            if searchable and fld.name not in found and fld.name not in BASE_TEXT:
                found.append(fld.name)
    return found


def facet_names(registry: Registry) -> list[str]:
    """The base facets, then each ``facet=True`` field and each registered facet."""
    names = list(BASE_FACETS)
    names += [name for name in registry.facet_fields() if name not in names]
    return names


def text_names(registry: Registry) -> list[str]:
    """Per-language text fields: title, summary, body, then the searchable fields."""
    return [*BASE_TEXT, *searchable_fields(registry)]


def query_fields(registry: Registry, schema: Schema) -> dict[str, float]:
    """Index field -> boost for a user's query: every language's text, extra text
    and keywords. Fields missing from ``schema`` (an index built before a plugin
    was added) are left out rather than failing the search."""
    return {name: boost for fields in query_spaces(registry, schema).values()
            for name, boost in fields.items()}


def query_spaces(registry: Registry, schema: Schema) -> dict[str, dict[str, float]]:
    """Per space of a query plan (``nl``, ``en``: that language's texts and the
    tags read as text; ``kw``: the tags as whole values) its fields and boosts."""
    spaces: dict[str, dict[str, float]] = {}
    for lang in LANGUAGES:
        fields = {text_field(name, lang): BOOSTS.get(name, FIELD_BOOST)
                  for name in text_names(registry)}
        fields[text_field("extra_text", lang)] = BOOSTS["extra_text"]
        fields[text_field("keywords", lang)] = BOOSTS["keywords"]
        spaces[lang] = {name: boost for name, boost in fields.items() if name in schema}
    spaces["kw"] = {"keywords": BOOSTS["keywords"]} if "keywords" in schema else {}
    return spaces


def positional_fields(registry: Registry, schema: Schema) -> dict[str, list[str]]:
    """Per language the fields whose word positions tell whether words stand
    close together: title, summary, body and the tags."""
    return {lang: [f for f in (*(text_field(n, lang) for n in BASE_TEXT),
                               text_field("keywords", lang)) if f in schema]
            for lang in LANGUAGES}


def build_schema(registry: Registry, labels: str = "") -> Schema:
    """The schema for the enabled plugins' content types, built under the
    permission label rules ``labels`` (``auth.labels.labels_signature``)."""
    fields: dict[str, FieldType] = {
        "id": ID(stored=True, unique=True),
        "status": ID,
        "owner": ID,
        "display": STORED,
        "meta": COLUMN(VarBytesColumn()),
        "keywords": KEYWORD(analyzer=keyword_analyzer(commas=True), scorable=True),
        "spell": TEXT(analyzer=spelling_analyzer(), phrase=False),
    }
    for lang in LANGUAGES:
        analyzer = indexing_analyzer(lang)
        fields[text_field("title", lang)] = TEXT(analyzer=analyzer, stored=True)
        for name in text_names(registry)[1:]:
            fields[text_field(name, lang)] = TEXT(analyzer=analyzer, stored=True, chars=True)
        fields[text_field("extra_text", lang)] = TEXT(analyzer=analyzer)
        # Tags read as text too (``groene daken`` found word by word); the exact
        # values stay in ``keywords``.
        fields[text_field("keywords", lang)] = TEXT(analyzer=analyzer)
    for name in facet_names(registry):
        fields[facet_field(name)] = KEYWORD(analyzer=FacetTokenizer())
    # Never filled: its name carries the analysis version into the index's schema,
    # so an index analysed otherwise has another signature (``schema_outdated``).
    fields[f"analysis_v{ANALYSIS_VERSION}"] = STORED()
    # Likewise the label rules: an index labelled under other rules is outdated.
    fields[f"labels_{labels}"] = STORED()
    return Schema(**fields)


def schema_signature(schema: Schema) -> list[str]:
    """Field names and kinds: two schemas with the same signature index alike."""
    return sorted(f"{name}:{type(schema[name]).__name__}" for name in schema.names())
