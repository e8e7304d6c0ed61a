"""Search benchmark: Kennisbank's Whoosh search beside SQLite FTS5, same items, same queries.

For each size N it generates N items (``bench/generate.py``, seeded), loads
them into a fresh instance's database, then measures

* reindex throughput (items/s) and index size, for Kennisbank
  (``outbox.rebuild``: Dutch/English analysis with compound splitting) and for
  an FTS5 table (unicode61 tokenizer, diacritics removed, no stemming);
* search latency p50/p95 over the same 1-3 word queries, a third of them with
  a facet filter. Kennisbank is measured through the API
  (``GET /api/v1/search`` with the Flask test client, as an anonymous reader:
  visibility, every facet counted, highlights of the shown page, JSON);
  FTS5 in-process with the same work in SQL (top 20 by bm25 with snippets,
  total, and the counts of every facet over the whole result set), the lower
  bound of an embedded engine.

Usage: ``python bench/run.py --sizes 10000 100000 --queries 300 --out bench/results.json``
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Iterable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.generate import FIELDS, generate, queries  # noqa: E402
from kennisbank import create_app  # noqa: E402
from kennisbank.extensions import db  # noqa: E402
from kennisbank.models import Item, ItemTranslation  # noqa: E402
from kennisbank.search import outbox  # noqa: E402
from kennisbank.search.service import current_search  # noqa: E402

FACETS = ("type", "sector", "theme", "country", "city", "language", "year")
LOAD_BATCH = 2000
WARMUP = 20


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (the index workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(),
            "system": platform.platform()}


def load_items(items: list[dict[str, Any]]) -> None:
    """Insert items straight into the database (the benchmark measures indexing,
    not validation or revisions)."""
    now = datetime.now(UTC)
    for start in range(0, len(items), LOAD_BATCH):
        chunk = items[start:start + LOAD_BATCH]
        rows, texts = [], []
        for number, data in enumerate(chunk, start + 1):
            rows.append({
                "id": number, "type": data["type"], "status": data["status"],
                "sector": data["sector"], "themes": data["themes"], "tags": data["tags"],
                "city": data["city"], "country": data["country"], "fields": {},
                "start_date": date.fromisoformat(data["start_date"]),
                "external_id": data["external_id"], "created_at": now, "updated_at": now,
            })
            for lang, text in data["translations"].items():
                texts.append({
                    "item_id": number, "lang": lang, "title": text["title"],
                    "summary": text["summary"], "body": text["body"],
                    "fields": {name: text[name] for name in FIELDS},
                })
        db.session.execute(db.insert(Item), rows)
        db.session.execute(db.insert(ItemTranslation), texts)
        db.session.commit()


def params_for(query: str, number: int, items: list[dict[str, Any]]) -> dict[str, str]:
    """Every third query filters on a theme or a sector, like a reader narrowing down."""
    params = {"q": query}
    sample = items[(number * 7919) % len(items)]
    if number % 6 == 1:
        params["theme"] = sample["themes"][0]
    elif number % 6 == 4:
        params["sector"] = sample["sector"]
    return params


def bench_kennisbank(app: Any, query_list: list[str], items: list[dict[str, Any]]
                     ) -> dict[str, Any]:
    with app.app_context():
        backend = current_search().backend
        load_before = os.getloadavg()[0]
        cpu_before = cpu_seconds()
        started = time.perf_counter()
        count = outbox.rebuild(backend)
        seconds = time.perf_counter() - started
        cpu = cpu_seconds() - cpu_before
        size = folder_size(Path(app.instance_path) / "search")
    client = app.test_client()
    timings, cpu_timings, totals = [], [], []
    for number, query in enumerate(query_list):
        params = params_for(query, number, items)
        params["lang"] = "nl" if number % 2 else "en"
        started, cpu_started = time.perf_counter(), time.process_time()
        response = client.get("/api/v1/search", query_string=params)
        elapsed, cpu_elapsed = time.perf_counter() - started, time.process_time() - cpu_started
        if response.status_code != 200:
            raise RuntimeError(f"search failed: {response.status_code} {response.get_data()}")
        if number >= WARMUP:
            timings.append(elapsed * 1000)
            cpu_timings.append(cpu_elapsed * 1000)
            totals.append(response.get_json()["total"])
    return {
        "items": count, "index_seconds": round(seconds, 1),
        "items_per_second": round(count / seconds, 1),
        "index_cpu_seconds": round(cpu, 1),
        "items_per_second_if_cores_idle": round(count / (cpu / (os.cpu_count() or 1)), 1),
        "load_average_at_start": round(load_before, 2),
        "index_mb": round(size / 2**20, 1),
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(percentile(timings, 0.95), 1),
        "cpu_p50_ms": round(statistics.median(cpu_timings), 1),
        "cpu_p95_ms": round(percentile(cpu_timings, 0.95), 1),
        "median_total": statistics.median(totals),
    }


def _fts_rows(items: list[dict[str, Any]]) -> Iterable[tuple[Any, ...]]:
    for number, data in enumerate(items, 1):
        texts = data["translations"].values()
        yield (
            number,
            " ".join(t["title"] for t in texts),
            " ".join(t["summary"] for t in texts),
            " ".join(" ".join([t["body"], *(t[name] for name in FIELDS)]) for t in texts),
        )


def _fts_facets(items: list[dict[str, Any]]) -> Iterable[tuple[int, str, str]]:
    for number, data in enumerate(items, 1):
        values = {
            "type": [data["type"]], "sector": [data["sector"]], "theme": data["themes"],
            "country": [data["country"]], "city": [data["city"]],
            "language": list(data["translations"]), "year": [data["start_date"][:4]],
        }
        for facet, found in values.items():
            for value in found:
                yield (number, facet, value)


def build_fts(path: Path, items: list[dict[str, Any]]) -> sqlite3.Connection:
    con = sqlite3.connect(path)
    con.executescript("""
        PRAGMA journal_mode=WAL;
        CREATE TABLE meta(id INTEGER PRIMARY KEY, status TEXT);
        CREATE TABLE facets(item_id INTEGER, facet TEXT, value TEXT);
        CREATE VIRTUAL TABLE fts USING fts5(title, summary, body,
            tokenize = 'unicode61 remove_diacritics 2');
    """)
    con.executemany("INSERT INTO meta VALUES (?, ?)",
                    ((n, d["status"]) for n, d in enumerate(items, 1)))
    con.executemany("INSERT INTO facets VALUES (?, ?, ?)", _fts_facets(items))
    con.execute("CREATE INDEX facets_item ON facets(item_id)")
    con.execute("CREATE INDEX facets_value ON facets(facet, value, item_id)")
    con.commit()
    return con


def fts_search(con: sqlite3.Connection, params: dict[str, str]) -> int:
    """The same work in SQL: visible matches with their bm25 (a temporary
    table), the total, the top 20 with snippets, and every facet's counts
    over all matches."""
    match = " ".join('"' + word.replace('"', "") + '"' for word in params["q"].split())
    where = "meta.status = 'published'"
    args: list[Any] = [match]
    for facet in FACETS:
        if facet in params:
            where += " AND m.id IN (SELECT item_id FROM facets WHERE facet = ? AND value = ?)"
            args += [facet, params[facet]]
    con.execute("DROP TABLE IF EXISTS temp.hits")
    con.execute(
        "CREATE TEMP TABLE hits AS WITH m AS MATERIALIZED ("
        "SELECT rowid AS id, bm25(fts, 3.0, 1.5, 1.0) AS score FROM fts WHERE fts MATCH ?) "
        f"SELECT m.id, m.score FROM m JOIN meta ON meta.id = m.id WHERE {where}", args)
    total = con.execute("SELECT count(*) FROM hits").fetchone()[0]
    best = [row[0] for row in con.execute("SELECT id FROM hits ORDER BY score LIMIT 20")]
    marks = ",".join("?" * len(best))
    con.execute(
        f"SELECT rowid, snippet(fts, 2, '<mark>', '</mark>', '…', 24) FROM fts "
        f"WHERE fts MATCH ? AND rowid IN ({marks})", [match, *best]).fetchall()
    con.execute("SELECT f.facet, f.value, count(*) FROM facets f JOIN hits ON hits.id = f.item_id "
                "GROUP BY f.facet, f.value").fetchall()
    return total


def bench_fts(folder: Path, query_list: list[str], items: list[dict[str, Any]]
              ) -> dict[str, Any]:
    path = folder / "fts.sqlite"
    started = time.perf_counter()
    con = build_fts(path, items)
    con.executemany("INSERT INTO fts(rowid, title, summary, body) VALUES (?, ?, ?, ?)",
                    _fts_rows(items))
    con.commit()
    seconds = time.perf_counter() - started
    timings, cpu_timings = [], []
    for number, query in enumerate(query_list):
        params = params_for(query, number, items)
        started, cpu_started = time.perf_counter(), time.process_time()
        fts_search(con, params)
        if number >= WARMUP:
            timings.append((time.perf_counter() - started) * 1000)
            cpu_timings.append((time.process_time() - cpu_started) * 1000)
    con.close()
    return {
        "items_per_second": round(len(items) / seconds, 1),
        "index_mb": round(path.stat().st_size / 2**20, 1),
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(percentile(timings, 0.95), 1),
        "cpu_p50_ms": round(statistics.median(cpu_timings), 1),
        "cpu_p95_ms": round(percentile(cpu_timings, 0.95), 1),
    }


def run_size(size: int, query_count: int, seed: int) -> dict[str, Any]:
    items = list(generate(size, seed))
    query_list = queries(query_count + WARMUP, seed + 1)
    with tempfile.TemporaryDirectory(prefix="kb-bench-") as folder:
        app = create_app({"INSTANCE": str(Path(folder) / "instance"), "SECRET_KEY": "bench"})
        with app.app_context():
            load_items(items)
        ours = bench_kennisbank(app, query_list, items)
        baseline = bench_fts(Path(folder), query_list, items)
    return {
        "size": size, "queries": query_count, "kennisbank": ours, "fts5": baseline,
        "p95_ratio": round(ours["p95_ms"] / baseline["p95_ms"], 2),
        "cpu_p95_ratio": round(ours["cpu_p95_ms"] / baseline["cpu_p95_ms"], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000])
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    report = {"machine": machine(), "command": " ".join(["python", *sys.argv]), "runs": []}
    for size in args.sizes:
        result = run_size(size, args.queries, args.seed)
        print(json.dumps(result), flush=True)
        report["runs"].append(result)
        if args.out:
            args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
