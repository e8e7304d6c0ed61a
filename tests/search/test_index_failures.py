"""A plugin failing in ``index_document`` affects only the item being indexed.

Run on both backends (the Makefile's PG_TESTS holds ``tests/search``): with
Whoosh the failure is met when the outbox is applied after the commit, with
PostgreSQL inside the saving transaction. Either way the save stands, the
other items are indexed, the failure is recorded with the plugin named,
``check-index``, ``import`` and ``reindex`` say so and exit with status 1,
and the API and pages keep serving.
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from kennisbank import hookimpl
from kennisbank.extensions import db
from kennisbank.models import IndexTask, Item
from kennisbank.search import outbox
from kennisbank.search.service import current_search
from tests.conftest import Runner, item_data, make_app
from tests.search.support import add, find, ids, texts

BROKEN_TITLE = "Broken lantern festival"


class FlakyIndexer:
    """Adds the keyword ``enriched`` to every item, but raises a KeyError on
    the item titled :data:`BROKEN_TITLE` while ``broken`` is on."""

    def __init__(self) -> None:
        self.broken = True

    @hookimpl
    def index_document(self, item: Item, document: dict[str, Any]) -> None:
        if self.broken and item.best_translation("en").title == BROKEN_TITLE:
            raise KeyError("lantern_count")
        document["keywords"].append("enriched")


@pytest.fixture
def plugin() -> FlakyIndexer:
    return FlakyIndexer()


@pytest.fixture
def app(tmp_path: Path, plugin: FlakyIndexer) -> Flask:
    return make_app(tmp_path, EXTRA_PLUGINS=[plugin])


def line(title: str, body: str = "An evening walk.", **overrides: Any) -> str:
    return json.dumps(item_data(tags=[], translations=texts(en=(title, body)),
                                external_id="x-" + title.lower().replace(" ", "-"), **overrides))


def failing_rows(app: Flask) -> list[IndexTask]:
    with app.app_context():
        rows = db.session.scalars(db.select(IndexTask).where(IndexTask.attempts > 0)).all()
        db.session.expunge_all()
        return list(rows)


def test_a_failing_plugin_affects_only_its_item_and_is_named(app, plugin, caplog) -> None:
    caplog.set_level(logging.WARNING)
    first = add(app, tags=[], translations=texts(en=("Lantern market", "Stalls.")))
    broken = add(app, tags=[], translations=texts(en=(BROKEN_TITLE, "Lanterns on the water.")))
    after = add(app, tags=[], translations=texts(en=("Lantern workshop", "Making them.")))
    client = app.test_client()

    # Saved, and indexed as it is (its own text) without the failing plugin's part.
    assert sorted(ids(find(client, "lantern"))) == [first, broken, after]
    assert sorted(ids(find(client, "enriched"))) == [first, after]
    # Nothing waits in the outbox: the items after the failing one went through.
    with app.app_context():
        assert outbox.pending() == 0
        failures = outbox.failures()
    assert [(f.item_id, f.plugins, f.attempts) for f in failures] == [(broken, "FlakyIndexer", 1)]
    assert "index_document" in failures[0].error and "KeyError" in failures[0].error
    assert "plugin 'FlakyIndexer' failed in index_document" in caplog.text
    # API and pages keep serving, the failing item included.
    assert client.get(f"/en/items/{broken}").status_code == 200
    assert client.get(f"/api/v1/items/{broken}").status_code == 200


def test_a_failing_item_is_retried_with_backoff_without_blocking_the_queue(app, plugin) -> None:
    broken = add(app, tags=[], translations=texts(en=(BROKEN_TITLE, "Lanterns.")))
    [row] = failing_rows(app)
    assert row.attempts == 1 and row.next_attempt_at is not None
    assert row.next_attempt_at - outbox._now() > timedelta(seconds=outbox.RETRY_FIRST - 10)
    with app.app_context():
        backend = current_search().backend
        outbox.drain(backend)  # not due yet: passed over, not retried
    assert [r.attempts for r in failing_rows(app)] == [1]
    other = add(app, tags=[], translations=texts(en=("Paper boats", "Folded.")))
    assert ids(find(app.test_client(), "boats")) == [other]

    with app.app_context():  # the backoff is over and still failing: counted, waits longer
        db.session.execute(db.update(IndexTask).values(next_attempt_at=outbox._now()))
        db.session.commit()
        outbox.drain(backend)
    [row] = failing_rows(app)
    assert row.attempts == 2
    assert row.next_attempt_at - outbox._now() > timedelta(seconds=2 * outbox.RETRY_FIRST - 10)

    plugin.broken = False  # fixed: the next due attempt indexes it completely
    with app.app_context():
        db.session.execute(db.update(IndexTask).values(next_attempt_at=outbox._now()))
        db.session.commit()
        outbox.drain(backend)
        assert outbox.failures() == []
    assert ids(find(app.test_client(), "enriched", sort="title")) == [broken, other]


def test_a_later_clean_save_clears_the_failure(app, plugin) -> None:
    broken = add(app, tags=[], translations=texts(en=(BROKEN_TITLE, "Lanterns.")))
    with app.app_context():
        assert [f.item_id for f in outbox.failures()] == [broken]
    plugin.broken = False
    with app.app_context():
        from kennisbank.content.service import commit, save_item

        item = db.session.get(Item, broken)
        save_item(item_data(tags=[], translations=texts(en=(BROKEN_TITLE, "Now fixed."))),
                  user=None, item=item)
        commit()
        assert outbox.failures() == []
    assert ids(find(app.test_client(), "enriched")) == [broken]


def test_import_reports_failing_items_and_exits_non_zero_but_keeps_the_import(app) -> None:
    lines = "\n".join([line("Lantern market"), line(BROKEN_TITLE), line("Lantern workshop")])
    result = Runner(app).invoke("import", "-", input=lines + "\n")
    assert result.exit_code == 1
    assert "Imported: 3 created" in result.output
    assert "The import itself is committed" in result.output
    assert "FlakyIndexer" in result.output and "index_document" in result.output
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Item)) == 3
    assert len(ids(find(app.test_client(), "lantern"))) == 3
    # Importing the same file again, with the plugin still failing, says so again.
    again = Runner(app).invoke("import", "-", input=lines + "\n")
    assert again.exit_code == 1 and "3 unchanged" in again.output


def test_import_without_failures_exits_zero(app) -> None:
    result = Runner(app).invoke("import", "-", input=line("Lantern market") + "\n")
    assert result.exit_code == 0, result.output
    assert "could not be indexed" not in result.output


def test_reindex_reports_failing_items_and_exits_non_zero(app, plugin) -> None:
    good = add(app, tags=[], translations=texts(en=("Lantern market", "Stalls.")))
    broken = add(app, tags=[], translations=texts(en=(BROKEN_TITLE, "Lanterns.")))
    result = Runner(app).invoke("reindex")
    assert result.exit_code == 1
    assert "Indexed 2 items" in result.output
    assert f"item {broken}: plugin 'FlakyIndexer' failed in index_document" in result.output
    assert "The index was rebuilt and is in use" in result.output
    assert sorted(ids(find(app.test_client(), "lantern"))) == [good, broken]
    assert [row.attempts for row in failing_rows(app)] == [2]

    plugin.broken = False
    fixed = Runner(app).invoke("reindex")
    assert fixed.exit_code == 0, fixed.output
    assert failing_rows(app) == []


def test_check_index_lists_failing_items_and_retries_them(app, plugin) -> None:
    broken = add(app, tags=[], translations=texts(en=(BROKEN_TITLE, "Lanterns.")))
    dry = Runner(app).invoke("check-index", "--dry-run")
    assert dry.exit_code == 1
    assert f"item {broken}: plugin 'FlakyIndexer' failed in index_document: KeyError" in dry.output
    assert [row.attempts for row in failing_rows(app)] == [1]  # a dry run retries nothing

    still = Runner(app).invoke("check-index")
    assert still.exit_code == 1 and "FlakyIndexer" in still.output
    assert [row.attempts for row in failing_rows(app)] == [2]

    plugin.broken = False
    fixed = Runner(app).invoke("check-index")
    assert fixed.exit_code == 0, fixed.output
    assert "FlakyIndexer" not in fixed.output
    assert ids(find(app.test_client(), "enriched")) == [broken]
