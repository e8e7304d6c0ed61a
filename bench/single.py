"""Single-client search latency: every backend, the same queries, interleaved.

Kennisbank's backends are measured **through the API** (``GET
/api/v1/search`` with the Flask test client, in this process, as an anonymous
reader: visibility, every facet counted over the whole result set,
highlights of the shown page, JSON); FTS5 in process doing the same work in
SQL (``bench/fts.py``).

Query ``n`` runs on every backend before query ``n + 1`` (the order rotating),
so a burst of load from other jobs on this shared machine hits all backends
alike and their ratio stays meaningful. For each backend: wall-clock p50/p95,
this process's CPU p50/p95, and, where a server does part of the work
(PostgreSQL), that server's CPU per query on average (``/proc`` counts in
10 ms ticks, too coarse for percentiles of one query).
"""

from __future__ import annotations

import sqlite3
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bench.dataset import WARMUP
from bench.fts import fts_search
from bench.measure import summary

SLOWEST = 3


@dataclass
class Target:
    """One backend to query: ``call(params)`` returns the total number of hits."""

    name: str
    call: Callable[[dict[str, str]], int]
    server_cpu: Callable[[], float] | None = None


def api_target(name: str, app: Any, server_cpu: Callable[[], float] | None = None) -> Target:
    client = app.test_client()

    def call(params: dict[str, str]) -> int:
        response = client.get("/api/v1/search", query_string=params)
        if response.status_code != 200:
            raise RuntimeError(f"{name}: search {params} failed: {response.status_code} "
                               f"{response.get_data(as_text=True)[:500]}")
        return int(response.get_json()["total"])

    return Target(name, call, server_cpu)


def fts_target(con: sqlite3.Connection) -> Target:
    return Target("fts5", lambda params: int(fts_search(con, params)["total"]))


def run_single(targets: list[Target], params_list: list[dict[str, str]]) -> dict[str, Any]:
    """Every query on every target, rotating; the first ``WARMUP`` are not counted."""
    walls: dict[str, list[float]] = {t.name: [] for t in targets}
    cpus: dict[str, list[float]] = {t.name: [] for t in targets}
    filtered: dict[str, list[float]] = {t.name: [] for t in targets}
    server: dict[str, float] = {t.name: 0.0 for t in targets}
    totals: dict[str, list[int]] = {t.name: [] for t in targets}
    slowest: dict[str, list[tuple[float, dict[str, str]]]] = {t.name: [] for t in targets}
    for number, params in enumerate(params_list):
        shift = number % len(targets)
        for target in targets[shift:] + targets[:shift]:
            server_before = target.server_cpu() if target.server_cpu else 0.0
            started, cpu_started = time.perf_counter(), time.process_time()
            total = target.call(params)
            wall = (time.perf_counter() - started) * 1000
            cpu = (time.process_time() - cpu_started) * 1000
            if number < WARMUP:
                continue
            walls[target.name].append(wall)
            cpus[target.name].append(cpu)
            totals[target.name].append(total)
            if "theme" in params or "sector" in params:
                filtered[target.name].append(wall)
            if target.server_cpu:
                server[target.name] += target.server_cpu() - server_before
            slowest[target.name] = sorted([*slowest[target.name], (wall, params)],
                                          key=lambda entry: -entry[0])[:SLOWEST]
    found = {}
    for target in targets:
        name = target.name
        counted = len(walls[name])
        result = {"queries": counted, **summary(walls[name]), **summary(cpus[name], "cpu_"),
                  "filtered_p95_ms": summary(filtered[name])["p95_ms"],
                  "median_total": statistics.median(totals[name]),
                  "slowest": [{"ms": round(ms, 1), "params": p} for ms, p in slowest[name]]}
        if target.server_cpu:
            result["server_cpu_ms_mean"] = round(server[name] * 1000 / counted, 1)
        found[name] = result
    return found
