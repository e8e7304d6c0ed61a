"""ver- derivations of adjectives and their base."""

from __future__ import annotations

import pytest

from kennisbank.search.derivation import base_forms


@pytest.mark.parametrize(
    ("word", "base"),
    [
        ("verduurzamen", "duurzaam"),
        ("verduurzaming", "duurzaam"),
        ("verduurzamingen", "duurzaam"),
        ("verduurzaamd", "duurzaam"),
        ("verduidelijken", "duidelijk"),
        ("vereenvoudigen", "eenvoudig"),
        ("vereenvoudigde", "eenvoudig"),
        ("verstedelijking", "stedelijk"),
        ("verzelfstandiging", "zelfstandig"),
        ("vergroenen", "groen"),
        ("vergroening", "groen"),
        ("versterken", "sterk"),
        ("verbeteren", "beter"),
        ("verbeteringen", "beter"),
        ("vernieuwen", "nieuw"),
        ("vernieuwde", "nieuw"),
        ("vergroten", "groot"),  # vowel doubling
        ("vergroot", "groot"),
        ("verbreden", "breed"),
        ("versnellen", "snel"),  # consonant undoubling
        ("vergrijzing", "grijs"),  # z -> s
        ("verzuring", "zuur"),
    ],
)
def test_derivations_of_adjectives_give_their_base(word: str, base: str) -> None:
    assert base_forms(word) == (base,)


@pytest.mark.parametrize(
    "word",
    [
        # ver- + a verb or noun, with a meaning of its own.
        "verkeer",
        "verhaal",
        "verhalen",
        "verband",
        "verslag",
        "verzoek",
        "vervoer",
        "verlies",
        "verkopen",
        "vertrouwen",
        "verwijderen",
        # ver- + an adjective, but lexicalised: not "make more so".
        "verlaten",  # laat
        "verzekering",  # zeker
        "vergoeding",  # goed
        "verlangen",  # lang
        "verliefd",  # lief
        "vervelen",  # veel
        # -ig and -lijk that are no adjective suffix here, or no adjective.
        "vereniging",  # enig
        "vergelijken",  # gelijk
        "vertegenwoordiging",  # tegenwoordig: mostly "nowadays"
        # Not ver- derivations at all.
        "duurzaam",
        "ver",
        "vermogen",
        "versie",
        "ververs",
        "ver3",
    ],
)
def test_other_words_have_no_base(word: str) -> None:
    assert base_forms(word) == ()

