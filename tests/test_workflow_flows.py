"""The contributor's and the editor's flows over HTTP: the author keeps their item
after submitting it (state, history, a reason instead of a bare 403), withdraws
it, and editors work from the review queue with its count in the navigation."""

from __future__ import annotations

import re

import pytest

from kennisbank.extensions import db
from kennisbank.models import AuditEvent, Item, Revision
from tests.conftest import login


@pytest.fixture
def people(app, make_user):
    return {
        "author": make_user("contributor"),
        "other": make_user("contributor"),
        "editor": make_user("editor", sectors=["municipality"]),
        "elsewhere": make_user("editor", sectors=["education"]),
        "admin": make_user("admin"),
    }


def client_of(app, user):
    client = app.test_client()
    login(client, user)
    return client


def status_of(app, item_id):
    with app.app_context():
        return db.session.get(Item, item_id).status


@pytest.fixture
def submitted(app, people, make_item):
    """The author's draft, submitted for review with a note, and the author's client."""
    item = make_item(owner=people["author"], status="draft")
    author = client_of(app, people["author"])
    answer = author.post(f"/en/items/{item.id}/submit", data={"comment": "Ready for you"})
    assert answer.status_code == 303
    return item.id, author


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_author_keeps_their_item_in_review(app, submitted, lang):
    item_id, author = submitted
    page = author.get(f"/{lang}/items/{item_id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'class="workflow-panel workflow-review"' in html
    assert f'action="/{lang}/items/{item_id}/withdraw"' in html
    assert f'action="/{lang}/items/{item_id}/submit"' not in html
    assert author.get(f"/{lang}/items/{item_id}/history").status_code == 200
    mine = author.get(f"/{lang}/my-items").get_data(as_text=True)
    assert f'action="/{lang}/items/{item_id}/withdraw"' in mine
    assert f'href="/{lang}/items/{item_id}/history"' in mine


@pytest.mark.parametrize("path", ["edit", "people", "transfers/new"])
def test_author_is_told_why_they_cannot_change_an_item_in_review(submitted, path):
    item_id, author = submitted
    page = author.get(f"/en/items/{item_id}/{path}")
    html = page.get_data(as_text=True)
    assert page.status_code == 403
    assert "You cannot change this item now" in html
    assert "cannot be changed while an editor reviews it" in html
    assert f'action="/en/items/{item_id}/withdraw"' in html
    dutch = author.get(f"/nl/items/{item_id}/{path}").get_data(as_text=True)
    assert "U kunt dit item nu niet wijzigen" in dutch


def test_someone_else_still_gets_the_plain_refusal(app, people, submitted):
    item_id, _author = submitted
    other = client_of(app, people["other"])
    assert other.get(f"/en/items/{item_id}/edit").status_code == 404
    elsewhere = client_of(app, people["elsewhere"])
    assert elsewhere.get(f"/en/items/{item_id}/edit").status_code == 404


def test_withdraw_makes_a_draft_the_author_can_change_and_submit_again(app, submitted):
    item_id, author = submitted
    answer = author.post(f"/en/items/{item_id}/withdraw",
                         data={"next": f"/en/items/{item_id}/edit"})
    assert answer.status_code == 303 and answer.location.endswith(f"/en/items/{item_id}/edit")
    assert status_of(app, item_id) == "draft"
    assert author.get(f"/en/items/{item_id}/edit").status_code == 200
    history = author.get(f"/en/items/{item_id}/history").get_data(as_text=True)
    assert "Withdrawn from review by the author" in history
    with app.app_context():
        actions = [r.action for r in db.session.scalars(
            db.select(Revision).where(Revision.item_id == item_id).order_by(Revision.id))]
        assert actions[-2:] == ["submit", "withdraw"]
        assert db.session.scalar(db.select(AuditEvent).where(
            AuditEvent.event == "item_withdrawn")) is not None
    assert author.post(f"/en/items/{item_id}/submit").status_code == 303
    assert status_of(app, item_id) == "review"


def test_only_the_author_withdraws(app, people, submitted):
    item_id, _author = submitted
    for role in ("editor", "admin", "other"):
        answer = client_of(app, people[role]).post(f"/en/items/{item_id}/withdraw")
        assert answer.status_code in (403, 404), role
    assert status_of(app, item_id) == "review"


def test_withdraw_fits_only_an_item_in_review(app, people, make_item):
    item = make_item(owner=people["author"], status="draft")
    author = client_of(app, people["author"])
    answer = author.post(f"/en/items/{item.id}/withdraw")
    assert answer.status_code == 303
    assert status_of(app, item.id) == "draft"
    assert "not possible now" in author.get(f"/en/items/{item.id}").get_data(as_text=True)


def test_withdraw_refuses_a_next_address_off_the_site(app, submitted):
    item_id, author = submitted
    answer = author.post(f"/en/items/{item_id}/withdraw", data={"next": "//evil.example/x"})
    assert answer.status_code == 303 and answer.location.endswith(f"/en/items/{item_id}")


def test_author_withdraws_through_the_api_editor_returns(app, people, submitted):
    item_id, _author = submitted
    with app.app_context():
        from kennisbank.auth.tokens import create_token  # noqa: PLC0415
        from kennisbank.models import User  # noqa: PLC0415

        token = create_token(db.session.get(User, people["author"].id), "test")
        db.session.commit()
        editor_token = create_token(db.session.get(User, people["editor"].id), "test")
        db.session.commit()
    api = app.test_client()
    no_reason = api.post(f"/api/v1/items/{item_id}/transitions", json={"to": "draft"},
                         headers={"Authorization": f"Bearer {editor_token}"})
    assert no_reason.status_code == 422 and "comment" in no_reason.get_json()["errors"]
    answer = api.post(f"/api/v1/items/{item_id}/transitions", json={"to": "draft"},
                      headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.get_json()
    assert status_of(app, item_id) == "draft"
    with app.app_context():
        latest = db.session.scalars(db.select(Revision).where(Revision.item_id == item_id)
                                    .order_by(Revision.id.desc())).first()
        assert latest.action == "withdraw"


def test_review_queue_lists_what_waits_in_the_editors_sectors(app, people, make_item, submitted):
    item_id, _author = submitted
    culture = make_item(owner=people["author"], status="review", sector="culture")
    editor = client_of(app, people["editor"])
    page = editor.get("/en/review")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f'id="review-{item_id}"' in html and f'id="review-{culture.id}"' not in html
    assert "1 item waits for review." in html
    assert "Ready for you" in html  # the author's note
    nav = re.search(r'<nav class="main-nav[^"]*".*?</nav>', html, re.S).group(0)
    assert 'href="/en/review"' in nav and "1 waiting" in nav
    admin = client_of(app, people["admin"]).get("/nl/review").get_data(as_text=True)
    assert f'id="review-{item_id}"' in admin and f'id="review-{culture.id}"' in admin
    assert "2 wachtend" in admin
    elsewhere = client_of(app, people["elsewhere"]).get("/en/review").get_data(as_text=True)
    assert "Nothing waits for review" in elsewhere and "waiting</span>" not in elsewhere


def test_review_queue_is_for_editors_only(app, people, submitted):
    assert app.test_client().get("/en/review").status_code in (302, 401)
    assert client_of(app, people["author"]).get("/en/review").status_code == 403
    home = client_of(app, people["author"]).get("/en/").get_data(as_text=True)
    assert 'href="/en/review"' not in home


def test_editor_publishes_and_returns_from_the_queue(app, people, make_item, submitted):
    item_id, _author = submitted
    second = make_item(owner=people["author"], status="review")
    editor = client_of(app, people["editor"])
    answer = editor.post(f"/en/items/{item_id}/publish", data={"next": "/en/review"})
    assert answer.status_code == 303 and answer.location.endswith("/en/review")
    assert status_of(app, item_id) == "published"

    empty = editor.post(f"/en/items/{second.id}/return", data={"comment": "", "next": "/en/review"})
    html = empty.get_data(as_text=True)
    assert empty.status_code == 422
    assert 'class="error-summary"' in html and "There is a problem" in html
    assert 'href="/en/review">Cancel' in html.replace("\n", "")
    assert status_of(app, second.id) == "review"
    returned = editor.post(f"/en/items/{second.id}/return",
                           data={"comment": "Add the results.", "next": "/en/review"})
    assert returned.status_code == 303 and returned.location.endswith("/en/review")
    assert status_of(app, second.id) == "draft"
    queue = editor.get("/en/review").get_data(as_text=True)
    assert "Nothing waits for review" in queue


def test_return_without_comment_in_dutch(app, people, submitted):
    item_id, _author = submitted
    html = client_of(app, people["editor"]).post(
        f"/nl/items/{item_id}/return", data={"comment": " "}).get_data(as_text=True)
    assert "Er is een probleem" in html
    assert "Vul een opmerking in" in html


def test_history_link_and_state_stay_for_published_items(app, people, submitted):
    item_id, author = submitted
    client_of(app, people["editor"]).post(f"/en/items/{item_id}/publish")
    assert author.get(f"/en/items/{item_id}/history").status_code == 200
    locked = author.get(f"/en/items/{item_id}/edit")
    assert locked.status_code == 403
    assert "only an editor of its sector can change it" in locked.get_data(as_text=True)
