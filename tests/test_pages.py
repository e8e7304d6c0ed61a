"""The reading pages: language redirect, home, item page with its fields, errors."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from flask import Flask

from kennisbank import ContentType, Field, hookimpl
from kennisbank.content.service import commit, save_item
from kennisbank.extensions import db
from kennisbank.models import Item
from tests.conftest import item_data, make_app

NL_CATALOG = Path(__file__).parents[1] / "translations" / "nl" / "LC_MESSAGES" / "messages.po"

VISIT = ContentType(
    name="city_visit",
    label={"nl": "Stadsbezoek", "en": "City visit"},
    sector="municipality",
    fields=[
        Field("mode", "choice", label={"nl": "Vervoer", "en": "Transport"},
              choices={"train": {"nl": "Trein", "en": "Train"},
                       "bike": {"nl": "Fiets", "en": "Bicycle"}}),
        Field("topics", "multichoice", label={"nl": "Onderwerpen", "en": "Topics"},
              choices={"housing": {"nl": "Wonen", "en": "Housing"},
                       "water": {"nl": "Water", "en": "Water management"}}),
        Field("delegates", "integer", label={"nl": "Afgevaardigden", "en": "Delegates"}),
        Field("visited_on", "date", label={"nl": "Bezocht op", "en": "Visited on"}),
        Field("catering", "boolean", label={"nl": "Catering", "en": "Catering"}),
        Field("host_country", "country", label={"nl": "Gastland", "en": "Host country"}),
        Field("report", "url", label={"nl": "Verslag", "en": "Report"}),
        Field("lessons", "markdown", label={"nl": "Lessen", "en": "Lessons"}, translatable=True),
    ],
)


class VisitPlugin:
    @hookimpl
    def register_content_types(self) -> list[ContentType]:
        return [VISIT]


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    return make_app(tmp_path, EXTRA_PLUGINS=[VisitPlugin()])


def add(app: Flask, **overrides: Any) -> int:
    with app.app_context():
        item = save_item(item_data(**overrides), user=None)
        commit()
        return item.id


def visit(**overrides: Any) -> dict[str, Any]:
    data = {
        "type": "city_visit",
        "sector": None,
        "country": "DE",
        "city": "Münster",
        "themes": ["sdg11", "sdg6"],
        "fields": {"mode": "bike", "topics": ["water", "housing"], "delegates": 1250,
                   "visited_on": "2023-03-02", "catering": False, "host_country": "DE",
                   "report": "https://example.org/verslag"},
        "translations": {
            "nl": {"title": "Bezoek aan Münster", "lessons": "Fietsen **werkt**."},
            "en": {"title": "Visit to Münster", "lessons": "Cycling **works**."},
        },
    }
    data.update(overrides)
    return data


@lru_cache(maxsize=1)
def _dutch_catalog() -> Any:
    with NL_CATALOG.open("rb") as handle:
        return read_po(handle)


def dutch(msgid: str) -> str:
    message = _dutch_catalog().get(msgid)
    assert message is not None and message.string, f"nl catalog lacks {msgid!r}"
    assert message.string != msgid
    return message.string


# -- the root ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "target"),
    [
        ("en-GB,en;q=0.9", "/en/"),
        ("nl-NL,nl;q=0.9,en;q=0.8", "/nl/"),
        ("fr-FR,fr;q=0.9,en;q=0.5", "/en/"),
        ("en;q=0.4,nl;q=0.8", "/nl/"),
        ("de-DE", "/en/"),  # a foreign language: English, not Dutch
        (None, "/nl/"),
    ],
)
def test_root_redirects_by_accept_language(client, accept, target) -> None:
    headers = {"Accept-Language": accept} if accept else {}
    response = client.get("/", headers=headers)
    assert response.status_code == 302
    assert response.location == target


def test_root_falls_back_to_the_configured_default_language(tmp_path) -> None:
    client = make_app(tmp_path, DEFAULT_LANGUAGE="en").test_client()
    assert client.get("/", headers={"Accept-Language": "de"}).location == "/en/"


# -- home ------------------------------------------------------------------------------------


def test_home_lists_only_published_items_newest_first_in_both_languages(app) -> None:
    add(app, external_id="old", translations={"nl": {"title": "Oud"}, "en": {"title": "Old"}})
    add(app, external_id="draft", status="draft",
        translations={"nl": {"title": "Concept"}, "en": {"title": "Draft"}})
    add(app, external_id="review", status="review",
        translations={"nl": {"title": "Ter beoordeling"}, "en": {"title": "In review"}})
    add(app, external_id="archived", status="archived",
        translations={"nl": {"title": "Gearchiveerd"}, "en": {"title": "Archived"}})
    add(app, external_id="nl-only", translations={"nl": {"title": "Alleen Nederlands"}})
    add(app, external_id="new", translations={"nl": {"title": "Nieuw"}, "en": {"title": "New"}})
    client = app.test_client()
    nl = client.get("/nl/").get_data(as_text=True)
    en = client.get("/en/").get_data(as_text=True)
    assert positions(nl, ["Nieuw", "Alleen Nederlands", "Oud"])
    assert positions(en, [">New<", "Alleen Nederlands", ">Old<"])
    for hidden in ("Concept", "Draft", "beoordeling", "In review", "Gearchiveerd", "Archived"):
        assert hidden not in nl and hidden not in en
    assert 'lang="nl">Alleen Nederlands</a>' in en
    assert '<html lang="nl">' in nl and '<html lang="en">' in en


def positions(page: str, texts: list[str]) -> bool:
    found = [page.find(text) for text in texts]
    assert all(index >= 0 for index in found), dict(zip(texts, found, strict=True))
    return found == sorted(found)


def test_home_republished_item_moves_to_the_top(app) -> None:
    first = add(app, external_id="first", translations={"en": {"title": "First"}})
    add(app, external_id="second", translations={"en": {"title": "Second"}})
    with app.app_context():
        item = db.session.get(Item, first)
        save_item(item_data(external_id="first", status="archived",
                            translations={"en": {"title": "First"}}), user=None, item=item)
        commit()
        save_item(item_data(external_id="first", translations={"en": {"title": "First"}}),
                  user=None, item=item)
        commit()
    page = app.test_client().get("/en/").get_data(as_text=True)
    assert positions(page, [">First<", ">Second<"])


# -- the item page -------------------------------------------------------------------------


def test_item_page_shows_the_types_fields_with_labels_in_the_page_language(app) -> None:
    item_id = add(app, **visit())
    client = app.test_client()
    en = client.get(f"/en/items/{item_id}").get_data(as_text=True)
    nl = client.get(f"/nl/items/{item_id}").get_data(as_text=True)
    assert "City visit" in en and "Stadsbezoek" in nl
    for label, value in [("Transport", "Bicycle"), ("Topics", "Water management, Housing"),
                         ("Delegates", "1,250"), ("Visited on", "March 2, 2023"),
                         ("Catering", "no"), ("Host country", "Germany")]:
        assert f'<dt lang="en">{label}</dt>' in en, label
        assert value in en, value
    for label, value in [("Vervoer", "Fiets"), ("Onderwerpen", "Water, Wonen"),
                         ("Afgevaardigden", "1.250"), ("Bezocht op", "2 maart 2023"),
                         ("Catering", "nee"), ("Gastland", "Duitsland")]:
        assert f'<dt lang="nl">{label}</dt>' in nl, label
        assert value in nl, value
    assert "Cycling <strong>works</strong>." in en and "Fietsen <strong>werkt</strong>." in nl
    assert '<a href="https://example.org/verslag" rel="noopener noreferrer nofollow">' in en


def test_item_page_names_themes_and_country_in_the_page_language(app) -> None:
    item_id = add(app, country="DE", themes=["sdg11", "sdg6"])
    client = app.test_client()
    en = client.get(f"/en/items/{item_id}").get_data(as_text=True)
    nl = client.get(f"/nl/items/{item_id}").get_data(as_text=True)
    # Each theme is a link to the search filtered by it; the text is its name.
    assert '<a href="/en/search?theme=sdg11">Sustainable cities and communities</a>' in en
    assert '<a href="/en/search?theme=sdg6">Clean water and sanitation</a>' in en
    assert '<a href="/nl/search?theme=sdg6">Schoon water en sanitair</a>' in nl
    assert "Deventer, Germany" in en and "Deventer, Duitsland" in nl
    assert "sdg11" not in re.sub(r"<[^>]*>", "", en.split("<body", 1)[1])


def test_item_missing_the_page_language_shows_a_notice_with_lang(app) -> None:
    dutch_only = add(app, translations={"nl": {"title": "Alleen in het Nederlands",
                                               "body": "Tekst"}})
    english_only = add(app, external_id="en-only",
                       translations={"en": {"title": "Only in English"}})
    client = app.test_client()
    page = client.get(f"/en/items/{dutch_only}").get_data(as_text=True)
    assert '<article class="item" lang="nl">' in page
    assert '<p class="notice" lang="en" role="note">' in page
    assert "This practice is only available in Dutch." in page
    assert "Alleen in het Nederlands" in page
    other = client.get(f"/nl/items/{english_only}").get_data(as_text=True)
    assert '<article class="item" lang="en">' in other
    assert '<p class="notice" lang="nl" role="note">' in other
    assert dutch("This practice is only available in English.") in other
    both = client.get(f"/en/items/{add(app, external_id='both')}").get_data(as_text=True)
    assert 'class="notice"' not in both


def test_item_page_links_its_language_twins(app) -> None:
    item_id = add(app)
    page = app.test_client().get(f"/nl/items/{item_id}").get_data(as_text=True)
    for lang in ("nl", "en"):
        url = f"http://localhost/{lang}/items/{item_id}"
        assert f'<link rel="alternate" hreflang="{lang}" href="{url}">' in page
    assert f'href="/en/items/{item_id}" hreflang="en" lang="en"' in page  # the language switch


def test_markdown_in_the_body_is_sanitised_on_the_page(app) -> None:
    item_id = add(app, translations={"en": {
        "title": "Tricky", "body": "<script>alert(1)</script> [x](javascript:alert(1))"}})
    page = app.test_client().get(f"/en/items/{item_id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and 'href="javascript:' not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_stored_value_that_no_longer_fits_its_field_is_shown_not_a_server_error(app) -> None:
    """A plugin may change a field's kind after items were saved with the old one."""
    item_id = add(app, **visit())
    with app.app_context():
        item = db.session.get(Item, item_id)
        item.fields = {**item.fields, "visited_on": "next spring", "delegates": "many",
                       "topics": "water"}
        db.session.commit()
    response = app.test_client().get(f"/en/items/{item_id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "next spring" in page and "many" in page
    assert "Water management" in page and "w, a, t" not in page


@pytest.mark.parametrize("path", ["/nl/items/999", "/en/items/999", "/en/items/abc", "/de/"])
def test_unknown_pages_are_404_html(app, path) -> None:
    response = app.test_client().get(path)
    assert response.status_code == 404
    assert response.mimetype == "text/html"


def test_item_of_a_type_no_longer_installed_is_404(tmp_path) -> None:
    with_plugin = make_app(tmp_path, EXTRA_PLUGINS=[VisitPlugin()])
    item_id = add(with_plugin, **visit())
    without = make_app(tmp_path)  # the same instance, the plugin removed
    assert without.test_client().get(f"/en/items/{item_id}").status_code == 404


def test_404_page_is_in_the_page_language(app) -> None:
    page = app.test_client().get("/en/items/999").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "This page does not exist, or you may not see it." in page


@pytest.mark.parametrize("path", ["/api/v1/nope", "/api/v1/items/999999", "/api/v2/"])
def test_404_under_api_is_json(app, path) -> None:
    response = app.test_client().get(path)
    assert response.status_code == 404
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) >= {"error", "errors"} and body["error"]
