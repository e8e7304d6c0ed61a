"""Search benchmark: Kennisbank's Whoosh and PostgreSQL backends beside SQLite FTS5.

For each size N (seeded items from ``bench/generate.py``, cached as JSONL by
``bench/dataset.py``) in one session:

1. **load** the items straight into a fresh database (``bench/load.py``):
   PostgreSQL on a throwaway, tuned cluster (``bench/pg.py``), or SQLite;
2. **reindex** each Kennisbank backend (``bench/index.py``: ``outbox.rebuild``,
   what ``kennisbank reindex`` runs) and build the FTS5 baseline (``bench/fts.py``);
3. **single client** (``bench/single.py``): the same queries through
   ``GET /api/v1/search`` on every backend, interleaved, p50/p95;
4. **concurrent clients** (``bench/clients.py``): gunicorn with 1, 2, 4
   sync workers per backend, ``wrk`` with 16 connections: requests/s and p95.

Whoosh is left out above ``--whoosh-max-size`` (its reindex runs at about
180 items/s on two cores: a million items would take 1.5 hours of CPU); the
record says so. Results are appended to ``--out`` as they come.

``--keep`` leaves the cluster running and the work folder in place;
``--reuse FOLDER`` measures them again (steps 3 and 4 only, after migrating
the database to head), e.g. after a change to the search code that needs no
reindex.

Usage::

    python bench/run.py --backends whoosh postgres fts5 --sizes 100000 1000000 \\
        --queries 300 --concurrency 16 --workers 1 2 4 --out bench/results.json
"""

from __future__ import annotations

import argparse
import json
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

# The repository, not bench/ itself, so that bench's modules never shadow the standard
# library's (a script's own folder comes first on the path).
sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench.clients import Server, run_concurrent, url_paths  # noqa: E402
from bench.dataset import WARMUP, dataset_path, query_params, read_items  # noqa: E402
from bench.fts import build_fts, connect  # noqa: E402
from bench.index import app_config, make_app, migrate, reindex, server_env  # noqa: E402
from bench.load import load_postgres, load_sqlite  # noqa: E402
from bench.measure import load_average, machine  # noqa: E402
from bench.pg import SETTINGS, BenchCluster  # noqa: E402
from bench.single import Target, api_target, fts_target, run_single  # noqa: E402

APP_BACKENDS = ("whoosh", "postgres")
BASELINE = "fts5"
#: The PostgreSQL backend with its per-process result cache on (default size).
CACHED = "postgres[cache]"
#: The PostgreSQL backend counting and ranking every match (``SEARCH_EXACT_LIMIT=0``).
EXACT = "postgres[exact]"


class Record:
    """One run's results, appended to the results file and rewritten as they grow."""

    def __init__(self, out: Path | None, entry: dict[str, Any]) -> None:
        self.out = out
        self.entry = entry
        self.previous: dict[str, Any] = {"runs": []}
        if out and out.exists():
            self.previous = json.loads(out.read_text(encoding="utf-8"))

    def save(self) -> None:
        if not self.out:
            return
        data = {**self.previous, "machine": self.entry["machine"],
                "runs": [*self.previous.get("runs", []), self.entry]}
        self.out.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n",
                            encoding="utf-8")


def _setting(text: str) -> tuple[str, str]:
    name, _, value = text.partition("=")
    if not name or not value:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, not {text!r}")
    return name.strip(), value.strip()


def _log(message: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def _timed(label: str, step: Callable[[], Any]) -> Any:
    _log(f"{label} ...")
    started = time.perf_counter()
    result = step()
    _log(f"{label}: {time.perf_counter() - started:.1f} s")
    return result


def _ratios(figures: dict[str, dict[str, Any]], key: str) -> dict[str, float]:
    base = figures.get(BASELINE, {}).get(key)
    if not base:
        return {}
    return {name: round(found[key] / base, 2) for name, found in figures.items()
            if name != BASELINE and found.get(key)}


def run_size(size: int, args: argparse.Namespace, cluster: BenchCluster | None,
             folder: Path, result: dict[str, Any], save: Callable[[], None]) -> None:
    path = _timed(f"N={size}: data set", lambda: dataset_path(args.cache, size, args.seed))
    params = query_params(path, size, args.queries + WARMUP, args.seed)
    wanted = [name for name in args.backends if name in APP_BACKENDS]
    skipped = {}
    if "whoosh" in wanted and size > args.whoosh_max_size:
        wanted.remove("whoosh")
        skipped["whoosh"] = (f"not measured above {args.whoosh_max_size} items "
                             "(--whoosh-max-size): its reindex takes about 1.5 h of CPU "
                             "per million items")
    result["not_measured"] = skipped
    folder.mkdir(parents=True, exist_ok=True)

    database = url = None
    load = load_average()
    reused = args.reuse is not None
    if args.storage == "postgres":
        assert cluster is not None
        database = f"bench_{size}" if reused else cluster.create_database(f"bench_{size}")
        url = cluster.url(database)
        migrate(app_config(folder / "instance-schema", url, "whoosh"))
        if not reused:
            result["load"] = _timed(f"N={size}: load",
                                    lambda: load_postgres(cluster, database, path))
    configs = {name: app_config(folder / f"instance-{name}", url, name) for name in wanted}
    apps = {name: make_app(config) for name, config in configs.items()}
    if args.storage == "sqlite" and not reused:
        result["load"] = _timed(f"N={size}: load", lambda: load_sqlite(apps["whoosh"], path))
    if reused:
        result["reused"] = (f"measured on the database and index kept in {args.reuse} by an "
                            "earlier run: no loading or reindex figures; migrated to head first")
    else:
        result["load"]["load_average_at_start"] = load
    save()

    backends: dict[str, dict[str, Any]] = {}
    result["backends"] = backends
    for name in sorted(apps, key=lambda n: n != "postgres"):
        backends[name] = {} if reused else {"reindex": _timed(
            f"N={size}: reindex {name}", lambda n=name: reindex(apps[n], cluster, database))}
        save()
    fts_path = folder / "fts.sqlite"
    if BASELINE in args.backends and reused:
        backends[BASELINE] = {}
    elif BASELINE in args.backends:
        load = load_average()
        started = time.perf_counter()
        count = _timed(f"N={size}: build fts5", lambda: build_fts(fts_path, read_items(path)))
        seconds = time.perf_counter() - started
        backends[BASELINE] = {"reindex": {
            "items": count, "seconds": round(seconds, 1),
            "items_per_second": round(count / seconds, 1), "load_average_at_start": load,
            "index_mb": round(fts_path.stat().st_size / 2**20, 1)}}
        save()

    targets: list[Target] = []
    servers: list[Server] = []
    for name, app in apps.items():
        extra = cluster.cpu_seconds if cluster and name == "postgres" else None
        targets.append(api_target(name, app, extra))
        servers.append(Server(name, "kennisbank:create_app()", server_env(configs[name]), extra))
    if "postgres" in apps:
        for setting, value in args.pg_compare:
            variant = f"postgres[{setting}={value}]"
            config = app_config(folder / f"instance-postgres-{setting}", url, "postgres",
                                {"connect_args": {"options": f"-c {setting}={value}"}})
            targets.append(api_target(variant, make_app(config), cluster.cpu_seconds
                                      if cluster else None))
        if args.cache_variant:
            cached = app_config(folder / "instance-postgres-cache", url, "postgres", cache=True)
            targets.append(api_target(CACHED, make_app(cached), cluster.cpu_seconds
                                      if cluster else None))
        if args.exact_variant:
            exact = app_config(folder / "instance-postgres-exact", url, "postgres", exact=True)
            targets.append(api_target(EXACT, make_app(exact), cluster.cpu_seconds
                                      if cluster else None))
    if BASELINE in args.backends:
        con = connect(fts_path)
        targets.append(fts_target(con))
        servers.append(Server(BASELINE, "bench.fts_app:app", {"BENCH_FTS_DB": str(fts_path)}))
    load = load_average()
    single = _timed(f"N={size}: single client", lambda: run_single(targets, params))
    counted = params[WARMUP:]
    result["single"] = {"load_average_at_start": load, "queries": args.queries,
                        "distinct_queries": len({json.dumps(p, sort_keys=True) for p in counted}),
                        "backends": single, "p95_ratio": _ratios(single, "p95_ms"),
                        "cpu_p95_ratio": _ratios(single, "cpu_p95_ms")}
    save()

    if args.workers and servers:
        runs: list[dict[str, Any]] = []
        result["concurrent"] = {"clients": args.concurrency, "wrk_threads": args.wrk_threads,
                                "seconds": args.duration, "warmup_seconds": args.warmup,
                                "worker_class": "sync", "runs": runs}
        _timed(f"N={size}: concurrent clients", lambda: run_concurrent(
            servers, args.workers, url_paths(params), clients=args.concurrency,
            threads=args.wrk_threads, seconds=args.duration, warmup=args.warmup,
            report=lambda found: (runs.append(found), save())))
        if "postgres" in apps and args.cache_variant:
            best = max((r for r in runs if r["backend"] == "postgres"),
                       key=lambda r: r["requests_per_second"])["workers"]
            cached = app_config(folder / "instance-postgres-cache", url, "postgres", cache=True)
            server = Server(CACHED, "kennisbank:create_app()", server_env(cached),
                            cluster.cpu_seconds if cluster else None)
            run_concurrent([server], [best], url_paths(params), clients=args.concurrency,
                           threads=args.wrk_threads, seconds=args.duration, warmup=args.warmup,
                           report=lambda found: (runs.append(found), save()))
    for app in apps.values():
        with app.app_context():
            from kennisbank.extensions import db

            db.engine.dispose()


def versions(cluster: BenchCluster | None) -> dict[str, str]:
    import sqlite3

    import gunicorn

    found = {"sqlite": sqlite3.sqlite_version, "gunicorn": gunicorn.__version__}
    if shutil.which("wrk"):
        text = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout
        found["wrk"] = text.split()[1] if text else "unknown"
    if cluster:
        found["postgresql"] = cluster.version
    return found


def code_version() -> dict[str, Any]:
    """The commit measured; gunicorn's workers import the tree afresh, so a change to
    the working tree during a run would show as ``dirty`` here at the start only."""
    root = Path(__file__).resolve().parent.parent
    commit = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip()
    changed = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "kennisbank"],
                             capture_output=True, text=True).stdout.strip()
    return {"commit": commit or "unknown", "kennisbank_changed": bool(changed)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", nargs="+", default=["whoosh", "postgres", BASELINE],
                        choices=[*APP_BACKENDS, BASELINE])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000])
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--storage", choices=["postgres", "sqlite"], default="postgres",
                        help="where the items live (sqlite: Whoosh and FTS5 only)")
    parser.add_argument("--whoosh-max-size", type=int, default=100_000)
    parser.add_argument("--concurrency", type=int, default=16, help="wrk connections")
    parser.add_argument("--workers", type=int, nargs="*", default=[1, 2, 4],
                        help="gunicorn worker counts (none: no concurrent runs)")
    parser.add_argument("--duration", type=int, default=30, help="seconds per wrk run")
    parser.add_argument("--warmup", type=int, default=10, help="seconds of wrk before each run")
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--pg-set", type=_setting, action="append", default=[],
                        metavar="NAME=VALUE", help="override a cluster setting (bench/pg.py)")
    parser.add_argument("--pg-compare", type=_setting, nargs="*", default=[("jit", "on")],
                        metavar="NAME=VALUE",
                        help="also measure the PostgreSQL backend with these session settings")
    parser.add_argument("--no-cache-variant", dest="cache_variant", action="store_false",
                        help="leave out the extra PostgreSQL figures with the result cache on")
    parser.add_argument("--cache", type=Path,
                        default=Path(tempfile.gettempdir()) / "kennisbank-bench",
                        help="folder of the generated JSONL files")
    parser.add_argument("--keep", action="store_true",
                        help="leave the cluster and the work folder for inspection")
    parser.add_argument("--no-exact-variant", dest="exact_variant", action="store_false",
                        help="leave out the single-client figures of the PostgreSQL backend "
                             "without sampling (SEARCH_EXACT_LIMIT=0)")
    parser.add_argument("--reuse", type=Path, metavar="FOLDER",
                        help="measure the databases and indexes that --keep left in FOLDER "
                             "(its cluster still running) instead of loading and reindexing")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    if args.storage == "sqlite" and "postgres" in args.backends:
        parser.error("the postgres backend needs --storage postgres")

    # A terminated run still stops its cluster and removes its folders (the finally below).
    signal.signal(signal.SIGTERM, lambda number, frame: sys.exit(128 + number))
    settings = {**SETTINGS, **dict(args.pg_set)}
    cluster = None
    folder = args.reuse or Path(tempfile.mkdtemp(prefix="kb-bench-"))
    try:
        if args.storage == "postgres" and args.reuse:
            cluster = BenchCluster.attach(Path((folder / "cluster").read_text().strip()))
            settings = cluster.settings
        elif args.storage == "postgres":
            cluster = BenchCluster(settings)
            (folder / "cluster").write_text(str(cluster.root))
        entry: dict[str, Any] = {
            "bench": 2, "command": " ".join(["python", *sys.argv]),
            "started": f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC", "machine": machine(),
            "versions": versions(cluster), "code": code_version(), "storage": args.storage,
            "postgresql_settings": settings if cluster else None, "sizes": []}
        record = Record(args.out, entry)
        for size in args.sizes:
            result: dict[str, Any] = {"size": size, "queries": args.queries}
            entry["sizes"].append(result)
            run_size(size, args, cluster, folder / str(size), result, record.save)
            record.save()
    finally:
        if args.keep or args.reuse:
            _log(f"kept: work folder {folder}" +
                 (f", cluster {cluster.url()} in {cluster.root}" if cluster else ""))
        else:
            if cluster:
                cluster.stop()
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
