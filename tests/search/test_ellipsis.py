"""Elliptic coordination: the completions a hyphen stands for."""

from __future__ import annotations

import pytest

from kennisbank.search.analysis import WORD_RE
from kennisbank.search.ellipsis import completions


def complete(text: str) -> dict[str, tuple[str, ...]]:
    """Completions keyed by the word they go with, for readable assertions."""
    words = WORD_RE.findall(text)
    return {words[index]: found for index, found in completions(text, WORD_RE).items()}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Cut where the decompounder cuts the full word; its other parts too.
        ("zon- en windenergie", {"zon": ("zonenergie", "energie")}),
        ("zon- of windenergie", {"zon": ("zonenergie", "energie")}),
        ("fiets- en/of wandelpaden", {"fiets": ("fietspaden", "paden")}),
        ("stads- en dorpsvernieuwing", {"stads": ("stadsvernieuwing", "vernieuwing")}),
        ("Zon- en Windenergie", {"Zon": ("zonenergie", "energie")}),
        # The decompounder leaves the full word whole: a known-word prefix.
        ("dak- en thuisloosheid", {"dak": ("dakloosheid",)}),
        ("groot- en kleinschalig", {"groot": ("grootschalig",)}),
        # Lists.
        ("zon-, wind- en waterenergie",
         {"zon": ("zonenergie", "energie"), "wind": ("windenergie", "energie")}),
        # The mirror image.
        ("energieopwekking en -besparing", {"besparing": ("energiebesparing", "energie")}),
        ("energieopwekking, -opslag en -besparing",
         {"opslag": ("energieopslag", "energie"), "besparing": ("energiebesparing", "energie")}),
        # A phrase as the shared part.
        ("basis- en voortgezet onderwijs", {"basis": ("basisonderwijs", "onderwijs")}),
        # A stop word has no position: its completion goes with the full word.
        ("voor- en nadelen", {"nadelen": ("voordelen",)}),
        ("in- en uitvoer", {"uitvoer": ("invoer",)}),
    ],
)
def test_completions(text: str, expected: dict[str, tuple[str, ...]]) -> None:
    assert complete(text) == expected


def test_completions_are_keyed_by_word_index() -> None:
    assert completions("Wij willen zon- en windenergie.", WORD_RE) == {
        2: ("zonenergie", "energie")
    }


@pytest.mark.parametrize(
    "text",
    [
        "",
        "geen streepje hier",
        "e-mail en telefoon",
        "Noord-Holland en Zuid-Holland",
        "het plan - en dat is nieuw - werkt",
        "energie -besparing",  # no separator between the two
        "2020- en 2021",
        "zon-en windenergie",  # a hyphen between two words joins them
        "zon- en",  # nothing to complete with
        "- een lijstje\n- van punten",
    ],
)
def test_no_ellipsis(text: str) -> None:
    assert completions(text, WORD_RE) == {}
