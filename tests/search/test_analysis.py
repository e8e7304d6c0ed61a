"""The analyzers, exercised through a real on-disk Whoosh index."""

from __future__ import annotations

import pickle
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import index
from whoosh.fields import ID, KEYWORD, TEXT, Schema
from whoosh.index import Index
from whoosh.qparser import QueryParser
from whoosh.query import Term

from kennisbank.search.analysis import (
    analyzer_for,
    dutch_stem,
    keyword_analyzer,
    normalize_keyword,
    plain_words,
    term_positions,
    word_terms,
)

DOCS = {
    "fiets": "Wij zetten een fiets in de stalling.",
    "gemeente": "De gemeente investeert in groen.",
    "adaptatie": "Klimaatadaptatie in de binnenstad.",
    "beleid": "Het fietsbeleid wordt herzien.",
    "paden": "De fietspaden in Deventer zijn breed.",
    "pecs": "Een bezoek aan Pécs.",
    "luneburg": "Partnerstad Luneburg.",
    "coop": "De energiecoöperatie groeit.",
    "coop-plain": "Een cooperatie van bewoners.",
    "auto": "De auto blijft staan.",
}
DOCS_EN = {
    "city": "The city of Deventer.",
    "cycle": "A cycle route along the river.",
    "cycled": "She cycled to work.",
    "luneburg-en": "A visit to Lüneburg.",
}


def make_schema() -> Schema:
    return Schema(
        id=ID(stored=True, unique=True),
        body_nl=TEXT(analyzer=analyzer_for("nl"), stored=True),
        body_en=TEXT(analyzer=analyzer_for("en"), stored=True),
        tags=KEYWORD(analyzer=keyword_analyzer(commas=True)),
    )


@pytest.fixture
def ix(tmp_path: Path) -> Iterator[Index]:
    ix = index.create_in(str(tmp_path), make_schema())
    with ix.writer() as writer:
        for key, text in DOCS.items():
            writer.add_document(id=key, body_nl=text, tags="Klimaat, Groene Daken")
        for key, text in DOCS_EN.items():
            writer.add_document(id=key, body_en=text, tags="Coöperatie")
    yield ix
    ix.close()


def find(ix: Index, field: str, text: str) -> set[str]:
    """Ids of documents matching ``text`` parsed by Whoosh's own parser."""
    query = QueryParser(field, ix.schema).parse(text)
    with ix.searcher() as searcher:
        return {hit["id"] for hit in searcher.search(query, limit=None)}


def tokens(lang: str, text: str, **kwargs: object) -> list[tuple[str, int]]:
    return [(t.text, t.pos) for t in analyzer_for(lang)(text, positions=True, **kwargs)]


def test_dutch_stemming(ix: Index) -> None:
    # The compounds holding "fiets" match too: their parts are stemmed alike.
    assert find(ix, "body_nl", "fietsen") == {"fiets", "beleid", "paden"}
    assert find(ix, "body_nl", "gemeenten") == {"gemeente"}
    assert find(ix, "body_nl", "gemeentes") == {"gemeente"}


def test_dutch_stem_keeps_singulars_in_s_with_their_plural() -> None:
    assert dutch_stem("fiets") == dutch_stem("fietsen")
    assert dutch_stem("proces") == dutch_stem("processen")
    assert dutch_stem("relaties") == dutch_stem("relatie")
    assert dutch_stem("tafels") == dutch_stem("tafel")
    assert dutch_stem("fiets") != dutch_stem("fiet")


def test_english_stemming(ix: Index) -> None:
    assert find(ix, "body_en", "cities") == {"city"}
    assert find(ix, "body_en", "cycling") == {"cycle", "cycled"}


def test_compound_parts_find_the_compound(ix: Index) -> None:
    assert find(ix, "body_nl", "klimaat") == {"adaptatie"}
    assert find(ix, "body_nl", "fiets") == {"fiets", "beleid", "paden"}
    assert find(ix, "body_nl", "beleid") == {"beleid"}


def test_compound_finds_itself_but_not_its_parts_apart(ix: Index) -> None:
    assert find(ix, "body_nl", "klimaatadaptatie") == {"adaptatie"}
    assert find(ix, "body_nl", "fietspaden") == {"paden"}
    assert find(ix, "body_nl", "fietsbeleid") == {"beleid"}


def test_parts_share_the_compound_position_and_characters() -> None:
    analyzer = analyzer_for("nl")
    found = [
        (t.text, t.pos, t.startchar, t.endchar)
        for t in analyzer("De fietspaden", positions=True, chars=True)
    ]
    assert found == [("fietspad", 1, 3, 13), ("fiets", 1, 3, 13), ("pad", 1, 3, 13)]


def test_query_mode_keeps_compounds_whole() -> None:
    assert tokens("nl", "fietspaden in Deventer", mode="query") == [
        ("fietspad", 0),
        ("deventer", 1),
    ]


def test_phrase_over_compound_position(ix: Index) -> None:
    assert find(ix, "body_nl", '"fietspaden in Deventer"') == {"paden"}
    assert find(ix, "body_nl", '"paden in Deventer"') == {"paden"}
    assert find(ix, "body_nl", '"Deventer fietspaden"') == set()


@pytest.mark.parametrize(
    ("field", "query", "expected"),
    [
        ("body_nl", "Pecs", {"pecs"}),
        ("body_nl", "Pécs", {"pecs"}),
        ("body_nl", "Lüneburg", {"luneburg"}),
        ("body_en", "Luneburg", {"luneburg-en"}),
        ("body_nl", "cooperatie", {"coop", "coop-plain"}),
        ("body_nl", "coöperatie", {"coop", "coop-plain"}),
    ],
)
def test_accent_folding_both_ways(ix: Index, field: str, query: str, expected: set[str]) -> None:
    assert find(ix, field, query) == expected


def test_stop_words_are_not_indexed(ix: Index) -> None:
    with ix.searcher() as searcher:
        dutch = {term.decode() for term in searcher.lexicon("body_nl")}
        english = {term.decode() for term in searcher.lexicon("body_en")}
    assert "fiets" in dutch and "citi" in english
    assert not {"de", "het", "een", "in", "van"} & dutch
    assert not {"the", "of", "a", "to"} & english


def test_tokenizer_keeps_numbers_and_decomposed_accents() -> None:
    assert tokens("en", "Plan 2030, version 3.5") == [
        ("plan", 0),
        ("2030", 1),
        ("version", 2),
        ("3.5", 3),
    ]
    assert tokens("nl", "coo\u0308peratie") == [("cooperatie", 0)]


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="no analyzer"):
        analyzer_for("de")


def test_keyword_analyzer_folds_without_stemming(ix: Index) -> None:
    assert [t.text for t in keyword_analyzer()(" Groene Daken ")] == ["groene daken"]
    assert normalize_keyword(" Coöperatie ") == "cooperatie"
    with ix.searcher() as searcher:
        tagged = searcher.search(Term("tags", normalize_keyword("GROENE daken")), limit=None)
        assert {hit["id"] for hit in tagged} == set(DOCS)
        tagged = searcher.search(Term("tags", normalize_keyword("cooperatie")), limit=None)
        assert {hit["id"] for hit in tagged} == set(DOCS_EN)


def test_plain_words_are_surface_words() -> None:
    text = "De Coöperatie in Pécs heeft 3 fietsen, sinds 2024 en 3.5 x"
    assert plain_words(text) == [
        "de",
        "cooperatie",
        "in",
        "pecs",
        "heeft",
        "fietsen",
        "sinds",
        "en",
    ]


def test_highlighting_marks_the_whole_compound(ix: Index) -> None:
    query = QueryParser("body_nl", ix.schema).parse("fiets")
    with ix.searcher() as searcher:
        hits = {hit["id"]: hit.highlights("body_nl") for hit in searcher.search(query)}
    assert re.fullmatch(r'Het <b class="match term\d">fietsbeleid</b>', hits["beleid"])


@pytest.mark.parametrize(
    "analyzer", [analyzer_for("nl"), analyzer_for("en"), keyword_analyzer(True)]
)
def test_analyzers_survive_pickling(analyzer: object) -> None:
    copy = pickle.loads(pickle.dumps(analyzer))
    text = "De fietspaden van Pécs, Groene daken, zon- en windenergie en -besparing"
    assert [t.text for t in copy(text)] == [t.text for t in analyzer(text)]


def test_index_reopens_in_a_fresh_interpreter(ix: Index, tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from whoosh import index\n"
        "from whoosh.qparser import QueryParser\n"
        "ix = index.open_dir(sys.argv[1])\n"
        "q = QueryParser('body_nl', ix.schema).parse('fiets')\n"
        "with ix.searcher() as s:\n"
        "    print(sorted(hit['id'] for hit in s.search(q)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert result.stdout.strip() == "['beleid', 'fiets', 'paden']"


WORDS = ["fietsbeleid", "fietspaden", "Fietsen", "de", "het", "die", "the", "and", "a", "x",
         "Pécs", "coo\u0308peratie", "Lüneburg", "3.5", "www.deventer.nl", "klimaatadaptatie",
         "stadsbestuur", "Samenwerking", "running", "cities", "o'clock", "e-mail", "ÉCOLE",
         "z" * 120, "gemeentes", "processen", "zon", "windenergie", "en", "of", "voor",
         "nadelen", "energieopwekking", "besparing", "verduurzaming", "fietsenstallingen",
         "dak", "thuisloosheid", "2020"]


@settings(max_examples=300, deadline=None)
@given(words=st.lists(st.sampled_from(WORDS), max_size=40),
       separators=st.lists(st.sampled_from([" ", ", ", "\n", " - ", "; ", "...", "- ", "-, ",
                                            " -", ", -", "/"]), min_size=1),
       lang=st.sampled_from(["nl", "en"]))
def test_word_by_word_analysis_equals_the_analyzer(words: list[str], separators: list[str],
                                                   lang: str) -> None:
    """The PostgreSQL backend and the highlighter analyse word by word (cached);
    the terms and positions must be exactly the analyzer's."""
    text = "".join(word + separators[n % len(separators)] for n, word in enumerate(words))
    expected: dict[int, list[str]] = {}
    for token in analyzer_for(lang)(text, positions=True):
        expected.setdefault(token.pos, []).append(token.text)
    found = {position: list(terms) for position, terms in term_positions(text, lang)}
    assert found == expected


def test_inflected_compound_indexes_its_base_parts() -> None:
    singular = word_terms("nl", "fietsenstalling")
    plural = word_terms("nl", "fietsenstallingen")
    assert {dutch_stem("fiets"), dutch_stem("stalling")} <= set(plural)
    assert set(singular[1:]) <= set(plural)
    assert word_terms("nl", "stallingen") == (dutch_stem("stalling"),)


def test_combining_form_splits_off() -> None:
    assert {dutch_stem("zonne"), dutch_stem("paneel")} <= set(word_terms("nl", "zonnepanelen"))


@pytest.mark.parametrize(("word", "base"), [("verduurzamen", "duurzaam"),
                                            ("verduurzaming", "duurzaam"),
                                            ("woningverduurzaming", "duurzaam"),
                                            ("vergroening", "groen")])
def test_derivations_index_their_base(word: str, base: str) -> None:
    assert dutch_stem(base) in word_terms("nl", word)[1:]
    assert tokens("nl", word, mode="query") == [(dutch_stem(word), 0)]


def test_lexicalised_derivations_do_not() -> None:
    assert word_terms("nl", "verkeer") == (dutch_stem("verkeer"),)
    assert word_terms("nl", "verzekering") == (dutch_stem("verzekering"),)


def test_ellipsis_completes_at_the_truncated_word() -> None:
    analyzer = analyzer_for("nl")
    text = "Zon- en windenergie, energieopwekking en -besparing"
    found = [(t.text, t.pos, t.startchar, t.endchar)
             for t in analyzer(text, positions=True, chars=True)]
    assert found == [
        ("zon", 0, 0, 3), ("zonenergie", 0, 0, 3), ("energie", 0, 0, 3),
        ("windenergie", 1, 8, 19), ("wind", 1, 8, 19), ("energie", 1, 8, 19),
        ("energieopwek", 2, 21, 37), ("energie", 2, 21, 37), ("opwek", 2, 21, 37),
        ("bespar", 3, 42, 51), ("energiebespar", 3, 42, 51), ("energie", 3, 42, 51),
    ]


def test_ellipsis_with_a_stop_word_goes_with_the_full_word() -> None:
    assert tokens("nl", "de voor- en nadelen") == [("nadel", 3), ("voordel", 3)]
    assert dict(term_positions("dak- en thuisloosheid", "nl"))[0] == ("dak", "daklos")


def test_query_mode_ignores_ellipsis_and_derivations() -> None:
    assert tokens("nl", "zon- en windenergie verduurzaming", mode="query") == [
        ("zon", 0), ("windenergie", 1), ("verduurzam", 2)]


def test_english_has_no_ellipsis() -> None:
    assert [term for term, _ in tokens("en", "solar- and wind energy")] == [
        "solar", "wind", "energi"]
