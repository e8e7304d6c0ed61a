"""Markdown tables of one run in ``bench/results.json`` (for RESULTS.md).

Usage: ``python bench/report.py [--results bench/results.json] [--run -1]``
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any


def _row(cells: list[Any]) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def loading(size: dict[str, Any]) -> list[str]:
    if "reused" in size:
        return [f"Not loaded or reindexed: {size['reused']}"]
    load = size.get("load", {})
    lines = [f"Load: {load.get('items')} items, {load.get('translations')} translations in "
             f"{load.get('seconds')} s ({load.get('items_per_second')} items/s; COPY "
             f"{load.get('copy_seconds')} s, VACUUM ANALYZE {load.get('vacuum_analyze_seconds')} "
             f"s), {load.get('mb')} MB, load average {load.get('load_average_at_start')}", "",
             _row(["reindex", "wall s", "items/s wall", "CPU s (ours + database)",
                   "items/s, both cores ours", "index MB", "load avg"]),
             _row(["---"] + ["---:"] * 6)]
    for name, found in size.get("backends", {}).items():
        r = found["reindex"]
        cpu = (f"{r.get('cpu_seconds')} + {r.get('database_cpu_seconds')}"
               if "cpu_seconds" in r else "")
        lines.append(_row([name, r["seconds"], r["items_per_second"], cpu,
                           r.get("items_per_second_if_cores_idle", ""), r["index_mb"],
                           r["load_average_at_start"]]))
    return lines


def single(size: dict[str, Any]) -> list[str]:
    found = size.get("single")
    if not found:
        return []
    lines = [f"Single client: {found['queries']} queries ({found.get('distinct_queries')} "
             f"distinct), load average {found['load_average_at_start']}", "",
             _row(["backend", "p50 ms", "p95 ms", "p95 filtered", "CPU p50/p95 ms (app)",
                   "DB CPU ms/query", "p95 / FTS5", "median hits"]),
             _row(["---"] + ["---:"] * 7)]
    for name, r in found["backends"].items():
        lines.append(_row([name, r["p50_ms"], r["p95_ms"], r["filtered_p95_ms"],
                           f"{r['cpu_p50_ms']} / {r['cpu_p95_ms']}",
                           r.get("server_cpu_ms_mean", ""), found["p95_ratio"].get(name, "1"),
                           r["median_total"]]))
    return lines


def concurrent(size: dict[str, Any]) -> list[str]:
    found = size.get("concurrent")
    if not found:
        return []
    lines = [f"Concurrent: {found['clients']} connections, wrk -t{found['wrk_threads']}, "
             f"{found['seconds']} s after {found['warmup_seconds']} s warm-up, "
             f"{found['worker_class']} workers", "",
             _row(["backend", "workers", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors",
                   "CPU ms/req app + DB", "wrk CPU s", "load avg"]),
             _row(["---"] + ["---:"] * 9)]
    for r in found["runs"]:
        lines.append(_row([r["backend"], r["workers"], r["requests_per_second"], r["p50_ms"],
                           r["p95_ms"], r["p99_ms"], r["errors"],
                           f"{r['app_cpu_ms_per_request']} + {r['database_cpu_ms_per_request']}",
                           r["wrk_cpu_seconds"], r["load_average"]]))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path,
                        default=Path(__file__).with_name("results.json"))
    parser.add_argument("--run", type=int, default=-1)
    args = parser.parse_args()
    run = json.loads(args.results.read_text(encoding="utf-8"))["runs"][args.run]
    print(f"Run started {run['started']}: `{run['command']}`\n")
    for size in run.get("sizes", []):
        print(f"## N = {size['size']:,}\n")
        if size.get("not_measured"):
            print(f"Not measured: {size['not_measured']}\n")
        for part in (loading, single, concurrent):
            lines = part(size)
            if lines:
                print("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
