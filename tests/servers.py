"""Real app servers for the tests: gunicorn processes on loopback, and a tiny HTTP client.

The in-process test client runs one request at a time in the test's own
process; what several servers on one database do under load only shows with
real processes. :class:`Server` starts ``gunicorn 'kennisbank:create_app()'``
(the README's production command) with its settings in ``KENNISBANK_*``
variables, waits until it answers, and stops it again; its log (gunicorn's
errors and access lines) goes to a file that failure messages quote.

The client is the standard library's ``http.client`` with one connection per
request, so a test needs no HTTP package and every request can go to any
server.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

APP = "kennisbank:create_app()"
START_TIMEOUT = 120.0
REQUEST_TIMEOUT = 60.0
LOG_TAIL = 40
#: A Python exception's last line, as a worker that failed to boot logs it.
EXCEPTION_LINE = re.compile(r"^[\w.]*(Error|Exception): .*", re.MULTILINE)


@dataclass
class Answer:
    """One response: ``status`` 0 means no HTTP answer at all (refused, reset, timeout)."""

    server: str
    method: str
    path: str
    status: int
    body: Any
    text: str

    def __str__(self) -> str:
        return f"{self.method} {self.server}{self.path} -> {self.status} {self.text[:300]}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def call(base: str, method: str, path: str, *, body: Any = None,
         token: str | None = None) -> Answer:
    """Send one request to ``base`` (``host:port``); never raises for network trouble."""
    host, port = base.rsplit(":", 1)
    headers = {"Accept": "application/json"}
    payload = None
    if body is not None:
        payload = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    connection = http.client.HTTPConnection(host, int(port), timeout=REQUEST_TIMEOUT)
    try:
        connection.request(method, path, body=payload, headers=headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        status = response.status
    except (OSError, http.client.HTTPException) as exc:
        return Answer(base, method, path, 0, None, f"no answer: {exc!r}")
    finally:
        connection.close()
    try:
        parsed = json.loads(text) if text else None
    except ValueError:
        parsed = None
    return Answer(base, method, path, status, parsed, text)


class Server:
    """One gunicorn master with its workers, started by :meth:`start`."""

    def __init__(self, name: str, folder: Path, settings: dict[str, str], *,
                 workers: int = 2, threads: int = 2) -> None:
        self.name = name
        self.port = free_port()
        self.base = f"127.0.0.1:{self.port}"
        folder.mkdir(parents=True, exist_ok=True)
        self.log = folder / "gunicorn.log"
        # Only the settings given here: none leak in from the test run's environment.
        env = {key: value for key, value in os.environ.items()
               if not key.startswith("KENNISBANK_")}
        env.update({"KENNISBANK_INSTANCE": str(folder / "instance"), **settings})
        self._env = env
        self._folder = folder
        self._command = [
            sys.executable, "-m", "gunicorn", APP,
            "--bind", self.base, "--workers", str(workers), "--threads", str(threads),
            "--timeout", "120", "--graceful-timeout", "5", "--access-logfile", "-",
        ]
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                self._command, env=self._env, cwd=self._folder, stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True,
            )

    def wait_until_answering(self) -> str | None:
        """``None`` once it answers the API; else why not (it exited, or never answered)."""
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                code = None if self.process is None else self.process.returncode
                return (f"server {self.name} exited with code {code} while starting:"
                        f" {self.first_exception()}")
            if call(self.base, "GET", "/api/v1/items?per_page=1").status == 200:
                return None
            time.sleep(0.2)
        return f"server {self.name} did not answer within {START_TIMEOUT:.0f} s"

    def terminate(self) -> None:
        """Ask the master to stop its workers and exit (gunicorn's graceful shutdown)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()

    def wait_stopped(self) -> None:
        """Wait for the exit; kill the whole process group if it does not come."""
        if self.process is None or self.process.poll() is not None:
            return
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=15)

    def first_exception(self) -> str:
        """The first exception in the log: why a worker failed to boot."""
        found = EXCEPTION_LINE.search(self.log_tail(lines=10_000))
        return found.group(0) if found else "(no exception in its log)"

    def log_tail(self, lines: int = LOG_TAIL) -> str:
        try:
            text = self.log.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])


def stop_all(servers: list[Server]) -> None:
    """Ask every server to stop first, then wait: their graceful shutdowns overlap."""
    for server in servers:
        server.terminate()
    for server in servers:
        server.wait_stopped()


def logs_of(servers: list[Server]) -> str:
    """Every server's log tail, for a failure message."""
    return "\n".join(f"--- log of server {s.name} ({s.base}), last {LOG_TAIL} lines ---\n"
                     f"{s.log_tail()}" for s in servers)
