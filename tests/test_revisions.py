"""Revision history: readable differences per field and language, restore, and the API."""

from __future__ import annotations

import re

import pytest

from kennisbank import hookimpl
from kennisbank.auth.accounts import issue_token
from kennisbank.content.service import commit, save_item
from kennisbank.extensions import db
from kennisbank.models import Item, Revision, User
from kennisbank.revisions import diff_text, history, revert, snapshot_changes
from tests.conftest import item_data, login, make_app
from tests.test_attachments import edit_values, pdf_with_text, stored, upload


def edited(**changes):
    """The standard practice with English summary/body and fields replaced."""
    data = item_data()
    english = {**data["translations"]["en"], **changes.pop("en", {})}
    data["translations"] = {**data["translations"], "en": english}
    data.update(changes)
    return data


@pytest.fixture
def revised(app, make_user):
    """A published item by an editor, saved twice: ``(editor, item id)``."""
    editor = make_user("editor", sectors=["municipality"])
    with app.app_context():
        user = db.session.get(User, editor.id)
        item = save_item(item_data(), user=user)
        commit()
        save_item(edited(en={"summary": "Cars are slow guests.", "results": "Fewer cars."},
                         tags=["fietsen", "auto"]),
                  user=user, item=item)
        commit()
        return editor, item.id


def test_diff_text_marks_changed_words():
    segments = [(s.kind, s.text) for s in diff_text("the quick brown fox", "the slow brown fox")]
    assert segments == [("equal", "the "), ("delete", "quick"), ("insert", "slow"),
                        ("equal", " brown fox")]
    assert [(s.kind, s.text) for s in diff_text("", "new")] == [("insert", "new")]


def test_changes_are_per_field_and_language_with_labels(app):
    before = item_data()
    after = edited(en={"summary": "Cars are slow guests.", "approach": "Signs."},
                   status="draft", themes=["sdg11", "sdg13"])
    with app.test_request_context("/en/"):
        from flask import g

        g.lang = "en"
        changes = {c.key: c for c in snapshot_changes(before, after, "en")}
    assert set(changes) == {"status", "themes", "translations.en.summary",
                            "translations.en.approach"}
    assert (changes["status"].old, changes["status"].new) == ("Published", "Draft")
    assert changes["translations.en.summary"].lang == "en"
    assert changes["translations.en.summary"].label == "Summary (English)"
    assert changes["translations.en.approach"].label == "Approach (English)"
    assert ("insert", "slow ") in [(s.kind, s.text) for s in
                                   changes["translations.en.summary"].segments]
    assert "Climate action" in changes["themes"].new


def visible(html):
    """The page as it looks: without the words only screen readers get."""
    return re.sub(r'<span class="visually-hidden">[^<]*</span>', "", html)


def test_history_page_shows_readable_differences(app, client, revised):
    editor, item_id = revised
    login(client, editor)
    page = client.get(f"/en/items/{item_id}/history").get_data(as_text=True)
    assert "[added: </span>slow" in page  # ins/del are named for screen readers
    html = visible(page)
    assert "<h2>Created" in html and "External id" not in html and "kb-" not in html
    assert "Title (English)" in html and "Description (Dutch)" in html
    assert "workflow.css" in html
    assert "Summary (English)" in html
    assert "<ins>slow </ins>" in html
    assert "Results (English)" in html and "<ins>Fewer cars.</ins>" in html
    assert "<del>fietsen</del>" not in html and "<ins>, auto</ins>" in html
    assert html.count("Restore this version") == 1


def test_revert_creates_a_new_revision_and_keeps_the_status(tmp_path):
    published = []

    class Counter:
        __name__ = "counter"

        @hookimpl
        def item_published(self, item):
            published.append(item.id)

    app = make_app(tmp_path, EXTRA_PLUGINS=[Counter()])
    with app.app_context():
        editor = User(email="e@example.org", name="E", role="editor", sectors=["municipality"],
                      password_hash="unused")
        db.session.add(editor)
        item = save_item(item_data(), user=editor)
        commit()
        save_item(edited(en={"summary": "Changed."}), user=editor, item=item)
        commit()
        first = item.revisions[0].id
        db.session.refresh(editor)
        db.session.expunge(editor)
    assert published == [1]
    client = app.test_client()
    login(client, editor)
    assert client.post(f"/en/items/1/revisions/{first}/revert").status_code == 303
    with app.app_context():
        item = db.session.get(Item, 1)
        assert item.translation("en").summary == "Cars are guests."
        assert item.status == "published"
        actions = [(r.action, r.changed) for r in item.revisions]
        assert actions[-1] == ("revert", ["translations.en.summary"])
        assert item.revisions[-1].comment.endswith("UTC")
    assert published == [1]
    client.post(f"/en/items/1/revisions/{first}/revert")
    with app.app_context():
        assert len(db.session.get(Item, 1).revisions) == 3


def test_revert_refusals(app, client, revised, make_user, make_item):
    editor, item_id = revised
    other = make_item()
    with app.app_context():
        first = db.session.get(Item, item_id).revisions[0].id
    assert client.post(f"/en/items/{item_id}/revisions/{first}/revert").status_code == 401
    login(client, make_user("contributor"))
    assert client.post(f"/en/items/{item_id}/revisions/{first}/revert").status_code == 403
    login(client, editor)
    assert client.post(f"/en/items/{other.id}/revisions/{first}/revert").status_code == 404
    with app.app_context():
        assert len(db.session.get(Item, item_id).revisions) == 2


def test_revert_that_todays_rules_refuse_changes_nothing(tmp_path):
    class NoOldTitles:
        __name__ = "no_old_titles"
        active = False

        @hookimpl
        def validate_item(self, item):
            if self.active and item.translation("en").summary == "Cars are guests.":
                return {"translations.en.summary": "That summary is outdated."}
            return None

    rule = NoOldTitles()
    app = make_app(tmp_path, EXTRA_PLUGINS=[rule])
    with app.app_context():
        admin = User(email="a@example.org", name="A", role="admin", password_hash="unused")
        db.session.add(admin)
        item = save_item(item_data(), user=admin)
        commit()
        save_item(edited(en={"summary": "New."}), user=admin, item=item)
        commit()
        first = item.revisions[0].id
        db.session.refresh(admin)
        db.session.expunge(admin)
    rule.active = True
    client = app.test_client()
    login(client, admin)
    response = client.post(f"/en/items/1/revisions/{first}/revert")
    assert "That summary is outdated." in client.get(response.location).get_data(as_text=True)
    with app.app_context():
        assert len(db.session.get(Item, 1).revisions) == 2
        assert db.session.get(Item, 1).translation("en").summary == "New."


def test_revisions_api(app, client, revised, make_user, make_item):
    editor, item_id = revised
    url = f"/api/v1/items/{item_id}/revisions?lang=en"
    anonymous = client.get(url)
    assert anonymous.status_code == 401 and anonymous.get_json()["error"]
    assert anonymous.headers["WWW-Authenticate"].lower().startswith("bearer")
    with app.app_context():
        token = issue_token(db.session.get(User, editor.id), "test")
        db.session.commit()
    response = client.get(url, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["item_id"] == item_id
    newest, oldest = body["revisions"]
    assert newest["current"] and not oldest["current"] and oldest["restorable"]
    assert newest["user"]["id"] == editor.id and newest["created_at"].endswith("Z")
    fields = {c["field"]: c for c in newest["changes"]}
    assert fields["translations.en.summary"]["new"] == "Cars are slow guests."
    assert fields["translations.en.summary"]["lang"] == "en"
    assert newest["snapshot"]["tags"] == ["fietsen", "auto"]
    assert (oldest["action"], oldest["action_label"]) == ("save", "Created")
    assert newest["files"] == {"added": [], "removed": []}

    reader = make_user("reader")
    login(client, reader)
    assert client.get(url).status_code == 403
    draft = make_item(status="draft", sector="culture")
    assert client.get(f"/api/v1/items/{draft.id}/revisions").status_code == 404
    assert client.get("/api/v1/items/999999/revisions").get_json()["error"]


def test_history_lists_newest_first(app, revised):
    _editor, item_id = revised
    with app.test_request_context("/en/"):
        entries = history(db.session.get(Item, item_id), "en")
        assert [e.is_current for e in entries] == [True, False]
        assert entries[0].revision.id > entries[1].revision.id


def test_revert_rejects_a_revision_of_another_item(app, revised, make_item):
    editor, item_id = revised
    other = make_item()
    with app.app_context():
        foreign = db.session.execute(
            db.select(Revision).where(Revision.item_id == other.id)).scalar_one()
        with pytest.raises(ValueError):
            revert(db.session.get(Item, item_id), foreign, user=db.session.get(User, editor.id))


def test_history_names_choices_by_their_labels(app, client, make_user):
    editor = make_user("editor", sectors=["municipality"])
    data = item_data(type="policy_practice", status="draft", fields={"policy_domain": "mobility"})
    with app.app_context():
        item = save_item(data, user=db.session.get(User, editor.id))
        commit()
        save_item({**data, "fields": {"policy_domain": "housing"}}, user=item.owner, item=item)
        commit()
        item_id = item.id
    login(client, editor)
    english = visible(client.get(f"/en/items/{item_id}/history").get_data(as_text=True))
    assert "<del>Mobility</del><ins>Housing</ins>" in english
    assert "mobility" not in english
    dutch = visible(client.get(f"/nl/items/{item_id}/history").get_data(as_text=True))
    assert "<del>Mobiliteit</del><ins>Wonen</ins>" in dutch
    assert "Titel (Nederlands)" in dutch and "<h2>Gemaakt" in dutch


def test_uploads_are_recorded_in_the_history(app, client, make_user, make_item):
    owner = make_user("contributor")
    item = make_item(owner=owner, status="draft")
    login(client, owner)
    answer = upload(client, item.id, pdf_with_text("Results"), "results.pdf")
    assert answer.status_code == 303
    html = visible(client.get(f"/en/items/{item.id}/history").get_data(as_text=True))
    assert "Attachments" in html and "Added: <ins>results.pdf</ins>" in html
    with app.app_context():
        latest = db.session.scalars(db.select(Revision).where(Revision.item_id == item.id)
                                    .order_by(Revision.id.desc())).first()
        assert latest.files == {"added": ["results.pdf"], "removed": []}
        assert latest.action == "save"
    attachment = stored(app, item.id)[0]
    removed = client.post(f"/en/items/{item.id}/edit",
                          data=edit_values(remove_attachment=str(attachment.id)))
    assert removed.status_code == 303
    html = visible(client.get(f"/en/items/{item.id}/history").get_data(as_text=True))
    assert "Removed: <del>results.pdf</del>" in html
