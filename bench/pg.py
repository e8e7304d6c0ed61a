"""A throwaway PostgreSQL cluster for the benchmark, tuned for this machine.

Like the tests' cluster (``tests/pg.py``) it comes from Debian's server
binaries, lives in a temporary folder, listens on loopback at a free port,
runs as the unprivileged system user ``kbtest`` when started as root, and is
removed by :meth:`BenchCluster.stop`. Unlike it, its settings suit the
benchmark machine (24 GB of memory, 2 cores, SSD) and bulk loading:
:data:`SETTINGS`, overridable from the command line, and recorded with
every result.

Durability is off (``fsync``, ``synchronous_commit``, ``full_page_writes``,
``wal_level = minimal``): nothing here has to survive a crash, and the
million-row loads would otherwise wait on the disk. Queries do not write, so
these settings do not change the search figures.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from bench.measure import tree_cpu_seconds
from tests.pg import find_bindir, free_port, service_user

#: Memory for a 24 GB / 2-core machine shared with the app, the load
#: generator and other jobs; durability off for loading (see the module doc).
SETTINGS: dict[str, str] = {
    "shared_buffers": "4GB",
    "effective_cache_size": "16GB",
    "work_mem": "64MB",
    "maintenance_work_mem": "2GB",
    "max_parallel_workers_per_gather": "2",
    "max_parallel_maintenance_workers": "2",
    "random_page_cost": "1.1",
    "effective_io_concurrency": "200",
    "jit": "off",
    "max_connections": "100",
    "max_wal_size": "16GB",
    "checkpoint_timeout": "30min",
    "wal_level": "minimal",
    "max_wal_senders": "0",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "timezone": "UTC",
}


class BenchCluster:
    """One initialised, tuned and running cluster; :meth:`stop` removes it."""

    def __init__(self, settings: dict[str, str], bindir: Path | None = None) -> None:
        found = bindir or find_bindir()
        if found is None:
            raise RuntimeError("no PostgreSQL server binaries (/usr/lib/postgresql/*/bin): "
                               "run `make system-deps` or `apt-get install postgresql`")
        self.bindir = found
        self.settings = dict(settings)
        self.user = service_user()
        self.root = Path(tempfile.mkdtemp(prefix="kennisbank-bench-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        if self.user is not None:
            shutil.chown(self.root, self.user)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust",
                  "-E", "UTF8", "--locale=C.UTF-8")
        lines = [f"{name} = '{value}'" for name, value in self.settings.items()]
        lines += ["listen_addresses = '127.0.0.1'", f"port = {self.port}",
                  f"unix_socket_directories = '{self.root}'"]
        with (self.data / "postgresql.conf").open("a", encoding="utf-8") as conf:
            conf.write("\n# kennisbank benchmark\n" + "\n".join(lines) + "\n")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "log"), "-w", "start")

    @classmethod
    def attach(cls, root: Path) -> BenchCluster:
        """The running cluster that ``bench/run.py --keep`` left in ``root``."""
        cluster = cls.__new__(cls)
        cluster.root, cluster.data = root, root / "data"
        cluster.bindir = find_bindir() or Path("/usr/lib/postgresql/bin")
        cluster.user = service_user()
        conf = (cluster.data / "postgresql.conf").read_text(encoding="utf-8")
        found: dict[str, str] = {}
        for line in conf.splitlines():
            name, equals, value = line.partition("=")
            if equals and not line.lstrip().startswith("#"):
                found[name.strip()] = value.split("#")[0].strip().strip("'")
        cluster.port = int(found["port"])
        cluster.settings = {name: found[name] for name in SETTINGS if name in found}
        return cluster

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bindir / program), *args]
        if self.user is not None:
            command = ["runuser", "-u", self.user, "--", *command]
        subprocess.run(command, check=True, capture_output=True, cwd=self.root)

    @property
    def version(self) -> str:
        return str(self.execute("SHOW server_version")[0][0])

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def conninfo(self, database: str = "postgres") -> str:
        return f"host=127.0.0.1 port={self.port} user=postgres dbname={database}"

    def execute(self, sql: str, database: str = "postgres",
                args: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """One statement in autocommit mode (CREATE DATABASE and VACUUM need that)."""
        import psycopg

        with psycopg.connect(self.conninfo(database), autocommit=True) as connection:
            cursor = connection.execute(sql, args)
            return cursor.fetchall() if cursor.description else []

    def create_database(self, name: str) -> str:
        self.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.execute(f'CREATE DATABASE "{name}"')
        return name

    def table_sizes(self, database: str) -> dict[str, int]:
        """Bytes of every table in ``public`` with its indexes and TOAST."""
        rows = self.execute("SELECT relname, pg_total_relation_size(oid) FROM pg_class "
                            "WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace",
                            database)
        return {name: size for name, size in rows}

    def cpu_seconds(self) -> float:
        """CPU of the server: the postmaster and every backend, exited ones included."""
        pidfile = self.data / "postmaster.pid"
        try:
            pid = int(pidfile.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return 0.0
        return tree_cpu_seconds(pid)

    def stop(self) -> None:
        if self.data.exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)
