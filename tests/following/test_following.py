"""Following a search: the box on the pages, the account page, digests through a real
SMTP server, one-click unsubscribe, the command, and the privacy registries."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kennisbank.extensions import db
from kennisbank.following.digests import send_due
from kennisbank.following.models import FollowedSearch
from kennisbank.mail import queue_mail
from kennisbank.models import City, Item, Organisation, User, utcnow
from tests.conftest import item_data, login, make_app
from tests.mail_server import MailServer

BASE = "http://kennisbank.example"


@pytest.fixture
def site(app: Flask, smtp_server: MailServer) -> MailServer:
    """The app with the site's address set (digests link to it) and a real SMTP server."""
    app.config["BASE_URL"] = BASE
    return smtp_server


def practice(make_item, title_nl: str, title_en: str, **overrides: Any) -> Item:
    data = item_data(**overrides)
    data["translations"] = {
        "nl": {"title": title_nl, "summary": f"Samenvatting van {title_nl}.", "body": title_nl},
        "en": {"title": title_en, "summary": f"Summary of {title_en}.", "body": title_en},
    }
    return make_item(**{k: v for k, v in data.items() if k != "translations"},
                     translations=data["translations"])


def follows(app: Flask, user: User | None = None) -> list[FollowedSearch]:
    with app.app_context():
        query = db.select(FollowedSearch).order_by(FollowedSearch.id)
        if user is not None:
            query = query.where(FollowedSearch.user_id == user.id)
        rows = list(db.session.scalars(query))
        db.session.expunge_all()
        return rows


def follow_from(client: FlaskClient, page: str, **form: str) -> Any:
    """Submit the follow box of ``page`` as a person would."""
    html = client.get(page).get_data(as_text=True)
    box = html[html.index('class="follow-box"'):]
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', box))
    fields = {k: v.replace("&amp;", "&") for k, v in fields.items()}
    return client.post(re.search(r'action="([^"]+/follow)"', box).group(1),
                       data={**fields, "frequency": "weekly", **form})


def run_digests(app: Flask, days: int) -> Any:
    with app.app_context():
        return send_due(utcnow() + timedelta(days=days))


# --- the box -------------------------------------------------------------------------------

def test_every_listing_page_offers_the_feed_and_login_for_mail(app: Flask, client: FlaskClient,
                                                              make_item) -> None:
    make_item(organisation="Gemeente Deventer")
    with app.app_context():
        org = Organisation(name="Gemeente Deventer", sector="municipality")
        city = db.session.scalar(db.select(City).where(City.name == "Deventer"))
        if city is None:
            city = City(name="Deventer", country="NL", relation="home")
            db.session.add(city)
        db.session.add(org)
        db.session.commit()
        org_id, city_id = org.id, city.id
    pages = {"/en/search?q=fietsen&sector=municipality": "Follow this search",
             "/en/": "Follow new practices", "/en/sectors/municipality": "Follow this sector",
             f"/en/cities/{city_id}": "Follow this city",
             f"/nl/organisations/{org_id}": "Volg deze organisatie"}
    for page, heading in pages.items():
        html = client.get(page).get_data(as_text=True)
        assert heading in html, page
        feed = re.search(r'href="([^"]+)" type="application/atom\+xml" class="feed-link"', html)
        assert feed, page
        response = client.get(feed.group(1).replace("&amp;", "&"))
        assert response.status_code == 200 and response.mimetype == "application/atom+xml"
        assert "Fietsstraten in de binnenstad" in response.get_data(as_text=True) or \
            "Bicycle streets in the centre" in response.get_data(as_text=True), page
        assert "/login?next=" in html  # anonymous: log in for e-mail
    sector_feed = client.get("/en/search.atom?sector=education").get_data(as_text=True)
    assert "Bicycle streets" not in sector_feed


def test_following_from_the_search_page_and_managing_it(app: Flask, client: FlaskClient,
                                                        make_user) -> None:
    user = make_user("reader", preferred_language="en")
    login(client, user)
    response = follow_from(client, "/en/search?q=fietsen&sector=municipality&sort=title&page=1")
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/en/search?q=fietsen")
    [row] = follows(app, user)
    assert (row.query, row.frequency) == ("q=fietsen&sector=municipality", "weekly")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You follow “fietsen”; Sector: Municipality" in page
    assert "You get an e-mail weekly" in page
    # The same search in another order is the same followed search.
    again = client.get("/en/search?sector=municipality&q=fietsen").get_data(as_text=True)
    assert "You get an e-mail weekly" in again and 'action="/en/follow"' not in again
    client.post("/en/follow", data={"query": "sector=municipality&q=fietsen",
                                    "frequency": "weekly"})
    assert len(follows(app, user)) == 1
    account = client.get("/en/account").get_data(as_text=True)
    assert "Followed searches" in account and "“fietsen”; Sector: Municipality" in account
    client.post(f"/en/account/following/{row.id}", data={"frequency": "daily"})
    assert follows(app, user)[0].frequency == "daily"
    bad = client.post(f"/en/account/following/{row.id}", data={"frequency": "hourly"},
                      follow_redirects=True)
    assert "Choose daily or weekly." in bad.get_data(as_text=True)
    assert follows(app, user)[0].frequency == "daily"
    client.post(f"/en/account/following/{row.id}/stop")
    assert follows(app, user) == []


def test_bad_follow_requests_change_nothing(app: Flask, client: FlaskClient,
                                            make_user) -> None:
    owner, other = make_user("reader"), make_user("reader")
    assert client.post("/en/follow", data={"query": "", "frequency": "weekly"}).status_code == 401
    login(client, owner)
    refused = client.post("/nl/follow", data={"query": "q=x", "frequency": "yearly"},
                          follow_redirects=True)
    assert "Kies dagelijks of wekelijks." in refused.get_data(as_text=True)
    bad_page = client.post("/en/follow", data={"query": "page=0", "frequency": "daily"},
                           follow_redirects=True)
    assert "This search cannot be followed: page." in bad_page.get_data(as_text=True)
    assert client.post("/en/follow", data={"organisation_id": "abc"}).status_code == 400
    assert client.post("/en/follow", data={"organisation_id": "999"}).status_code == 404
    off_site = client.post("/en/follow", data={"query": "", "frequency": "daily",
                                               "next": "https://evil.example/"})
    assert off_site.headers["Location"] == "/en/account"
    [mine] = follows(app, owner)
    login(client, other)
    assert client.post(f"/en/account/following/{mine.id}/stop").status_code == 404
    assert client.post(f"/en/account/following/{mine.id}",
                       data={"frequency": "weekly"}).status_code == 404
    assert follows(app, owner)[0].frequency == "daily"


# --- digests -------------------------------------------------------------------------------

def test_a_weekly_digest_lists_what_is_new_in_the_readers_language(
        app: Flask, client: FlaskClient, site: MailServer, make_user, make_item) -> None:
    practice(make_item, "Oude fietsstraten", "Old bicycle streets")  # before following
    user = make_user("reader", email="jan@example.nl", preferred_language="nl")
    login(client, user)
    follow_from(client, "/nl/search?q=fietsstraten")
    new = practice(make_item, "Nieuwe fietsstraten in Zwolle", "New bicycle streets in Zwolle",
                   city="Zwolle")
    practice(make_item, "Groene daken", "Green roofs")  # does not match
    practice(make_item, "Geheime fietsstraten", "Secret bicycle streets", status="draft",
             owner=user)  # matches, but is no publication
    assert run_digests(app, 6).due == 0  # a week has not passed
    assert site.received == []
    report = run_digests(app, 7)
    assert (report.due, report.sent) == (1, 1)
    [mail] = site.to("jan@example.nl")
    message = mail.mail
    assert message["Subject"] == "[Kennisbank] 1 nieuwe praktijk: “fietsstraten”"
    assert message["Content-Language"] == "nl"
    text = mail.part("plain")
    assert "Nieuwe fietsstraten in Zwolle" in text and f"{BASE}/nl/items/{new.id}" in text
    assert "Oude fietsstraten" not in text and "Groene daken" not in text
    assert "Geheime" not in text
    unsubscribe = re.search(r"<(.+)>", message["List-Unsubscribe"]).group(1)
    assert unsubscribe.startswith(f"{BASE}/nl/follow/stop/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe in text and unsubscribe in mail.part("html")
    # Nothing new since: nothing is sent, and the new one is not repeated.
    assert run_digests(app, 14).nothing_new == 1
    assert len(site.received) == 1


def test_the_digest_runs_the_search_as_its_owner(app: Flask, site: MailServer, make_user,
                                                 make_item) -> None:
    reader = make_user("reader", email="ann@example.org", preferred_language="en")
    with app.app_context():
        db.session.add(FollowedSearch(user_id=reader.id, query="sector=education",
                                      frequency="daily",
                                      checked_until=utcnow() - timedelta(days=2)))
        db.session.commit()
    practice(make_item, "Schoolreis", "School trip", sector="education")
    practice(make_item, "Kladversie", "Draft school plan", sector="education", status="review")
    practice(make_item, "Bedrijfsbezoek", "Company visit", sector="business")
    report = run_digests(app, 0)
    assert report.sent == 1
    [mail] = site.to("ann@example.org")
    assert mail.mail["Subject"] == "[Kennisbank] 1 new practice: Sector: Education"
    text = mail.part("plain")
    assert "School trip" in text and "Draft school plan" not in text and "Company visit" not in text


def test_an_inactive_account_gets_no_digest(app: Flask, site: MailServer, make_user,
                                            make_item) -> None:
    gone = make_user("reader", active=False)
    with app.app_context():
        db.session.add(FollowedSearch(user_id=gone.id, query="", frequency="daily",
                                      checked_until=utcnow() - timedelta(days=2)))
        db.session.commit()
    make_item()
    assert run_digests(app, 0).due == 0
    assert site.received == []


def test_the_command_sends_due_digests_of_an_organisation(app: Flask, runner, site: MailServer,
                                                          make_user, make_item) -> None:
    user = make_user("reader", email="piet@example.nl", preferred_language="en")
    with app.app_context():
        org = Organisation(name="ROC Aventus", sector="education")
        db.session.add(org)
        db.session.flush()
        db.session.add(FollowedSearch(user_id=user.id, organisation_id=org.id, frequency="weekly",
                                      checked_until=utcnow() - timedelta(days=8)))
        db.session.commit()
    practice(make_item, "Stages", "Internships", organisation="ROC Aventus")
    practice(make_item, "Andere", "Other one", organisation="Saxion")
    result = runner.invoke("digests", "send")
    assert result.exit_code == 0, result.output
    assert "Due 1: sent 1, nothing new 0, failed 0." in result.output
    [mail] = site.to("piet@example.nl")
    assert "Internships" in mail.part("plain") and "Other one" not in mail.part("plain")
    assert "Organisation: ROC Aventus" in mail.mail["Subject"]
    assert runner.invoke("digests", "send").output.startswith("Due 0")


def test_the_command_says_what_to_set_without_the_sites_address(app: Flask, runner) -> None:
    outcome = runner.invoke("digests", "send")
    assert outcome.exit_code == 1 and "KENNISBANK_BASE_URL" in outcome.output


# --- unsubscribing -------------------------------------------------------------------------

def _digest_link(app: Flask, site: MailServer, make_user, make_item, email: str) -> str:
    user = make_user("reader", email=email, preferred_language="en")
    with app.app_context():
        db.session.add(FollowedSearch(user_id=user.id, query="", frequency="daily",
                                      checked_until=utcnow() - timedelta(days=2)))
        db.session.commit()
    make_item()
    run_digests(app, 0)
    [mail] = site.to(email)
    return urlsplit(re.search(r"<(.+)>", mail.mail["List-Unsubscribe"]).group(1)).path


def test_the_mailed_link_asks_then_stops(app: Flask, client: FlaskClient, site: MailServer,
                                         make_user, make_item) -> None:
    path = _digest_link(app, site, make_user, make_item, "kim@example.org")
    page = client.get(path)
    assert page.status_code == 200 and "Stop the e-mail" in page.get_data(as_text=True)
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert len(follows(app)) == 1  # looking changes nothing
    done = client.post(path)
    assert "You no longer follow this search" in done.get_data(as_text=True)
    assert follows(app) == []
    again = client.get(path)
    assert again.status_code == 404 and "Nothing to stop" in again.get_data(as_text=True)
    forged = client.get(path[:-3] + "abc")
    assert forged.status_code == 404


def test_one_click_unsubscribe_needs_no_session_or_csrf(tmp_path: Path, mail_server: MailServer,
                                                        make_user, make_item) -> None:
    del make_user, make_item  # this test builds its own app, with CSRF checks on
    app = make_app(tmp_path / "csrf", WTF_CSRF_ENABLED=True, BASE_URL=BASE,
                   **mail_server.settings())
    with app.app_context():
        user = User(email="one@example.org", name="One", role="reader", sectors=[],
                    preferred_language="nl")
        db.session.add(user)
        db.session.flush()
        db.session.add(FollowedSearch(user_id=user.id, query="", frequency="daily",
                                      checked_until=utcnow() - timedelta(days=2)))
        from kennisbank.content.service import commit, save_item
        save_item(item_data(), user=None)
        commit()
    with app.app_context():
        send_due(utcnow())
    [mail] = mail_server.to("one@example.org")
    path = urlsplit(re.search(r"<(.+)>", mail.mail["List-Unsubscribe"]).group(1)).path
    client = app.test_client()
    response = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(FollowedSearch.id))) == 0
    # Other following forms still need their token.
    assert client.post("/en/follow", data={"query": ""}).status_code == 400


# --- mail headers and privacy ----------------------------------------------------------------

def test_only_known_headers_can_be_added_to_mail(app: Flask) -> None:
    with app.app_context(), app.test_request_context("/"):
        with pytest.raises(ValueError, match="not one of"):
            queue_mail("a@example.org", "message", {"subject": "s", "body": "b", "link": "l",
                                                   "sender": "x"}, headers={"Bcc": "x@y.z"})
        with pytest.raises(ValueError, match="line break"):
            queue_mail("a@example.org", "message", {"subject": "s", "body": "b", "link": "l",
                                                   "sender": "x"},
                       headers={"List-Unsubscribe": "<a>\r\nBcc: x@y.z"})


def test_followed_searches_are_in_the_download_and_go_with_the_account(
        app: Flask, client: FlaskClient, make_user) -> None:
    user = make_user("reader", preferred_language="en")
    login(client, user)
    follow_from(client, "/en/search?q=klimaat")
    download = client.get("/en/account/data")
    download = json.loads(download.get_data(as_text=True))
    [entry] = download["sections"]["followed_searches"]
    assert (entry["search"], entry["frequency"], entry["name"]) == (
        "q=klimaat", "weekly", "“klimaat”")
    from tests.conftest import PASSWORD
    assert client.post("/en/account/delete", data={"password": PASSWORD}).status_code == 303
    assert follows(app) == []


def test_the_worker_sends_due_digests(app: Flask, runner, site: MailServer, make_user,
                                      make_item) -> None:
    user = make_user("reader", email="wim@example.org", preferred_language="en")
    with app.app_context():
        db.session.add(FollowedSearch(user_id=user.id, query="", frequency="daily",
                                      checked_until=utcnow() - timedelta(days=1, minutes=1)))
        db.session.commit()
    make_item()
    result = runner.invoke("index-worker", "--once")
    assert result.exit_code == 0, result.output
    assert "Queued 1 digests of followed searches." in result.output
    [mail] = site.to("wim@example.org")
    assert "Bicycle streets in the centre" in mail.part("plain")
    assert follows(app)[0].last_sent_at is not None
