"""A throwaway PostgreSQL cluster for the tests, and the opt-in to run the app on it.

The cluster comes from Debian's server binaries (``/usr/lib/postgresql/*/bin``;
``make system-deps`` installs them), never from the Debian-managed cluster: it
is initialised in a temporary folder, listens on 127.0.0.1 at a free port and
on a socket in that folder, runs as an unprivileged user (PostgreSQL refuses
to run as root; as root the system user ``kbtest`` is created for it), and is
stopped and removed when the test process ends. Durability is switched off
(``fsync``, ``synchronous_commit``, ``full_page_writes``): nothing here has to
survive a crash, and it makes each test's fresh database cheap.

Isolation: one template database is migrated to head once per session (by the
migrations, so they are exercised on PostgreSQL too); each app made by
``make_app`` under ``KENNISBANK_TEST_DB=postgres`` gets its own database at
head: a copy of that template, or one an earlier test used and that was
emptied (``TRUNCATE``) when that test ended, which costs a tenth of a copy.

When no server binaries exist, :func:`cluster_or_skip` skips the test with a
message that says how to install them.
"""

from __future__ import annotations

import atexit
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

TEST_DB_ENV = "KENNISBANK_TEST_DB"
TEST_SEARCH_ENV = "KENNISBANK_TEST_SEARCH"
TEST_USER = "kbtest"
TEMPLATE = "kb_template"
SKIP_MESSAGE = (
    "PostgreSQL server binaries not found (/usr/lib/postgresql/*/bin/initdb): "
    "run `make system-deps` as root or `apt-get install postgresql`"
)


def postgres_mode() -> bool:
    """Whether the suite runs the app on PostgreSQL (``KENNISBANK_TEST_DB=postgres``)."""
    return os.environ.get(TEST_DB_ENV, "").strip().lower() in {"postgres", "postgresql"}


def find_bindir() -> Path | None:
    """The newest installed server's bin folder."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                   key=lambda path: int(path.parent.parent.name) if
                   path.parent.parent.name.isdigit() else 0)
    return found[-1].parent if found else None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def service_user() -> str | None:
    """``None`` when already unprivileged; as root, the ``kbtest`` system user."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(TEST_USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
                        TEST_USER], check=True, capture_output=True)
    return TEST_USER


class Cluster:
    """One initialised and running PostgreSQL cluster in a temporary folder."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.user = service_user()
        self.root = Path(tempfile.mkdtemp(prefix="kennisbank-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self._names = itertools.count(1)
        if self.user is not None:
            shutil.chown(self.root, self.user)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust",
                  "-E", "UTF8", "--locale=C.UTF-8")
        options = (f"-c listen_addresses=127.0.0.1 -p {self.port} "
                   f"-c unix_socket_directories={self.root} -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200 "
                   # Not UTC, so tests notice a timestamp stored in the server's zone.
                   "-c timezone=Europe/Amsterdam")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "log"), "-o", options,
                  "-w", "start")
        atexit.register(self.stop)

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bindir / program), *args]
        if self.user is not None:
            command = ["runuser", "-u", self.user, "--", *command]
        subprocess.run(command, check=True, capture_output=True, cwd=self.root)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def execute(self, sql: str, database: str = "postgres") -> list[tuple[Any, ...]]:
        """Run one statement outside a transaction (CREATE/DROP DATABASE need that)."""
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user="postgres",
                             dbname=database, autocommit=True) as connection:
            cursor = connection.execute(sql)
            return cursor.fetchall() if cursor.description else []

    def create_database(self, template: str | None = None) -> str:
        """A new database (empty, or a copy of ``template``); returns its name."""
        name = f"kb_test_{os.getpid()}_{next(self._names)}"
        source = f" TEMPLATE {template}" if template else ""
        self.execute(f'CREATE DATABASE "{name}"{source}')
        return name

    def drop_database(self, name: str) -> None:
        self.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        if self.data.exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)


_cluster: Cluster | None = None
_template_ready = False
#: Databases made during the current test: (name, from the template).
_made: list[tuple[str, bool]] = []
#: Databases at head and emptied again, ready for the next test's apps.
_clean: list[str] = []


def cluster_or_skip() -> Cluster:
    """The session's cluster, started on first use; skips the test without binaries."""
    global _cluster
    if _cluster is None:
        bindir = find_bindir()
        if bindir is None:
            pytest.skip(SKIP_MESSAGE)
        _cluster = Cluster(bindir)
    return _cluster


def fresh_database(template: bool) -> str:
    """The URL of a new database, migrated to head when ``template``, else empty."""
    cluster = cluster_or_skip()
    if template:
        _ensure_template(cluster)
    if template and _clean:
        name = _clean.pop()
    else:
        name = cluster.create_database(TEMPLATE if template else None)
    _made.append((name, template))
    return cluster.url(name)


@contextmanager
def shared_database() -> Iterator[str]:
    """The URL of a database at head for several tests (a module's fixture, filled
    once), dropped after the last of them rather than recycled after each."""
    cluster = cluster_or_skip()
    _ensure_template(cluster)
    name = cluster.create_database(TEMPLATE)
    try:
        yield cluster.url(name)
    finally:
        cluster.drop_database(name)


def _recycle(cluster: Cluster, name: str) -> None:
    """Empty a used database for the next test: cheaper than copying the template again.

    Its connections (the finished test's app pools) are closed first, so none
    holds a lock; identities restart, so ids begin at 1 as in a new database.
    """
    cluster.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()", name)
    tables = [row[0] for row in cluster.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
        "AND tablename <> 'alembic_version'", name)]
    if tables:
        quoted = ", ".join(f'"{table}"' for table in tables)
        cluster.execute(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE", name)
    _clean.append(name)


def _ensure_template(cluster: Cluster) -> None:
    """Migrate the template database once, with the migrations, not ``create_all``."""
    global _template_ready
    if _template_ready:
        return
    from kennisbank import create_app, schema
    from kennisbank.extensions import db

    cluster.execute(f'CREATE DATABASE "{TEMPLATE}"')
    instance = tempfile.mkdtemp(prefix="kennisbank-pg-template-")
    app = create_app({"INSTANCE": instance, "TESTING": True, "SECRET_KEY": "template",
                      "DATABASE_URL": cluster.url(TEMPLATE), "AUTO_MIGRATE": False})
    with app.app_context():
        schema.upgrade("head")
        db.engine.dispose()
    shutil.rmtree(instance, ignore_errors=True)
    _template_ready = True


def search_backend() -> str:
    """The search backend the suite runs with (``KENNISBANK_TEST_SEARCH``, default whoosh)."""
    return os.environ.get(TEST_SEARCH_ENV, "").strip().lower() or "whoosh"


def with_test_database(settings: dict[str, Any]) -> dict[str, Any]:
    """In PostgreSQL mode, give an app without its own DATABASE_URL a fresh database;
    with ``KENNISBANK_TEST_SEARCH=postgres`` also search inside it."""
    if postgres_mode() and not settings.get("DATABASE_URL"):
        settings = {**settings, "DATABASE_URL": fresh_database(template=True)}
        if search_backend() == "postgres":
            settings.setdefault("SEARCH_BACKEND", "postgres")
    return settings


@pytest.fixture(autouse=True)
def _drop_test_databases() -> Iterator[None]:
    """Each test's databases go when it ends (WITH FORCE closes the apps' pooled connections)."""
    yield
    while _made:
        name, from_template = _made.pop()
        if _cluster is None:
            continue
        if from_template:
            _recycle(_cluster, name)
        else:
            _cluster.drop_database(name)


@pytest.fixture
def postgres_url() -> str:
    """An empty database on the throwaway cluster (skips when PostgreSQL is unavailable)."""
    return fresh_database(template=False)


#: For tests of the Whoosh backend's own machinery (outbox, index files, locks).
whoosh_only = pytest.mark.skipif(
    search_backend() != "whoosh",
    reason="tests the Whoosh backend's outbox and index files; the PostgreSQL backend "
           "indexes inside the item's transaction (tests/search/test_pg_backend.py)",
)
