"""Load the generated items straight into a Kennisbank database.

The benchmark measures indexing and searching, not validation or revisions,
so items go into the ``items`` and ``item_translations`` tables directly,
item ``n`` of the JSONL file with id ``n``. Loading is timed on its own,
apart from the reindex that follows.

* **PostgreSQL**: two ``COPY`` streams at once (items on one connection,
  translations on another, so two server processes parse and compress in
  parallel) with ``session_replication_role = replica``, which skips the
  foreign-key triggers for rows that are consistent by construction; then
  each table's id sequence is set past the highest id (the app's next item
  gets a fresh id) and ``VACUUM ANALYZE`` gives the planner statistics and
  the visibility map, as autovacuum would on a live system.
* **SQLite**: batched inserts through SQLAlchemy, as before.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from bench.dataset import read_items
from bench.generate import FIELDS
from bench.pg import BenchCluster

ITEM_COLUMNS = ("id", "type", "status", "sector", "themes", "tags", "city", "country",
                "organisation", "start_date", "end_date", "fields", "owner_id", "external_id",
                "created_at", "updated_at", "published_at")
TEXT_COLUMNS = ("id", "item_id", "lang", "title", "summary", "body", "fields")
SQLITE_BATCH = 2000


def _item_row(number: int, data: dict[str, Any], now: datetime) -> tuple[Any, ...]:
    published = now if data["status"] == "published" else None
    return (number, data["type"], data["status"], data["sector"], json.dumps(data["themes"]),
            json.dumps(data["tags"]), data["city"], data["country"], None,
            data["start_date"], None, "{}", None, data["external_id"], now, now, published)


def _text_fields(text: dict[str, str]) -> dict[str, str]:
    return {name: text[name] for name in FIELDS}


def load_postgres(cluster: BenchCluster, database: str, path: Path) -> dict[str, Any]:
    """COPY every item of ``path`` into ``database`` (schema already at head)."""
    import psycopg

    now = datetime.now(UTC).replace(tzinfo=None)
    started = time.perf_counter()
    items = texts = 0
    with psycopg.connect(cluster.conninfo(database)) as first, \
            psycopg.connect(cluster.conninfo(database)) as second:
        for connection in (first, second):
            connection.execute("SET session_replication_role = replica")
        with first.cursor().copy(f"COPY items ({', '.join(ITEM_COLUMNS)}) FROM STDIN") as rows, \
                second.cursor().copy(
                    f"COPY item_translations ({', '.join(TEXT_COLUMNS)}) FROM STDIN") as lines:
            for number, data in read_items(path):
                rows.write_row(_item_row(number, data, now))
                items += 1
                for lang, text in data["translations"].items():
                    texts += 1
                    lines.write_row((texts, number, lang, text["title"], text["summary"],
                                     text["body"], json.dumps(_text_fields(text))))
    copied = time.perf_counter()
    for table in ("items", "item_translations"):
        cluster.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))", database)
    cluster.execute("VACUUM (ANALYZE) items, item_translations", database)
    finished = time.perf_counter()
    sizes = cluster.table_sizes(database)
    return {
        "storage": "postgres", "items": items, "translations": texts,
        "copy_seconds": round(copied - started, 1),
        "vacuum_analyze_seconds": round(finished - copied, 1),
        "seconds": round(finished - started, 1),
        "items_per_second": round(items / (finished - started), 1),
        "mb": round((sizes.get("items", 0) + sizes.get("item_translations", 0)) / 2**20, 1),
    }


def load_sqlite(app: Any, path: Path) -> dict[str, Any]:
    """Insert every item of ``path`` into the app's SQLite database."""
    from kennisbank.extensions import db
    from kennisbank.models import Item, ItemTranslation

    now = datetime.now(UTC)
    started = time.perf_counter()
    items = 0
    with app.app_context():
        rows: list[dict[str, Any]] = []
        texts: list[dict[str, Any]] = []
        for number, data in read_items(path):
            items += 1
            rows.append({
                "id": number, "type": data["type"], "status": data["status"],
                "sector": data["sector"], "themes": data["themes"], "tags": data["tags"],
                "city": data["city"], "country": data["country"], "fields": {},
                "start_date": date.fromisoformat(data["start_date"]),
                "external_id": data["external_id"], "created_at": now, "updated_at": now,
                "published_at": now if data["status"] == "published" else None,
            })
            texts += [{"item_id": number, "lang": lang, "title": text["title"],
                       "summary": text["summary"], "body": text["body"],
                       "fields": _text_fields(text)}
                      for lang, text in data["translations"].items()]
            if len(rows) == SQLITE_BATCH:
                _insert(db, Item, ItemTranslation, rows, texts)
                rows, texts = [], []
        _insert(db, Item, ItemTranslation, rows, texts)
        database = Path(db.engine.url.database or "")
    seconds = time.perf_counter() - started
    return {"storage": "sqlite", "items": items, "seconds": round(seconds, 1),
            "items_per_second": round(items / seconds, 1),
            "mb": round(database.stat().st_size / 2**20, 1) if database.is_file() else None}


def _insert(db: Any, item: Any, translation: Any, rows: list[dict[str, Any]],
            texts: list[dict[str, Any]]) -> None:
    if rows:
        db.session.execute(db.insert(item), rows)
        db.session.execute(db.insert(translation), texts)
        db.session.commit()
