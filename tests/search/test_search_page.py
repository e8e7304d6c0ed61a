"""The search page ``/<lang>/search`` and the home page's search box, without JavaScript."""

from __future__ import annotations

import re
from html import unescape

import pytest

from tests.search.support import add, texts


@pytest.fixture
def site(app):
    made = [
        add(app, sector="culture", country="DE", start_date=f"20{10 + n}-01-01",
            translations=texts(en=(f"Harbour walk {n}", "A walk along the <b>harbour</b>.")))
        for n in range(3)
    ] + [add(app, sector="education", country="NL",
             translations=texts(nl=("Havenwandeling", "Een wandeling langs de harbour.")))]
    return made


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def links(html):
    return [unescape(href) for href in re.findall(r'href="([^"]+)"', html)]


def test_the_home_page_has_a_search_box(client):
    html = page(client, "/en/")
    assert 'role="search"' in html and 'action="/en/search"' in html and 'name="q"' in html


def test_results_with_highlights_count_and_search_box(client, site):
    html = page(client, "/en/search?q=harbour")
    assert 'value="harbour"' in html
    assert "4 practices found" in html
    assert "<mark>harbour</mark>" in html
    assert "&lt;b&gt;<mark>harbour</mark>&lt;/b&gt;" in html  # text, escaped, not markup
    assert "<b>harbour" not in html
    assert f'href="/en/items/{site[0]}"' in html


def test_the_page_is_in_the_readers_language(client, site):
    html = page(client, "/nl/search?q=harbour")
    assert "4 praktijken gevonden" in html or "practices found" in html
    assert '<html lang="nl">' in html
    assert 'href="/nl/items/' in html


def test_facet_links_add_a_filter_and_active_filters_remove_it(client, site):
    html = page(client, "/en/search?q=harbour")
    add_culture = next(link for link in links(html) if "sector=culture" in link)
    assert add_culture.startswith("/en/search?") and "q=harbour" in add_culture
    filtered = page(client, add_culture)
    assert "3 practices found" in filtered
    assert 'class="active-filters"' in filtered
    remove = [link for link in links(filtered) if "sector=culture" not in link
              and link.startswith("/en/search?q=harbour")]
    assert remove, "an active filter must link to the page without it"
    assert "4 practices found" in page(client, remove[0])
    both = page(client, add_culture + "&sector=education")
    assert "4 practices found" in both  # values of one facet OR


def test_sort_links_and_pagination(client, app):
    for n in range(25):
        add(app, start_date=f"2000-01-{n + 1:02d}",
            translations=texts(en=(f"Pier {n:02d}", "A pier.")))
    html = page(client, "/en/search?q=pier")
    assert "25 practices found" in html
    assert '/en/search?q=pier&amp;page=2' in html and 'rel="next"' in html
    second = page(client, "/en/search?q=pier&page=2")
    assert second.count('class="snippet"') == 5 and 'rel="prev"' in second
    assert '/en/search?q=pier&amp;sort=title' in html
    by_title = page(client, "/en/search?q=pier&sort=title")
    assert by_title.index("Pier 00") < by_title.index("Pier 01") < by_title.index("Pier 19")


def test_a_corrected_query_says_so_and_links_to_the_words_as_typed(client, site):
    html = page(client, "/en/search?q=harbuor")
    assert "Showing results for" in html
    assert '<a href="/en/search?q=harbour"><strong>harbour</strong></a>' in html
    assert '<a href="/en/search?q=harbuor&amp;correct=false">harbuor</a>' in html
    as_typed = page(client, "/en/search?q=harbuor&correct=false")
    assert "0 practices found" in as_typed and "Showing results for" not in as_typed


def test_no_results_message(client, site):
    html = page(client, "/en/search?q=zeppelin")
    assert "0 practices found" in html
    assert "No practices match your search" in html


def test_without_a_query_the_page_lists_the_newest(client, site):
    html = page(client, "/en/search")
    assert "4 practices found" in html
    assert html.index("Harbour walk 2") < html.index("Harbour walk 0")


def test_bad_parameters_show_a_message_not_an_error_page(client, site):
    response = client.get("/en/search?q=harbour&page=zero&sort=random")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "not valid" in html and 'value="harbour"' in html


def test_hostile_input_on_the_page(client, site):
    for query in ('"<script>', "((", "title:x", "x" * 5000, "\x00"):
        response = client.get("/en/search", query_string={"q": query})
        assert response.status_code == 200
        assert "<script>" not in response.get_data(as_text=True).split("<main", 1)[1]
