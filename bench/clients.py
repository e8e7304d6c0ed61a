"""Concurrent clients: gunicorn serving the app, wrk sending the query list.

For each worker count and backend, gunicorn starts with that many **sync**
workers (one request at a time each: search is CPU work, threads would only
queue behind the GIL) on loopback; ``wrk`` keeps 16 connections busy for a
warm-up (each worker loads its indexes and opens its pool), then for the
measured run, cycling through the same URLs as the single-client pass
(``bench/wrk_urls.lua``). Reported: requests per second, latency p50/p95/p99
(wrk's, taken in its ``done`` hook, so p95 is exact rather than read off the
``--latency`` table), errors, and CPU per request of the server side
(gunicorn and, for PostgreSQL, the database) and of wrk itself.

wrk and the servers share the machine's cores, and other jobs run beside
them: worker counts and backends are interleaved (all backends at one worker
count, then the next count), and ratios within one run are what to compare.
The FTS5 baseline is served the same way (``bench/fts_app.py``).
"""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench.measure import load_average, tree_cpu_seconds
from tests.pg import free_port

ROOT = Path(__file__).resolve().parent.parent
LUA_TEMPLATE = Path(__file__).with_name("wrk_urls.lua")
SEARCH_PATH = "/api/v1/search"
READY_TIMEOUT = 300.0


@dataclass
class Server:
    """How to serve one backend: the WSGI app and its environment."""

    name: str
    app: str
    env: dict[str, str]
    extra_cpu: Callable[[], float] | None = None


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def url_paths(params_list: list[dict[str, str]]) -> list[str]:
    return [f"{SEARCH_PATH}?{urlencode(params)}" for params in params_list]


def write_script(paths: list[str], folder: Path) -> Path:
    """The wrk script with the URL list filled in."""
    listed = ",\n".join(json.dumps(path) for path in paths)
    script = folder / "urls.lua"
    script.write_text(LUA_TEMPLATE.read_text().replace("--URLS--", listed))
    return script


@contextmanager
def serving(server: Server, workers: int, folder: Path, probe: str) -> Iterator[tuple[str, int]]:
    """gunicorn with ``workers`` sync workers; yields (base URL, master pid)."""
    port = free_port()
    log = (folder / f"gunicorn-{server.name}-{workers}.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--worker-class", "sync",
         "--bind", f"127.0.0.1:{port}", "--backlog", "128", "--timeout", "600",
         "--graceful-timeout", "10", server.app],
        cwd=ROOT, env={**os.environ, **server.env}, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(base + probe, process)
        yield base, process.pid
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _wait_ready(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=READY_TIMEOUT) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.5)
    raise RuntimeError(f"gunicorn did not answer {url} in {READY_TIMEOUT:.0f} s")


def wrk(base: str, script: Path, clients: int, threads: int, seconds: int) -> dict[str, Any]:
    """One wrk run; returns the figures its ``done`` hook printed."""
    output = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{clients}", f"-d{seconds}s", "--timeout", "60s",
         "-s", str(script), base + SEARCH_PATH],
        check=True, capture_output=True, text=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("BENCH "))
    return json.loads(line.removeprefix("BENCH "))


def measure(server: Server, workers: int, paths: list[str], *, clients: int, threads: int,
            seconds: int, warmup: int) -> dict[str, Any]:
    """Serve ``server`` with ``workers`` workers, warm it up, then measure."""
    with tempfile.TemporaryDirectory(prefix="kb-bench-wrk-") as tmp:
        folder = Path(tmp)
        script = write_script(paths, folder)
        with serving(server, workers, folder, paths[0]) as (base, pid):
            wrk(base, script, clients, threads, warmup)
            load = load_average()
            server_before = tree_cpu_seconds(pid)
            extra_before = server.extra_cpu() if server.extra_cpu else 0.0
            wrk_before = _children_cpu()
            found = wrk(base, script, clients, threads, seconds)
            wrk_cpu = _children_cpu() - wrk_before
            server_cpu = tree_cpu_seconds(pid) - server_before
            extra_cpu = (server.extra_cpu() - extra_before) if server.extra_cpu else 0.0
    requests = max(found["requests"], 1)
    errors = sum(found[key] for key in found if key.startswith("errors_"))
    return {
        "backend": server.name, "workers": workers, "clients": clients,
        "seconds": round(found["duration_us"] / 1e6, 1), "requests": found["requests"],
        "requests_per_second": round(found["requests"] / (found["duration_us"] / 1e6), 1),
        "p50_ms": round(found["p50_us"] / 1000, 1), "p95_ms": round(found["p95_us"] / 1000, 1),
        "p99_ms": round(found["p99_us"] / 1000, 1), "errors": errors,
        "server_cpu_ms_per_request": round((server_cpu + extra_cpu) * 1000 / requests, 1),
        "app_cpu_ms_per_request": round(server_cpu * 1000 / requests, 1),
        "database_cpu_ms_per_request": round(extra_cpu * 1000 / requests, 1),
        "wrk_cpu_seconds": round(wrk_cpu, 1), "load_average": load,
    }


def run_concurrent(servers: list[Server], worker_counts: list[int], paths: list[str], *,
                   clients: int, threads: int, seconds: int, warmup: int,
                   report: Callable[[dict[str, Any]], None]) -> list[dict[str, Any]]:
    """Every backend at each worker count, interleaved; ``report`` gets each result."""
    results = []
    for workers in worker_counts:
        for server in servers:
            result = measure(server, workers, paths, clients=clients, threads=threads,
                             seconds=seconds, warmup=warmup)
            print(json.dumps(result), flush=True)
            results.append(result)
            report(result)
    return results
