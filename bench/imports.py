"""Bulk writes measured: ``kennisbank import`` and ``kennisbank reindex`` of generated practices.

Each run makes a fresh instance, imports the cached JSONL file of N generated
items (``bench/dataset.py``: the same seeded items as the search benchmark)
with the real command in a process of its own, then rebuilds the index with
``kennisbank reindex``. Beside them, in the same run, SQLite FTS5 is filled with
the same items (``bench/fts.py``): the baseline rate this shared machine gives
at that moment, so runs at different loads can be compared by their ratio.

Peak memory is the largest resident set of the import process and of its
forked index workers (``wait4``'s ``ru_maxrss``).

Usage::

    python bench/imports.py --sizes 10000 --backends whoosh postgres --out bench/imports.json
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.dataset import dataset_path, read_items
from bench.fts import build_fts
from bench.measure import load_average, machine
from bench.pg import SETTINGS, BenchCluster

ROOT = Path(__file__).resolve().parents[1]


def _kennisbank(args: list[str], env: dict[str, str]) -> tuple[float, int, str]:
    """Run ``kennisbank ARGS``; (wall seconds, peak RSS in MB, output)."""
    started = time.monotonic()
    process = subprocess.Popen([str(Path(sys.executable).parent / "kennisbank"), *args], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=ROOT)
    assert process.stdout is not None
    output = process.stdout.read().decode()
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.monotonic() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"kennisbank {' '.join(args)} failed:\n{output}")
    return seconds, usage.ru_maxrss // 1024, output


def run_backend(backend: str, path: Path, size: int, cluster: BenchCluster | None,
                reindex: bool) -> dict[str, Any]:
    instance = Path(tempfile.mkdtemp(prefix=f"kennisbank-import-{backend}-"))
    env = {**os.environ, "KENNISBANK_INSTANCE": str(instance),
           "KENNISBANK_SECRET_KEY": "bench", "KENNISBANK_SEARCH_BACKEND": backend}
    if cluster is not None:
        env["KENNISBANK_DATABASE_URL"] = cluster.url(cluster.create_database(f"import_{backend}"))
    _kennisbank(["init"], env)
    load = load_average()
    seconds, peak, output = _kennisbank(["import", str(path)], env)
    figures: dict[str, Any] = {
        "backend": backend, "size": size, "import_seconds": round(seconds, 1),
        "import_items_per_s": round(size / seconds, 1), "import_peak_rss_mb": peak,
        "load_before": round(load, 2), "import_output": output.strip().splitlines()[-1],
    }
    if reindex:
        seconds, peak, _output = _kennisbank(["reindex"], env)
        figures.update(reindex_seconds=round(seconds, 1),
                       reindex_items_per_s=round(size / seconds, 1), reindex_peak_rss_mb=peak)
    return figures


def fts_rate(path: Path) -> float:
    """Items per second SQLite FTS5 inserts (with its facet and status tables)."""
    with tempfile.TemporaryDirectory() as folder:
        started = time.monotonic()
        count = build_fts(Path(folder) / "fts.sqlite", read_items(path))
        return count / (time.monotonic() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000])
    parser.add_argument("--backends", nargs="+", default=["whoosh"],
                        choices=["whoosh", "postgres"])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-reindex", dest="reindex", action="store_false")
    parser.add_argument("--cache", type=Path,
                        default=Path(tempfile.gettempdir()) / "kennisbank-bench")
    parser.add_argument("--label", default="", help="a name for this run in --out")
    parser.add_argument("--out", type=Path,
                        help="append the figures to this JSON list (bench/imports.json)")
    args = parser.parse_args()
    cluster = BenchCluster(SETTINGS) if "postgres" in args.backends else None
    runs = []
    try:
        for size in args.sizes:
            path = dataset_path(args.cache, size, args.seed)
            baseline = fts_rate(path)
            print(f"N={size}: FTS5 inserts {baseline:.0f} items/s", flush=True)
            for backend in args.backends:
                figures = run_backend(backend, path, size,
                                      cluster if backend == "postgres" else None, args.reindex)
                figures["fts5_items_per_s"] = round(baseline, 1)
                print(json.dumps(figures), flush=True)
                runs.append(figures)
    finally:
        if cluster is not None:
            cluster.stop()
    if args.out:
        existing = json.loads(args.out.read_text()) if args.out.exists() else []
        existing.append({"kind": "import", "label": args.label, "machine": machine(),
                         "runs": runs})
        args.out.write_text(json.dumps(existing, indent=1) + "\n")


if __name__ == "__main__":
    main()
