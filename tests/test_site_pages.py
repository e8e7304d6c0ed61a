"""Site furniture and onward links, through HTTP: the wordmark and footer, the footer's
pages and their replaceable texts, error pages in the address's language, the root
redirect's fallback, the item page's links and tags, the home page's lists, and the
edit form's language switch that keeps what was typed."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kennisbank.extensions import db
from kennisbank.models import AuditEvent, City, Item, Organisation
from kennisbank.privacy.models import SiteText
from tests.conftest import login, make_app


def text_of(response: Any) -> str:
    return response.get_data(as_text=True)


def h1(response: Any) -> str:
    found = re.search(r"<h1[^>]*>(.*?)</h1>", text_of(response), re.S)
    assert found, "no <h1> on the page"
    return re.sub(r"<[^>]+>", "", found.group(1)).strip()


# --- wordmark, footer and the footer's pages ----------------------------------------------

@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_page_has_the_wordmark_and_the_footer_links(client: FlaskClient, lang: str) -> None:
    page = text_of(client.get(f"/{lang}/"))
    assert re.search(r'<svg class="wordmark"[^>]*role="img"[^>]*aria-label="Kennisbank, ', page)
    for path in ("contact", "privacy", "accessibility", "colophon", "api", "about"):
        assert f'href="/{lang}/{path}"' in page, path


def test_the_site_name_and_city_are_settings(tmp_path) -> None:
    app = make_app(tmp_path, SITE_NAME="Kennisplein", SITE_CITY="Zwolle")
    page = text_of(app.test_client().get("/en/"))
    assert "Kennisplein" in page and "MUNICIPALITY OF ZWOLLE" in page
    assert "<title>Home · Zwolle Kennisplein</title>" in page
    assert "Kennisbank" not in re.sub(r"<link[^>]*>", "", page)
    colophon = text_of(app.test_client().get("/en/colophon"))
    assert "Kennisplein is the knowledge base in which Zwolle" in colophon


@pytest.mark.parametrize(("lang", "headings"), [
    ("en", ["Status", "Known limitations", "Contact"]),
    ("nl", ["Status", "Bekende beperkingen", "Contact"]),
])
def test_accessibility_statement_follows_the_model_headings(client: FlaskClient, lang: str,
                                                            headings: list[str]) -> None:
    response = client.get(f"/{lang}/accessibility")
    assert response.status_code == 200
    found = re.findall(r"<h2>(.*?)</h2>", text_of(response))
    assert found[:3] == headings
    assert "WCAG 2.1" in text_of(response)


@pytest.mark.parametrize(("path", "en_title", "nl_title"), [
    ("contact", "Contact", "Contact"), ("colophon", "Colophon", "Colofon"),
    ("accessibility", "Accessibility statement", "Toegankelijkheidsverklaring")])
def test_footer_pages_in_both_languages(client: FlaskClient, path: str, en_title: str,
                                        nl_title: str) -> None:
    assert h1(client.get(f"/en/{path}")) == en_title
    assert h1(client.get(f"/nl/{path}")) == nl_title


def test_contact_page_names_the_configured_address(tmp_path) -> None:
    app = make_app(tmp_path, CONTACT_EMAIL="kennisbank@deventer.example")
    page = text_of(app.test_client().get("/en/contact"))
    assert 'href="mailto:kennisbank@deventer.example"' in page
    assert 'href="/en/request-access"' in page


def test_admin_replaces_a_footer_text_per_language(app: Flask, client: FlaskClient,
                                                   make_user) -> None:
    admin = make_user("admin")
    login(client, admin)
    assert client.get("/en/admin/texts").status_code == 200
    response = client.post("/en/admin/texts/colophon",
                           data={"text_nl": "Gemaakt in **Deventer**.", "text_en": ""})
    assert response.status_code == 303
    assert "Gemaakt in <strong>Deventer</strong>." in text_of(client.get("/nl/colophon"))
    assert "Open-source software" in text_of(client.get("/en/colophon"))
    with app.app_context():
        assert db.session.get(SiteText, ("colophon", "nl")).text == "Gemaakt in **Deventer**."
        events = db.session.scalars(db.select(AuditEvent.event)).all()
        assert "site_text_changed" in events
    client.post("/en/admin/texts/colophon", data={"text_nl": "", "text_en": ""})
    assert "Open-source software" not in text_of(client.get("/nl/colophon"))
    assert "Opensourcesoftware" in text_of(client.get("/nl/colophon"))


def test_site_text_markdown_is_sanitised(client: FlaskClient, make_user) -> None:
    login(client, make_user("admin"))
    client.post("/en/admin/texts/contact",
                data={"text_en": "Hi <script>alert(1)</script> [x](javascript:alert(1))",
                      "text_nl": ""})
    page = text_of(client.get("/en/contact"))
    assert "<script>alert(1)" not in page and 'href="javascript' not in page
    assert "&lt;script&gt;" in page


@pytest.mark.parametrize(("role", "status"), [(None, 401), ("editor", 403), ("contributor", 403)])
def test_only_admins_edit_site_texts(client: FlaskClient, make_user, role: str | None,
                                     status: int) -> None:
    if role:
        login(client, make_user(role, sectors=["education"]))
    assert client.get("/en/admin/texts").status_code == status
    assert client.post("/en/admin/texts/contact", data={"text_en": "x"}).status_code == status


def test_unknown_site_text_is_404_and_too_long_is_refused(app: Flask, client: FlaskClient,
                                                          make_user) -> None:
    login(client, make_user("admin"))
    assert client.get("/en/admin/texts/nothing").status_code == 404
    response = client.post("/en/admin/texts/contact", data={"text_en": "x" * 50_001})
    assert response.status_code == 200
    assert "50000" in text_of(response)
    with app.app_context():
        assert db.session.get(SiteText, ("contact", "en")) is None


# --- languages: error pages and the root redirect -----------------------------------------

@pytest.mark.parametrize("path", ["/en/no-such-page", "/en/items/999999"])
def test_404_speaks_the_address_language_whatever_the_browser(client: FlaskClient,
                                                               path: str) -> None:
    response = client.get(path, headers={"Accept-Language": "nl"})
    assert response.status_code == 404
    assert h1(response) == "This page does not exist, or you may not see it."
    switch = re.search(r'<nav class="language-switch"[^>]*>\s*<a href="([^"]+)"', text_of(response))
    assert switch and switch.group(1) == path.replace("/en/", "/nl/", 1)


def test_errors_ignore_a_logged_in_users_preference(client: FlaskClient, make_user) -> None:
    login(client, make_user("contributor", preferred_language="nl"))
    assert h1(client.get("/en/no-such-page")) == "This page does not exist, or you may not see it."
    assert h1(client.get("/en/admin/users")) == "You do not have permission to do this."
    assert h1(client.get("/nl/admin/users")) == "U hebt geen toestemming om dit te doen."


@pytest.mark.parametrize(("header", "target"), [
    ("ro", "/en/"), ("ro-RO,ro;q=0.9", "/en/"), ("de, fr;q=0.5", "/en/"),
    ("nl-NL,nl;q=0.9,en;q=0.5", "/nl/"), ("ro, nl;q=0.4", "/nl/"), ("en-GB", "/en/"),
    (None, "/nl/"), ("*", "/nl/")])
def test_root_sends_foreign_browsers_to_english(client: FlaskClient, header: str | None,
                                                target: str) -> None:
    response = client.get("/", headers={"Accept-Language": header} if header else {})
    assert response.status_code == 302
    assert response.headers["Location"] == target


# --- the item page -------------------------------------------------------------------------

@pytest.fixture
def linked_item(app: Flask, make_item) -> Item:
    with app.app_context():
        db.session.add(City(name="Deventer", country="NL", relation="home"))
        db.session.add(Organisation(name="Gemeente Deventer", city="Deventer", country="NL"))
        db.session.commit()
    return make_item(organisation="Gemeente Deventer", tags=["taal", "nieuwkomers"],
                     start_date="2016-01-01", themes=["sdg11", "sdg4"],
                     translations={"nl": {"title": "Taalcafé", "summary": "Oefenen.",
                                          "body": "Elke week."}})


def test_item_facts_lead_onward(app: Flask, client: FlaskClient, linked_item: Item) -> None:
    page = text_of(client.get(f"/en/items/{linked_item.id}"))
    with app.app_context():
        city = db.session.scalars(db.select(City)).one()
        org = db.session.scalars(db.select(Organisation)).one()
    assert f'<a href="/en/cities/{city.id}">Deventer</a>' in page
    assert f'<a href="/en/organisations/{org.id}">Gemeente Deventer</a>' in page
    assert 'href="/en/search?theme=sdg11"' in page and 'href="/en/search?theme=sdg4"' in page
    assert 'href="/en/search?tag=taal"' in page
    assert "<dt>Started</dt><dd>January 2016</dd>" in page
    assert "Period" not in page


def test_item_tags_are_translated_or_marked(client: FlaskClient, linked_item: Item) -> None:
    page = text_of(client.get(f"/en/items/{linked_item.id}"))
    tags = re.search(r"<dt>Tags</dt>\s*<dd>(.*?)</dd>", page, re.S).group(1)
    assert '<a href="/en/search?tag=taal" lang="en">language</a>' in tags
    assert ('<a href="/en/search?tag=nieuwkomers" lang="nl">nieuwkomers</a> '
            '<span class="lang-marker">(Dutch)</span>') in tags
    dutch = text_of(client.get(f"/nl/items/{linked_item.id}"))
    assert '<a href="/nl/search?tag=taal" lang="nl">taal</a>' in dutch
    assert "lang-marker" not in dutch


def test_item_page_breadcrumbs_and_actions(client: FlaskClient, make_user,
                                           linked_item: Item) -> None:
    page = text_of(client.get(f"/en/items/{linked_item.id}"))
    crumbs = re.search(r'<nav class="breadcrumbs"[^>]*>(.*?)</nav>', page, re.S).group(1)
    assert re.findall(r'href="([^"]+)"', crumbs) == [
        "/en/", "/en/sectors/municipality", "/en/types/practice"]
    assert "Edit this practice" not in page
    login(client, make_user("editor", sectors=["municipality"]))
    page = text_of(client.get(f"/en/items/{linked_item.id}"))
    actions = re.search(r'<div class="item-actions"[^>]*>(.*?)</div>', page, re.S).group(1)
    assert f'href="/en/items/{linked_item.id}/edit"' in actions
    assert page.index('class="item-actions"') < page.index("<dt>Place</dt>")


def test_a_start_and_end_make_a_period(client: FlaskClient, make_item) -> None:
    item = make_item(start_date="2020-03-01", end_date="2021-06-30")
    page = text_of(client.get(f"/en/items/{item.id}"))
    assert "<dt>Period</dt><dd>March 2020 – June 2021</dd>" in page


# --- home and city pages -------------------------------------------------------------------

def test_home_marks_languages_links_all_practices_and_every_partner(
        app: Flask, client: FlaskClient, make_item) -> None:
    make_item(translations={"nl": {"title": "Alleen Nederlands", "summary": "", "body": ""}})
    make_item(translations={"en": {"title": "Only English", "summary": "", "body": ""}})
    with app.app_context():
        for n, relation in enumerate(["partner"] * 5 + ["network"] * 3 + ["other"]):
            db.session.add(City(name=f"Stad {n}", country="BE", relation=relation))
        db.session.commit()
    page = text_of(client.get("/en/"))
    assert "only in Dutch" in page and "only in English" not in page
    assert 'href="/en/search?sort=newest"' in page
    assert all(f">Stad {n}</a>" in page for n in range(8))
    assert ">Stad 8</a>" not in page
    assert 'href="/en/cities"' in page
    assert "alleen in het Engels" in text_of(client.get("/nl/"))


def test_city_page_lists_practices_compactly(app: Flask, client: FlaskClient, make_item) -> None:
    for n in range(3):
        make_item(translations={"nl": {"title": f"Praktijk {n}", "summary": "Lang verhaal.",
                                       "body": ""}})
    with app.app_context():
        city = City(name="Deventer", country="NL", relation="home")
        db.session.add(city)
        db.session.commit()
        city_id = city.id
    page = text_of(client.get(f"/en/cities/{city_id}"))
    assert 'class="cards"' not in page
    assert page.count('<ul class="practice-list">') == 1
    assert page.count("only in Dutch") == 3
    assert 'href="/en/search?city=Deventer"' in page


# --- the edit form's language switch --------------------------------------------------------

def test_language_switch_on_the_edit_form_keeps_the_typed_text(
        app: Flask, client: FlaskClient, make_user, make_item) -> None:
    owner = make_user("contributor")
    item = make_item(owner=owner, status="draft")
    login(client, owner)
    form = text_of(client.get(f"/nl/items/{item.id}/edit"))
    button = re.search(r'<button[^>]*id="switch-language"[^>]*>', form).group(0)
    assert f'formaction="/en/items/{item.id}/edit"' in button
    assert 'href="#switch-language"' in form
    fields = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form))
    fields.update({"nl-title": "Nieuwe titel, nog niet bewaard", "switch_language": "1"})
    response = client.post(f"/en/items/{item.id}/edit", data=fields)
    assert response.status_code == 200
    page = text_of(response)
    assert 'value="Nieuwe titel, nog niet bewaard"' in page
    assert "Not saved yet" in page and '<html lang="en">' in page
    with app.app_context():
        assert db.session.get(Item, item.id).translation("nl").title == (
            "Fietsstraten in de binnenstad")


def test_the_new_item_form_switches_language_too(client: FlaskClient, make_user) -> None:
    login(client, make_user("contributor"))
    response = client.post("/en/items/new?type=practice",
                           data={"type": "practice", "nl-title": "Concept", "switch_language": "1"})
    assert response.status_code == 200
    assert 'value="Concept"' in text_of(response)
