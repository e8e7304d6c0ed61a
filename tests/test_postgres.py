"""What is particular to PostgreSQL storage: time zones, types and constraints as
the app relies on them. The throwaway server runs in Europe/Amsterdam on purpose
(tests/pg.py), so a timestamp stored in the server's zone would show here."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.exc import IntegrityError

from kennisbank.content.service import commit, save_item
from kennisbank.extensions import db
from kennisbank.models import Item, ItemTranslation, User
from tests import pg
from tests.conftest import item_data, make_app


@pytest.fixture
def pg_app(tmp_path: Path, postgres_url: str) -> Flask:
    return make_app(tmp_path, DATABASE_URL=postgres_url, AUTO_MIGRATE=True)


def test_postgres_mode_gives_every_test_app_a_postgresql_database(tmp_path: Path) -> None:
    if not pg.postgres_mode():
        pytest.skip(f"runs with {pg.TEST_DB_ENV}=postgres")
    first, second = make_app(tmp_path / "a"), make_app(tmp_path / "b")
    with first.app_context():
        assert db.engine.dialect.name == "postgresql"
        first_url = db.engine.url
    with second.app_context():
        assert db.engine.url.database != first_url.database


def test_timestamps_are_stored_and_read_as_utc_whatever_the_server_zone(pg_app: Flask) -> None:
    noon = datetime(2024, 7, 1, 12, 0, tzinfo=UTC)
    with pg_app.app_context():
        assert db.session.scalar(sa.text("SHOW TIME ZONE")) == "UTC"
        db.session.add(User(email="z@example.org", name="Z", created_at=noon))
        db.session.commit()
        stored = db.session.scalar(sa.text("SELECT created_at::text FROM users"))
        assert stored == "2024-07-01 12:00:00"
        db.session.expire_all()
        assert db.session.scalar(sa.select(User.created_at)) == noon.replace(tzinfo=None)


def test_json_booleans_and_dates_round_trip(pg_app: Flask) -> None:
    data = item_data(themes=["sdg4", "sdg11"], tags=["één", "fiets"], start_date="2022-03-04",
                     external_id="rt-1")
    with pg_app.app_context():
        save_item(data, user=None)
        commit()
        db.session.expire_all()
        item = db.session.scalar(sa.select(Item))
        assert (item.themes, item.tags, item.start_date) == (
            ["sdg4", "sdg11"], ["één", "fiets"], date(2022, 3, 4))
        db.session.add(User(email="b@example.org", name="B", active=False))
        db.session.commit()
        assert db.session.scalar(sa.select(User.active)) is False
        assert db.session.scalar(sa.text("SELECT pg_typeof(active)::text FROM users")) == "boolean"


def test_unique_constraints_hold(pg_app: Flask) -> None:
    with pg_app.app_context():
        save_item(item_data(external_id="same"), user=None)
        commit()
        item_id = db.session.scalar(sa.select(Item.id))
        db.session.add(ItemTranslation(item_id=item_id, lang="nl", title="Twee keer"))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
        db.session.add(Item(type="practice", sector="culture", external_id="same"))
        with pytest.raises(IntegrityError):
            db.session.commit()


def test_ids_past_the_integer_range_are_404_not_an_overflow(pg_app: Flask) -> None:
    client = pg_app.test_client()
    for url in ("/nl/items/2147483648", "/api/v1/items/2147483648",
                "/api/v1/items/2147483648/revisions"):
        assert client.get(url).status_code == 404, url
    assert client.patch("/api/v1/items/2147483648", json={}).status_code == 404
    assert client.get("/api/v1/items/2147483647").status_code == 404
