"""The baseline: the same items and queries in one SQLite FTS5 table.

FTS5 does the work of a search page in SQL (visible matches with bm25, the
total, the top 20 with snippets, every base facet counted over all matches)
with a plain ``unicode61`` tokenizer (diacritics removed, no stemming, no
compound splitting): the lower bound of an embedded engine. It is measured in
process for the single client and behind gunicorn (``bench/fts_app.py``) for
concurrent clients, beside Kennisbank's backends in the same session, so a
noisy machine shows in the baseline too.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from bench.generate import FIELDS

FACETS = ("type", "sector", "theme", "country", "city", "language", "year")
BATCH = 2000


def _fts_row(number: int, data: dict[str, Any]) -> tuple[Any, ...]:
    texts = data["translations"].values()
    return (
        number,
        " ".join(t["title"] for t in texts),
        " ".join(t["summary"] for t in texts),
        " ".join(" ".join([t["body"], *(t[name] for name in FIELDS)]) for t in texts),
    )


def _facet_rows(number: int, data: dict[str, Any]) -> Iterator[tuple[int, str, str]]:
    values = {
        "type": [data["type"]], "sector": [data["sector"]], "theme": data["themes"],
        "country": [data["country"]], "city": [data["city"]],
        "language": list(data["translations"]), "year": [data["start_date"][:4]],
    }
    for facet, found in values.items():
        for value in found:
            yield (number, facet, value)


def build_fts(path: Path, items: Iterable[tuple[int, dict[str, Any]]]) -> int:
    """Write the FTS5 table, the visibility table and the facet table; return the count."""
    con = sqlite3.connect(path)
    con.executescript("""
        PRAGMA journal_mode=WAL;
        CREATE TABLE meta(id INTEGER PRIMARY KEY, status TEXT);
        CREATE TABLE facets(item_id INTEGER, facet TEXT, value TEXT);
        CREATE VIRTUAL TABLE fts USING fts5(title, summary, body,
            tokenize = 'unicode61 remove_diacritics 2');
    """)
    count = 0
    batch: list[tuple[int, dict[str, Any]]] = []
    for entry in items:
        batch.append(entry)
        if len(batch) == BATCH:
            count += _write(con, batch)
            batch = []
    count += _write(con, batch)
    con.execute("CREATE INDEX facets_item ON facets(item_id)")
    con.execute("CREATE INDEX facets_value ON facets(facet, value, item_id)")
    con.commit()
    con.close()
    return count


def _write(con: sqlite3.Connection, batch: list[tuple[int, dict[str, Any]]]) -> int:
    con.executemany("INSERT INTO meta VALUES (?, ?)", ((n, d["status"]) for n, d in batch))
    con.executemany("INSERT INTO facets VALUES (?, ?, ?)",
                    (row for n, d in batch for row in _facet_rows(n, d)))
    con.executemany("INSERT INTO fts(rowid, title, summary, body) VALUES (?, ?, ?, ?)",
                    (_fts_row(n, d) for n, d in batch))
    con.commit()
    return len(batch)


def fts_search(con: sqlite3.Connection, params: dict[str, str]) -> dict[str, Any]:
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
    snippets = con.execute(
        f"SELECT rowid, snippet(fts, 2, '<mark>', '</mark>', '…', 24) FROM fts "
        f"WHERE fts MATCH ? AND rowid IN ({marks})", [match, *best]).fetchall()
    facets: dict[str, list[tuple[str, int]]] = {}
    for facet, value, count in con.execute(
            "SELECT f.facet, f.value, count(*) FROM facets f JOIN hits ON hits.id = f.item_id "
            "GROUP BY f.facet, f.value"):
        facets.setdefault(facet, []).append((value, count))
    return {"total": total, "results": [{"id": i, "snippet": s} for i, s in snippets],
            "facets": facets}


def connect(path: Path) -> sqlite3.Connection:
    """A connection for searching (each gunicorn worker opens its own)."""
    return sqlite3.connect(path, check_same_thread=False)
