"""Atom feeds: valid (feedparser finds nothing wrong), published items only, newest first."""

from __future__ import annotations

from datetime import UTC, datetime

import feedparser
import pytest
from flask import render_template_string

from kennisbank.extensions import db
from kennisbank.models import Item
from tests.conftest import item_data, login, make_app


def _item(make_item, title: str, **overrides):
    data = item_data(**overrides)
    data["translations"]["nl"]["title"] = f"{title} (nl)"
    data["translations"]["en"]["title"] = f"{title} (en)"
    return make_item(translations=data["translations"],
                     **{k: v for k, v in overrides.items() if k != "translations"})


def _published_at(app, item, when: datetime) -> None:
    with app.app_context():
        db.session.get(Item, item.id).published_at = when
        db.session.commit()


def _parse(response):
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    feed = feedparser.parse(response.data)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


@pytest.fixture
def items(app, make_item):
    """Three published practices (oldest first) and one of each other status."""
    made = {
        "old": _item(make_item, "Old"),
        "middle": _item(make_item, "Middle", sector="education"),
        "new": _item(make_item, "New kangoeroe"),
        "draft": _item(make_item, "Secret draft kangoeroe", status="draft"),
        "review": _item(make_item, "Secret review kangoeroe", status="review"),
        "archived": _item(make_item, "Secret archived kangoeroe", status="archived"),
    }
    for day, key in enumerate(("old", "middle", "new"), start=1):
        _published_at(app, made[key], datetime(2024, 3, day, 12, tzinfo=UTC))
    return made


def test_feed_lists_published_items_newest_first(client, items):
    feed = _parse(client.get("/en/feed.atom"))
    assert [entry.title for entry in feed.entries] == ["New kangoeroe (en)", "Middle (en)",
                                                      "Old (en)"]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_feed_is_complete_atom_in_its_language(client, items, lang):
    feed = _parse(client.get(f"/{lang}/feed.atom"))
    assert feed.version == "atom10"
    assert feed.feed.language == lang
    assert feed.feed.id == f"http://localhost/{lang}/feed.atom"
    assert feed.feed.title
    assert feed.feed.updated_parsed
    links = {link.rel: link.href for link in feed.feed.links}
    assert links == {"self": f"http://localhost/{lang}/feed.atom",
                     "alternate": f"http://localhost/{lang}/"}
    entry = feed.entries[0]
    assert entry.id == entry.link == f"http://localhost/{lang}/items/{items['new'].id}"
    assert entry.title == f"New kangoeroe ({lang})"
    assert entry.published_parsed[:3] == (2024, 3, 3)
    assert entry.updated_parsed
    assert entry.summary == item_data()["translations"][lang]["summary"]
    assert entry.author == "Deventer"
    assert entry.tags[0].term == "municipality"


def test_drafts_never_reach_a_feed_even_for_their_editors(app, client, items, make_user):
    login(client, make_user("admin"))
    for url, shown in (("/nl/feed.atom", 3), ("/nl/search.atom?q=kangoeroe", 1),
                       ("/en/search.atom", 3)):
        titles = [entry.title for entry in _parse(client.get(url)).entries]
        assert len(titles) == shown, url
        assert not any("Secret" in title for title in titles), url


def test_search_feed_follows_the_query_and_filters(client, items):
    by_words = _parse(client.get("/en/search.atom?q=kangoeroe"))
    assert [entry.title for entry in by_words.entries] == ["New kangoeroe (en)"]
    by_sector = _parse(client.get("/nl/search.atom?sector=education"))
    assert [entry.title for entry in by_sector.entries] == ["Middle (nl)"]
    everything = _parse(client.get("/nl/search.atom"))
    assert [entry.title for entry in everything.entries] == ["New kangoeroe (nl)", "Middle (nl)",
                                                            "Old (nl)"]
    links = {link.rel: link.href for link in by_words.feed.links}
    assert links["self"] == "http://localhost/en/search.atom?q=kangoeroe"
    assert links["alternate"] == "http://localhost/en/search?q=kangoeroe"
    assert "kangoeroe" in by_words.feed.title


def test_search_feed_refuses_bad_parameters(client):
    assert client.get("/nl/search.atom?sort=sideways").status_code == 400


def test_an_item_in_one_language_keeps_its_language_in_the_other_feed(client, make_item):
    data = item_data()
    del data["translations"]["nl"]
    make_item(translations=data["translations"])
    entry = _parse(client.get("/nl/feed.atom")).entries[0]
    assert entry.title == "Bicycle streets in the centre"
    assert entry.title_detail.language == "en"


def test_characters_xml_cannot_carry_are_left_out(client, make_item):
    data = item_data()
    data["translations"]["en"]["title"] = "Tabs\x0b and <tags> & \x1fcontrols"
    data["translations"]["en"]["summary"] = ""
    data["translations"]["en"]["body"] = "Only **body** text\x01."
    make_item(translations=data["translations"])
    entry = _parse(client.get("/en/feed.atom")).entries[0]
    assert entry.title == "Tabs and <tags> & controls"
    assert entry.summary == "Only body text."


def test_empty_feed_is_valid(client):
    feed = _parse(client.get("/nl/feed.atom"))
    assert feed.entries == []


def test_private_site_feeds_need_a_login(tmp_path, make_user):
    app = make_app(tmp_path, PUBLIC=False)
    client = app.test_client()
    assert client.get("/nl/feed.atom").status_code == 401
    assert client.get("/nl/search.atom").status_code == 401


def test_feed_links_for_the_head(app):
    template = '{% include "_feeds.html" %}'
    with app.test_request_context("/nl/search?q=fiets&sector=education"):
        app.preprocess_request()
        html = render_template_string(template)
    assert ('type="application/atom+xml"' in html and 'href="/nl/feed.atom"' in html)
    assert 'href="/nl/search.atom?q=fiets&amp;sector=education"' in html
    with app.test_request_context("/en/"):
        app.preprocess_request()
        html = render_template_string(template)
    assert 'href="/en/feed.atom"' in html and "search.atom" not in html
