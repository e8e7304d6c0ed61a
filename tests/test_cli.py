"""The ``kennisbank`` command: users, tokens, plugins and init, as an administrator runs them."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask

from kennisbank import hookimpl
from kennisbank.auth.passwords import verify_password
from kennisbank.cli import build_cli
from kennisbank.extensions import db
from kennisbank.models import ApiToken, Item, User
from tests.conftest import PASSWORD, Runner, make_app

DEMO_ITEMS = Path(__file__).parents[1] / "kennisbank" / "demo" / "items.jsonl"


def user_named(app: Flask, email: str) -> User | None:
    with app.app_context():
        user = db.session.execute(db.select(User).where(User.email == email)).scalar()
        if user is not None:
            db.session.expunge(user)
        return user


def user_count(app: Flask) -> int:
    with app.app_context():
        return db.session.execute(db.select(db.func.count(User.id))).scalar_one()


# -- users create -------------------------------------------------------------------------


def test_users_create_reads_the_password_from_stdin(runner, app) -> None:
    result = runner.invoke("users", "create", "Ada@Example.org", "--name", "Ada Lovelace",
                           "--role", "editor", "--sector", "education", "--sector", "culture",
                           "--password-stdin", input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Created editor ada@example.org"
    user = user_named(app, "ada@example.org")
    assert (user.name, user.role, user.sectors, user.active) == (
        "Ada Lovelace", "editor", ["education", "culture"], True
    )
    assert PASSWORD not in user.password_hash
    assert verify_password(user.password_hash, PASSWORD)


def test_users_create_prompts_twice_without_echo(runner, app) -> None:
    result = runner.invoke("users", "create", "grace@example.org", "--name", "Grace Hopper",
                           "--role", "admin", input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "Password:" in result.output and "Repeat for confirmation:" in result.output
    assert PASSWORD not in result.output
    assert verify_password(user_named(app, "grace@example.org").password_hash, PASSWORD)


def test_users_create_asks_again_when_the_two_passwords_differ(runner, app) -> None:
    answers = f"{PASSWORD}\nsomething else entirely\n{PASSWORD}\n{PASSWORD}\n"
    result = runner.invoke("users", "create", "alan@example.org", "--name", "Alan Turing",
                           input=answers)
    assert result.exit_code == 0, result.output
    assert "do not match" in result.output
    assert verify_password(user_named(app, "alan@example.org").password_hash, PASSWORD)


@pytest.mark.parametrize(
    ("arguments", "stdin", "message"),
    [
        (["not-an-email", "--name", "X"], PASSWORD, "not an email address"),
        (["x@example.org", "--name", "X"], "short",
         "password refused: Use at least 10 characters."),
        (["x@example.org", "--name", "X"], "aaaaaaaaaaaa", "password refused: Use more different"),
        (["x@example.org", "--name", "X", "--role", "editor", "--sector", "fishing"], PASSWORD,
         "unknown sector(s) fishing"),
        (["x@example.org", "--name", "X", "--role", "contributor", "--sector", "culture"],
         PASSWORD, "only editors have sectors"),
        (["x@example.org", "--name", "X", "--role", "editor"], PASSWORD,
         "An editor needs at least one sector."),
        (["x@example.org", "--name", "X", "--role", "overlord"], PASSWORD, "overlord"),
    ],
)
def test_users_create_refuses_bad_input_and_creates_nothing(
    runner, app, arguments, stdin, message
) -> None:
    result = runner.invoke("users", "create", *arguments, "--password-stdin", input=stdin + "\n")
    assert result.exit_code != 0
    assert message in result.output
    assert user_count(app) == 0


def test_users_create_refuses_a_duplicate_email(runner, app, make_user) -> None:
    make_user("reader", email="taken@example.org")
    result = runner.invoke("users", "create", " TAKEN@example.org", "--name", "Again",
                           "--password-stdin", input=PASSWORD + "\n")
    assert result.exit_code == 1
    assert "a user with email taken@example.org exists already" in result.output
    assert user_count(app) == 1


def test_users_list_shows_role_sectors_and_state(runner, app, make_user) -> None:
    make_user("editor", email="b-editor@example.org", sectors=["ngo", "culture"])
    make_user("reader", email="a-reader@example.org", active=False)
    lines = runner.invoke("users", "list").output.splitlines()
    assert [line.split() for line in lines] == [
        ["a-reader@example.org", "reader", "-", "deactivated"],
        ["b-editor@example.org", "editor", "ngo,culture", "active"],
    ]


# -- tokens ---------------------------------------------------------------------------------


def database_bytes(app: Flask) -> bytes:
    """The SQLite file and its write-ahead log, as stored on disk."""
    path = Path(app.instance_path) / "kennisbank.sqlite"
    return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())


def test_tokens_create_prints_the_token_last_and_stores_only_its_digest(
    runner, app, make_user
) -> None:
    make_user("contributor", email="api@example.org")
    result = runner.invoke("tokens", "create", "api@example.org", "--name", "sync script")
    assert result.exit_code == 0
    token = result.output.splitlines()[-1]
    assert token.startswith("kb_") and len(token) > 40
    expected = hashlib.sha256(token.encode()).hexdigest()
    with app.app_context():
        stored = db.session.execute(db.select(ApiToken)).scalar_one()
        assert stored.token_hash == expected and stored.name == "sync script"
    with app.app_context():
        db.session.execute(db.text("PRAGMA wal_checkpoint(FULL)"))
    raw = database_bytes(app)
    assert expected.encode() in raw  # the scan does see what is stored
    assert token.encode() not in raw
    assert token[10:].encode() not in raw  # not even the secret part after the prefix
    response = app.test_client().get("/api/v1/content-types",
                                     headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200


def test_tokens_create_refuses_unknown_and_deactivated_users(runner, app, make_user) -> None:
    make_user("contributor", email="gone@example.org", active=False)
    unknown = runner.invoke("tokens", "create", "nobody@example.org")
    assert unknown.exit_code == 1 and "no user with email nobody@example.org" in unknown.output
    gone = runner.invoke("tokens", "create", "gone@example.org")
    assert gone.exit_code == 1 and "deactivated" in gone.output
    with app.app_context():
        assert db.session.execute(db.select(db.func.count(ApiToken.id))).scalar_one() == 0


# -- plugins and init -------------------------------------------------------------------------


class ListedPlugin:
    @hookimpl
    def register_sectors(self) -> list[dict[str, object]]:
        return [{"code": "youth", "label": {"nl": "Jeugd", "en": "Youth"}}]


def test_plugins_lists_enabled_plugins_but_not_the_core(tmp_path) -> None:
    app = make_app(tmp_path, PLUGINS=[], EXTRA_PLUGINS=[ListedPlugin()])
    output = Runner(app).invoke("plugins").output
    assert output.splitlines() == [
        "Plugin        Distribution          Version  Content types",
        "ListedPlugin  (registered by code)  -        -",
    ]
    assert "kennisbank.content" not in output


def test_plugins_aligns_its_columns_and_creates_nothing_in_an_empty_instance(tmp_path) -> None:
    instance = tmp_path / "empty"
    result = CliRunner().invoke(build_cli(), ["plugins"], catch_exceptions=False, env={
        "KENNISBANK_INSTANCE": str(instance), "KENNISBANK_PLUGINS": "education,culture",
        "KENNISBANK_DATABASE_URL": None, "KENNISBANK_SECRET_KEY": None})
    assert result.exit_code == 0, result.output
    header, *rows = result.output.splitlines()
    assert [row.split()[0] for row in rows] == ["culture", "education"]
    for column in ("Distribution", "Version", "Content types"):
        start = header.index(column)
        assert all(row[start - 2:start] == "  " and row[start] != " " for row in rows), column
    assert "kennisbank-education" in result.output
    assert not instance.exists()


def test_plugins_says_so_when_none_are_enabled(tmp_path) -> None:
    result = Runner(make_app(tmp_path, PLUGINS=[])).invoke("plugins")
    assert result.exit_code == 0 and result.output.strip() == "No plugins enabled."


def test_help_lists_core_commands(runner) -> None:
    output = runner.invoke("--help").output
    for command in ("init", "serve", "users", "tokens", "plugins", "import", "export"):
        assert f"  {command} " in output, command


def test_init_is_idempotent(runner, app, make_user) -> None:
    make_user("admin", email="keep@example.org")
    first = runner.invoke("init")
    second = runner.invoke("init")
    assert first.exit_code == second.exit_code == 0
    assert f"Instance folder: {app.instance_path}" in second.output
    assert user_named(app, "keep@example.org") is not None
    assert (Path(app.instance_path) / "kennisbank.sqlite").is_file()


def test_init_demo_loads_the_demo_once(runner, app) -> None:
    if not DEMO_ITEMS.exists():
        pytest.skip(f"the demo set {DEMO_ITEMS} does not exist yet")
    first = runner.invoke("init", "--demo")
    assert first.exit_code == 0, first.output
    assert "Demo content: " in first.output and " created, 0 updated, 0 unchanged." in first.output
    demo_users = [line for line in first.output.splitlines() if line.startswith("Demo user ")]
    assert len(demo_users) >= 1
    with app.app_context():
        items = db.session.execute(db.select(Item)).scalars().all()
        assert len(items) >= 40
        assert {item.sector for item in items} == {
            "education", "business", "culture", "ngo", "municipality"
        }
        assert len({item.type for item in items}) >= 6
        assert {"draft", "published"} <= {item.status for item in items}
        languages = [tuple(item.languages) for item in items]
        assert {("nl",), ("en",), ("en", "nl")} <= set(languages)
        assert len({item.country for item in items}) >= 3
        count = len(items)
    again = runner.invoke("init", "--demo")
    assert again.exit_code == 0
    assert f"0 created, 0 updated, {count} unchanged." in again.output
    assert "Demo user " not in again.output
