"""Candidate base forms of inflected Dutch words."""

from __future__ import annotations

import pytest

from kennisbank.search.inflection import spellings, uninflected


@pytest.mark.parametrize(
    ("stem", "expected"),
    [
        ("strat", ("strat", "straat")),  # straten
        ("panel", ("panel", "paneel")),  # panelen
        ("budgett", ("budgett", "budget")),  # budgetten
        ("huiz", ("huiz", "huis")),  # huizen
        ("initiatiev", ("initiatiev", "initiatief")),  # initiatieven
        ("haz", ("haz", "has", "haas")),  # hazen
        ("project", ("project",)),  # projecten: a closed syllable
        ("route", ("route",)),
    ],
)
def test_spellings_undo_dutch_spelling_changes(stem: str, expected: tuple[str, ...]) -> None:
    assert spellings(stem) == expected


@pytest.mark.parametrize(
    ("word", "base"),
    [
        ("stallingen", "stalling"),
        ("straten", "straat"),
        ("kinderen", "kind"),
        ("gemeenten", "gemeente"),
        ("routes", "route"),
        ("bewoners", "bewoner"),
    ],
)
def test_uninflected_offers_the_base(word: str, base: str) -> None:
    assert base in uninflected(word)


def test_uninflected_leaves_other_words_alone() -> None:
    assert uninflected("fietsbeleid") == ()
    assert uninflected("stress") == ()  # no plural ends in -ss
    assert "duurzaam" not in uninflected("duurzame")  # adjectives are not undone
