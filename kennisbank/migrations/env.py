"""Alembic's environment: the current Flask app's engine and the models' metadata.

Alembic runs this file for every command. There is no alembic.ini and no
separate database URL: the commands (``kennisbank db ...``, start-up, tests)
run inside an app context, so the migrations always reach the database the app
uses, with the app's engine options. Migrations are written in batch mode
(``render_as_batch``) whatever database generated them: SQLite can change a
table only by rebuilding it, and on PostgreSQL batch operations are plain
``ALTER TABLE`` statements, so one migration file serves both.
"""

from __future__ import annotations

from alembic import context

from kennisbank.extensions import db
from kennisbank.schema import import_models

import_models()


def run_migrations() -> None:
    with db.engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=db.metadata,
            render_as_batch=True,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


if context.is_offline_mode():
    raise SystemExit("Offline (--sql) migrations are not supported: run them against a database.")
run_migrations()
