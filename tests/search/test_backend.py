"""What a reader finds: language analysis, query syntax, ranking, sort, pagination,
result fields and snippets, through the real app and the JSON API."""

from __future__ import annotations

import pytest

from kennisbank.content.service import commit, save_item
from kennisbank.extensions import db
from kennisbank.models import Item
from kennisbank.search.backend import SearchBackend
from kennisbank.search.service import current_search
from tests.conftest import item_data
from tests.search.support import add, exchange_app, find, ids, texts


@pytest.fixture
def corpus(app, monkeypatch):
    """A handful of practices, each about one thing (and no tags: they are searched too)."""
    monkeypatch.setattr("tests.search.support.item_data",
                        lambda **values: item_data(**{"tags": [], **values}))
    made = {
        "cycling": add(app, translations=texts(
            nl=("Fietsbeleid in Deventer", "De stad legt nieuwe fietspaden aan."),
            en=("Cycling policy", "The city builds cycle paths along the river."))),
        "climate": add(app, translations=texts(
            nl=("Klimaatadaptatie in de wijk", "Groene daken houden regenwater vast."))),
        "pecs": add(app, city="Pécs", country="HU", translations=texts(
            en=("Culture in Pécs", "A festival in the old town of Pécs."))),
        "luneburg": add(app, city="Lüneburg", country="DE", translations=texts(
            nl=("Samenwerking met Lüneburg", "Scholen wisselen leerlingen uit."))),
        "streets": add(app, translations=texts(
            en=("Bicycle streets", "Cars are guests on bicycle streets in the centre."))),
        "scattered": add(app, translations=texts(
            en=("Parking rules", "Streets were narrowed; the bicycle came later."))),
    }
    return made


def test_the_service_is_registered_with_a_backend_that_fits_the_protocol(app):
    service = app.extensions["kennisbank.search"]
    assert callable(service.drain)
    assert isinstance(service.backend, SearchBackend)


def test_dutch_stemming(client, corpus):
    assert corpus["cycling"] in ids(find(client, "fietspad"))
    assert corpus["climate"] in ids(find(client, "daak"))  # daken -> daak
    assert corpus["luneburg"] in ids(find(client, "leerling"))


def test_english_stemming(client, corpus):
    assert corpus["cycling"] in ids(find(client, "rivers"))
    assert corpus["cycling"] in ids(find(client, "building"))
    assert corpus["streets"] in ids(find(client, "guest"))


def test_dutch_compounds_are_found_by_their_parts(client, corpus):
    assert ids(find(client, "klimaat", translate="false")) == [corpus["climate"]]
    found = ids(find(client, "fiets", translate="false"))
    assert corpus["cycling"] in found  # fietsbeleid and fietspaden
    assert corpus["streets"] not in found  # English text is not split


def test_accent_folding_both_ways(client, corpus):
    assert ids(find(client, "Pecs")) == [corpus["pecs"]]
    assert ids(find(client, "Luneburg")) == [corpus["luneburg"]]
    assert ids(find(client, "Lüneburg")) == [corpus["luneburg"]]


def test_phrases_need_the_words_in_order(client, corpus):
    found = find(client, "bicycle streets", translate="false")
    assert set(ids(found)) == {corpus["streets"], corpus["scattered"]}
    assert ids(found)[0] == corpus["streets"]  # the words side by side rank first
    assert ids(find(client, '"bicycle streets"', translate="false")) == [corpus["streets"]]


def test_words_are_anded_and_minus_excludes(client, corpus):
    both = find(client, "bicycle centre", translate="false")
    assert ids(both)[0] == corpus["streets"]
    # Matching every word found too little: items with most of them follow, marked.
    assert both["loosened"] is True
    assert [hit["missing"] for hit in both["results"]] == [[], ["centre"]]
    assert ids(find(client, "bicycle -parking", translate="false")) == [corpus["streets"]]
    assert ids(find(client, 'bicycle -"parking rules"', translate="false")) == \
        [corpus["streets"]]


def test_or_gives_either(client, corpus):
    assert set(ids(find(client, "klimaat OR festival"))) == {corpus["climate"], corpus["pecs"]}


def test_a_query_runs_in_both_languages(client, corpus):
    both = set(ids(find(client, "fietsbeleid OR bicycle")))
    assert {corpus["cycling"], corpus["streets"], corpus["scattered"]} <= both


def test_titles_weigh_more_than_bodies(app, client):
    body = add(app, translations=texts(en=("Parks", "A note on heritage and parks.")))
    title = add(app, translations=texts(en=("Heritage", "A note on parks.")))
    assert ids(find(client, "heritage"))[:2] == [title, body]


def test_searchable_type_fields_extra_text_and_keywords_are_indexed(tmp_path):
    app = exchange_app(tmp_path)
    client = app.test_client()
    item = add(app, type="school_visit", sector="education", tags=["Groene schoolpleinen"],
               fields={"visit_level": "mbo", "visit_host": "Stedelijk Lyceum"},
               translations=texts(nl=("Uitwisseling", "Leerlingen gaan naar Gent.")))
    practice = add(app, translations=texts(nl=("Praktijk", "Iets anders."),
                                            challenge="Waterbeheer langs de IJssel"))
    assert ids(find(client, "lyceum")) == [item]  # a shared searchable field of the type
    assert ids(find(client, "erasmusplus")) == [item]  # extra_text from the hook
    assert ids(find(client, "mobiliteit")) == [item]  # keyword from the hook
    assert ids(find(client, '"groene schoolpleinen"')) == [item]  # tags are keywords
    assert ids(find(client, "waterbeheer")) == [practice]  # a practice field


def test_each_hit_has_the_documented_fields(app, client, corpus):
    hit = find(client, "fietsbeleid", lang="en")["results"][0]
    assert set(hit) == {"id", "external_id", "type", "title", "summary", "lang", "languages",
                        "sector", "country", "city", "url", "score", "highlights", "found_in",
                        "found_via", "missing"}
    assert hit["found_in"] == [] and hit["found_via"] == [] and hit["missing"] == []
    assert hit["id"] == corpus["cycling"] and hit["type"] == "practice"
    assert hit["title"] == "Cycling policy" and hit["lang"] == "en"
    assert hit["languages"] == ["en", "nl"]
    assert hit["url"] == f"/en/items/{corpus['cycling']}"
    assert hit["score"] > 0
    with app.app_context():
        assert hit["external_id"] == db.session.get(Item, hit["id"]).external_id


def test_fallback_language_shows_the_translation_the_item_has(client, corpus):
    only_dutch = find(client, "klimaat", lang="en")["results"][0]
    assert only_dutch["lang"] == "nl" and only_dutch["title"] == "Klimaatadaptatie in de wijk"
    only_english = find(client, "festival", lang="nl")["results"][0]
    assert only_english["lang"] == "en" and only_english["title"] == "Culture in Pécs"
    both = find(client, "fietsbeleid", lang="nl")["results"][0]
    assert both["lang"] == "nl" and both["title"] == "Fietsbeleid in Deventer"


def test_highlights_mark_matches_and_escape_the_rest(app, client):
    add(app, translations=texts(en=("Markup", "Use <script>alert(1)</script> near the harbour.")))
    hit = find(client, "harbour")["results"][0]
    assert hit["highlights"] == ["Use &lt;script&gt;alert(1)&lt;/script&gt; near the "
                                 "<mark>harbour</mark>."]


def test_highlights_mark_the_whole_compound_and_come_from_the_matched_language(client, corpus):
    hit = find(client, "fiets", lang="en", translate="false")["results"][0]
    assert hit["lang"] == "en"  # shown in English, but only the Dutch text matched
    assert hit["highlights"] == ["De stad legt nieuwe <mark>fietspaden</mark> aan."]


def test_long_bodies_give_short_fragments(app, client):
    body = " ".join(["filler"] * 400 + ["lighthouse"] + ["filler"] * 400)
    add(app, translations=texts(en=("Long", body)))
    (fragment,) = find(client, "lighthouse")["results"][0]["highlights"]
    assert "<mark>lighthouse</mark>" in fragment and len(fragment) < 300
    assert fragment.startswith("\u2026") and fragment.endswith("\u2026")


def test_sort_newest_is_the_default_without_a_query(app, client):
    old = add(app, start_date="2015-05-01")
    new = add(app, start_date="2023-05-01")
    undated = add(app, start_date=None)
    result = find(client)
    assert result["sort"] == "newest" and ids(result) == [new, old, undated]


def test_sort_by_title_uses_the_readers_language(app, client):
    b = add(app, translations=texts(nl=("Appel", "x"), en=("Zebra", "x")))
    a = add(app, translations=texts(nl=("Zon", "x"), en=("Apple", "x")))
    assert ids(find(client, sort="title", lang="en")) == [a, b]
    assert ids(find(client, sort="title", lang="nl")) == [b, a]


def test_relevance_is_the_default_with_a_query(app, client, corpus):
    result = find(client, "bicycle")
    scores = [hit["score"] for hit in result["results"]]
    assert result["sort"] == "relevance" and scores == sorted(scores, reverse=True)
    newest = find(client, "bicycle", sort="newest")
    assert newest["sort"] == "newest" and all(hit["score"] is None for hit in newest["results"])


def test_pagination(app, client):
    made = [add(app, start_date=f"20{10 + n}-01-01") for n in range(7)]
    first = find(client, per_page=3)
    assert first["total"] == 7 and first["page"] == 1 and first["per_page"] == 3
    pages = [ids(find(client, per_page=3, page=p)) for p in (1, 2, 3)]
    assert [len(p) for p in pages] == [3, 3, 1]
    assert sum(pages, []) == list(reversed(made))
    assert find(client, per_page=3, page=4)["results"] == []
    assert find(client)["per_page"] == 20


def test_an_edit_is_searchable_at_once_and_the_old_text_is_gone(app, client):
    item_id = add(app, translations=texts(en=("Lanterns", "Old text.")))
    with app.app_context():
        item = db.session.get(Item, item_id)
        save_item(item_data(translations=texts(en=("Beacons", "New text."))), user=None,
                  item=item)
        commit()
    assert ids(find(client, "beacons")) == [item_id]
    assert find(client, "lanterns")["total"] == 0


def test_deleted_items_leave_the_index(app, client):
    from kennisbank.content.service import delete_item

    item_id = add(app, translations=texts(en=("Windmills", "Text.")))
    with app.app_context():
        delete_item(db.session.get(Item, item_id))
        commit()
        assert current_search().backend.count() == 0
    assert find(client, "windmills")["total"] == 0


def test_an_index_analysed_another_way_is_reported_outdated(app, monkeypatch):
    from kennisbank.search.service import _make_backend

    add(app)
    with app.app_context():
        assert current_search().backend.schema_outdated() is False
        monkeypatch.setattr("kennisbank.search.schema.ANALYSIS_VERSION", "next")
        monkeypatch.setattr("kennisbank.search.pg_document.ANALYSIS_VERSION", "next")
        assert _make_backend(app).schema_outdated() is True
