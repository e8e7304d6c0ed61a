"""Related practices: more like this, visible ones only, never the item itself."""

from __future__ import annotations

from tests.search.support import add, texts

HERONS = "Herons nest in the wetland reserve; volunteers count the herons every spring."


def related(client, item_id, **params):
    response = client.get(f"/api/v1/items/{item_id}/related", query_string=params)
    assert response.status_code == 200
    return response.get_json()["results"]


def test_the_most_similar_item_comes_first_and_the_item_itself_never(app, client):
    item = add(app, translations=texts(en=("Heron count", HERONS)))
    twin = add(app, translations=texts(en=("Wetland herons", "Volunteers count herons "
                                                               "in the wetland.")))
    loose = add(app, translations=texts(en=("Spring fair", "A fair every spring.")))
    add(app, translations=texts(en=("Tax office", "Opening hours of the tax office.")))
    found = [hit["id"] for hit in related(client, item)]
    assert found[0] == twin and loose in found and item not in found
    assert len(found) == 2


def test_related_works_across_the_items_languages(app, client):
    item = add(app, translations=texts(nl=("Reigers tellen", "Vrijwilligers tellen reigers "
                                                             "in het moeras.")))
    english = add(app, translations=texts(en=("Herons", HERONS)))
    dutch = add(app, translations=texts(nl=("Moeras", "Reigers broeden in het moeras.")))
    found = related(client, item, lang="en")
    assert [hit["id"] for hit in found] == [dutch]
    assert found[0]["url"] == f"/en/items/{dutch}"
    assert english


def test_result_shape_and_bad_language(app, client):
    item = add(app, translations=texts(en=("Herons", HERONS)))
    other = add(app, translations=texts(en=("More herons", HERONS)))
    (hit,) = related(client, item, lang="nl")
    assert hit["id"] == other and hit["lang"] == "en" and hit["url"].startswith("/nl/items/")
    response = client.get(f"/api/v1/items/{item}/related?lang=de")
    assert response.status_code == 400 and "lang" in response.get_json()["errors"]
