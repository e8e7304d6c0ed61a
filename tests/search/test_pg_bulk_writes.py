"""PostgreSQL: imports write their search rows in batches.

A batch of an import's rows is copied into a temporary table and upserted
from it in one statement, and the word counts go as two arrays in one
statement; an ordinary save, and a rebuild (whose rows mostly exist, where
staging measured slower), keep the statement per row. These tests show the batched path writes
exactly the rows and word counts the per-row path writes, that an import
reports the rows as it writes them, that the items a batch loaded are let go
of, and that a rebuild leaves the index matching the database.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session

from kennisbank.content.transfer import import_items
from kennisbank.extensions import db
from kennisbank.models import Item
from kennisbank.search import pg_backend
from kennisbank.search.pg_tables import SearchDocument, SearchWord
from kennisbank.search.service import current_search
from tests.conftest import Runner
from tests.pg import fresh_database
from tests.search.support import exchange_app, find
from tests.test_bulk_import import practices, write

COUNT = 45


@pytest.fixture
def pg_app(tmp_path: Path) -> Flask:
    return exchange_app(tmp_path / "pg", DATABASE_URL=fresh_database(template=True),
                        SEARCH_BACKEND="postgres")


@pytest.fixture
def copies(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The number of rows of each batched (copied) write."""
    calls: list[int] = []
    original = pg_backend._copy_rows

    def counted(session: Session, rows: list[dict[str, Any]], only_newer: bool) -> None:
        calls.append(len(rows))
        original(session, rows, only_newer)

    monkeypatch.setattr(pg_backend, "_copy_rows", counted)
    return calls


def search_rows(app: Flask) -> list[Any]:
    with app.app_context():
        columns = [column for column in SearchDocument.__table__.columns]
        return [tuple(row) for row in db.session.execute(
            sa.select(*columns).order_by(SearchDocument.item_id)).all()]


def word_counts(app: Flask) -> dict[str, int]:
    with app.app_context():
        return dict(db.session.execute(sa.select(SearchWord.word, SearchWord.documents)).all())


def import_file(app: Flask, path: Path) -> list[tuple[str, int]]:
    """Import ``path`` as the CLI does; the progress reported."""
    told: list[tuple[str, int]] = []
    with app.app_context(), path.open("rb") as lines:
        report = import_items(lines, user=None, progress=lambda stage, n: told.append((stage, n)))
    assert report.ok, report.errors
    return told


def test_an_import_writes_the_same_rows_and_counts_as_saves_one_by_one(
        pg_app: Flask, tmp_path: Path, copies: list[int]) -> None:
    told = import_file(pg_app, write(tmp_path / "items.jsonl", practices(COUNT)))
    assert copies == [COUNT]
    assert sum(n for stage, n in told if stage == "index") == COUNT
    batched, counted = search_rows(pg_app), word_counts(pg_app)
    assert len(batched) == COUNT and counted["en:lanterns"] > 0

    with pg_app.app_context():
        backend = current_search().backend
        backend.clear()
        for (item_id, *_rest) in batched:
            with Session(db.engine) as session:
                backend.write(session, [item_id])
                session.commit()
    assert copies == [COUNT]  # one row at a time: never copied
    assert search_rows(pg_app) == batched
    assert word_counts(pg_app) == counted
    with pg_app.app_context():
        backend.recount_words()
    assert word_counts(pg_app) == counted
    assert find(pg_app.test_client(), "lanterns", per_page=50)["total"] == 8


def test_a_reimport_replaces_the_rows_and_keeps_the_counts_exact(
        pg_app: Flask, tmp_path: Path, copies: list[int]) -> None:
    import_file(pg_app, write(tmp_path / "first.jsonl", practices(COUNT)))
    import_file(pg_app, write(tmp_path / "second.jsonl", practices(COUNT, suffix=" renewed")))
    assert copies == [COUNT, COUNT]
    counted = word_counts(pg_app)
    assert counted["en:renewed"] == COUNT - COUNT // 3
    with pg_app.app_context():
        current_search().backend.recount_words()
    assert word_counts(pg_app) == counted
    client = pg_app.test_client()
    assert find(client, "renewed", per_page=50)["total"] == COUNT
    assert find(client, "fietsen", per_page=50)["total"] == COUNT


def test_writing_lets_go_of_the_items_it_loaded_but_not_of_the_callers(
        pg_app: Flask, tmp_path: Path) -> None:
    import_file(pg_app, write(tmp_path / "items.jsonl", practices(COUNT)))
    with pg_app.app_context():
        item_ids = list(db.session.scalars(sa.select(Item.id).order_by(Item.id)))
        db.session.close()
        held = db.session.get(Item, item_ids[0])
        current_search().backend.write(db.session, item_ids)
        in_session = [obj for obj in db.session.identity_map.values() if isinstance(obj, Item)]
        assert in_session == [held]
        db.session.commit()
        assert held.translations  # still attached: reloads after the commit


def test_a_rebuild_upserts_its_rows_and_matches_the_database(
        pg_app: Flask, tmp_path: Path, copies: list[int]) -> None:
    import_file(pg_app, write(tmp_path / "items.jsonl", practices(COUNT)))
    assert sum(copies) == COUNT  # the import copied its rows in
    expected, counted = search_rows(pg_app), word_counts(pg_app)
    with pg_app.app_context():
        current_search().backend.rebuild_procs = 1  # the copies counted in this process
        db.session.execute(sa.update(SearchDocument).values(vector="", texts={}))
        db.session.execute(sa.delete(SearchWord))
        db.session.commit()
    runner = Runner(pg_app)
    rebuilt = runner.invoke("reindex")
    assert rebuilt.exit_code == 0 and f"Indexed {COUNT} items" in rebuilt.output
    assert sum(copies) == COUNT  # the rebuild upserted row by row
    assert search_rows(pg_app) == expected
    assert word_counts(pg_app) == counted
    clean = runner.invoke("check-index", "--dry-run")
    assert clean.exit_code == 0 and "The index matches the database." in clean.output
