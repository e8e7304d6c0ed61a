"""``GET /healthz``: whether this server can answer, for a load balancer.

A load balancer sends requests only to servers whose health check passes, so
the check asks what a request needs: the database answers a query, and the
search backend answers a search (one that matches nothing, so it costs next
to nothing on either backend). It also says whether the database schema is
at the revision this code expects; a schema behind does not fail the check,
because during a rolling upgrade every server would fail it at once.

The answer is JSON of fixed words, never an error's text (that could leak
connection details to whoever can reach the port), with ``Cache-Control:
no-store`` so no proxy serves a stale "ok".
"""

from __future__ import annotations

import logging

from flask import Blueprint, Flask, Response, jsonify
from sqlalchemy import select

from .extensions import db
from .schema import current_revision, head_revision
from .search.service import current_search

log = logging.getLogger(__name__)
bp = Blueprint("health", __name__)


def _database() -> tuple[bool, str]:
    try:
        db.session.execute(select(1))
        return True, "current" if current_revision() == head_revision() else "behind"
    except Exception:  # noqa: BLE001 - any failure means "not healthy"; logged, not shown
        log.exception("health check: the database does not answer")
        db.session.rollback()
        return False, "unknown"


def _search() -> bool:
    try:
        current_search().ping()
        return True
    except Exception:  # noqa: BLE001 - as above
        log.exception("health check: search does not answer")
        return False


@bp.get("/healthz")
def healthz() -> Response:
    database, schema = _database()
    search = _search()
    healthy = database and search
    response = jsonify({
        "status": "ok" if healthy else "unavailable",
        "database": "ok" if database else "error",
        "search": "ok" if search else "error",
        "schema": schema,
    })
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
