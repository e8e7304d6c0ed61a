"""The Alembic migrations: they build exactly the models' schema, keep data on
upgrade, and start-up brings a database to head only where it may. Each test
runs on SQLite and on a throwaway PostgreSQL (skipped when none can be started).

``compare_metadata`` fails here as soon as a model changes without a migration
(run ``kennisbank db revision -m "..." --autogenerate``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask

from kennisbank import schema
from kennisbank.extensions import db
from kennisbank.models import Item, ItemLabel, User
from tests.conftest import Runner, make_app


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database of each kind."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'instance' / 'kennisbank.sqlite'}"
    return request.getfixturevalue("postgres_url")


def unmigrated_app(tmp_path: Path, url: str) -> Flask:
    """An app whose start-up leaves the (empty) database alone."""
    return make_app(tmp_path, DATABASE_URL=url, AUTO_MIGRATE=False)


def revisions_in_order() -> list[str]:
    """Every revision from the first to head (covers revisions added later)."""
    script = ScriptDirectory.from_config(schema.alembic_config())
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def schema_differences(app: Flask) -> list[Any]:
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def table_names(app: Flask) -> set[str]:
    with app.app_context(), db.engine.connect() as connection:
        return set(sa.inspect(connection).get_table_names())


def populate_at_baseline(app: Flask) -> None:
    """Rows written with the baseline revision's own tables (reflected, not the models)."""
    now = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    with app.app_context(), db.engine.begin() as connection:
        tables = sa.MetaData()
        tables.reflect(connection)
        connection.execute(tables.tables["users"].insert(), [{
            "id": 1, "email": "anna@example.org", "name": "Anna", "role": "editor",
            "sectors": ["education"], "preferred_language": "nl", "active": True,
            "session_version": 0, "created_at": now,
        }])
        connection.execute(tables.tables["items"].insert(), [{
            "id": 7, "type": "practice", "status": "published", "sector": "education",
            "themes": ["sdg4"], "tags": ["fiets"], "fields": {"budget": 12},
            "owner_id": 1, "external_id": "ext-7", "created_at": now, "updated_at": now,
            "published_at": now,
        }])
        connection.execute(tables.tables["item_translations"].insert(), [
            {"item_id": 7, "lang": "nl", "title": "Fietsles", "summary": "", "body": "Tekst",
             "fields": {}},
            {"item_id": 7, "lang": "en", "title": "Cycling class", "summary": "", "body": "Text",
             "fields": {}},
        ])


def row_counts(app: Flask) -> dict[str, int]:
    with app.app_context(), db.engine.connect() as connection:
        return {
            name: connection.scalar(sa.select(sa.func.count()).select_from(sa.table(name)))
            for name in ("users", "items", "item_translations")
        }


def test_migrations_from_nothing_build_exactly_the_models_schema(
    tmp_path: Path, database_url: str
) -> None:
    app = unmigrated_app(tmp_path, database_url)
    assert table_names(app) == set()
    with app.app_context():
        schema.upgrade("head")
        assert schema.current_revision() == schema.head_revision()
    assert schema_differences(app) == []


def test_start_up_schema_of_a_new_database_equals_the_migrations(
    tmp_path: Path, database_url: str
) -> None:
    app = make_app(tmp_path, DATABASE_URL=database_url, AUTO_MIGRATE=True)
    with app.app_context():
        assert schema.current_revision() == schema.head_revision()
    assert schema_differences(app) == []


def test_upgrading_a_populated_database_from_the_first_revision_keeps_its_data(
    tmp_path: Path, database_url: str
) -> None:
    app = unmigrated_app(tmp_path, database_url)
    revisions = revisions_in_order()
    assert revisions[0] == schema.BASELINE
    with app.app_context():
        schema.upgrade(revisions[0])
    populate_at_baseline(app)
    counts = row_counts(app)
    assert counts == {"users": 1, "items": 1, "item_translations": 2}
    for revision in [*revisions[1:], "head"]:
        with app.app_context():
            schema.upgrade(revision)
        assert row_counts(app) == counts, revision
    with app.app_context():
        item = db.session.get(Item, 7)
        assert item.translation("en").title == "Cycling class"
        assert (item.themes, item.tags, item.fields) == (["sdg4"], ["fiets"], {"budget": 12})
        assert item.owner.email == "anna@example.org"
        assert db.session.get(User, 1).sectors == ["education"]
        assert item.published_at.replace(tzinfo=UTC) == datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
        # 0011 gives existing items the core's permission labels (who may see them).
        labels = db.session.scalars(sa.select(ItemLabel.label).where(ItemLabel.item_id == 7))
        assert set(labels) == {"public", "owner:1", "sector:education"}
    assert schema_differences(app) == []


def test_a_database_made_before_migrations_is_stamped_and_kept(
    tmp_path: Path, database_url: str
) -> None:
    app = unmigrated_app(tmp_path, database_url)
    with app.app_context():
        # What create_all made before migrations existed: the baseline's tables,
        # without the version table (tables added later did not exist then).
        schema.upgrade(schema.BASELINE)
        db.session.execute(sa.text("DROP TABLE alembic_version"))
        db.session.execute(sa.insert(sa.Table("users", sa.MetaData(), autoload_with=db.engine)),
                           {"email": "old@example.org", "name": "Old", "role": "admin",
                            "sectors": [], "preferred_language": "nl", "active": True,
                            "session_version": 1,
                            "created_at": datetime(2024, 5, 1, tzinfo=UTC)})
        db.session.commit()
        assert schema.current_revision() is None
    restarted = make_app(tmp_path, DATABASE_URL=database_url, AUTO_MIGRATE=True)
    with restarted.app_context():
        assert schema.current_revision() == schema.head_revision()
        assert db.session.scalar(sa.select(User.email)) == "old@example.org"


def test_without_auto_migrate_start_up_leaves_the_database_and_db_upgrade_migrates(
    tmp_path: Path, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    app = unmigrated_app(tmp_path, database_url)
    assert table_names(app) == set()
    assert "kennisbank db upgrade" in caplog.text
    runner = Runner(app)
    assert runner.invoke("db", "current").output.startswith("none (behind, head is ")
    result = runner.invoke("db", "upgrade")
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith(f"empty -> {revisions_in_order()[-1]}")
    assert "items" in table_names(app)
    assert runner.invoke("db", "current").output.strip().endswith("(head)")


def test_auto_migrate_defaults_to_sqlite_only(tmp_path: Path, database_url: str) -> None:
    app = make_app(tmp_path, DATABASE_URL=database_url)
    with app.app_context():
        assert schema.auto_migrate(app) is database_url.startswith("sqlite")
    forced = make_app(tmp_path, DATABASE_URL=database_url, AUTO_MIGRATE=True)
    with forced.app_context():
        assert schema.auto_migrate(forced) is True


def test_revision_numbers_follow_the_files() -> None:
    revisions = revisions_in_order()
    assert revisions == [f"{n:04d}" for n in range(1, len(revisions) + 1)]
    assert schema.next_revision_id() == f"{len(revisions) + 1:04d}"


def test_init_creates_the_schema_where_start_up_may_not(
    tmp_path: Path, database_url: str
) -> None:
    app = unmigrated_app(tmp_path, database_url)
    assert table_names(app) == set()
    result = Runner(app).invoke("init")
    assert result.exit_code == 0, result.output
    assert f"Database schema: empty -> {revisions_in_order()[-1]}" in result.output
    assert {"items", "search_documents", "rate_limit_hits"} <= table_names(app)
    again = Runner(app).invoke("init")
    assert again.exit_code == 0 and "Database schema" not in again.output
