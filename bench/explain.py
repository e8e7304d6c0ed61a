"""Where a slow search spends its time: EXPLAIN ANALYZE of every statement it runs.

Runs one search through the API of an app on a benchmark database (kept with
``bench/run.py --keep``), records each SQL statement the request sends (with
its parameters), then runs ``EXPLAIN (ANALYZE, BUFFERS)`` of each ``SELECT``
on a connection of its own and prints the plans, slowest first. Nothing in
the app is changed: the statements are the backend's own.

Usage::

    python bench/explain.py --url postgresql+psycopg://postgres@127.0.0.1:PORT/bench_1000000 \\
        --q "fietspaden" --param theme=sdg11 --param lang=nl
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path[0] = str(Path(__file__).resolve().parent.parent)

from sqlalchemy import event  # noqa: E402

from bench.index import app_config, make_app  # noqa: E402


def captured_statements(app: Any, params: dict[str, str]) -> tuple[list[tuple[str, Any]], float]:
    """The statements one ``GET /api/v1/search`` sends, and its wall-clock milliseconds."""
    from kennisbank.extensions import db

    found: list[tuple[str, Any]] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any,
               executemany: bool) -> None:
        found.append((statement, parameters))

    with app.app_context():
        engine = db.engine
    client = app.test_client()
    client.get("/api/v1/search", query_string=params)  # warm: connections, caches
    event.listen(engine, "before_cursor_execute", record)
    try:
        started = time.perf_counter()
        response = client.get("/api/v1/search", query_string=params)
        elapsed = (time.perf_counter() - started) * 1000
    finally:
        event.remove(engine, "before_cursor_execute", record)
    if response.status_code != 200:
        raise SystemExit(f"search failed: {response.status_code} {response.get_data()[:300]}")
    return found, elapsed


def explain(app: Any, statements: list[tuple[str, Any]]) -> list[tuple[float, str, str]]:
    """``(execution ms, statement, plan)`` of each SELECT, slowest first."""
    from kennisbank.extensions import db

    plans = []
    with app.app_context(), db.engine.connect() as connection:
        raw = connection.connection.driver_connection
        for statement, parameters in statements:
            if not statement.lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            cursor = raw.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
            lines = [row[0] for row in cursor.fetchall()]
            total = next((float(line.split(":")[1].split()[0]) for line in lines
                          if line.startswith("Execution Time")), 0.0)
            plans.append((total, statement, "\n".join(lines)))
    return sorted(plans, key=lambda entry: -entry[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="the benchmark database")
    parser.add_argument("--backend", default="postgres")
    parser.add_argument("--q", required=True)
    parser.add_argument("--param", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--setting", action="append", default=[], metavar="NAME=VALUE",
                        help="a session setting for the app's connections (e.g. jit=on)")
    parser.add_argument("--top", type=int, default=3, help="plans to print")
    args = parser.parse_args()
    params = {"q": args.q, **dict(p.split("=", 1) for p in args.param)}
    options = " ".join(f"-c {s}" for s in args.setting)
    engine = {"connect_args": {"options": options}} if options else None
    instance = Path(tempfile.mkdtemp(prefix="kb-explain-"))
    app = make_app(app_config(instance, args.url, args.backend, engine))
    statements, elapsed = captured_statements(app, params)
    print(f"GET /api/v1/search {params}: {elapsed:.1f} ms, {len(statements)} statements\n")
    for total, statement, plan in explain(app, statements)[:args.top]:
        print(f"--- {total:.1f} ms\n{statement}\n\n{plan}\n")


if __name__ == "__main__":
    main()
