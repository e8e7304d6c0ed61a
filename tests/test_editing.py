"""Create and edit forms: generated inputs, both languages, validation, permissions, CSRF."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from flask import g
from flask_babel import gettext

from kennisbank import ContentType, Field, hookimpl
from kennisbank.extensions import db
from kennisbank.models import Item, Revision, User
from kennisbank.web.itemform import error_input_name
from tests.conftest import login, make_app
from tests.pagehtml import Page

NEW = "/{lang}/items/new?type=practice"


def form_data(**overrides: Any) -> dict[str, Any]:
    """What a browser sends for a practice written in both languages."""
    data: dict[str, Any] = {
        "type": "practice",
        "sector": "education",
        "themes": ["sdg4", "sdg11"],
        "tags": "exchange, schools",
        "city": "Tartu",
        "country": "EE",
        "organisation": "Tartu Loodusmaja",
        "start_date": "2023-09-01",
        "end_date": "",
        "nl-title": "Leerlingen wisselen lessen uit",
        "nl-summary": "Scholen in Deventer en Tartu geven samen les.",
        "nl-body": "Twee **scholen** werken samen.",
        "nl-challenge": "Weinig contact tussen scholen.",
        "en-title": "Pupils swap lessons",
        "en-summary": "Schools in Deventer and Tartu teach together.",
        "en-body": "Two **schools** work together.",
        "en-challenge": "Little contact between schools.",
    }
    data.update(overrides)
    return data


def contributor_in(app) -> User:
    """A contributor in an app made here (the ``make_user`` fixture serves the ``app`` fixture)."""
    with app.app_context():
        user = User(email="c@example.org", name="C", role="contributor")
        db.session.add(user)
        db.session.commit()
        db.session.refresh(user)
        db.session.expunge(user)
        return user


def items_in(app) -> list[Item]:
    with app.app_context():
        return list(db.session.execute(db.select(Item)).scalars())


def test_contributor_creates_an_item_in_both_languages(app, client, make_user) -> None:
    author = make_user("contributor")
    login(client, author)
    response = client.post(NEW.format(lang="en"), data=form_data(status="published"))
    assert response.status_code == 303
    item_id = int(re.fullmatch(r"/en/items/(\d+)", response.location).group(1))
    with app.app_context():
        item = db.session.get(Item, item_id)
        assert item.status == "draft"  # the form never publishes, whatever is sent
        assert item.owner_id == author.id
        assert (item.sector, item.themes, item.tags) == (
            "education", ["sdg4", "sdg11"], ["exchange", "schools"]
        )
        assert (item.city, item.country, str(item.start_date)) == ("Tartu", "EE", "2023-09-01")
        assert item.translation("nl").title == "Leerlingen wisselen lessen uit"
        assert item.translation("en").fields == {"challenge": "Little contact between schools."}
        assert [r.action for r in item.revisions] == ["create"]
    page = client.get(response.location).get_data(as_text=True)
    assert "Pupils swap lessons" in page
    assert gettext_in(app, "en", "Your practice has been saved as a draft.") in page


def gettext_in(app, lang: str, message: str, **variables: Any) -> str:
    """``message`` as the app translates it for a page in ``lang``."""
    with app.test_request_context(f"/{lang}/"):
        g.lang = lang
        return gettext(message, **variables)


def test_an_item_in_one_language_is_enough(app, client, make_user) -> None:
    login(client, make_user("contributor"))
    only_dutch = {k: v for k, v in form_data().items() if not k.startswith("en-")}
    assert client.post(NEW.format(lang="nl"), data=only_dutch).status_code == 303
    [item] = items_in(app)
    assert item.languages == ["nl"]


def test_new_item_asks_for_the_type_first(tmp_path: Path, make_user) -> None:
    app = make_app(tmp_path, PLUGINS=[], EXTRA_PLUGINS=[KitchenSinkPlugin()])
    client = app.test_client()
    user = contributor_in(app)
    login(client, user)
    page = Page(client.get("/en/items/new").get_data(as_text=True))
    links = {a.get("href") for a in page.all("a")}
    assert {"/en/items/new?type=practice", "/en/items/new?type=sample"} <= links
    assert not page.all("form", **{"class": "item-form"})
    assert client.get("/en/items/new?type=nonsense").status_code == 404


class KitchenSinkPlugin:
    """A content type with one field of every kind."""

    @hookimpl
    def register_content_types(self) -> list[ContentType]:
        few = {"a": {"nl": "Een", "en": "One"}, "b": {"nl": "Twee", "en": "Two"}}
        many = {f"c{i}": {"nl": f"Keuze {i}", "en": f"Choice {i}"} for i in range(6)}
        label = {"nl": "Voorbeeld", "en": "Sample"}
        return [ContentType("sample", label, sector="culture", fields=[
            Field("headline", "text", {"nl": "Kop", "en": "Headline"}, max_length=80,
                  required=True),
            Field("notes", "markdown", {"nl": "Notities", "en": "Notes"}, translatable=True),
            Field("code", "keyword", {"nl": "Code", "en": "Code"}),
            Field("size", "choice", {"nl": "Grootte", "en": "Size"}, choices=few),
            Field("flavour", "choice", {"nl": "Smaak", "en": "Flavour"}, choices=many),
            Field("formats", "multichoice", {"nl": "Vormen", "en": "Formats"}, choices=few),
            Field("seats", "integer", {"nl": "Plaatsen", "en": "Seats"}, min_value=1,
                  max_value=500),
            Field("budget", "decimal", {"nl": "Budget", "en": "Budget"}, min_value=0),
            Field("deadline", "date", {"nl": "Deadline", "en": "Deadline"}),
            Field("website", "url", {"nl": "Website", "en": "Website"}),
            Field("contact", "email", {"nl": "Contact", "en": "Contact"}),
            Field("online", "boolean", {"nl": "Online", "en": "Online"}),
            Field("origin", "country", {"nl": "Herkomst", "en": "Origin"}),
        ])]


def test_every_field_kind_gets_a_fitting_input(tmp_path: Path) -> None:
    app = make_app(tmp_path, PLUGINS=[], EXTRA_PLUGINS=[KitchenSinkPlugin()])
    client = app.test_client()
    user = contributor_in(app)
    login(client, user)
    html = client.get("/nl/items/new?type=sample").get_data(as_text=True)
    page = Page(html)

    headline = page.by_id("in-f-headline")
    assert (headline.tag, headline.get("type")) == ("input", "text")
    assert headline.get("maxlength") == "80"
    assert headline.get("required") is not None
    label = " ".join(page.label_for("in-f-headline").text.split())
    assert label == gettext_in(app, "nl", "%(label)s (required)", label="Kop")
    assert page.by_id("in-f-code").get("type") == "text"
    for lang in ("nl", "en"):
        notes = page.by_id(f"in-{lang}-notes")
        assert (notes.tag, notes.get("lang")) == ("textarea", lang)
    size_radios = page.all("input", name="f-size")
    assert {r.get("type") for r in size_radios} == {"radio"}
    assert {r.get("value") for r in size_radios} == {"a", "b", ""}
    flavour = page.by_id("in-f-flavour")
    assert flavour.tag == "select"
    assert "Keuze 3" in {o.text for o in flavour.children}
    formats = page.all("input", name="f-formats")
    assert {f.get("type") for f in formats} == {"checkbox"} and len(formats) == 2
    fieldset = next(e for e in page.all("fieldset") if any(c.tag == "legend" for c in e.children)
                    and "Vormen" in e.text)
    assert [c.text.strip() for c in fieldset.children if c.tag == "legend"] == ["Vormen"]
    seats = page.by_id("in-f-seats")
    assert (seats.get("type"), seats.get("min"), seats.get("max"), seats.get("step")) == (
        "number", "1", "500", "1")
    budget = page.by_id("in-f-budget")
    assert (budget.get("type"), budget.get("min"), budget.get("step")) == ("number", "0", "any")
    assert page.by_id("in-f-deadline").get("type") == "date"
    assert page.by_id("in-f-website").get("type") == "url"
    assert page.by_id("in-f-contact").get("type") == "email"
    assert page.by_id("in-f-online").get("type") == "checkbox"
    origin = page.by_id("in-f-origin")
    assert origin.tag == "select"
    names = {o.get("value"): o.text for o in origin.children}
    assert names["DE"] == "Duitsland" and names["EE"] == "Estland"  # CLDR, in the page language
    for element in page.all("input") + page.all("select") + page.all("textarea"):
        if element.get("type") in ("hidden",):
            continue
        assert page.all("label", **{"for": element.get("id")}), f"no label for {element.attrs}"


def test_common_fields_have_their_inputs(client, make_user) -> None:
    login(client, make_user("contributor"))
    page = Page(client.get("/en/items/new?type=practice").get_data(as_text=True))
    assert page.by_id("in-sector").tag == "select"
    themes = page.all("input", name="themes")
    assert len(themes) == 17 and {t.get("type") for t in themes} == {"checkbox"}
    assert "Goal 13: Climate action" in page.label_for("in-themes-12").text
    assert page.by_id("in-country").tag == "select"
    assert page.by_id("in-start_date").get("type") == "date"
    assert page.by_id("in-end_date").get("type") == "date"
    form = page.all("form", **{"class": "item-form"})[0]
    assert form.get("enctype") == "multipart/form-data"
    assert page.all("input", name="csrf_token")
    assert not page.all(name="status")


def test_translatable_fields_have_one_input_per_language_side_by_side(client, make_user) -> None:
    login(client, make_user("contributor"))
    page = Page(client.get("/en/items/new?type=practice").get_data(as_text=True))
    columns = page.all("fieldset", **{"class": "lang-column"})
    assert [c.get("lang") for c in columns] == ["nl", "en"]
    for lang in ("nl", "en"):
        for name in ("title", "summary", "body", "challenge", "approach"):
            assert page.by_id(f"in-{lang}-{name}").get("lang") == lang
        # labels inside a Dutch column are still in the reader's language
        assert page.label_for(f"in-{lang}-title").get("lang") == "en"


def test_bad_input_is_explained_in_the_readers_language_and_nothing_is_lost(
    app, client, make_user
) -> None:
    login(client, make_user("contributor"))
    for lang, title_message in (("nl", "Een titel is verplicht."), ("en", "A title is required.")):
        typed = form_data(**{"en-title": "", "country": "", "end_date": "2020-01-01",
                             "start_date": "2021-05-05", "city": "Tartu\u00e4"})
        response = client.post(NEW.format(lang=lang), data=typed)
        assert response.status_code == 422
        html = response.get_data(as_text=True)
        page = Page(html)
        assert f'<html lang="{lang}">' in html
        summary = page.all("div", **{"class": "error-summary"})[0]
        assert summary.get("role") == "alert"
        assert gettext_in(app, lang, "There is a problem") in summary.text
        links = {a.get("href") for a in page.all("a") if (a.get("href") or "").startswith("#")}
        assert {"#in-en-title", "#in-end_date"} <= links
        title = page.by_id("in-en-title")
        assert title.get("aria-invalid") == "true"
        assert "err-en-title" in title.get("aria-describedby").split()
        assert title_message in page.by_id("err-en-title").text
        end_message = gettext_in(app, lang, "The end date is before the start date.")
        assert end_message in page.by_id("err-end_date").text
        # everything typed is still there
        assert page.by_id("in-nl-title").get("value") == "Leerlingen wisselen lessen uit"
        assert page.by_id("in-en-summary").text == "Schools in Deventer and Tartu teach together."
        assert page.by_id("in-city").get("value") == "Tartu\u00e4"
        assert page.by_id("in-tags").get("value") == "exchange, schools"
        assert page.by_id("in-end_date").get("value") == "2020-01-01"
        themes = page.all("input", name="themes")
        assert {e.get("value") for e in themes if "checked" in e.attrs} == {"sdg4", "sdg11"}
        sectors = page.by_id("in-sector").children
        selected = [o.get("value") for o in sectors if "selected" in o.attrs]
        assert selected == ["education"]
    assert items_in(app) == []


def test_error_paths_point_at_their_inputs(app) -> None:
    with app.app_context():
        from kennisbank.content.registry import current_registry

        practice = current_registry().types["practice"]
        assert error_input_name("translations.nl.title", practice) == "nl-title"
        assert error_input_name("translations.en.challenge", practice) == "en-challenge"
        assert error_input_name("translations", practice) == "nl-title"
        assert error_input_name("fields.participants", practice) == "f-participants"
        assert error_input_name("country", practice) == "country"
        assert error_input_name("attachments", practice) == "attachments"
        assert error_input_name("challenge", practice) == "nl-challenge"
        assert error_input_name("external_id", practice) is None


def test_anonymous_visitors_are_sent_to_log_in(app, client, make_item) -> None:
    item = make_item()
    for url in ("/en/items/new", f"/en/items/{item.id}/edit"):
        response = client.get(url)
        assert response.status_code == 401 or (
            response.status_code == 302 and "login" in response.location
        )
    assert client.post(NEW.format(lang="en"), data=form_data()).status_code == 401
    assert client.post(f"/en/items/{item.id}/edit", data=form_data()).status_code == 401
    assert len(items_in(app)) == 1


def test_readers_may_not_create(client, make_user) -> None:
    login(client, make_user("reader"))
    assert client.get("/en/items/new").status_code == 403


def test_contributor_may_not_edit_someone_elses_items(app, client, make_user, make_item) -> None:
    owner, other = make_user("contributor"), make_user("contributor")
    published = make_item(owner=owner, status="published")
    draft = make_item(owner=owner, status="draft", external_id="draft-1")
    login(client, other)
    assert client.get(f"/en/items/{published.id}/edit").status_code == 403
    assert client.post(f"/en/items/{published.id}/edit",
                       data=form_data(**{"en-title": "Taken over"})).status_code == 403
    assert client.get(f"/en/items/{draft.id}/edit").status_code == 404
    assert client.get("/en/items/999999/edit").status_code == 404
    with app.app_context():
        assert db.session.get(Item, published.id).translation("en").title != "Taken over"


def test_editing_keeps_a_revision_and_never_changes_the_status(app, client, make_user,
                                                               make_item) -> None:
    editor = make_user("editor", sectors=["municipality"])
    item = make_item(status="published")
    login(client, editor)
    page = Page(client.get(f"/en/items/{item.id}/edit").get_data(as_text=True))
    assert page.by_id("in-en-title").get("value") == "Bicycle streets in the centre"
    values = {
        "sector": "municipality", "themes": ["sdg11"], "tags": "fietsen", "city": "Deventer",
        "country": "NL", "start_date": "2022-01-01",
        "nl-title": "Fietsstraten in de binnenstad", "nl-summary": "Auto te gast.",
        "nl-body": "De gemeente maakte **fietsstraten**.",
        "en-title": "Cycle streets in the centre", "en-summary": "Cars are guests.",
        "en-body": "The city created **bicycle streets**.",
    }
    response = client.post(f"/en/items/{item.id}/edit", data=values)
    assert response.status_code == 303 and response.location == f"/en/items/{item.id}"
    with app.app_context():
        stored = db.session.get(Item, item.id)
        assert stored.status == "published"
        assert stored.translation("en").title == "Cycle streets in the centre"
        revisions = db.session.execute(
            db.select(Revision).where(Revision.item_id == item.id).order_by(Revision.id)
        ).scalars().all()
        assert len(revisions) == 2
        assert revisions[-1].changed == ["translations.en.title"]
        assert revisions[-1].user_id == editor.id
        assert revisions[0].snapshot["translations"]["en"]["title"] == (
            "Bicycle streets in the centre")


def test_edit_form_shows_missing_translations(app, client, make_user, make_item) -> None:
    owner = make_user("contributor")
    item = make_item(owner=owner, status="draft", translations={
        "nl": {"title": "Alleen Nederlands", "summary": "", "body": ""}})
    login(client, owner)
    html = client.get(f"/en/items/{item.id}/edit").get_data(as_text=True)
    assert gettext_in(app, "en", "This practice has no translation in %(language)s yet.",
                      language="English") in html
    html = client.get(f"/nl/items/{item.id}/edit").get_data(as_text=True)
    assert gettext_in(app, "nl", "This practice has no translation in %(language)s yet.",
                      language="Engels") in html


def test_clearing_a_translation_is_an_error_and_deleting_one_is_explicit(
    app, client, make_user, make_item
) -> None:
    editor = make_user("editor", sectors=["municipality"])
    item = make_item()
    login(client, editor)
    base = {"sector": "municipality", "nl-title": "Fietsstraten", "en-title": "",
            "en-summary": "", "en-body": ""}
    response = client.post(f"/en/items/{item.id}/edit", data=base)
    assert response.status_code == 422
    assert "A title is required." in Page(response.get_data(as_text=True)).by_id(
        "err-en-title").text
    with app.app_context():
        assert db.session.get(Item, item.id).languages == ["en", "nl"]
    response = client.post(f"/en/items/{item.id}/edit", data={**base, "en-remove": "on"})
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(Item, item.id).languages == ["nl"]


def test_a_post_without_csrf_token_is_refused(tmp_path: Path) -> None:
    app = make_app(tmp_path, WTF_CSRF_ENABLED=True)
    user = contributor_in(app)
    client = app.test_client()
    login(client, user)
    assert client.post(NEW.format(lang="en"), data=form_data()).status_code == 400
    assert items_in(app) == []
    page = Page(client.get(NEW.format(lang="en")).get_data(as_text=True))
    token = page.all("input", name="csrf_token")[0].get("value")
    response = client.post(NEW.format(lang="en"), data={**form_data(), "csrf_token": token})
    assert response.status_code == 303
    assert len(items_in(app)) == 1
