"""Helpers shared by the API tests: people of every role with their tokens."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask

from kennisbank.auth.tokens import create_token
from kennisbank.extensions import db
from kennisbank.models import User

#: Every kind of caller the permission rules tell apart.
ROLES = ("anonymous", "reader", "contributor", "editor", "other_editor", "admin")
SECTOR = "municipality"
OTHER_SECTOR = "education"


@dataclass
class Caller:
    """Someone calling the API: their user (None when anonymous) and request headers."""

    name: str
    user: User | None
    token: str | None

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}


def token_for(app: Flask, user: User) -> str:
    """A fresh API token for ``user``."""
    with app.app_context():
        token = create_token(db.session.get(User, user.id), name="test")
        db.session.commit()
    return token


def callers(app: Flask, make_user: Any) -> dict[str, Caller]:
    """One caller per role; the editor edits ``SECTOR``, the other editor ``OTHER_SECTOR``."""
    people = {
        "reader": make_user("reader"),
        "contributor": make_user("contributor"),
        "editor": make_user("editor", sectors=[SECTOR]),
        "other_editor": make_user("editor", sectors=[OTHER_SECTOR]),
        "admin": make_user("admin"),
    }
    found = {"anonymous": Caller("anonymous", None, None)}
    for name, user in people.items():
        found[name] = Caller(name, user, token_for(app, user))
    return found


def jsonl(lines: list[dict[str, Any]] | list[str]) -> bytes:
    """JSON Lines from dicts (or ready-made lines)."""
    import json

    return "".join(
        (line if isinstance(line, str) else json.dumps(line, ensure_ascii=False)) + "\n"
        for line in lines
    ).encode("utf-8")
