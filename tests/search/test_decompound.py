"""Dutch compound splitting against the real wordfreq word list."""

from __future__ import annotations

import pytest

from kennisbank.search.decompound import (
    compound_parts,
    fold_accents,
    split_compound,
    word_zipf,
)


@pytest.mark.parametrize(
    ("word", "parts"),
    [
        ("klimaatadaptatie", ["klimaat", "adaptatie"]),
        ("fietsbeleid", ["fiets", "beleid"]),
        ("fietspaden", ["fiets", "paden"]),
        ("warmtenet", ["warmte", "net"]),
        ("jongerenwerk", ["jongeren", "werk"]),
        ("woningbouw", ["woning", "bouw"]),
        ("buurthuis", ["buurt", "huis"]),
        ("energiecoöperatie", ["energie", "coöperatie"]),
        ("stadsbestuur", ["stad", "bestuur"]),
        ("gemeenteraad", ["gemeente", "raad"]),
        ("armoedebestrijding", ["armoede", "bestrijding"]),
    ],
)
def test_splits_compounds(word: str, parts: list[str]) -> None:
    assert split_compound(word) == parts


@pytest.mark.parametrize(
    "word",
    [
        "beleid",
        "onderwijs",
        "gemeente",
        "adaptatie",
        "duurzaamheid",
        "verenigingen",
        "bestuur",
        "verkeer",
        "onderzoek",
        "planten",
        "bestaand",
        "exporteert",
        "deventer",
    ],
)
def test_leaves_non_compounds_whole(word: str) -> None:
    assert split_compound(word) == []


def test_splits_into_three_parts_but_not_lexicalised_parts() -> None:
    assert split_compound("fietsbeleidsplan") == ["fiets", "beleid", "plan"]
    # "bestuur" could be read as best + uur; inside a compound it stays whole too.
    assert split_compound("stichtingsbestuur") == ["stichting", "bestuur"]
    # stand + aard + pakket has the higher mean, but "standaard" is one word.
    assert split_compound("standaardpakket") == ["standaard", "pakket"]
    assert split_compound("leeftijdgenoten") == ["leeftijd", "genoten"]


def test_input_is_lowercased_and_normalised() -> None:
    assert split_compound("Fietsbeleid") == ["fiets", "beleid"]
    decomposed = "energiecoo\u0308peratie"
    assert split_compound(decomposed) == ["energie", "coöperatie"]


def test_text_typed_without_diacritics_still_splits() -> None:
    assert split_compound("energiecooperatie") == ["energie", "cooperatie"]


@pytest.mark.parametrize("word", ["", "fiets", "2030", "fiets2030beleid", "a" * 200])
def test_short_long_and_non_alphabetic_words_are_not_split(word: str) -> None:
    assert split_compound(word) == []


def test_result_is_a_fresh_list_each_time() -> None:
    parts = split_compound("woningbouw")
    parts.append("kapot")
    assert split_compound("woningbouw") == ["woning", "bouw"]
    assert compound_parts("woningbouw") == ("woning", "bouw")


def test_fold_accents() -> None:
    assert fold_accents("Pécs") == "Pecs"
    assert fold_accents("Lüneburg") == "Luneburg"
    assert fold_accents("coöperatie") == "cooperatie"
    assert fold_accents("Łódź") == "Lodz"
    assert fold_accents("straße") == "strasse"
    assert fold_accents("plain") == "plain"


def test_word_zipf_knows_common_words_and_not_nonsense() -> None:
    assert word_zipf("gemeente") > 5
    assert word_zipf("xqzvbrt") == 0.0


@pytest.mark.parametrize(
    ("word", "parts"),
    [
        # "Lingen" is a town: the plural alone reads fietsen|stal|lingen.
        ("fietsenstallingen", ["fietsen", "stallingen"]),
        # Too common to beat its parts, but its singular splits.
        ("zonnepanelen", ["zonne", "panelen"]),
        ("kerncentrales", ["kern", "centrales"]),
        ("natuurwetenschappen", ["natuur", "wetenschappen"]),
        ("waterstanden", ["water", "standen"]),
        ("gemeenteraden", ["gemeente", "raden"]),
        ("doelstellingen", ["doel", "stellingen"]),
        ("bewonersinitiatieven", ["bewoners", "initiatieven"]),
    ],
)
def test_inflected_compounds_split_as_their_base(word: str, parts: list[str]) -> None:
    assert split_compound(word) == parts


@pytest.mark.parametrize(
    "word",
    [
        "stallingen",  # plural of the simple word "stalling", not stal + lingen
        "kantoren",  # kantoor, not kant + oren
        "planeten",
        "leeftijden",
        "luchthavens",  # "luchthaven" stays whole, so does its plural
        "combineren",  # a verb: "combineer" is its stem, not a singular
        "waarschuwen",
    ],
)
def test_plurals_of_simple_words_and_verbs_stay_whole(word: str) -> None:
    assert split_compound(word) == []


def test_pronominal_adverbs_are_never_parts() -> None:
    assert "erop" not in split_compound("kinderopvang")
    assert split_compound("vingerafdrukken") == ["vinger", "afdrukken"]
    assert split_compound("daaropvolgende") == []
