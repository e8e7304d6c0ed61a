"""The editorial workflow: draft -> review -> published -> archived, and back to the author."""

from __future__ import annotations

import pytest

from kennisbank import hookimpl, workflow
from kennisbank.auth.passwords import hash_password
from kennisbank.content.service import commit, save_item
from kennisbank.extensions import db
from kennisbank.models import AuditEvent, Item, User
from tests.conftest import PASSWORD, item_data, login, make_app


class PublicationCounter:
    """Counts ``item_published`` calls, and can demand a tag before publication."""

    __name__ = "publication_counter"

    def __init__(self, require_tag=None):
        self.published = []
        self.require_tag = require_tag

    @hookimpl
    def item_published(self, item):
        self.published.append((item.id, item.status))

    @hookimpl
    def validate_item(self, item):
        if self.require_tag and item.status == "published" and self.require_tag not in item.tags:
            return {"tags": f"Add the tag {self.require_tag} before publishing."}
        return None


@pytest.fixture
def desk(tmp_path):
    """An app with a counting plugin, a contributor, an editor and the contributor's draft."""
    counter = PublicationCounter()
    app = make_app(tmp_path, EXTRA_PLUGINS=[counter])
    with app.app_context():
        author = User(email="author@example.org", name="Author", role="contributor",
                      password_hash=hash_password(PASSWORD))
        editor = User(email="editor@example.org", name="Editor", role="editor",
                      sectors=["municipality"], password_hash=hash_password(PASSWORD))
        db.session.add_all([author, editor])
        db.session.flush()
        item = save_item(item_data(status="draft"), user=author)
        commit()
        ids = {"author": author.id, "editor": editor.id, "item": item.id}
        for person in (author, editor):
            db.session.refresh(person)
            db.session.expunge(person)
    clients = {"author": app.test_client(), "editor": app.test_client()}
    login(clients["author"], author)
    login(clients["editor"], editor)
    return app, counter, clients, ids


def status_of(app, item_id):
    with app.app_context():
        return db.session.get(Item, item_id).status


def test_full_round_trip_keeps_who_when_and_why(desk):
    app, counter, clients, ids = desk
    author, editor, item = clients["author"], clients["editor"], ids["item"]

    assert author.post(f"/en/items/{item}/submit", data={"comment": "Ready"}).status_code == 303
    assert status_of(app, item) == "review"
    assert author.post(f"/en/items/{item}/publish").status_code == 403

    without_reason = editor.post(f"/en/items/{item}/return", data={"comment": "  "})
    html = without_reason.get_data(as_text=True)
    assert without_reason.status_code == 422 and 'id="comment-error"' in html
    assert 'class="error-summary"' in html and 'href="#comment"' in html
    assert "Enter a comment that tells the author what to change" in html
    assert html.count("Enter a comment that tells the author") == 2  # summary and field
    assert status_of(app, item) == "review"

    reason = "Please add the results of 2023."
    assert editor.post(f"/en/items/{item}/return", data={"comment": reason}).status_code == 303
    assert status_of(app, item) == "draft"
    assert reason in author.get(f"/en/items/{item}").get_data(as_text=True)

    author.post(f"/en/items/{item}/submit")
    assert editor.post(f"/en/items/{item}/publish").status_code == 303
    assert status_of(app, item) == "published"
    assert counter.published == [(item, "published")]

    with app.app_context():
        stored = db.session.get(Item, item)
        steps = [(r.action, r.user_id, r.comment) for r in stored.revisions]
        assert steps == [
            ("save", ids["author"], ""),
            ("submit", ids["author"], "Ready"),
            ("return", ids["editor"], reason),
            ("submit", ids["author"], ""),
            ("publish", ids["editor"], ""),
        ]
        assert all(r.created_at is not None for r in stored.revisions)
        assert stored.published_at is not None
        events = [e.event for e in db.session.execute(
            db.select(AuditEvent).order_by(AuditEvent.id)).scalars()]
        assert events == ["item_submitted", "item_returned", "item_submitted", "item_published"]


def test_item_published_fires_exactly_once_per_publication(desk):
    app, counter, clients, ids = desk
    editor, item = clients["editor"], ids["item"]
    editor.post(f"/en/items/{item}/publish")
    second = editor.post(f"/en/items/{item}/publish")
    assert second.status_code == 303
    assert status_of(app, item) == "published"
    assert counter.published == [(item, "published")]

    with app.app_context():
        stored = db.session.get(Item, item)
        save_item(item_data(status="published", tags=["edited"]), user=None, item=stored)
        commit()
    assert len(counter.published) == 1

    editor.post(f"/en/items/{item}/archive")
    assert status_of(app, item) == "archived"
    assert len(counter.published) == 1
    editor.post(f"/en/items/{item}/publish")
    assert counter.published == [(item, "published"), (item, "published")]


def test_a_step_that_does_not_fit_the_status_is_explained(desk):
    app, _counter, clients, ids = desk
    editor, item = clients["editor"], ids["item"]
    response = editor.post(f"/en/items/{item}/archive")
    assert response.status_code == 303
    page = editor.get(response.location).get_data(as_text=True)
    assert "This step is not possible now: the item is draft." in page
    assert status_of(app, item) == "draft"
    form = editor.get(f"/en/items/{item}/archive").get_data(as_text=True)
    assert "This step is not possible now" in form and "<textarea" not in form


def test_plugin_rules_for_publication_apply_to_the_publish_step(tmp_path):
    counter = PublicationCounter(require_tag="checked")
    app = make_app(tmp_path, EXTRA_PLUGINS=[counter])
    with app.app_context():
        editor = User(email="e@example.org", name="E", role="editor", sectors=["municipality"],
                      password_hash=hash_password(PASSWORD))
        db.session.add(editor)
        item = save_item(item_data(status="review"), user=None)
        commit()
        item_id = item.id
        db.session.refresh(editor)
        db.session.expunge(editor)
    client = app.test_client()
    login(client, editor)
    response = client.post(f"/en/items/{item_id}/publish")
    assert response.status_code == 303
    assert "Add the tag checked before publishing." in client.get(response.location).get_data(
        as_text=True)
    assert status_of(app, item_id) == "review"
    assert counter.published == []
    assert client.post(f"/en/items/{item_id}/return",
                       data={"comment": "add the tag"}).status_code == 303
    assert status_of(app, item_id) == "draft"


def test_item_page_offers_the_steps_the_person_may_take(desk, make_user):
    app, _counter, clients, ids = desk
    item = ids["item"]
    author_page = clients["author"].get(f"/en/items/{item}").get_data(as_text=True)
    assert f'action="/en/items/{item}/submit"' in author_page
    assert f'action="/en/items/{item}/publish"' not in author_page
    assert f'href="/en/items/{item}/history"' in author_page
    assert "forms.css" in author_page and "workflow.css" in author_page
    assert "A note for the editor who reviews it" in author_page
    assert "Required when you return" not in author_page
    editor_page = clients["editor"].get(f"/en/items/{item}").get_data(as_text=True)
    assert f'action="/en/items/{item}/publish"' in editor_page
    assert f'action="/en/items/{item}/archive"' not in editor_page
    clients["editor"].post(f"/en/items/{item}/publish")
    visitor_page = app.test_client().get(f"/en/items/{item}").get_data(as_text=True)
    assert "workflow-panel" not in visitor_page
    author_page = clients["author"].get(f"/en/items/{item}").get_data(as_text=True)
    assert "Status: Published" in author_page and 'class="workflow-steps"' not in author_page
    assert f'href="/en/items/{item}/history"' in author_page


def test_apply_refuses_what_the_policy_refuses(desk):
    app, _counter, _clients, ids = desk
    with app.test_request_context():
        author = db.session.get(User, ids["author"])
        item = db.session.get(Item, ids["item"])
        with pytest.raises(PermissionError):
            workflow.apply(item, "publish", user=author)
        with pytest.raises(ValueError):
            workflow.apply(item, "teleport", user=author)
        assert [t.action for t in workflow.available(author, item)] == ["submit"]
        editor = db.session.get(User, ids["editor"])
        assert [t.action for t in workflow.available(editor, item)] == ["submit", "publish"]


@pytest.mark.parametrize(("old", "new", "action"), [
    (None, "draft", None), (None, "review", "submit"), (None, "published", "publish"),
    ("draft", "draft", None), ("draft", "review", "submit"), ("review", "published", "publish"),
    ("review", "draft", "return"), ("published", "archived", "archive"),
    ("archived", "published", "publish"), ("published", "draft", "publish"),
])
def test_required_action_for_direct_status_changes(old, new, action):
    assert workflow.required_action(old, new) == action
