"""Failed API tokens are throttled per address, like failed passwords."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from kennisbank.extensions import db
from kennisbank.models import User
from tests.api import token_for
from tests.conftest import detached, make_app

BAD = {"Authorization": "Bearer kb_made-up-token"}


def api_user(app: Flask) -> User:
    with app.app_context():
        user = User(email="api@example.org", name="API", role="admin")
        db.session.add(user)
        db.session.commit()
        return detached(user)


def test_an_address_sending_bad_tokens_is_refused_for_a_while(tmp_path: Path) -> None:
    app = make_app(tmp_path / "throttled", TOKEN_LIMIT_ADDRESS="3 per 15 minutes")
    client = app.test_client()
    for _ in range(3):
        assert client.post("/api/v1/items", json={}, headers=BAD).status_code == 401
    refused = client.post("/api/v1/items", json={}, headers={**BAD, "Accept-Language": "nl"})
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert "Te veel pogingen" in refused.get_json()["error"]
    good = {"Authorization": f"Bearer {token_for(app, api_user(app))}"}
    assert client.get("/api/v1/items", headers=good).status_code == 429
    assert client.get("/api/v1/items").status_code == 200
    assert client.get("/api/v1/search?q=fiets").status_code == 200


def test_good_tokens_never_count(tmp_path: Path) -> None:
    app = make_app(tmp_path / "good", TOKEN_LIMIT_ADDRESS="2 per 15 minutes")
    good = {"Authorization": f"Bearer {token_for(app, api_user(app))}"}
    client = app.test_client()
    assert all(client.get("/api/v1/items", headers=good).status_code == 200 for _ in range(5))
