"""Flask extensions, created unbound and bound to an app in ``create_app``.

Keeping them here (and not on the app module) lets models, views and plugins
import them without importing the application factory. Flask-Babel is the
exception: its ``Babel`` object caches the first app's message domain, so each
app gets its own (see ``kennisbank.app._init_babel``).
"""

from __future__ import annotations

from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    """Declarative base shared by every model."""


db = SQLAlchemy(model_class=Base)
login_manager = LoginManager()
csrf = CSRFProtect()
