"""Snippet spans without stored character ranges (the PostgreSQL backend's way).

``matching_spans`` lists the distinct words of a text and looks for the
matching ones again with ``str.find``; these tests hold it to what reading
the text token by token with ``WORD_RE`` finds, at the edges where a plain
substring search would go wrong (dotted tokens, accents, a word inside a
longer one)."""

from __future__ import annotations

import random

import pytest

from kennisbank.search import highlight
from kennisbank.search.analysis import WORD_RE, word_terms
from kennisbank.search.highlight import matching_spans


def token_by_token(text: str, lang: str, stems: frozenset[str],
                   limit: int) -> list[tuple[int, int]]:
    """The reference: every token, analysed one by one."""
    found = [m.span() for m in WORD_RE.finditer(text)
             if not stems.isdisjoint(word_terms(lang, m.group()))]
    return found[:limit]


@pytest.mark.parametrize(("text", "stems", "expected"), [
    ("fiets, fietsen en fietspad", {"fiets"}, ["fiets", "fietsen", "fietspad"]),
    ("e.fiets is one token; fiets is another", {"fiets"}, ["fiets"]),
    ("fiets.nl and fiets. End", {"fiets"}, ["fiets"]),
    ("Fiets at the start", {"fiets"}, ["Fiets"]),
    ("café cafe", {"caf"}, ["café", "cafe"]),
    ("bewonersfiets", {"fiets"}, ["bewonersfiets"]),
])
def test_spans_are_the_matching_tokens(text: str, stems: set[str], expected: list[str]) -> None:
    spans = matching_spans(text, "nl", frozenset(stems))
    assert [text[start:end] for start, end in spans] == expected
    assert spans == token_by_token(text, "nl", frozenset(stems), 24)


def test_spans_stop_at_the_limit_in_text_order() -> None:
    text = " ".join(["water", "fiets"] * 20)
    spans = matching_spans(text, "nl", frozenset({"fiets", "water"}), limit=5)
    assert spans == token_by_token(text, "nl", frozenset({"fiets", "water"}), 5)
    assert [text[s:e] for s, e in spans] == ["water", "fiets", "water", "fiets", "water"]


def test_spans_match_token_by_token_reading_on_mixed_text() -> None:
    words = ["fiets", "Fietsen", "fietsstraten", "a.b", "e.g", "één", "een", "water",
             "wateroverlast", "bicycle", "streets", "3.5", "co2", "_x"]
    separators = [" ", ". ", ".", ", ", "-", "\n", "'", " (", ")", "\u0301"]
    rng = random.Random(13)
    for _ in range(500):
        text = "".join(rng.choice(words) + rng.choice(separators)
                       for _ in range(rng.randint(0, 30)))
        lang = rng.choice(["nl", "en"])
        stems = frozenset(t for w in rng.sample(words, 3) for t in word_terms(lang, w))
        limit = rng.choice([1, 3, 24])
        assert matching_spans(text, lang, stems, limit=limit) == \
            token_by_token(text, lang, stems, limit), text


def test_words_remembered_across_queries_and_after_starting_afresh(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The process remembers analysed words across queries with other stems,
    and starts afresh when it holds too many: the spans stay the reference's."""
    monkeypatch.setattr(highlight, "_ANALYSED", {})
    monkeypatch.setattr(highlight, "MAX_ANALYSED", 3)
    text = "fietsen langs het water, wateroverlast in de fietsstraat; water en fiets"
    for stems in ({"fiets"}, {"water"}, {"fiets", "overlast"}, {"straat"}, {"fiets"}):
        wanted = frozenset(t for s in stems for t in word_terms("nl", s))
        assert matching_spans(text, "nl", wanted) == token_by_token(text, "nl", wanted, 24)
    assert len(highlight._ANALYSED["nl"].words) <= 3 + len(set(WORD_RE.findall(text)))
