"""Where one backend's search time goes: cProfile and SQL statements per search.

Runs the benchmark's queries (``bench/dataset.py``) through ``GET
/api/v1/search`` with the test client, on a database and index that
``bench/run.py --keep`` left in FOLDER (its cluster still running), as
``bench/single.py`` does, but in a profiler; it also counts the SQL
statements each search sends (an ``Engine`` event), the figure the
PostgreSQL backend's round trips come from.

Usage::

    python bench/profile_search.py --reuse FOLDER --size 10000 --queries 300 [--top 40]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench.dataset import WARMUP, dataset_path, query_params  # noqa: E402
from bench.index import app_config, make_app  # noqa: E402
from bench.pg import BenchCluster  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reuse", type=Path, required=True, metavar="FOLDER")
    parser.add_argument("--backend", choices=["postgres", "whoosh"], default="postgres")
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--dump", type=Path, help="also write the pstats data here")
    parser.add_argument("--cache", type=Path,
                        default=Path(tempfile.gettempdir()) / "kennisbank-bench")
    args = parser.parse_args()

    cluster = BenchCluster.attach(Path((args.reuse / "cluster").read_text().strip()))
    url = cluster.url(f"bench_{args.size}")
    folder = args.reuse / str(args.size)
    app = make_app(app_config(folder / f"instance-{args.backend}", url, args.backend))
    params = query_params(dataset_path(args.cache, args.size, args.seed),
                          args.size, args.queries + WARMUP, args.seed)

    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    statements: list[int] = [0]
    kinds: dict[str, int] = {}

    def count(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        statements[0] += 1
        kind = " ".join(statement.split())[:70]
        kinds[kind] = kinds.get(kind, 0) + 1

    event.listen(Engine, "before_cursor_execute", count)
    client = app.test_client()
    for warm in params[:WARMUP]:
        client.get("/api/v1/search", query_string=warm)
    kinds.clear()
    per_search: list[int] = []
    walls: list[float] = []
    profiler = cProfile.Profile()
    for query in params[WARMUP:]:
        before = statements[0]
        started = time.perf_counter()
        profiler.enable()
        response = client.get("/api/v1/search", query_string=query)
        profiler.disable()
        walls.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        per_search.append(statements[0] - before)
    walls.sort()
    print(f"{len(walls)} searches: p50 {statistics.median(walls):.1f} ms, "
          f"p95 {walls[int(0.95 * (len(walls) - 1))]:.1f} ms (under the profiler)")
    print(f"SQL statements per search: mean {statistics.mean(per_search):.2f}, "
          f"median {statistics.median(per_search)}, max {max(per_search)}")
    if args.dump:
        profiler.dump_stats(args.dump)
    print("statements by their start, per search:")
    for kind, number in sorted(kinds.items(), key=lambda pair: -pair[1])[:12]:
        print(f"  {number / len(walls):5.2f}  {kind}")
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats(args.sort).print_stats(args.top)
    print(out.getvalue())


if __name__ == "__main__":
    main()
