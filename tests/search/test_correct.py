"""Typos: a query that finds nothing runs corrected at once, from published words only."""

from __future__ import annotations

from kennisbank.search.correct import corrected_text, edit_distance, max_distance
from tests.search.support import add, find, ids, texts, update


def test_a_misspelled_word_is_corrected_and_the_corrected_query_runs(app, client):
    item = add(app, translations=texts(nl=("Wateroverlast", "Gemeenten werken aan wateroverlast.")))
    result = find(client, "wateroverlsat")
    assert ids(result) == [item]
    assert result["query"] == "wateroverlast"
    assert result["corrected_from"] == "wateroverlsat"


def test_the_original_query_stays_reachable(app, client):
    add(app, translations=texts(nl=("Wateroverlast", "Gemeenten werken aan wateroverlast.")))
    result = find(client, "wateroverlsat", correct="false")
    assert result["total"] == 0
    assert result["corrected_from"] is None
    assert result["query"] == "wateroverlsat"


def test_the_correction_is_a_word_not_a_stem(app, client):
    add(app, translations=texts(nl=("Gemeenten", "De gemeenten delen kennis.")))
    assert find(client, "gemeentne")["query"] == "gemeenten"


def test_a_swap_of_two_letters_is_one_edit(app, client):
    item = add(app, translations=texts(en=("Bicycle parking", "A bicycle parking at the station.")))
    result = find(client, "bycicle", lang="en")
    assert ids(result) == [item]
    assert result["corrected_from"] == "bycicle"


def test_only_the_unmatched_words_change_and_accents_are_folded(app, client):
    add(app, translations=texts(en=("Culture in Pécs", "A festival of music in Pécs.")))
    result = find(client, "festivl pecs")
    assert result["query"] == "festival pecs"
    assert result["total"] == 1


def test_a_word_that_matched_is_never_swapped_for_another_form(app, client):
    add(app, translations=texts(nl=("Klimaatadaptatie", "Klimaatadaptatie in de wijk.")))
    result = find(client, "klimaat adaptatie")
    assert result["corrected_from"] is None
    assert result["suggestion"] is None
    assert result["total"] == 1


def test_a_correction_never_mixes_languages(app, client):
    add(app, translations=texts(en=("Adaptation", "Climate adaptation plans.")))
    add(app, translations=texts(nl=("Klimaatplannen", "Een plan voor het klimaat, adaptatief.")))
    result = find(client, "klimaat adaptatoin")
    corrected = result["query"].split()
    assert corrected[0] == "klimaat"
    assert corrected[1] != "adaptation"


def test_tags_and_field_values_are_in_the_vocabulary(app, client):
    item = add(app, tags=["buurtbemiddeling"],
               translations=texts(nl=("Buren helpen elkaar", "Conflicten oplossen.")))
    result = find(client, "buurtbemidelling")
    assert ids(result) == [item]


def test_no_correction_when_the_query_finds_something(app, client):
    for number in range(3):
        add(app, translations=texts(en=(f"Harbour {number}", "A harbour walk.")))
    result = find(client, "harbour")
    assert result["corrected_from"] is None and result["suggestion"] is None


def test_no_correction_when_nothing_is_close(app, client):
    add(app, translations=texts(en=("Harbour", "A harbour walk.")))
    result = find(client, "xylophone")
    assert result["total"] == 0 and result["corrected_from"] is None
    assert find(client, "")["suggestion"] is None


def test_words_of_unpublished_items_are_never_used(app, client, make_user):
    add(app, status="draft", translations=texts(en=("Zeppelin", "A zeppelin hangar.")))
    add(app, translations=texts(en=("Zeppelin", "Published.")))
    result = find(client, "hangr")
    assert result["total"] == 0 and result["query"] == "hangr"
    assert find(client, "zepelin")["query"] == "zeppelin"


def test_a_word_of_an_item_that_was_unpublished_is_no_longer_used(app, client, make_user):
    item = add(app, translations=texts(en=("Lighthouse", "Keeper.")))
    assert find(client, "lighthuose")["query"] == "lighthouse"
    update(app, item, status="archived", translations=texts(en=("Lighthouse", "Keeper.")))
    assert find(client, "lighthuose")["query"] == "lighthuose"


def test_edit_distance_counts_a_swap_once():
    assert edit_distance("fiets", "fiest") == 1
    assert edit_distance("bycicle", "bicycle") == 2
    assert edit_distance("", "abc") == 3
    assert edit_distance("kitten", "sitting") == 3


def test_the_allowed_distance_grows_with_the_word():
    assert max_distance("fie") == 0
    assert max_distance("fiets") == 1
    assert max_distance("wateroverlast") == 2


def test_the_corrected_text_keeps_the_syntax():
    assert corrected_text('"bycicle" parking -auto', {"bycicle": "bicycle"}) == \
        '"bicycle" parking -auto'
    assert corrected_text("e-bike bike", {"bike": "bikes"}) == "e-bike bikes"
