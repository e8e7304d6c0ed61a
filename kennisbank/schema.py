"""The database schema: Alembic migrations, and how ``create_app`` brings a database to head.

The migrations in ``kennisbank/migrations/versions`` are the schema's history;
SQLite and PostgreSQL run the same ones. ``create_app`` calls
:func:`ensure_schema`, which decides per database:

* **At head**: nothing to do (the common case, a single query).
* **Empty** (no tables): ``db.create_all()`` from the models, then ``stamp head``.
  This is exactly the schema the migrations build (``tests/test_migrations.py``
  proves it with Alembic's ``compare_metadata``), in one ``CREATE`` per table
  instead of replaying history; every new instance and every test app starts
  this way, so it has to be cheap.
* **Behind** (an older revision): ``upgrade head`` with the migrations. A
  database created by ``create_all`` before migrations existed has tables but
  no ``alembic_version``; it is the baseline schema, so it is stamped
  :data:`BASELINE` first and then upgraded.

Whether start-up may change the schema at all is ``AUTO_MIGRATE``
(``KENNISBANK_AUTO_MIGRATE``). Unset, it is true for SQLite, the single-machine
default where nobody else shares the file, and false for every other database:
with several app servers on one PostgreSQL, a server that starts with new code
must not change the schema under the others, so ``kennisbank db upgrade`` is an
explicit deployment step, and start-up only logs that the schema is behind.

Processes starting at once must not migrate twice: SQLite start-ups take an
exclusive lock on a file in the instance folder, PostgreSQL start-ups (with
``AUTO_MIGRATE`` on) a session advisory lock, and re-read the revision under it.
"""

from __future__ import annotations

import fcntl
import importlib
import importlib.util
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy import Connection, func, inspect, select

from .extensions import db

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
#: The first revision: the schema ``create_all`` made before there were migrations.
BASELINE = "0001"
#: Every module that defines ``db.Model`` tables; all of them must be imported
#: before the metadata is complete (for ``create_all`` and autogenerate alike).
MODEL_MODULES = (
    "kennisbank.models",
    "kennisbank.auth.links",
    "kennisbank.auth.invitations",
    "kennisbank.auth.sso_accounts",
    "kennisbank.attachments.models",
    "kennisbank.partners.models",
    "kennisbank.mail.models",
    "kennisbank.synonyms.models",
    "kennisbank.access.models",
    "kennisbank.privacy.models",
    "kennisbank.following.models",
    "kennisbank.search.pg_tables",
    "kennisbank.search.lexicon.models",
    "kennisbank.ratelimit",
)
#: Key of the PostgreSQL advisory lock held while start-up migrates.
ADVISORY_LOCK_KEY = 0x6B62_6462  # "kbdb"
LOCK_FILE = ".schema.lock"


def import_models() -> None:
    """Import every model module so ``db.metadata`` holds every table."""
    for name in MODEL_MODULES:
        importlib.import_module(name)


def alembic_config() -> Config:
    """An Alembic configuration without an ini file; env.py uses the current app's engine."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("file_template", "%%(rev)s_%%(slug)s")
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(connection: Connection | None = None) -> str | None:
    """The database's revision (``None`` when it was never stamped)."""
    if connection is not None:
        return MigrationContext.configure(connection).get_current_revision()
    with db.engine.connect() as own:
        return MigrationContext.configure(own).get_current_revision()


def upgrade(revision: str = "head") -> None:
    """Run the migrations up to ``revision`` (needs an app context)."""
    import_models()
    command.upgrade(alembic_config(), revision)


def stamp(revision: str) -> None:
    """Record ``revision`` as the database's state without running migrations."""
    command.stamp(alembic_config(), revision)


def next_revision_id() -> str:
    """Revisions are numbered 0001, 0002, ...: their order is visible in file names."""
    numbers = [
        int(match.group(1))
        for path in (MIGRATIONS_DIR / "versions").glob("*.py")
        if (match := re.match(r"(\d{4})_", path.name))
    ]
    return f"{max(numbers, default=0) + 1:04d}"


def new_revision(message: str, autogenerate: bool) -> None:
    """Write a new migration file, compared against the models when ``autogenerate``.

    The file is passed through ``ruff format`` when ruff is installed (the test
    extra), so generated code meets the project's line length like hand-written code.
    """
    import_models()
    config = alembic_config()
    if importlib.util.find_spec("ruff") is not None:
        config.set_section_option("post_write_hooks", "hooks", "ruff")
        config.set_section_option("post_write_hooks", "ruff.type", "module")
        config.set_section_option("post_write_hooks", "ruff.module", "ruff")
        config.set_section_option("post_write_hooks", "ruff.options",
                                  "format REVISION_SCRIPT_FILENAME")
    command.revision(config, message=message, autogenerate=autogenerate,
                     rev_id=next_revision_id())


def auto_migrate(app: Flask) -> bool:
    setting = app.config.get("AUTO_MIGRATE")
    if setting is None:
        return db.engine.dialect.name == "sqlite"
    return bool(setting)


def ensure_schema(app: Flask) -> None:
    """Bring the database to head as the module docstring describes (app context needed)."""
    import_models()
    head = head_revision()
    found = current_revision()
    if found == head:
        return
    if not auto_migrate(app):
        log.warning(
            "The database schema is at revision %s, the code expects %s: "
            "run `kennisbank db upgrade` (or set KENNISBANK_AUTO_MIGRATE=true).",
            found, head,
        )
        return
    migrate(app)


def migrate(app: Flask, revision: str = "head") -> tuple[str | None, str | None]:
    """Bring the database to ``revision`` under the migration lock, whoever asks
    (start-up, ``kennisbank db upgrade``, ``kennisbank init``), so two never
    migrate at once; return the revisions before and after."""
    import_models()
    with migration_lock(app):
        with db.engine.connect() as connection:
            before = current_revision(connection)
            has_tables = bool(inspect(connection).get_table_names())
        if revision == "head" and before == head_revision():
            return before, before
        if revision == "head" and not has_tables:
            db.create_all()
            stamp("head")
        else:
            if before is None and has_tables:
                stamp(BASELINE)
            upgrade(revision)
        return before, current_revision()


@contextmanager
def migration_lock(app: Flask) -> Iterator[None]:
    """Held while migrating: a file lock for SQLite, an advisory lock for PostgreSQL."""
    if db.engine.dialect.name == "sqlite":
        path = Path(app.instance_path) / LOCK_FILE
        with path.open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
    elif db.engine.dialect.name == "postgresql":
        with db.engine.connect() as connection:
            connection.execute(select(func.pg_advisory_lock(ADVISORY_LOCK_KEY)))
            try:
                yield
            finally:
                connection.execute(select(func.pg_advisory_unlock(ADVISORY_LOCK_KEY)))
                connection.commit()
    else:
        yield

