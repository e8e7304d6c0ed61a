"""Facets: every facet, labels in the reader's language, and the filter rules:
values of one facet OR, different facets AND, counts over the whole result set."""

from __future__ import annotations

import pytest

from tests.search.support import add, counts, exchange_app, find, ids, texts


@pytest.fixture
def setup(tmp_path):
    app = exchange_app(tmp_path)
    made = {
        "deventer": add(app, sector="municipality", country="NL", city="Deventer",
                        themes=["sdg11", "sdg13"], start_date="2021-03-01",
                        translations=texts(nl=("Groen", "Park"), en=("Green", "Park"))),
        "pecs": add(app, sector="culture", country="HU", city="Pécs", themes=["sdg11"],
                    start_date="2019-06-01", translations=texts(en=("Festival", "Park"))),
        "munster": add(app, sector="education", country="DE", city="Münster",
                       themes=["sdg4"], start_date="2021-09-01",
                       translations=texts(nl=("School", "Park"))),
        "visit": add(app, type="school_visit", sector="education", country="DE",
                     city="Münster", themes=["sdg4", "sdg13"], start_date=None,
                     fields={"visit_level": "mbo", "visit_subjects": ["art", "tech"]},
                     translations=texts(nl=("Bezoek", "Park"))),
    }
    return app, app.test_client(), made


def test_every_facet_is_counted_over_all_results(setup):
    _, client, made = setup
    result = find(client, "park", per_page=1)
    assert result["total"] == 4 and len(result["results"]) == 1
    assert counts(result, "type") == {"practice": 3, "school_visit": 1}
    assert counts(result, "sector") == {"education": 2, "municipality": 1, "culture": 1}
    assert counts(result, "theme") == {"sdg11": 2, "sdg13": 2, "sdg4": 2}
    assert counts(result, "country") == {"DE": 2, "NL": 1, "HU": 1}
    assert counts(result, "city") == {"Münster": 2, "Deventer": 1, "Pécs": 1}
    assert counts(result, "language") == {"nl": 3, "en": 2}
    assert counts(result, "year") == {"2021": 2, "2019": 1}
    assert counts(result, "visit_level") == {"mbo": 1}
    assert counts(result, "visit_subjects") == {"art": 1, "tech": 1}
    assert counts(result, "visit_funding") == {"erasmus": 1}


def test_counts_follow_the_query(setup):
    _, client, _ = setup
    result = find(client, "festival")
    assert counts(result, "sector") == {"culture": 1}
    assert counts(result, "country") == {"HU": 1}


def test_values_of_one_facet_are_ored(setup):
    _, client, made = setup
    result = find(client, "park", sector=["culture", "municipality"])
    assert set(ids(result)) == {made["pecs"], made["deventer"]} and result["total"] == 2
    themes = find(client, "park", theme=["sdg13", "sdg4"])
    assert set(ids(themes)) == {made["deventer"], made["munster"], made["visit"]}


def test_different_facets_are_anded(setup):
    _, client, made = setup
    assert ids(find(client, "park", sector="education", theme="sdg13")) == [made["visit"]]
    assert find(client, "park", sector="culture", country="DE")["total"] == 0


def test_a_filtered_facet_still_counts_its_other_values(setup):
    """So a reader can add a second value to OR with: the counts of a facet
    ignore that facet's own filter, and respect every other filter."""
    _, client, _ = setup
    result = find(client, "park", sector="education", country="DE")
    assert result["total"] == 2
    assert counts(result, "sector") == {"education": 2}  # country=DE still applies
    assert counts(result, "country") == {"DE": 2}  # sector=education still applies
    wider = find(client, "park", sector="education")
    assert counts(wider, "sector") == {"education": 2, "municipality": 1, "culture": 1}
    assert counts(wider, "city") == {"Münster": 2}


def test_selected_values_are_flagged_and_kept_even_without_results(setup):
    _, client, _ = setup
    result = find(client, "festival", sector=["culture", "business"], lang="en")
    entries = {e["value"]: e for e in result["facets"]["sector"]}
    assert entries["culture"]["selected"] and entries["culture"]["count"] == 1
    assert entries["business"] == {"value": "business", "label": "Business", "count": 0,
                                   "selected": True}
    assert not any(e["selected"] for e in result["facets"]["country"])


def test_filters_without_a_query_browse_the_collection(setup):
    _, client, made = setup
    result = find(client, visit_level="mbo")
    assert ids(result) == [made["visit"]]
    assert ids(find(client, visit_funding="erasmus")) == [made["visit"]]
    assert ids(find(client, year="2019")) == [made["pecs"]]
    assert set(ids(find(client, language="en"))) == {made["deventer"], made["pecs"]}
    assert find(client, city="Pecs")["total"] == 0  # facet values match exactly


@pytest.mark.parametrize(("lang", "expected"), [
    ("nl", {"sector": "Onderwijs", "country": "Duitsland", "theme": "Klimaatactie",
            "language": "Nederlands", "type": "Schoolbezoek",
            "visit_level": "Middelbaar beroepsonderwijs", "visit_subjects": "Kunst"}),
    ("en", {"sector": "Education", "country": "Germany", "theme": "Climate action",
            "language": "Dutch", "type": "School visit",
            "visit_level": "Vocational education", "visit_subjects": "Art"}),
])
def test_labels_are_in_the_readers_language(setup, lang, expected):
    _, client, _ = setup
    result = find(client, "park", lang=lang)
    values = {"sector": "education", "country": "DE", "theme": "sdg13", "language": "nl",
              "type": "school_visit", "visit_level": "mbo", "visit_subjects": "art"}
    for facet, value in values.items():
        labels = {e["value"]: e["label"] for e in result["facets"][facet]}
        assert labels[value] == expected[facet], facet


def test_unknown_filter_values_match_nothing_and_other_parameters_are_ignored(setup):
    _, client, _ = setup
    assert find(client, "park", sector="nonsense")["total"] == 0
    assert find(client, "park", utm_source="newsletter")["total"] == 4


def test_a_tag_is_a_facet_and_the_item_page_links_to_it(tmp_path):
    """A tag filters to exactly the items tagged so: not those that only use the
    word, nor those whose tag merely contains it; the item page links there."""
    app = exchange_app(tmp_path)
    tagged = add(app, tags=["fietsen", "dak- en thuisloosheid"],
                 translations=texts(nl=("Straten", "Auto te gast in de binnenstad.")))
    worded = add(app, tags=["mobiliteit"],
                 translations=texts(nl=("Fietsen", "Fietsen naar school.")))
    client = app.test_client()
    everything = find(client, "")
    assert counts(everything, "tag") == {"fietsen": 1, "dak- en thuisloosheid": 1,
                                         "mobiliteit": 1}
    assert ids(find(client, "", tag="fietsen")) == [tagged]
    assert ids(find(client, "", tag="dak- en thuisloosheid")) == [tagged]
    assert ids(find(client, "", tag="fiets")) == []
    assert sorted(ids(find(client, "fietsen"))) == sorted([tagged, worded])
    page = client.get(f"/nl/items/{tagged}").get_data(as_text=True)
    assert 'href="/nl/search?tag=fietsen"' in page
    search = client.get("/nl/search?tag=fietsen").get_data(as_text=True)
    assert "Trefwoord: fietsen" in search and "Straten" in search and "Fietsen naar" not in search
