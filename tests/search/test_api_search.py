"""``GET /api/v1/search``: the response shape, 400s for bad parameters, and
hostile input read as plain words, never a 500 and never expensive."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.search.support import add, find, ids, texts

HOSTILE = [
    '"unbalanced quote', 'harbour"', "((harbour", "harbour))", "[harbour", "{harbour}",
    "AND", "OR", "NOT", "-", "--", "- -", "OR harbour OR", "harbour AND OR NOT",
    "*", "*arbour", "harb*", "h?rbour", "title:harbour", "body_en:harbour", "id:1",
    "status:draft", "harbour^100", "harbour~2", "[a TO z]", "\\", "\\\\\\", "'", ";--",
    "<script>alert(1)</script>", "x" * 5000, "harbour " * 2000, "\x00harbour", "\x1b[31m",
    "\u202eharbour", "\ufeff", "😀 harbour", "ﬁsh", "'; DROP TABLE items; --",
    "%", "%00", "+harbour +walk", "!harbour", "harbour\nwalk\r\t",
]


@pytest.fixture
def harbour(app):
    return add(app, translations=texts(en=("Harbour walk", "A walk along the old harbour.")))


def test_response_shape(client, harbour):
    result = find(client, "harbour", lang="en")
    assert set(result) == {"total", "page", "per_page", "sort", "results", "facets",
                           "suggestion", "estimated", "query", "corrected_from", "loosened",
                           "translate", "expansion"}
    assert result["estimated"] is False and result["loosened"] is False
    assert result["query"] == "harbour" and result["corrected_from"] is None
    assert result["translate"] is True
    assert result["total"] == 1 and result["page"] == 1 and result["per_page"] == 20
    entry = result["facets"]["sector"][0]
    assert set(entry) >= {"value", "label", "count"}
    assert {"type", "sector", "theme", "country", "city", "language", "year"} <= set(
        result["facets"])


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_are_read_as_plain_words(client, harbour, query):
    response = client.get("/api/v1/search", query_string={"q": query})
    assert response.status_code == 200 and response.is_json
    assert isinstance(response.get_json()["total"], int)


def test_syntax_is_not_offered_to_readers(client, harbour):
    assert find(client, "harbour")["total"] == 1
    assert find(client, "harb*")["total"] == 0  # no prefix query
    assert find(client, "*arbour")["total"] == 0  # no wildcard query
    field_syntax = find(client, "title:harbour")  # "title" is a word here, found nowhere
    assert field_syntax["loosened"] is True
    assert [hit["missing"] for hit in field_syntax["results"]] == [["title"]]
    assert find(client, '"harbour walk')["total"] == 1  # the stray quote is ignored
    assert find(client, "((harbour))")["total"] == 1


def test_lone_surrogates_and_bad_encoding_in_the_url(client, harbour):
    for raw in ("q=%ED%A0%80", "q=%FF%FE", "q=harbour%00", "q=%"):
        response = client.get(f"/api/v1/search?{raw}")
        assert response.status_code == 200, raw


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=300))
def test_any_text_gives_an_answer(client, harbour, text):
    response = client.get("/api/v1/search", query_string={"q": text})
    assert response.status_code == 200


@pytest.mark.parametrize(("params", "field"), [
    ({"page": "0"}, "page"), ({"page": "-1"}, "page"), ({"page": "abc"}, "page"),
    ({"page": "1.5"}, "page"), ({"page": "99999999999999999999"}, "page"),
    ({"page": "٣"}, "page"), ({"per_page": "0"}, "per_page"), ({"per_page": "101"}, "per_page"),
    ({"sort": "random"}, "sort"), ({"lang": "de"}, "lang"),
    ({"sector": [f"s{n}" for n in range(51)]}, "sector"), ({"city": "y" * 201}, "city"),
    ({"sector": "muni\x00cipality"}, "sector"),
])
def test_bad_parameters_are_a_400_with_a_json_error(client, harbour, params, field):
    response = client.get("/api/v1/search", query_string=params)
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] and field in body["errors"]


def test_good_edge_parameters(client, harbour):
    assert find(client, "harbour", per_page=100, page=1)["total"] == 1
    assert find(client, "harbour", page=10000)["results"] == []
    assert ids(find(client, "harbour", sort="title", lang="nl")) == [harbour]


def test_answers_are_not_cached_by_shared_caches(client, harbour):
    response = client.get("/api/v1/search?q=harbour")
    assert response.headers["Cache-Control"] == "no-store"
