"""Kennisbank apps on the loaded database, and their full reindex, measured.

Each backend gets an app of its own (its own instance folder: the Whoosh
index lives there) on the same database. The reindex is ``outbox.rebuild``
with the app's backend, what ``kennisbank reindex`` runs, with every
installed plugin enabled (their ``index_document`` hooks included).

CPU time is counted on both sides: this process with its forked index
workers, and the PostgreSQL server (which, for the PostgreSQL backend, builds
the ``tsvector`` columns and GIN indexes). Wall-clock time on this shared
machine includes waiting for a core; "items/s with both cores ours" is the
count divided by the CPU seconds spread over the cores.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path
from typing import Any

from bench.measure import cpu_seconds, folder_size, load_average
from bench.pg import BenchCluster

SECRET_KEY = "bench"


def app_config(instance: Path, database_url: str | None, backend: str,
               engine_options: dict[str, Any] | None = None,
               cache: bool = False, exact: bool = False) -> dict[str, Any]:
    """PostgreSQL is migrated once (:func:`migrate`), SQLite by the app itself.

    The PostgreSQL backend keeps recent results per process (``SEARCH_CACHE_SIZE``);
    the main figures are measured without it (``cache=False``), so every query
    is computed, and once with it, labelled. It samples result sets above
    ``SEARCH_EXACT_LIMIT`` (the default); ``exact`` measures it without."""
    config: dict[str, Any] = {"INSTANCE": str(instance), "SECRET_KEY": SECRET_KEY,
                              "SEARCH_BACKEND": backend}
    if not cache:
        config["SEARCH_CACHE_SIZE"] = 0
    if exact:
        config["SEARCH_EXACT_LIMIT"] = 0
    if database_url:
        config["DATABASE_URL"] = database_url
        config["AUTO_MIGRATE"] = False
    if engine_options:
        config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options
    return config


def server_env(config: dict[str, Any]) -> dict[str, str]:
    """The same app for gunicorn, as ``KENNISBANK_*`` environment variables."""
    env = {"KENNISBANK_INSTANCE": config["INSTANCE"], "KENNISBANK_SECRET_KEY": SECRET_KEY,
           "KENNISBANK_SEARCH_BACKEND": config["SEARCH_BACKEND"]}
    for name in ("SEARCH_CACHE_SIZE", "SEARCH_EXACT_LIMIT"):
        if name in config:
            env[f"KENNISBANK_{name}"] = str(config[name])
    if config.get("DATABASE_URL"):
        env["KENNISBANK_DATABASE_URL"] = config["DATABASE_URL"]
        env["KENNISBANK_AUTO_MIGRATE"] = "false"
    return env


def make_app(config: dict[str, Any]) -> Any:
    from kennisbank import create_app

    return create_app(config)


def migrate(config: dict[str, Any]) -> None:
    """Bring a PostgreSQL database, empty or kept from an earlier run, to head
    with the migrations (``kennisbank db upgrade``, the deployment step)."""
    from kennisbank import schema
    from kennisbank.extensions import db

    # The app starts on the empty database first and would warn that it is behind.
    quiet = logging.getLogger("kennisbank.schema")
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        app = make_app(config)
    finally:
        quiet.setLevel(level)
    with app.app_context():
        schema.upgrade("head")
        db.engine.dispose()


def reindex(app: Any, cluster: BenchCluster | None, database: str | None) -> dict[str, Any]:
    """Rebuild the app's index from the database; time, CPU and size."""
    from kennisbank.search import outbox
    from kennisbank.search.service import current_search

    sizes_before = cluster.table_sizes(database) if cluster and database else {}
    with app.app_context():
        backend = current_search().backend
        load = load_average()
        own_before = cpu_seconds()
        server_before = cluster.cpu_seconds() if cluster else 0.0
        started = time.perf_counter()
        count = outbox.rebuild(backend)
        seconds = time.perf_counter() - started
        own = cpu_seconds() - own_before
        server = (cluster.cpu_seconds() - server_before) if cluster else 0.0
    grown = {}
    if cluster and database:
        after = cluster.table_sizes(database)
        grown = {name: size - sizes_before.get(name, 0) for name, size in after.items()
                 if size - sizes_before.get(name, 0) > 64 * 1024}
    folder = Path(app.instance_path) / "search"
    index_bytes = folder_size(folder) if folder.exists() else 0
    index_bytes += sum(grown.values())
    cores = os.cpu_count() or 1
    return {
        "items": count, "seconds": round(seconds, 1),
        "items_per_second": round(count / seconds, 1),
        "cpu_seconds": round(own, 1), "database_cpu_seconds": round(server, 1),
        "items_per_second_if_cores_idle": round(count / max((own + server) / cores, 1e-9), 1),
        "load_average_at_start": load,
        "index_mb": round(index_bytes / 2**20, 1),
        "tables_grown_mb": {name: round(size / 2**20, 1) for name, size in grown.items()},
    }
