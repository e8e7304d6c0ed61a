"""Flask extensions, created unbound and bound to an app in ``create_app``.

Keeping them here (and not on the app module) lets models, views and plugins
import them without importing the application factory. Flask-Babel is the
exception: its ``Babel`` object caches the first app's message domain, so each
app gets its own (see ``kennisbank.app._init_babel``).
"""

from __future__ import annotations

from typing import Any, cast

from flask import Flask, current_app
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import CursorResult, MetaData, Result
from sqlalchemy.orm import DeclarativeBase
from werkzeug.local import LocalProxy

#: Every constraint gets a predictable name, the same on SQLite and PostgreSQL,
#: so a migration can name the constraint it drops or changes (SQLite's batch
#: mode rebuilds tables and cannot find unnamed constraints).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base shared by every model."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)


def current_app_object() -> Flask:
    """The app behind ``current_app``, for work that outlives the context (a thread,
    a migration, a server): the proxy itself would look for a context that is gone."""
    return cast("LocalProxy[Flask]", current_app)._get_current_object()



login_manager = LoginManager()
csrf = CSRFProtect()


def changed_rows(result: Result[Any]) -> int:
    """How many rows an UPDATE or DELETE changed: ``Session.execute`` is typed to
    return a plain ``Result``, but a bulk statement answers with a cursor result,
    which counts them."""
    return int(cast(CursorResult[Any], result).rowcount or 0)
