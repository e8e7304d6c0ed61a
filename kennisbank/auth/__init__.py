"""Authentication: sessions through flask-login, API calls through bearer tokens."""

from __future__ import annotations

from flask import Flask, Request

from ..extensions import db, login_manager
from ..models import User
from ..security import token_failed
from . import settings
from .tokens import user_for_token


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """Sessions hold ``id:version``; bumping the version ends every session at once."""
    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


@login_manager.request_loader
def load_user_from_token(request: Request) -> User | None:
    """``Authorization: Bearer <token>`` logs the request in as the token's user."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    user = user_for_token(token.strip())
    if user is None:
        token_failed()
    return user


def init_app(app: Flask) -> None:
    settings.init_app(app)
    login_manager.init_app(app)
    login_manager.session_protection = "strong"
