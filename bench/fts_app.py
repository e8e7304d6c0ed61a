"""The FTS5 baseline as a WSGI app, so gunicorn serves it to wrk like Kennisbank.

``BENCH_FTS_DB`` names the SQLite file ``bench/fts.py`` built. It answers any
path with the JSON of :func:`bench.fts.fts_search` for the query string's
``q`` and facet filters (the same URLs as ``GET /api/v1/search``): no Flask,
no templates, no visibility rules beyond ``published``: the floor a WSGI
search endpoint on one core can reach on this machine, in the same session.

Serve: ``BENCH_FTS_DB=fts.sqlite gunicorn -w 2 bench.fts_app:app``.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from bench.fts import connect, fts_search

_connection: sqlite3.Connection | None = None


def _con() -> sqlite3.Connection:
    """One connection per worker process, opened on its first request (after the fork)."""
    global _connection
    if _connection is None:
        _connection = connect(Path(os.environ["BENCH_FTS_DB"]))
    return _connection


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    params = dict(parse_qsl(environ.get("QUERY_STRING", "")))
    if not params.get("q", "").strip():
        start_response("400 Bad Request", [("Content-Type", "application/json")])
        return [b'{"error": "q is required"}']
    body = json.dumps(fts_search(_con(), params), ensure_ascii=False).encode()
    start_response("200 OK", [("Content-Type", "application/json"),
                              ("Content-Length", str(len(body)))])
    return [body]
