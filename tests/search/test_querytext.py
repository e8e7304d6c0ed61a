"""User query parsing: semantics on a real index, and robustness to any input."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh.fields import ID, KEYWORD, TEXT, Schema
from whoosh.filedb.filestore import RamStorage
from whoosh.index import Index
from whoosh.query import NullQuery, Phrase, Query, Term

from kennisbank.search.analysis import analyzer_for, keyword_analyzer
from kennisbank.search.querytext import (
    MAX_TERMS,
    MAX_WORD_LENGTH,
    parse_user_query,
    query_terms,
)

FIELDS = {"title_nl": 3.0, "body_nl": 1.0, "title_en": 3.0, "body_en": 1.0, "tags": 2.0}
DOCS = [
    {"id": "paden", "title_nl": "Fietspaden", "body_nl": "De fietspaden in Deventer zijn breed."},
    {"id": "auto", "title_nl": "Auto en fiets", "body_nl": "De auto en de fiets in Deventer."},
    {"id": "klimaat", "title_nl": "Klimaatadaptatie", "body_nl": "Groene daken in Zwolle."},
    {"id": "body-fiets", "title_nl": "Mobiliteit", "body_nl": "Over de fiets in het centrum."},
    {"id": "cities", "title_en": "Cycling cities", "body_en": "Cities that cycle, like Pécs."},
    {"id": "tagged", "title_nl": "Wijkteam", "tags": "Coöperatie, Wijk"},
]


def make_schema() -> Schema:
    nl, en = analyzer_for("nl"), analyzer_for("en")
    return Schema(
        id=ID(stored=True, unique=True),
        title_nl=TEXT(analyzer=nl),
        body_nl=TEXT(analyzer=nl),
        title_en=TEXT(analyzer=en),
        body_en=TEXT(analyzer=en),
        tags=KEYWORD(analyzer=keyword_analyzer(commas=True)),
    )


@pytest.fixture(scope="module")
def ix() -> Iterator[Index]:
    ix = RamStorage().create_index(make_schema())
    with ix.writer() as writer:
        for doc in DOCS:
            writer.add_document(**doc)
    yield ix
    ix.close()


def parse(text: str, ix: Index) -> Query:
    return parse_user_query(text, FIELDS, ix.schema)


def ids(ix: Index, text: str) -> list[str]:
    """Ids of the matches in rank order."""
    with ix.searcher() as searcher:
        return [hit["id"] for hit in searcher.search(parse(text, ix), limit=None)]


def found(ix: Index, text: str) -> set[str]:
    return set(ids(ix, text))


def leaves(query: Query) -> list[Query]:
    return list(query.leaves()) if query.children() else [query]


def test_words_are_anded_across_fields(ix: Index) -> None:
    assert found(ix, "fiets") == {"paden", "auto", "body-fiets"}
    assert found(ix, "fiets Deventer") == {"paden", "auto"}
    # One word in the title, the other in the body.
    assert found(ix, "mobiliteit centrum") == {"body-fiets"}


def test_each_language_field_uses_its_own_analyzer(ix: Index) -> None:
    assert found(ix, "fietsen") == {"paden", "auto", "body-fiets"}
    assert found(ix, "city cycling") == {"cities"}
    assert found(ix, "Pecs") == {"cities"}
    assert found(ix, "cooperatie") == {"tagged"}


def test_title_matches_rank_above_body_matches(ix: Index) -> None:
    ranked = ids(ix, "fiets")
    assert ranked.index("auto") < ranked.index("body-fiets")


def test_phrases(ix: Index) -> None:
    assert found(ix, '"fietspaden in Deventer"') == {"paden"}
    assert found(ix, '"Deventer fietspaden"') == set()
    assert found(ix, "\u201cfietspaden in Deventer\u201d") == {"paden"}
    assert any(isinstance(leaf, Phrase) for leaf in leaves(parse('"fietspaden in Deventer"', ix)))


def test_exclusions(ix: Index) -> None:
    assert found(ix, "fiets -auto") == {"paden", "body-fiets"}
    assert found(ix, 'fiets -"fietspaden in Deventer"') == {"auto", "body-fiets"}
    assert found(ix, "fiets --auto") == {"paden", "body-fiets"}


def test_uppercase_or_between_terms(ix: Index) -> None:
    assert found(ix, "klimaat OR cities") == {"klimaat", "cities"}
    assert found(ix, "Deventer klimaat OR auto") == {"auto"}


def test_lowercase_or_and_dutch_of_are_plain_words(ix: Index) -> None:
    assert found(ix, "klimaat or cities") == set()
    assert found(ix, "klimaat of cities") == set()


def test_stop_word_of_one_language_is_not_required(ix: Index) -> None:
    # "die" is a Dutch stop word but an English word; it must not be required.
    assert found(ix, "die fiets") == found(ix, "fiets")


@pytest.mark.parametrize("text", ["", "   ", "-", "OR", "-fiets", '-"fiets"', "de het een", '""'])
def test_queries_without_positive_terms_match_nothing(ix: Index, text: str) -> None:
    assert parse(text, ix) is NullQuery
    assert found(ix, text) == set()


@pytest.mark.parametrize(
    ("text", "same_as"),
    [
        ("fiets*", "fiets"),
        ("fie?ts", "fiets"),
        ("wat is fietsbeleid?", "wat is fietsbeleid"),
        ("(fiets AND Deventer", "fiets Deventer"),
        ('"fiets Deventer', "fiets Deventer"),
        ("title_nl:fiets", "title_nl fiets"),
        ("fiets OR", "fiets"),
        ("OR fiets", "fiets"),
        ("fiets\x00\x07 Deventer\u200b", "fiets Deventer"),
        ("fiets\ud800", "fiets"),
    ],
)
def test_syntax_is_read_as_plain_words(ix: Index, text: str, same_as: str) -> None:
    assert parse(text, ix) == parse(same_as, ix)


def test_no_wildcard_or_prefix_queries_are_built(ix: Index) -> None:
    for leaf in leaves(parse("fie* ?ets f*ts title:x* [a TO z] fiets~2 fiets^9", ix)):
        assert type(leaf) in (Term, Phrase)


def test_field_syntax_reads_as_words() -> None:
    assert query_terms("title:foo") == ["title", "foo"]


def test_limits() -> None:
    assert query_terms("a" * 500) == ["a" * MAX_WORD_LENGTH]
    words = [f"woord{i}" for i in range(100)]
    assert query_terms(" ".join(words)) == words[:MAX_TERMS]
    assert query_terms('"' + " ".join(words) + '"') == words[:MAX_TERMS]
    assert query_terms("x" * 999 + " fiets") == ["x" * MAX_WORD_LENGTH]


def test_query_terms_are_positive_plain_words() -> None:
    assert query_terms('Fietsen -auto "Coöperatie Deventer" -"rode auto" klimaat OR groen') == [
        "fietsen",
        "cooperatie",
        "deventer",
        "klimaat",
        "groen",
    ]
    assert query_terms("klimaat OR") == ["klimaat", "or"]


def test_unknown_fields_are_a_programming_error(ix: Index) -> None:
    with pytest.raises(ValueError, match="not an analysed field"):
        parse_user_query("fiets", {"nope": 1.0}, ix.schema)
    with pytest.raises(ValueError, match="at least one field"):
        parse_user_query("fiets", {}, ix.schema)


QUERY_PIECES = st.sampled_from(
    [
        '"',
        "-",
        "OR",
        "or",
        "*",
        "?",
        ":",
        "(",
        ")",
        "fiets",
        "Deventer",
        "de",
        "title_nl:",
        "\u201c",
        "\x00",
        "\u200b",
        "Pécs",
        "e-mail",
        "3.5",
        " ",
        " ",
        "AND",
        "NOT",
        "~",
        "^2",
    ]
)


def run(ix: Index, text: str) -> None:
    query = parse(text, ix)
    with ix.searcher() as searcher:
        searcher.search(query, limit=10)


@settings(max_examples=300, deadline=None)
@given(text=st.text())
def test_any_text_parses_and_runs(ix: Index, text: str) -> None:
    run(ix, text)
    query_terms(text)


@settings(max_examples=300, deadline=None)
@given(text=st.lists(QUERY_PIECES, max_size=40).map("".join))
def test_any_mix_of_syntax_parses_and_runs(ix: Index, text: str) -> None:
    run(ix, text)
    assert all(term == term.lower() for term in query_terms(text))


@settings(max_examples=50, deadline=None)
@given(text=st.text(alphabet=st.characters(codec=None, categories=["Cs", "Cc", "Cf", "Zs"])))
def test_control_format_and_surrogate_characters_never_fail(ix: Index, text: str) -> None:
    run(ix, text)
