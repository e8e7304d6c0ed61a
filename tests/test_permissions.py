"""The permission matrix: every role against every action, in the policy and over HTTP.

The expected answers are written out by hand below (not derived from the
code), so a change to the policy shows up here as a named cell that differs.
Items all belong to the "owner" contributor and the municipality sector,
except ``X``, which is in the culture sector (no editor here edits it).
"""

from __future__ import annotations

import pytest

from kennisbank.auth.policy import ACTIONS, can, refusal, visibility
from kennisbank.extensions import db
from kennisbank.models import Item, User
from tests.conftest import login, make_app

ROLES = ("anonymous", "reader", "owner", "contributor", "editor", "editor_elsewhere", "admin")

#: case -> (action, item key or None)
CASES = {
    "view published": ("view", "P"),
    "view draft": ("view", "D"),
    "view review": ("view", "R"),
    "view archived": ("view", "A"),
    "view other-sector draft": ("view", "X"),
    "create": ("create", None),
    "edit draft": ("edit", "D"),
    "edit in review": ("edit", "R"),
    "edit published": ("edit", "P"),
    "edit other-sector draft": ("edit", "X"),
    "submit draft": ("submit", "D"),
    "submit other-sector draft": ("submit", "X"),
    "publish review": ("publish", "R"),
    "publish draft": ("publish", "D"),
    "publish other-sector draft": ("publish", "X"),
    "archive published": ("archive", "P"),
    "return review": ("return", "R"),
    "delete draft": ("delete", "D"),
    "delete published": ("delete", "P"),
    "history of draft": ("view_history", "D"),
    "history of review": ("view_history", "R"),
    "history of published": ("view_history", "P"),
    "withdraw review": ("withdraw", "R"),
    "manage users": ("manage_users", None),
    "manage own tokens": ("manage_tokens", None),
    "import": ("import", None),
    "export": ("export", None),
    "maintain organisations": ("edit_organisation", None),
    "contact people": ("contact", None),
    "maintain synonyms": ("manage_synonyms", None),
    "invite people": ("invite", None),
    "review access requests": ("review_access", None),
}

EDITOR_CASES = {
    "view published", "view draft", "view review", "view archived", "create",
    "edit draft", "edit in review", "edit published", "submit draft", "publish review",
    "publish draft", "archive published", "return review", "delete draft", "delete published",
    "history of draft", "history of review", "history of published", "manage own tokens",
    "import", "export",
    "maintain organisations", "contact people", "maintain synonyms", "invite people",
    "review access requests",
}
ALLOWED: dict[str, set[str]] = {
    "anonymous": {"view published"},
    "reader": {"view published", "manage own tokens", "contact people"},
    "owner": {
        "view published", "view draft", "view review", "view archived",
        "view other-sector draft", "create", "edit draft", "edit other-sector draft",
        "submit draft", "submit other-sector draft", "delete draft", "history of draft",
        "history of review", "history of published", "withdraw review",
        "manage own tokens", "contact people",
    },
    "contributor": {"view published", "create", "manage own tokens", "contact people"},
    "editor": EDITOR_CASES,
    "editor_elsewhere": {"view published", "create", "manage own tokens", "import", "export",
                         "maintain organisations", "contact people", "maintain synonyms",
                         "invite people", "review access requests"},
    # Withdrawing is the author's step only: an admin returns an item with a comment.
    "admin": set(CASES) - {"withdraw review"},
}
#: Which items appear in lists and search (the visibility query), per role.
LISTED = {
    "anonymous": {"P"},
    "reader": {"P"},
    "owner": {"P", "D", "R", "A", "X"},
    "contributor": {"P"},
    "editor": {"P", "D", "R", "A"},
    "editor_elsewhere": {"P"},
    "admin": {"P", "D", "R", "A", "X"},
}


def test_every_policy_action_is_in_the_matrix():
    assert {action for action, _item in CASES.values()} == set(ACTIONS)


@pytest.fixture
def world(app, make_user, make_item):
    """Six people and five items; returns ``(users by role, item ids by key)``."""
    people = {
        "reader": make_user("reader"),
        "owner": make_user("contributor"),
        "contributor": make_user("contributor"),
        "editor": make_user("editor", sectors=["municipality"]),
        "editor_elsewhere": make_user("editor", sectors=["education"]),
        "admin": make_user("admin"),
    }
    owner = people["owner"]
    items = {
        "D": make_item(owner=owner, status="draft"),
        "R": make_item(owner=owner, status="review"),
        "P": make_item(owner=owner, status="published"),
        "A": make_item(owner=owner, status="archived"),
        "X": make_item(owner=owner, status="draft", sector="culture"),
    }
    return people, {key: item.id for key, item in items.items()}


def _person(people, role):
    return None if role == "anonymous" else db.session.get(User, people[role].id)


@pytest.mark.parametrize("role", ROLES)
def test_policy_matrix(app, world, role):
    people, ids = world
    with app.test_request_context():
        user = _person(people, role)
        got = {
            case for case, (action, key) in CASES.items()
            if can(user, action, db.session.get(Item, ids[key]) if key else None)
        }
        assert sorted(got) == sorted(ALLOWED[role])


@pytest.mark.parametrize("role", ROLES)
def test_visibility_query_lists_what_the_role_may_see(app, world, role):
    people, ids = world
    by_id = {item_id: key for key, item_id in ids.items()}
    with app.test_request_context():
        user = _person(people, role)
        found = db.session.execute(db.select(Item.id).where(visibility(user).sql())).scalars()
        assert {by_id[i] for i in found} == LISTED[role]
        for key, item_id in ids.items():
            assert visibility(user).allows(db.session.get(Item, item_id)) == (key in LISTED[role])


def _expected(role: str, case: str, success: int) -> int:
    """The answer for ``case``: success, else 401 for visitors, 404 unseen, 403 seen."""
    if case in ALLOWED[role]:
        return success
    if role == "anonymous":
        return 401
    _action, key = CASES[case]
    seen = key is None or f"view {_VIEW_CASE[key]}" in ALLOWED[role]
    return 403 if seen else 404


_VIEW_CASE = {"D": "draft", "R": "review", "P": "published", "A": "archived",
              "X": "other-sector draft"}


@pytest.mark.parametrize("role", ROLES)
def test_http_status_codes_match_the_matrix(app, world, make_item, role):
    """Pages, workflow POSTs, history, the revisions API and admin pages, for one role."""
    people, ids = world
    client = app.test_client()
    if role != "anonymous":
        login(client, people[role])
    owner = people["owner"]
    got: dict[str, int] = {}
    expected: dict[str, int] = {}

    for key, view_case in _VIEW_CASE.items():
        name = f"GET item page {key}"
        got[name] = client.get(f"/en/items/{ids[key]}").status_code
        expected[name] = 200 if f"view {view_case}" in ALLOWED[role] else 404

    steps = {
        "submit draft": ("draft", "submit", "municipality"),
        "submit other-sector draft": ("draft", "submit", "culture"),
        "publish review": ("review", "publish", "municipality"),
        "publish draft": ("draft", "publish", "municipality"),
        "publish other-sector draft": ("draft", "publish", "culture"),
        "archive published": ("published", "archive", "municipality"),
        "return review": ("review", "return", "municipality"),
        "withdraw review": ("review", "withdraw", "municipality"),
    }
    for case, (status, step, sector) in steps.items():
        fresh = make_item(owner=owner, status=status, sector=sector)
        name = f"POST {case}"
        got[name] = client.post(f"/en/items/{fresh.id}/{step}",
                                data={"comment": "Please add the results."}).status_code
        expected[name] = _expected(role, case, 303)

    for case in ("history of draft", "history of review", "history of published"):
        key = CASES[case][1]
        got[f"GET {case}"] = client.get(f"/en/items/{ids[key]}/history").status_code
        expected[f"GET {case}"] = _expected(role, case, 200)
        name = f"API revisions, {case}"
        got[name] = client.get(f"/api/v1/items/{ids[key]}/revisions").status_code
        expected[name] = _expected(role, case, 200)

    for path in ("/en/admin/users", "/en/admin/users/new",
                 f"/en/admin/users/{people['reader'].id}"):
        got[f"GET {path}"] = client.get(path).status_code
        expected[f"GET {path}"] = _expected(role, "manage users", 200)
    name = "POST deactivate reader"
    got[name] = client.post(f"/en/admin/users/{people['reader'].id}/deactivate").status_code
    expected[name] = _expected(role, "manage users", 303)
    got["GET own tokens"] = client.get("/en/account/tokens").status_code
    expected["GET own tokens"] = _expected(role, "manage own tokens", 200)

    assert got == expected


def test_refused_steps_change_nothing(app, world):
    """A 403 leaves the item as it was: same status, no new revision."""
    people, ids = world
    client = app.test_client()
    login(client, people["contributor"])
    assert client.post(f"/en/items/{ids['P']}/archive").status_code == 403
    with app.app_context():
        item = db.session.get(Item, ids["P"])
        assert item.status == "published"
        assert len(item.revisions) == 1


def test_public_false_asks_visitors_to_log_in(tmp_path, make_item_in):
    app, item_id = make_item_in(tmp_path, PUBLIC=False)
    client = app.test_client()
    assert client.get(f"/en/items/{item_id}").status_code == 401
    assert client.get("/en/").status_code == 401
    with app.test_request_context():
        assert refusal(None, "view", db.session.get(Item, item_id)) == 401
        assert db.session.execute(
            db.select(Item.id).where(visibility(None).sql())
        ).scalars().all() == []


@pytest.fixture
def make_item_in():
    """An app with custom settings holding one published item: ``(app, item id)``."""
    from kennisbank.content.service import commit, save_item
    from tests.conftest import item_data

    def factory(tmp_path, **config):
        app = make_app(tmp_path, **config)
        with app.app_context():
            item = save_item(item_data(), user=None)
            commit()
            return app, item.id

    return factory


def test_public_false_still_lets_readers_read(tmp_path, make_item_in):
    app, item_id = make_item_in(tmp_path, PUBLIC=False)
    with app.app_context():
        from kennisbank.auth.passwords import hash_password

        reader = User(email="r@example.org", name="R", role="reader",
                      password_hash=hash_password("irrelevant-here-1"))
        db.session.add(reader)
        db.session.commit()
        db.session.refresh(reader)
        db.session.expunge(reader)
    client = app.test_client()
    login(client, reader)
    assert client.get(f"/en/items/{item_id}").status_code == 200


def test_deactivated_user_counts_as_anonymous(app, world):
    people, ids = world
    with app.test_request_context():
        editor = db.session.get(User, people["editor"].id)
        item = db.session.get(Item, ids["D"])
        assert can(editor, "publish", item)
        editor.active = False
        assert not can(editor, "publish", item)
        assert not can(editor, "view", item)


class VetoPlugin:
    """A plugin that lets nobody archive, and lets readers create."""

    __name__ = "veto"

    from kennisbank import hookimpl

    @hookimpl
    def permission_allowed(self, user, action, item):
        if action == "archive":
            return False
        if action == "create" and user is not None and user.role == "reader":
            return True
        return None


def test_permission_hook_decides_first(tmp_path):
    app = make_app(tmp_path, EXTRA_PLUGINS=[VetoPlugin()])
    with app.test_request_context():
        admin = User(email="a@example.org", name="A", role="admin", active=True, id=1)
        reader = User(email="r@example.org", name="R", role="reader", active=True, id=2)
        published = Item(status="published", sector="municipality", translations=[])
        assert not can(admin, "archive", published)
        assert can(reader, "create")
        assert can(admin, "publish", published)


def test_unknown_action_is_a_programming_error(app):
    with app.test_request_context(), pytest.raises(ValueError):
        can(None, "fly")
