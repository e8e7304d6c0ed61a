"""``GET /healthz``: what a load balancer asks each server."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.exc import OperationalError

from kennisbank.extensions import db
from kennisbank.search.backend import SearchUnavailable
from kennisbank.search.service import current_search


def test_a_healthy_server_says_ok_and_nothing_is_cached(client: Any) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "search": "ok",
                                   "schema": "current"}
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers


def test_a_database_that_does_not_answer_fails_the_check_without_details(
    app: Any, client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("SELECT 1", {}, Exception("password=secret host=db"))

    with app.app_context():
        monkeypatch.setattr(db.session, "execute", broken)
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "unavailable" and body["database"] == "error"
    assert "secret" not in response.get_data(as_text=True)


def test_a_search_backend_that_does_not_answer_fails_the_check(
    app: Any, client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    with app.app_context():
        backend = current_search().backend

    def broken(query: Any) -> Any:
        raise SearchUnavailable("index locked")

    monkeypatch.setattr(backend, "search", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["search"] == "error"
    assert response.get_json()["database"] == "ok"
