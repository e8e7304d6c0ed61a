"""The schema's text analyzer indexes exactly what the analyzer chain does.

``IndexingAnalyzer`` makes index-mode tokens word by word from a cache; these
tests compare its token stream with ``analyzer_for(lang)``'s, token by token
(text, position, characters, boost), for generated texts and for the options
each of Whoosh's posting formats asks with, and compare whole indexes written
with either.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import index
from whoosh.fields import ID, TEXT, Schema

from kennisbank.content.registry import current_registry
from kennisbank.search.analysis import (
    IndexingAnalyzer,
    analyzer_for,
    indexing_analyzer,
)
from kennisbank.search.schema import build_schema, schema_signature, text_field

#: Words that exercise every step of the chain: Dutch compounds, derivations and
#: inflections, stop words, one-letter words, accents (composed and decomposed),
#: digits, dotted words, mixed case, over-long words, English.
WORDS = ["fietsbeleid", "fietspaden", "Fietsen", "FIETSENSTALLINGEN", "de", "het", "die",
         "the", "and", "a", "x", "É", "Pécs", "coo\u0308peratie", "Lüneburg", "3.5", "2030",
         "www.deventer.nl", "klimaatadaptatie", "Klimaat", "stadsbestuur", "Samenwerking",
         "running", "cities", "o'clock", "e", "mail", "ÉCOLE", "z" * 120, "y" * 100,
         "gemeentes", "processen", "zon", "windenergie", "en", "of", "voor", "nadelen",
         "energieopwekking", "besparing", "verduurzaming", "woningverduurzaming",
         "vergroening", "zonnepanelen", "dak", "thuisloosheid", "wijkteams", "ß", "İstanbul",
         "ﬁets", "straße", "œuvre", "ÀÉÎÕÜ", "12", "a1b2", "_", "ok_ja", "Ⅻ", "١٢٣"]
#: What stands between words: spaces, punctuation, and the hyphens an ellipsis needs.
SEPARATORS = [" ", ", ", "\n", " - ", "; ", "...", "- ", "-, ", " -", ", -", "/", "-",
              " en -", "- en ", "- of ", "'", "\"", "(", ") ", ".", " .", "\t", "—", "&"]

#: The options each of Whoosh's posting formats analyses with (``formats.py``):
#: Frequency, Positions, Characters.
FORMAT_OPTIONS = [{"boosts": True}, {"positions": True, "boosts": True},
                  {"positions": True, "chars": True, "boosts": True}]


def stream(analyzer: Any, text: str, **options: Any) -> list[tuple[Any, ...]]:
    """Every token as (text, pos, startchar, endchar, boost, stopped); unset
    attributes as None."""
    return [(t.text, getattr(t, "pos", None), getattr(t, "startchar", None),
             getattr(t, "endchar", None), t.boost, t.stopped)
            for t in analyzer(text, **options)]


def assert_same(lang: str, text: str, **options: Any) -> None:
    expected = stream(analyzer_for(lang), text, **options)
    assert stream(indexing_analyzer(lang), text, **options) == expected


texts = st.builds(
    lambda words, seps: "".join(w + seps[n % len(seps)] for n, w in enumerate(words)),
    st.lists(st.sampled_from(WORDS), max_size=50),
    st.lists(st.sampled_from(SEPARATORS), min_size=1, max_size=6))


@settings(max_examples=400, deadline=None)
@given(text=texts, lang=st.sampled_from(["nl", "en"]),
       options=st.sampled_from(FORMAT_OPTIONS))
def test_index_mode_equals_the_chain_on_generated_texts(text: str, lang: str,
                                                        options: dict[str, Any]) -> None:
    assert_same(lang, text, mode="index", **options)


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=200), lang=st.sampled_from(["nl", "en"]),
       options=st.sampled_from(FORMAT_OPTIONS))
def test_index_mode_equals_the_chain_on_any_text(text: str, lang: str,
                                                 options: dict[str, Any]) -> None:
    assert_same(lang, text, mode="index", **options)


@settings(max_examples=100, deadline=None)
@given(text=texts, lang=st.sampled_from(["nl", "en"]),
       start_pos=st.integers(0, 50), start_char=st.integers(0, 500))
def test_index_mode_equals_the_chain_with_offsets(text: str, lang: str, start_pos: int,
                                                  start_char: int) -> None:
    assert_same(lang, text, mode="index", positions=True, chars=True,
                start_pos=start_pos, start_char=start_char)


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("options", [
    {"mode": "query"}, {"mode": ""}, {}, {"mode": "index", "removestops": False},
    {"mode": "index", "keeporiginal": True}, {"mode": "index", "tokenize": False},
    {"mode": "index", "no_morph": True}])
def test_other_calls_are_the_chain(lang: str, options: dict[str, Any]) -> None:
    text = "De fietspaden van Pécs, zon- en windenergie en -besparing: the cities"
    assert_same(lang, text, positions=True, chars=True, **options)


def test_the_ellipsis_is_completed_as_the_chain_does() -> None:
    text = "Zon- en windenergie, energieopwekking en -besparing; de voor- en nadelen"
    tokens = stream(indexing_analyzer("nl"), text, mode="index", positions=True, chars=True)
    assert ("zonenergie", 0, 0, 3, 1.0, False) in tokens
    assert_same("nl", text, mode="index", positions=True, chars=True)


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="no analyzer"):
        IndexingAnalyzer("de")


def test_survives_pickling() -> None:
    copy = pickle.loads(pickle.dumps(indexing_analyzer("nl")))
    assert copy == indexing_analyzer("nl")
    text = "De fietspaden van Pécs"
    assert stream(copy, text, mode="index", positions=True) == stream(
        analyzer_for("nl"), text, mode="index", positions=True)


def test_the_schema_indexes_with_it_under_the_same_signature(app: Any) -> None:
    """The schema's text fields use it, and the signature that decides whether an
    index is outdated is what it was with the chain: no reindex is asked for."""
    with app.app_context():
        schema = build_schema(current_registry())
    for lang in ("nl", "en"):
        for name in ("title", "body", "extra_text", "keywords"):
            assert schema[text_field(name, lang)].analyzer == IndexingAnalyzer(lang)
    chain = Schema(**{name: (TEXT(analyzer=analyzer_for(name[-2:]), stored=True)
                             if isinstance(schema[name].analyzer, IndexingAnalyzer)
                             else schema[name]) for name in schema.names()})
    assert schema_signature(chain) == schema_signature(schema)


DOCUMENTS = [
    "Het fietsbeleid van de gemeente Deventer: fietspaden, fietsenstallingen en -routes.",
    "Zon- en windenergie voor wijkteams; woningverduurzaming in 2030, versie 3.5.",
    "Coöperatie in Pécs en Lüneburg, www.deventer.nl, de voor- en nadelen.",
    "The cities cycled along the river; running sustainability programmes.",
    "",
]


def postings(path: Path, analyzer_of: Any) -> Iterator[tuple[Any, ...]]:
    """Every posting and field length of an index of ``DOCUMENTS`` written with
    ``analyzer_of(lang)`` as the fields' analyzer."""
    schema = Schema(id=ID(stored=True),
                    **{f"title_{lang}": TEXT(analyzer=analyzer_of(lang)) for lang in ("nl", "en")},
                    **{f"body_{lang}": TEXT(analyzer=analyzer_of(lang), chars=True)
                       for lang in ("nl", "en")})
    ix = index.create_in(str(path), schema)
    with ix.writer() as writer:
        for number, text in enumerate(DOCUMENTS):
            writer.add_document(id=str(number), title_nl=text, title_en=text,
                                body_nl=text * 3, body_en=text * 3)
    with ix.reader() as reader:
        for fieldname in ("title_nl", "title_en", "body_nl", "body_en"):
            for docnum in range(len(DOCUMENTS)):
                yield fieldname, docnum, reader.doc_field_length(docnum, fieldname)
            for term in reader.lexicon(fieldname):
                matcher = reader.postings(fieldname, term)
                kind = "characters" if fieldname.startswith("body") else "positions"
                while matcher.is_active():
                    yield (fieldname, term, matcher.id(), matcher.weight(),
                           matcher.value_as(kind))
                    matcher.next()
    ix.close()


def test_an_index_written_with_it_equals_one_written_with_the_chain(tmp_path: Path) -> None:
    (tmp_path / "chain").mkdir()
    (tmp_path / "fast").mkdir()
    expected = list(postings(tmp_path / "chain", analyzer_for))
    assert len(expected) > 100
    assert list(postings(tmp_path / "fast", indexing_analyzer)) == expected
