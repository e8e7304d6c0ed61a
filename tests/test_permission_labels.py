"""Permission labels hold on every surface, on both search backends.

A test plugin keeps the municipality sector's items to the people whose
sectors include it (and admins), through the two label hooks only: it takes
``public`` off those items and puts ``member:municipality`` on them, and
grants ``member:municipality`` to members. Every page, feed, API answer,
count, suggestion, export, brochure and digest must then leave the municipality item out for
everyone else, and show it to members, which proves each check can fail.
Run with ``KENNISBANK_TEST_DB=postgres KENNISBANK_TEST_SEARCH=postgres`` for
the PostgreSQL backend (``make test`` does).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader

from kennisbank import hookimpl
from kennisbank.auth.labels import LabelError
from kennisbank.auth.passwords import hash_password
from kennisbank.auth.policy import can, visibility
from kennisbank.content.service import commit, save_item
from kennisbank.extensions import db
from kennisbank.following.digests import send_due
from kennisbank.following.models import FollowedSearch
from kennisbank.mail.models import MailMessage
from kennisbank.models import City, Item, Organisation, User, utcnow
from kennisbank.partners.comparable import city_themes
from kennisbank.partners.overview import overview_charts
from tests.conftest import PASSWORD, Runner, item_data, login, make_app
from tests.pg import postgres_mode, shared_database
from tests.search.support import counts, find, ids, texts

SECTOR = "municipality"
MEMBER_LABEL = f"member:{SECTOR}"
SECRET = "zeppelinhangar"
HIDDEN_TITLE = "Zeppelinhangar harbour lanterns"
SHOWN_TITLE = "Harbour lanterns for cyclists"


class SectorMembersPlugin:
    """Keeps the municipality's items to people whose sectors include it (and admins)."""

    __name__ = "sector_members"

    @hookimpl
    def item_permission_labels(self, item: Item, labels: list[str]) -> list[str] | None:
        if item.sector != SECTOR:
            return None
        return [label for label in labels if label != "public"] + [MEMBER_LABEL]

    @hookimpl
    def user_permission_labels(self, user: User | None) -> list[str] | None:
        if user is not None and SECTOR in (user.sectors or []):
            return [MEMBER_LABEL]
        return None


#: Who may see the municipality item: members of the sector, its editors, admins,
#: and the contributor who wrote it (the plugin keeps owner labels).
SEES_HIDDEN = {"member": True, "editor_municipality": True, "admin": True,
               "anonymous": False, "reader": False, "owner": True,
               "editor_education": False}
PEOPLE = {
    "reader": ("reader", []),
    "member": ("reader", [SECTOR]),
    "owner": ("contributor", []),
    "editor_education": ("editor", ["education"]),
    "editor_municipality": ("editor", [SECTOR]),
    "admin": ("admin", []),
}


def _fill(app: Flask) -> dict[str, Any]:
    """Two published practices about harbour lanterns: one of the municipality
    (in Zwolle, by the municipality of Zwolle), one of education (in Deventer)."""
    with app.app_context():
        people = {}
        for key, (role, sectors) in PEOPLE.items():
            user = User(email=f"{key}@example.org", name=key.title(), role=role,
                        sectors=sectors, password_hash=hash_password(PASSWORD), active=True)
            db.session.add(user)
            people[key] = user
        db.session.add_all([
            City(name="Zwolle", country="NL", population=130_000, relation="partner"),
            City(name="Deventer", country="NL", population=100_000, relation="home"),
            Organisation(name="Gemeente Zwolle", sector=SECTOR, city="Zwolle", country="NL"),
        ])
        db.session.flush()
        hidden = save_item(item_data(
            sector=SECTOR, city="Zwolle", organisation="Gemeente Zwolle", themes=["sdg6"],
            tags=["lantaarns"], translations=texts(
                nl=(HIDDEN_TITLE, f"De {SECRET} aan de haven met lantaarns voor fietsers."),
                en=(HIDDEN_TITLE, f"The {SECRET} at the harbour with lanterns for cyclists."))),
            user=people["owner"])
        shown = save_item(item_data(
            sector="education", city="Deventer", themes=["sdg4"], tags=["lantaarns"],
            translations=texts(
                nl=(SHOWN_TITLE, "Lantaarns aan de haven voor fietsers."),
                en=(SHOWN_TITLE, "Lanterns at the harbour for cyclists."))), user=None)
        commit()
        return {
            "hidden": hidden.id, "shown": shown.id,
            "people": {key: user.id for key, user in people.items()},
            "zwolle": db.session.scalar(db.select(City.id).where(City.name == "Zwolle")),
            "organisation": db.session.scalar(db.select(Organisation.id)),
        }


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Flask, dict[str, Any]]]:
    """One app with the plugin, filled once for the module (on a shared PostgreSQL
    database in PostgreSQL mode)."""
    folder = tmp_path_factory.mktemp("labels")
    if not postgres_mode():
        app = make_app(folder, EXTRA_PLUGINS=[SectorMembersPlugin()])
        yield app, _fill(app)
        return
    with shared_database() as url:
        app = make_app(folder, DATABASE_URL=url, EXTRA_PLUGINS=[SectorMembersPlugin()],
                       **_search_settings())
        yield app, _fill(app)
        with app.app_context():
            db.engine.dispose()


def _search_settings() -> dict[str, Any]:
    from tests.pg import search_backend

    return {"SEARCH_BACKEND": "postgres"} if search_backend() == "postgres" else {}


def client_as(app: Flask, made: dict[str, Any], who: str) -> FlaskClient:
    client = app.test_client()
    if who != "anonymous":
        with app.app_context():
            login(client, db.session.get(User, made["people"][who]))
    return client


def text(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


@pytest.mark.parametrize("who", SEES_HIDDEN)
def test_item_page_and_api_item_follow_the_labels(world, who: str) -> None:
    app, made = world
    client = client_as(app, made, who)
    refused = 401 if who == "anonymous" else 404
    expected = 200 if SEES_HIDDEN[who] else refused
    assert client.get(f"/en/items/{made['hidden']}").status_code == expected
    assert client.get(f"/api/v1/items/{made['hidden']}").status_code == expected
    assert client.get(f"/api/v1/items/{made['hidden']}/related").status_code == expected
    assert client.get(f"/en/items/{made['shown']}").status_code == 200


@pytest.mark.parametrize("who", SEES_HIDDEN)
def test_view_permission_agrees_with_the_label_filter(world, who: str) -> None:
    app, made = world
    with app.test_request_context():
        user = db.session.get(User, made["people"][who]) if who != "anonymous" else None
        listed = set(db.session.scalars(db.select(Item.id).where(visibility(user).sql())))
        for item in db.session.scalars(db.select(Item)):
            assert can(user, "view", item) == (item.id in listed), (who, item.id)
        assert (made["hidden"] in listed) == SEES_HIDDEN[who]


@pytest.mark.parametrize("who", SEES_HIDDEN)
def test_search_hits_totals_and_facet_counts(world, who: str) -> None:
    app, made = world
    client = client_as(app, made, who)
    sees = SEES_HIDDEN[who]
    for query in ("harbour lanterns", ""):
        found = find(client, query, lang="en")
        assert (made["hidden"] in ids(found)) == sees
        assert made["shown"] in ids(found)
        assert found["total"] == (2 if sees else 1)
        assert counts(found, "sector").get(SECTOR, 0) == (1 if sees else 0)
        assert counts(found, "city").get("Zwolle", 0) == (1 if sees else 0)
        assert sum(counts(found, "theme").values()) == (2 if sees else 1)
    secret = find(client, SECRET, lang="en")
    assert ids(secret) == ([made["hidden"]] if sees else []) and secret["total"] == int(sees)
    page = text(client, "/en/search?q=harbour+lanterns")
    assert (HIDDEN_TITLE in page) == sees and SHOWN_TITLE in page


def test_suggestions_and_corrections_never_offer_a_withheld_word(world) -> None:
    """The vocabulary holds words of items every reader may see only: the
    municipality item's word is corrected for nobody, the education item's is."""
    app, made = world
    client = client_as(app, made, "anonymous")
    for typo in ("zeppelinhangaar", "zepelinhangar"):
        found = find(client, typo, lang="en")
        assert found["total"] == 0 and found["suggestion"] is None
        assert found["corrected_from"] is None and SECRET not in str(found)
        assert SECRET not in text(client, f"/en/search?q={typo}")
    # With a word that matches a visible item, a correction drawn from every
    # published item would be suggested: "zeppelinhangar lanterns".
    mixed = find(client, "zepelinhangar lanterns", lang="en")
    assert ids(mixed) == [made["shown"]] and SECRET not in str(mixed)
    fixed = find(client_as(app, made, "anonymous"), "lanterms", lang="en")
    assert "lanterns" in (fixed["query"], fixed["suggestion"])


@pytest.mark.parametrize("who", SEES_HIDDEN)
def test_api_item_list_and_export(world, who: str) -> None:
    app, made = world
    client = client_as(app, made, who)
    sees = SEES_HIDDEN[who]
    listed = client.get("/api/v1/items").get_json()
    assert (made["hidden"] in [item["id"] for item in listed["items"]]) == sees
    assert listed["total"] == (2 if sees else 1)
    if who in ("editor_education", "editor_municipality", "admin"):
        export = client.get("/api/v1/export")
        assert export.status_code == 200
        assert (HIDDEN_TITLE in export.get_data(as_text=True)) == sees
        assert SHOWN_TITLE in export.get_data(as_text=True)


@pytest.mark.parametrize("who", ["anonymous", "member", "admin"])
def test_feeds_show_what_every_reader_may_see(world, who: str) -> None:
    """A feed is the same for everyone: never the municipality item, even for members."""
    app, made = world
    client = client_as(app, made, who)
    for url in ("/en/feed.atom", "/en/search.atom?q=harbour+lanterns", "/en/search.atom"):
        feed = text(client, url)
        assert HIDDEN_TITLE not in feed and SHOWN_TITLE in feed, url


@pytest.mark.parametrize("who", SEES_HIDDEN)
def test_related_items_on_another_items_page(world, who: str) -> None:
    app, made = world
    client = client_as(app, made, who)
    sees = SEES_HIDDEN[who]
    related = client.get(f"/api/v1/items/{made['shown']}/related").get_json()["results"]
    assert (made["hidden"] in [hit["id"] for hit in related]) == sees
    assert (HIDDEN_TITLE in text(client, f"/en/items/{made['shown']}")) == sees


@pytest.mark.parametrize("who", SEES_HIDDEN)
def test_home_browse_city_organisation_and_overview_pages(world, who: str) -> None:
    app, made = world
    client = client_as(app, made, who)
    sees = SEES_HIDDEN[who]
    for url in ("/en/", f"/en/sectors/{SECTOR}", "/en/types/practice",
                f"/en/cities/{made['zwolle']}", f"/en/organisations/{made['organisation']}"):
        assert (HIDDEN_TITLE in text(client, url)) == sees, url
    home = text(client, "/en/")
    municipality = re.search(r">Municipality</a>\s*<span class=\"meta\">\((\d+) practic", home)
    assert municipality is not None and int(municipality.group(1)) == int(sees)
    browse = text(client, "/en/browse")
    counted = re.search(r">Municipality</a> <span class=\"count\">(\d+) practic", browse)
    assert counted is not None and int(counted.group(1)) == int(sees)
    cities = text(client, "/en/cities")
    zwolle = re.search(r">Zwolle</a>.*?<td class=\"number\">(\d*)</td>", cities, re.S)
    assert zwolle is not None and zwolle.group(1) == str(int(sees))
    with app.test_request_context("/en/"):
        user = db.session.get(User, made["people"][who]) if who != "anonymous" else None
        charts = {chart.key: dict(row[:2] for row in chart.rows)
                  for chart in overview_charts(user, "en")}
    assert charts["chart-sectors"].get("Municipality", "0") == str(int(sees))
    assert charts["chart-sectors"]["Education"] == "1"
    overview = text(client, "/en/overview")
    assert ('<th scope="row">Municipality</th>' in overview) == sees
    assert '<th scope="row">Education</th><td class="number">1</td>' in overview


@pytest.mark.parametrize("who", SEES_HIDDEN)
def test_brochures_follow_the_labels(world, who: str) -> None:
    """A sector, city and search brochure hold the municipality item for those who see it."""
    app, made = world
    client = client_as(app, made, who)
    sees = SEES_HIDDEN[who]
    for url in (f"/en/brochure/sectors/{SECTOR}.pdf", f"/en/brochure/cities/{made['zwolle']}.pdf",
                "/en/brochure/search.pdf?q=harbour+lanterns"):
        response = client.get(url)
        assert response.status_code == 200 and response.mimetype == "application/pdf", url
        reader = PdfReader(io.BytesIO(response.data))
        pdf_text = " ".join(" ".join((page.extract_text() or "").split())
                            for page in reader.pages)
        assert (HIDDEN_TITLE in pdf_text) == sees, (url, who)


@pytest.mark.parametrize("who", ["reader", "member", "editor_education"])
def test_digests_follow_the_labels(world, who: str) -> None:
    """A followed search mails what its owner may see: the municipality item only
    to a member of the sector."""
    app, made = world
    user_id = made["people"][who]
    app.config["BASE_URL"] = "http://kennisbank.example"
    with app.app_context():
        db.session.execute(db.delete(MailMessage).where(MailMessage.to == f"{who}@example.org"))
        db.session.add(FollowedSearch(user_id=user_id, query="q=harbour+lanterns",
                                      frequency="daily",
                                      checked_until=utcnow() - timedelta(days=2)))
        db.session.commit()
        send_due(utcnow())
        [(mail_text, mail_html)] = db.session.execute(
            db.select(MailMessage.text, MailMessage.html)
            .where(MailMessage.to == f"{who}@example.org")).all()
        db.session.execute(db.delete(FollowedSearch).where(FollowedSearch.user_id == user_id))
        db.session.commit()
    assert SHOWN_TITLE in mail_text
    assert (HIDDEN_TITLE in mail_text) == SEES_HIDDEN[who]
    assert (HIDDEN_TITLE in mail_html) == SEES_HIDDEN[who]


def test_comparable_city_themes_come_from_public_items(world) -> None:
    """Comparisons of cities are the same for everyone: the withheld item's theme
    (water, sdg6) never makes Zwolle share a theme."""
    app, _made = world
    with app.test_request_context("/en/"):
        themes = city_themes()
        assert ("NL", "zwolle") not in themes
        assert themes[("NL", "deventer")] == {"sdg4"}


def test_a_changed_label_rule_is_noticed_and_reindex_applies_it(tmp_path: Path) -> None:
    """Items saved before the plugin came carry the core's labels; check-index
    finds them, reindex recomputes them in the database and the index."""
    before = make_app(tmp_path)
    with before.app_context():
        hidden = save_item(item_data(sector=SECTOR, translations=texts(
            en=(HIDDEN_TITLE, f"The {SECRET}."), nl=(HIDDEN_TITLE, f"De {SECRET}."))), user=None)
        save_item(item_data(sector="education", translations=texts(
            en=(SHOWN_TITLE, "Lanterns."), nl=(SHOWN_TITLE, "Lantaarns."))), user=None)
        commit()
        hidden_id = hidden.id
    assert hidden_id in ids(find(before.test_client(), SECRET, lang="en"))
    shared = {"DATABASE_URL": before.config["DATABASE_URL"],
              "SEARCH_BACKEND": before.config["SEARCH_BACKEND"]}
    after = make_app(tmp_path, EXTRA_PLUGINS=[SectorMembersPlugin()], **shared)
    runner = Runner(after)
    checked = runner.invoke("check-index", "--dry-run")
    assert checked.exit_code != 0
    assert f"Permission labels outdated: 1 ({hidden_id})" in checked.output
    assert "permission label rules: run `kennisbank reindex`" in checked.output
    rebuilt = runner.invoke("reindex")
    assert rebuilt.exit_code == 0, rebuilt.output
    assert "from 1 bilingual items" in rebuilt.output  # the lexicon learns from public items
    client = after.test_client()
    assert find(client, SECRET, lang="en")["total"] == 0
    assert find(client, "", lang="en")["total"] == 1
    assert client.get("/api/v1/items").get_json()["total"] == 1
    assert client.get(f"/en/items/{hidden_id}").status_code == 401
    again = runner.invoke("check-index", "--dry-run")
    assert "Permission labels outdated" not in again.output
    assert "The index matches the database." in again.output


def test_check_index_repairs_labels_without_a_reindex(tmp_path: Path) -> None:
    """``check-index`` (not dry) rewrites outdated labels and those items' index entries."""
    before = make_app(tmp_path)
    with before.app_context():
        hidden = save_item(item_data(sector=SECTOR, translations=texts(
            en=(HIDDEN_TITLE, f"The {SECRET}."))), user=None)
        commit()
        hidden_id = hidden.id
    shared = {"DATABASE_URL": before.config["DATABASE_URL"],
              "SEARCH_BACKEND": before.config["SEARCH_BACKEND"]}
    after = make_app(tmp_path, EXTRA_PLUGINS=[SectorMembersPlugin()], **shared)
    repaired = Runner(after).invoke("check-index")
    assert f"Permission labels outdated: 1 ({hidden_id})" in repaired.output
    client = after.test_client()
    assert client.get("/api/v1/items").get_json()["total"] == 0
    assert find(client, SECRET, lang="en")["total"] == 0


def test_a_removed_label_plugin_is_noticed_and_reindex_restores_the_core_labels(
        tmp_path: Path) -> None:
    """Without a plugin deciding labels the check and the relabelling run in SQL
    over the whole collection: the municipality item becomes public again."""
    before = make_app(tmp_path, EXTRA_PLUGINS=[SectorMembersPlugin()])
    with before.app_context():
        hidden = save_item(item_data(sector=SECTOR, translations=texts(
            en=(HIDDEN_TITLE, f"The {SECRET}."))), user=None)
        save_item(item_data(sector="education", translations=texts(
            en=(SHOWN_TITLE, "Lanterns."))), user=None)
        commit()
        hidden_id = hidden.id
    assert find(before.test_client(), SECRET, lang="en")["total"] == 0
    after = make_app(tmp_path, DATABASE_URL=before.config["DATABASE_URL"],
                     SEARCH_BACKEND=before.config["SEARCH_BACKEND"])
    runner = Runner(after)
    checked = runner.invoke("check-index", "--dry-run")
    assert checked.exit_code != 0
    assert f"Permission labels outdated: 1 ({hidden_id})" in checked.output
    assert "permission label rules" in checked.output
    assert runner.invoke("reindex").exit_code == 0
    client = after.test_client()
    assert ids(find(client, SECRET, lang="en")) == [hidden_id]
    assert client.get("/api/v1/items").get_json()["total"] == 2
    assert "The index matches the database." in runner.invoke("check-index", "--dry-run").output


class OneStringPlugin:
    """Returns one label as a string, not a list: a mistake the core names."""

    @hookimpl
    def item_permission_labels(self, item: Item) -> str:
        return "staff"


def test_labels_that_are_not_a_list_are_refused_with_a_clear_error(tmp_path: Path) -> None:
    app = make_app(tmp_path, EXTRA_PLUGINS=[OneStringPlugin()])
    with app.app_context():
        with pytest.raises(LabelError, match="must be a list of strings, not 'staff'"):
            save_item(item_data(), user=None)
            db.session.flush()
        db.session.rollback()
        assert db.session.scalar(db.select(db.func.count()).select_from(Item)) == 0
