"""A testing kit for plugin authors: pytest fixtures for an app with your plugin in it.

Installed with Kennisbank as a pytest plugin (the ``pytest11`` entry point),
so a plugin's tests use these fixtures without a conftest of their own:

``app``
    an app on a fresh instance folder (SQLite and Whoosh in ``tmp_path``)
    with every installed plugin. ``@pytest.mark.kennisbank_plugins(plugin, ...)``
    registers plugin modules or objects besides them (``only=[names]`` limits
    the installed ones, ``only=[]`` loads none); ``@pytest.mark.kennisbank_config(KEY=value)``
    sets settings. No app context is held: use ``with app.app_context():``.
``make_app(**settings)``
    one more app, on its own instance folder, for tests that need several.
``client``
    the app's test client; ``login(user_or_role)`` logs it in.
``runner``
    runs ``kennisbank`` subcommands: ``runner.invoke("my-command", "--json")``.
``make_user(role, sectors=[...])``, ``reader``, ``contributor``, ``editor``, ``admin``
    users (the editor edits every sector), read-only once returned.
``api_token(user_or_role)``
    a bearer token for the JSON API: ``headers={"Authorization": f"Bearer {token}"}``.
``make_item(owner=None, **fields)``
    saves an item through the real service (validation, hooks, search index).

``item_data(**overrides)`` (a valid item in the import format) and
``validation_errors(app, data, lang)`` (the messages a reader of ``lang``
gets) are plain functions: ``from kennisbank.testing import item_data``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from click.testing import Result
    from flask import Flask
    from flask.testing import FlaskClient

    from .models import Item, User

ROLES = ("reader", "contributor", "editor", "admin")
PASSWORD = "correct horse battery staple"
#: Settings every test app gets; the instance folder is added per app.
TEST_SETTINGS: dict[str, Any] = {
    "TESTING": True,
    "WTF_CSRF_ENABLED": False,
    "SECRET_KEY": "test-secret",
}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "kennisbank_plugins(*plugins, only=None): register plugin modules or "
        "objects in the test's app; only=[names] limits the installed plugins loaded")
    config.addinivalue_line(
        "markers", "kennisbank_config(**settings): settings for the test's app")


def item_data(**overrides: Any) -> dict[str, Any]:
    """A valid, published ``practice`` in the import format; keyword arguments replace keys."""
    data: dict[str, Any] = {
        "type": "practice",
        "status": "published",
        "sector": "municipality",
        "city": "Deventer",
        "country": "NL",
        "themes": ["sdg11"],
        "tags": ["fietsen"],
        "start_date": "2022-01-01",
        "translations": {
            "nl": {"title": "Fietsstraten in de binnenstad", "summary": "Auto te gast.",
                   "body": "De gemeente maakte **fietsstraten**."},
            "en": {"title": "Bicycle streets in the centre", "summary": "Cars are guests.",
                   "body": "The city created **bicycle streets**."},
        },
    }
    data.update(overrides)
    return data


def validation_errors(app: Flask, data: dict[str, Any], lang: str) -> dict[str, str]:
    """The messages validating ``data`` gives a reader of ``lang`` (``{}`` when valid)."""
    from .content.service import ValidationError, validate

    with app.test_request_context(f"/?lang={lang}"):
        try:
            validate(data)
        except ValidationError as exc:
            return exc.errors
    return {}


class Runner:
    """Runs ``kennisbank`` subcommands against one app, with the plugins' commands."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def invoke(self, *args: str, input: str | bytes | None = None) -> Result:
        from click.testing import CliRunner

        from .cli import build_cli

        return CliRunner().invoke(build_cli(self.app), list(args), input=input,
                                  catch_exceptions=False)


def detached(obj: Any) -> Any:
    """Load ``obj``'s attributes and detach it, so a test can read it outside a context."""
    from .extensions import db

    db.session.refresh(obj)
    db.session.expunge(obj)
    return obj


@pytest.fixture
def kennisbank_database() -> Callable[[dict[str, Any]], dict[str, Any]]:
    """Turns an app's settings into those it is built with; override it to add a
    database server (the core's own test suite gives each app a PostgreSQL database)."""
    return lambda settings: settings


@pytest.fixture
def make_app(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
             kennisbank_database: Callable[[dict[str, Any]], dict[str, Any]]
             ) -> Callable[..., Flask]:
    """Build an app on a fresh instance folder, with the test's markers applied."""
    from . import create_app

    plugins = request.node.get_closest_marker("kennisbank_plugins")
    config = request.node.get_closest_marker("kennisbank_config")

    def factory(**settings: Any) -> Flask:
        instance = tmp_path_factory.mktemp("instance")
        chosen: dict[str, Any] = {**TEST_SETTINGS, "INSTANCE": str(instance)}
        if plugins is not None:
            chosen["EXTRA_PLUGINS"] = list(plugins.args)
            if plugins.kwargs.get("only") is not None:
                chosen["PLUGINS"] = list(plugins.kwargs["only"])
        if config is not None:
            chosen.update(config.kwargs)
        chosen.update(settings)
        return create_app(kennisbank_database(chosen))

    return factory


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    return make_app()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> Runner:
    return Runner(app)


@pytest.fixture
def make_user(app: Flask) -> Callable[..., User]:
    """``make_user("editor", sectors=["education"])``: a saved, active user."""
    from .auth.passwords import hash_password
    from .extensions import db
    from .models import ROLES as MODEL_ROLES
    from .models import User

    counter = iter(range(1, 100_000))

    def factory(role: str = "reader", *, email: str | None = None,
                sectors: list[str] | None = None, password: str = PASSWORD,
                **extra: Any) -> User:
        if role not in MODEL_ROLES:
            raise ValueError(f"role must be one of {', '.join(MODEL_ROLES)}, not {role!r}")
        with app.app_context():
            user = User(email=email or f"{role}{next(counter)}@example.org",
                        name=f"Test {role.title()}", role=role, sectors=sectors or [],
                        password_hash=hash_password(password), **extra)
            db.session.add(user)
            db.session.commit()
            return detached(user)

    return factory


@pytest.fixture
def reader(make_user: Callable[..., User]) -> User:
    return make_user("reader")


@pytest.fixture
def contributor(make_user: Callable[..., User]) -> User:
    return make_user("contributor")


@pytest.fixture
def editor(app: Flask, make_user: Callable[..., User]) -> User:
    """An editor of every registered sector."""
    from .content.registry import EXTENSION_KEY

    return make_user("editor", sectors=list(app.extensions[EXTENSION_KEY].sectors))


@pytest.fixture
def admin(make_user: Callable[..., User]) -> User:
    return make_user("admin")


def _user(request: pytest.FixtureRequest, user_or_role: User | str) -> User:
    if isinstance(user_or_role, str):
        if user_or_role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}, not {user_or_role!r}")
        return request.getfixturevalue(user_or_role)
    return user_or_role


@pytest.fixture
def login(request: pytest.FixtureRequest, client: FlaskClient) -> Callable[..., User]:
    """``login("editor")`` or ``login(user)``: the ``client`` is logged in as that user."""

    def log_in(user_or_role: User | str) -> User:
        from flask_login.utils import _create_identifier

        user = _user(request, user_or_role)
        with client.application.test_request_context(environ_base=client.environ_base):
            identifier = _create_identifier()
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
            session["_id"] = identifier
        return user

    return log_in


@pytest.fixture
def api_token(request: pytest.FixtureRequest, app: Flask) -> Callable[..., str]:
    """``api_token("contributor")`` or ``api_token(user)``: a live bearer token."""
    from .auth.tokens import create_token
    from .extensions import db
    from .models import User

    def make(user_or_role: User | str = "contributor") -> str:
        user = _user(request, user_or_role)
        with app.app_context():
            token = create_token(db.get_or_404(User, user.id), name="test")
            db.session.commit()
        return token

    return make


@pytest.fixture
def make_item(app: Flask) -> Callable[..., Item]:
    """``make_item(type="exchange", fields={...}, owner=user)``: saved through the service."""
    from .content.service import commit, save_item
    from .extensions import db
    from .models import User

    def factory(owner: User | None = None, **overrides: Any) -> Item:
        with app.app_context():
            user = db.session.get(User, owner.id) if owner is not None else None
            item = save_item(item_data(**overrides), user=user)
            commit()
            return detached(item)

    return factory


__all__ = ["PASSWORD", "ROLES", "Runner", "item_data", "validation_errors"]

