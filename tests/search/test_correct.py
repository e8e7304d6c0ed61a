"""Did you mean: real words (not stems) from published content, only when a query finds little."""

from __future__ import annotations

from kennisbank.search.suggest import edit_distance
from tests.search.support import add, find, texts, update


def test_a_misspelled_word_is_corrected_to_a_real_word(app, client):
    add(app, translations=texts(nl=("Klimaatadaptatie", "Gemeenten werken aan klimaatadaptatie.")))
    result = find(client, "klimaatadaptatei")
    assert result["total"] == 0
    assert result["suggestion"] == "klimaatadaptatie"
    assert find(client, result["suggestion"])["total"] == 1


def test_the_suggestion_is_a_word_not_a_stem(app, client):
    add(app, translations=texts(nl=("Gemeenten", "De gemeenten delen kennis.")))
    assert find(client, "gemeentne")["suggestion"] == "gemeenten"


def test_only_the_wrong_words_change_and_accents_are_folded(app, client):
    add(app, translations=texts(en=("Culture in Pécs", "A festival of music in Pécs.")))
    assert find(client, "festivl pecs")["suggestion"] == "festival pecs"


def test_no_suggestion_when_the_query_finds_enough(app, client):
    for number in range(3):
        add(app, translations=texts(en=(f"Harbour {number}", "A harbour walk.")))
    assert find(client, "harbour")["suggestion"] is None


def test_no_suggestion_when_nothing_is_close(app, client):
    add(app, translations=texts(en=("Harbour", "A harbour walk.")))
    assert find(client, "xylophone")["suggestion"] is None
    assert find(client, "")["suggestion"] is None


def test_words_of_unpublished_items_are_never_suggested(app, client, make_user):
    add(app, status="draft", translations=texts(en=("Zeppelin", "A zeppelin hangar.")))
    add(app, translations=texts(en=("Zeppelin", "Published.")))
    assert find(client, "hangr")["suggestion"] is None
    assert find(client, "zepelin")["suggestion"] == "zeppelin"


def test_a_word_of_an_item_that_was_unpublished_is_no_longer_suggested(app, client, make_user):
    item = add(app, translations=texts(en=("Lighthouse", "Keeper.")))
    assert find(client, "lighthuose")["suggestion"] == "lighthouse"
    update(app, item, status="archived", translations=texts(en=("Lighthouse", "Keeper.")))
    assert find(client, "lighthuose")["suggestion"] is None


def test_edit_distance():
    assert edit_distance("fiets", "fiest") == 2
    assert edit_distance("", "abc") == 3
    assert edit_distance("kitten", "sitting") == 3
