"""Fixtures of the single sign-on tests: the provider, an app that uses it, a login walk."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.conftest import make_app
from tests.sso.provider import NODE, NODE_MISSING, OidcProvider, walk_provider

#: The test client's requests go to http://localhost; the provider sends browsers back here.
REDIRECT_URI = "http://localhost/sso/callback"


@pytest.fixture(scope="module")
def provider() -> Iterator[OidcProvider]:
    if NODE is None:
        pytest.skip(NODE_MISSING)
    running = OidcProvider(REDIRECT_URI)
    running.start()
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def app(tmp_path: Path, provider: OidcProvider) -> Flask:
    """Here the app is the one that logs in at the provider (``make_user`` uses it too)."""
    return make_app(tmp_path, **provider.settings())


@pytest.fixture
def sso_app(app: Flask) -> Flask:
    return app


@pytest.fixture
def sso_client(sso_app: Flask) -> FlaskClient:
    return sso_app.test_client()


def sso_login(client: FlaskClient, provider: OidcProvider, login: str, *, lang: str = "en",
              next: str | None = None, cancel: bool = False,
              tamper: Any = None) -> TestResponse:
    """Start at the site, log in at the provider, come back to the callback.

    ``tamper(url)`` may change the callback URL before the site sees it.
    """
    start = client.get(f"/{lang}/login/sso", query_string={"next": next} if next else {})
    assert start.status_code == 303, start.get_data(as_text=True)
    assert start.headers["Location"].startswith(provider.issuer)
    back = walk_provider(start.headers["Location"], login, redirect_uri=provider.redirect_uri,
                         cancel=cancel)
    if tamper is not None:
        back = tamper(back)
    return client.get(back.removeprefix("http://localhost"))
