"""Shared fixtures, Flask-tutorial style: ``app``, ``client``, ``runner`` and helpers.

Every test gets its own instance folder (database, index, secret key), so tests
never see each other's data. ``make_item`` (and ``item_data``, ``Runner``,
``detached``) come from the plugin authors' kit, ``kennisbank.testing``, whose
fixtures use this file's ``app``: the core tests itself with the same tools.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kennisbank import create_app
from kennisbank.auth.passwords import hash_password
from kennisbank.extensions import db
from kennisbank.models import User
from kennisbank.testing import Runner, detached, item_data  # noqa: F401  (tests import them from here)
from tests.mail_server import MailServer
from tests.pg import _drop_test_databases, postgres_url, with_test_database  # noqa: F401

PASSWORD = "correct horse battery staple"


def make_app(tmp_path: Path, **config: Any) -> Flask:
    """An app on a fresh instance folder; ``config`` overrides the test defaults.

    With ``KENNISBANK_TEST_DB=postgres`` its database is a fresh PostgreSQL one (tests/pg.py)."""
    settings = {
        "INSTANCE": str(tmp_path / "instance"),
        "TESTING": True,
        "WTF_CSRF_ENABLED": False,
        "SECRET_KEY": "test-secret",
        **config,
    }
    return create_app(with_test_database(settings))


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    """The app; like Flask's tutorial, no app context is held open during the test
    (a held context would share ``g`` across requests). Use ``with app.app_context()``."""
    return make_app(tmp_path)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> Runner:
    return Runner(app)


@pytest.fixture
def mail_server() -> Iterator[MailServer]:
    """A real SMTP server on loopback (aiosmtpd), stopped after the test; for apps
    a test builds itself: ``make_app(tmp_path, **mail_server.settings())``."""
    server = MailServer().start()
    yield server
    server.stop()


@pytest.fixture
def smtp_server(app: Flask, mail_server: MailServer) -> MailServer:
    """The ``app`` fixture's MAIL_* settings point at :func:`mail_server`; every
    message it accepted is in ``smtp_server.received``."""
    app.config.update(mail_server.settings())
    return mail_server


@pytest.fixture
def make_user(app: Flask) -> Callable[..., User]:
    """Create a user: ``make_user("editor", sectors=["education"])``."""
    counter = iter(range(1, 10_000))

    def factory(role: str = "reader", *, email: str | None = None, sectors: list[str] | None = None,
                password: str = PASSWORD, **extra: Any) -> User:
        with app.app_context():
            user = User(
                email=email or f"{role}{next(counter)}@example.org",
                name=f"Test {role.title()}",
                role=role,
                sectors=sectors or [],
                password_hash=hash_password(password),
                **extra,
            )
            db.session.add(user)
            db.session.commit()
            return detached(user)

    return factory


def login(client: FlaskClient, user: User) -> None:
    """Log ``user`` in on ``client`` through the session, as flask-login would."""
    from flask_login.utils import _create_identifier

    with client.application.test_request_context(environ_base=client.environ_base):
        identifier = _create_identifier()
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
        session["_id"] = identifier


def untimed(output: str) -> str:
    """CLI output without the time an import took (``in 0.3 s (10 items/s)``),
    which differs from run to run."""
    return re.sub(r" in \d+\.\d s \(\d+ items/s\)", "", output).strip()
