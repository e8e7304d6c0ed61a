"""Rate-limit counters in the app's own database: the ``database://`` storage.

Flask-Limiter keeps its counters in a ``limits`` storage. ``memory://`` is one
process's memory: with four gunicorn workers an attacker gets four times the
login attempts, with several machines more again. Redis would share them, but
a PostgreSQL deployment should not need another service for a handful of rows,
so this storage keeps the hits in the table ``rate_limit_hits`` of the app's
database. ``RATELIMIT_STORAGE_URI = "database://"`` means "the app's own
database": ``limits`` builds a storage from a URI and keyword options and
cannot know the app, so :func:`storage_options` hands it the app's engine
(``kennisbank.security`` passes those options to Flask-Limiter).

**Semantics** are those of ``limits``' memory storage. Moving window: a hit is
a row (key, time, amount), and a hit is allowed when the amounts of the key's
hits in the last ``expiry`` seconds plus its own stay within the limit. Fixed
window (``incr``/``get``/``get_expiry``) works too: the rows of one window share
the expiry of its first hit. The sliding-window-counter strategy is not offered.

**Atomicity**: checking and recording a hit of one key happen in one
transaction that holds a lock for that key. On PostgreSQL that is a
transaction-level advisory lock (released by the commit; the key may have no
row yet, so ``SELECT ... FOR UPDATE`` would lock nothing), in READ COMMITTED,
so the statements after the lock see what the previous holder committed. On
SQLite it is ``BEGIN IMMEDIATE``, the database's single write lock; SQLite
serves one machine, whose processes all take it.

**Time**: on PostgreSQL the database server's clock, so app servers whose
clocks drift apart still agree on which hits are in the window; on SQLite the
local clock, which every process there shares. Tests pass ``clock`` instead.

**Clean-up**: recording a hit deletes the key's rows that left the window,
and at most every ``cleanup_interval`` seconds a process deletes every expired
row in one statement (indexed), so keys never hit again do not stay forever.
"""

from __future__ import annotations

import hashlib
import math
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask
from limits.errors import ConfigurationError
from limits.storage import MovingWindowSupport, Storage
from sqlalchemy import (
    BigInteger,
    Connection,
    Double,
    Engine,
    Index,
    Integer,
    String,
    delete,
    func,
    insert,
    select,
)
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column

from .extensions import db

SCHEME = "database"
#: Keys longer than this keep their start and end in a digest (see :func:`stored_key`).
KEY_LENGTH = 255
#: Seconds between two sweeps of all expired rows by one process.
CLEANUP_INTERVAL = 300.0
#: First half of the PostgreSQL advisory lock of a key ("kbrl"); the second is the key's hash.
LOCK_CLASS = 0x6B62_726C
DIALECTS = ("postgresql", "sqlite")


class RateLimitHit(db.Model):
    """One counted hit: rows of a key within its window are what the limit counts."""

    __tablename__ = "rate_limit_hits"
    __table_args__ = (Index("ix_rate_limit_hits_key_hit_at", "key", "hit_at"),)

    # SQLite numbers rows itself only for an INTEGER primary key.
    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(KEY_LENGTH))
    #: Seconds since the epoch, as ``time.time()``.
    hit_at: Mapped[float] = mapped_column(Double)
    #: When the row no longer counts for any window: what the sweep deletes by.
    expires_at: Mapped[float] = mapped_column(Double, index=True)
    amount: Mapped[int] = mapped_column(Integer)


HITS = RateLimitHit.__table__


def stored_key(key: str) -> str:
    """The key as stored: unchanged when it fits, else its start and a SHA-256 digest.

    Keys hold what people typed (the email of a login), so they can be long;
    the digest keeps long keys apart and the start keeps them readable.
    """
    if len(key) <= KEY_LENGTH:
        return key
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()
    return f"{key[:KEY_LENGTH - len(digest) - 1]}#{digest}"


def lock_id(key: str) -> int:
    """A stable signed 32-bit number for ``key`` (Python's ``hash`` differs per process)."""
    digest = hashlib.blake2b(key.encode("utf-8"), digest_size=4).digest()
    return int.from_bytes(digest, "big", signed=True)


class DatabaseStorage(Storage, MovingWindowSupport):
    """A ``limits`` storage on a SQLAlchemy engine (``database://``)."""

    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, *,
                 engine: Engine | None = None, clock: Callable[[], float] | None = None,
                 cleanup_interval: float = CLEANUP_INTERVAL) -> None:
        parsed = urllib.parse.urlparse(uri or f"{SCHEME}://")
        if parsed.netloc or parsed.path or parsed.query:
            raise ConfigurationError(
                f"{uri!r}: {SCHEME}:// takes no host or path; it is the app's own database "
                "(KENNISBANK_DATABASE_URL)"
            )
        if engine is None:
            raise ConfigurationError(
                f"{SCHEME}:// needs the app's engine (storage option 'engine')"
            )
        if engine.dialect.name not in DIALECTS:
            raise ConfigurationError(
                f"{SCHEME}:// works on PostgreSQL and SQLite, not {engine.dialect.name}"
            )
        super().__init__(uri, wrap_exceptions=wrap_exceptions)
        self.postgres = engine.dialect.name == "postgresql"
        # Under REPEATABLE READ the snapshot would predate the lock wait.
        self.engine = engine.execution_options(isolation_level="READ COMMITTED") \
            if self.postgres else engine
        self.clock = clock
        self.cleanup_interval = cleanup_interval
        self._next_sweep = -math.inf

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return SQLAlchemyError

    # -- transactions and time ---------------------------------------------------------

    @contextmanager
    def _transaction(self, lock: str | None = None) -> Iterator[tuple[Connection, float]]:
        """A transaction holding the lock of key ``lock`` (if given), and the time in it."""
        with self.engine.connect() as connection, connection.begin():
            if lock is not None:
                if self.postgres:
                    connection.execute(select(func.pg_advisory_xact_lock(LOCK_CLASS,
                                                                         lock_id(lock))))
                else:
                    connection.exec_driver_sql("BEGIN IMMEDIATE")
            yield connection, self._now(connection)

    def _now(self, connection: Connection) -> float:
        if self.clock is not None:
            return self.clock()
        if self.postgres:
            return float(connection.scalar(select(func.extract("epoch",
                                                               func.clock_timestamp()))))
        return time.time()

    def _sweep(self, now: float) -> None:
        """Delete every expired row, at most once per ``cleanup_interval`` per process."""
        if now < self._next_sweep:
            return
        self._next_sweep = now + self.cleanup_interval
        with self.engine.begin() as connection:
            connection.execute(delete(HITS).where(HITS.c.expires_at < now))

    # -- moving window -----------------------------------------------------------------

    def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        if amount > limit:
            return False
        key = stored_key(key)
        with self._transaction(lock=key) as (connection, now):
            connection.execute(delete(HITS).where(HITS.c.key == key,
                                                  HITS.c.hit_at < now - expiry))
            used = connection.scalar(select(func.coalesce(func.sum(HITS.c.amount), 0))
                                     .where(HITS.c.key == key))
            allowed = int(used) + amount <= limit
            if allowed:
                connection.execute(insert(HITS).values(key=key, hit_at=now,
                                                       expires_at=now + expiry, amount=amount))
        self._sweep(now)
        return allowed

    def get_moving_window(self, key: str, limit: int, expiry: int) -> tuple[float, int]:
        """The oldest hit in the window and the amount in it; ``(now, 0)`` when empty."""
        with self._transaction() as (connection, now):
            oldest, used = connection.execute(
                select(func.min(HITS.c.hit_at), func.coalesce(func.sum(HITS.c.amount), 0))
                .where(HITS.c.key == stored_key(key), HITS.c.hit_at >= now - expiry)
            ).one()
        return (float(oldest), int(used)) if used else (now, 0)

    # -- fixed window ------------------------------------------------------------------

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        key = stored_key(key)
        with self._transaction(lock=key) as (connection, now):
            connection.execute(delete(HITS).where(HITS.c.key == key, HITS.c.expires_at <= now))
            ends = connection.scalar(select(func.min(HITS.c.expires_at))
                                     .where(HITS.c.key == key))
            connection.execute(insert(HITS).values(
                key=key, hit_at=now, expires_at=now + expiry if ends is None else ends,
                amount=amount,
            ))
            total = connection.scalar(select(func.sum(HITS.c.amount)).where(HITS.c.key == key))
        self._sweep(now)
        return int(total)

    def get(self, key: str) -> int:
        with self._transaction() as (connection, now):
            total = connection.scalar(
                select(func.coalesce(func.sum(HITS.c.amount), 0))
                .where(HITS.c.key == stored_key(key), HITS.c.expires_at > now)
            )
        return int(total)

    def get_expiry(self, key: str) -> float:
        with self._transaction() as (connection, now):
            ends = connection.scalar(
                select(func.min(HITS.c.expires_at))
                .where(HITS.c.key == stored_key(key), HITS.c.expires_at > now)
            )
        return now if ends is None else float(ends)

    # -- housekeeping ------------------------------------------------------------------

    def clear(self, key: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(delete(HITS).where(HITS.c.key == stored_key(key)))

    def reset(self) -> int | None:
        """Forget every hit; returns the number of rows deleted."""
        with self.engine.begin() as connection:
            return connection.execute(delete(HITS)).rowcount

    def check(self) -> bool:
        try:
            with self.engine.connect() as connection:
                connection.execute(select(1))
        except SQLAlchemyError:
            return False
        return True


def default_storage_uri(database_url: str) -> str:
    """Where the counters live when ``RATELIMIT_STORAGE_URI`` is unset.

    SQLite is one machine, usually one process (``kennisbank serve``): memory.
    Any other database exists to be shared by several workers and machines,
    where memory would multiply the allowed attempts: the database itself.
    """
    return "memory://" if database_url.partition(":")[0].startswith("sqlite") else f"{SCHEME}://"


def storage_options(app: Flask) -> dict[str, Any]:
    """The options ``database://`` needs (the app's engine); none for other storages."""
    uri = str(app.config.get("RATELIMIT_STORAGE_URI") or "")
    if urllib.parse.urlparse(uri).scheme != SCHEME:
        return {}
    with app.app_context():
        return {"engine": db.engine}
