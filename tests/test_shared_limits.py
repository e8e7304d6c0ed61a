"""Several processes on one database: one login throttle, one session state, one secret.

Two app objects on the same database stand for two gunicorn workers or two
machines. With ``KENNISBANK_TEST_DB=postgres`` they share a PostgreSQL
database (``make test`` runs this file that way too), else a SQLite file.
Time is injected into the ``database://`` storage (its ``clock`` option), so
no test waits for a window to pass.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from limits.errors import ConfigurationError
from limits.storage import MemoryStorage, storage_from_string

from kennisbank.auth.passwords import hash_password
from kennisbank.config import SECRET_KEY_FILE, ConfigError, load_config
from kennisbank.extensions import db
from kennisbank.models import User
from kennisbank.ratelimit import (
    HITS,
    KEY_LENGTH,
    DatabaseStorage,
    default_storage_uri,
    stored_key,
)
from kennisbank.security import LIMITER_KEY
from tests.conftest import PASSWORD, make_app

PG_URL = "postgresql+psycopg://kennisbank@db.example.org/kennisbank"


class Clock:
    """A settable ``time.time``."""

    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def two_apps(tmp_path: Path, **config: Any) -> tuple[Flask, Flask]:
    """Two apps (own instance folders) on one database, as two app servers."""
    first = make_app(tmp_path / "a", **config)
    second = make_app(tmp_path / "b", DATABASE_URL=first.config["DATABASE_URL"], **config)
    return first, second


def add_users(app: Flask, *emails: str) -> None:
    with app.app_context():
        for email in emails:
            db.session.add(User(email=email, name="x", role="reader",
                                password_hash=hash_password(PASSWORD)))
        db.session.commit()


def post_login(client: FlaskClient, email: str, password: str, address: str = "10.0.0.1") -> int:
    return client.post("/en/login", data={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": address}).status_code


def rows(app: Flask, containing: str = "") -> list[tuple[str, float]]:
    """The stored hits (key, time) in time order, of keys ``containing`` a text."""
    with app.app_context(), db.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(
            sa.select(HITS.c.key, HITS.c.hit_at).where(HITS.c.key.contains(containing))
            .order_by(HITS.c.hit_at))]


# -- the login throttle across app servers ----------------------------------------------


def test_failed_logins_spread_over_two_servers_share_one_account_budget(tmp_path: Path) -> None:
    first, second = two_apps(tmp_path, RATELIMIT_STORAGE_URI="database://",
                             LOGIN_LIMIT_ACCOUNT="3 per hour",
                             LOGIN_LIMIT_ADDRESS="100 per hour")
    for app in (first, second):
        assert isinstance(app.extensions[LIMITER_KEY].storage, DatabaseStorage)
    add_users(first, "victim@example.org", "bystander@example.org")
    a, b = first.test_client(), second.test_client()
    guesses = [post_login(client, "victim@example.org", f"guess-{n}")
               for n, client in enumerate((a, b, a))]
    assert guesses == [200, 200, 200]
    # The fourth attempt is refused on either server, even with the right password.
    assert post_login(b, "victim@example.org", PASSWORD, "10.9.9.9") == 429
    assert post_login(a, "Victim@example.org", PASSWORD, "10.9.9.8") == 429
    assert post_login(second.test_client(), "bystander@example.org", PASSWORD) == 303
    assert post_login(first.test_client(), "bystander@example.org", PASSWORD) == 303
    assert len(rows(first, "login-account")) == 3


def test_failed_logins_from_one_address_over_two_servers_share_its_budget(
    tmp_path: Path,
) -> None:
    first, second = two_apps(tmp_path, RATELIMIT_STORAGE_URI="database://",
                             LOGIN_LIMIT_ACCOUNT="100 per hour", LOGIN_LIMIT_ADDRESS="2 per hour")
    add_users(first, "real@example.org")
    attacker = "192.0.2.7"
    assert post_login(first.test_client(), "u1@example.org", PASSWORD, attacker) == 200
    assert post_login(second.test_client(), "u2@example.org", PASSWORD, attacker) == 200
    assert post_login(first.test_client(), "real@example.org", PASSWORD, attacker) == 429
    assert post_login(second.test_client(), "real@example.org", PASSWORD, "198.51.100.1") == 303


def test_no_typed_address_or_password_is_stored_with_the_counts(tmp_path: Path) -> None:
    """Keys are at rest in a shared storage; a password typed as the email must not be."""
    app = make_app(tmp_path, RATELIMIT_STORAGE_URI="database://")
    add_users(app, "anna@example.org")
    client = app.test_client()
    assert post_login(client, "anna@example.org", "wrong guess") == 200
    assert post_login(client, "my secret phrase 7", "anything") == 200
    keys = " ".join(key for key, _at in rows(app))
    assert keys.count("login-account") == 2 and keys.count("10.0.0.1") == 2
    assert "anna" not in keys and "secret phrase" not in keys


def test_the_moving_window_forgets_hits_older_than_the_window(tmp_path: Path) -> None:
    clock = Clock()
    start = clock.now
    first, second = two_apps(tmp_path, RATELIMIT_STORAGE_URI="database://",
                             RATELIMIT_STORAGE_OPTIONS={"clock": clock},
                             LOGIN_LIMIT_ACCOUNT="3 per 10 minutes",
                             LOGIN_LIMIT_ADDRESS="100 per hour")
    add_users(first, "victim@example.org")
    a, b = first.test_client(), second.test_client()

    def attempt(client: FlaskClient, at: float) -> int:
        clock.now = start + at
        return post_login(client, "victim@example.org", "wrong guess")

    assert [attempt(a, 0), attempt(b, 300), attempt(a, 400)] == [200, 200, 200]
    assert attempt(b, 500) == 429
    # The hit of 0 s left the window at 600 s; those of 300 s and 400 s have not,
    # so one attempt is free (a fixed window would have freed all three).
    assert attempt(a, 601) == 200
    assert attempt(b, 602) == 429
    assert attempt(a, 1001) == 200
    assert [at - start for _key, at in rows(first, "login-account")] == [601, 1001]


def test_the_storage_follows_the_database_unless_configured(tmp_path: Path) -> None:
    app = make_app(tmp_path / "default")
    storage = app.extensions[LIMITER_KEY].storage
    if app.config["DATABASE_URL"].startswith("sqlite"):
        assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"
        assert isinstance(storage, MemoryStorage)
    else:
        assert app.config["RATELIMIT_STORAGE_URI"] == "database://"
        assert isinstance(storage, DatabaseStorage)
    chosen = make_app(tmp_path / "chosen", RATELIMIT_STORAGE_URI="memory://")
    assert isinstance(chosen.extensions[LIMITER_KEY].storage, MemoryStorage)
    assert default_storage_uri("sqlite:////var/lib/kennisbank/kennisbank.sqlite") == "memory://"
    assert default_storage_uri("sqlite+pysqlite:///x.sqlite") == "memory://"
    assert default_storage_uri(PG_URL) == "database://"


# -- sessions across app servers --------------------------------------------------------


def test_a_session_works_on_every_server_and_a_password_change_ends_it_everywhere(
    tmp_path: Path,
) -> None:
    first, second = two_apps(tmp_path)
    add_users(first, "anna@example.org")
    on_first = first.test_client()
    # From the address the test client uses later: sessions are bound to it ("strong").
    assert post_login(on_first, "anna@example.org", PASSWORD, "127.0.0.1") == 303
    on_second = second.test_client()
    on_second.set_cookie("session", on_first.get_cookie("session").value)
    assert on_second.get("/en/account").status_code == 200
    changed = on_first.post("/en/account/password", data={
        "current_password": PASSWORD, "new_password": "a new long secret!",
        "confirm": "a new long secret!"})
    assert changed.status_code == 303
    assert on_first.get("/en/account").status_code == 200
    assert on_second.get("/en/account").status_code == 401


# -- the storage itself ------------------------------------------------------------------


@pytest.fixture
def engine_app(tmp_path: Path) -> Flask:
    return make_app(tmp_path)


def storage_for(app: Flask, **options: Any) -> DatabaseStorage:
    with app.app_context():
        storage = storage_from_string("database://", engine=db.engine, **options)
    assert isinstance(storage, DatabaseStorage)
    return storage


def test_moving_window_hits_counts_and_refusals(engine_app: Flask) -> None:
    clock = Clock()
    storage = storage_for(engine_app, clock=clock)
    assert storage.get_moving_window("k", 3, 60) == (clock.now, 0)
    assert [storage.acquire_entry("k", 3, 60) for _ in range(4)] == [True, True, True, False]
    assert storage.get_moving_window("k", 3, 60) == (clock.now, 3)
    assert storage.acquire_entry("other", 3, 60, amount=4) is False
    assert storage.acquire_entry("other", 3, 60, amount=2) is True
    assert storage.acquire_entry("other", 3, 60, amount=2) is False
    assert storage.get_moving_window("other", 3, 60)[1] == 2
    assert storage.check() is True


def test_moving_window_expiry_frees_the_oldest_hits_and_deletes_their_rows(
    engine_app: Flask,
) -> None:
    clock = Clock()
    start = clock.now
    storage = storage_for(engine_app, clock=clock)
    for offset in (0, 10, 20):
        clock.now = start + offset
        assert storage.acquire_entry("k", 3, 60)
    clock.now = start + 59
    assert storage.acquire_entry("k", 3, 60) is False
    assert storage.get_moving_window("k", 3, 60) == (start, 3)
    clock.now = start + 60.5
    assert storage.get_moving_window("k", 3, 60) == (start + 10, 2)
    assert storage.acquire_entry("k", 3, 60) is True
    assert storage.acquire_entry("k", 3, 60) is False
    assert [at - start for _key, at in rows(engine_app)] == [10, 20, 60.5]


def test_expired_rows_of_keys_never_hit_again_are_swept(engine_app: Flask) -> None:
    clock = Clock()
    storage = storage_for(engine_app, clock=clock, cleanup_interval=100)
    assert storage.acquire_entry("left-alone", 5, 60)
    clock.now += 101
    assert storage.acquire_entry("busy", 5, 60)
    assert [key for key, _at in rows(engine_app)] == ["busy"]
    assert storage.acquire_entry("left-alone", 5, 60)
    clock.now += 61
    # Within the interval since the last sweep: expired rows of other keys stay a while.
    assert storage.acquire_entry("busy", 5, 60)
    assert sorted(key for key, _at in rows(engine_app)) == ["busy", "left-alone"]


def test_clear_and_reset(engine_app: Flask) -> None:
    storage = storage_for(engine_app, clock=Clock())
    for key in ("a", "a", "b"):
        storage.acquire_entry(key, 5, 60)
    storage.clear("a")
    assert storage.get_moving_window("a", 5, 60)[1] == 0
    assert storage.get_moving_window("b", 5, 60)[1] == 1
    storage.acquire_entry("c", 5, 60)
    assert storage.reset() == 2
    assert rows(engine_app) == []


def test_fixed_window_counts_until_the_first_hits_expiry(engine_app: Flask) -> None:
    clock = Clock()
    start = clock.now
    storage = storage_for(engine_app, clock=clock)
    assert storage.get("k") == 0 and storage.get_expiry("k") == start
    assert storage.incr("k", 60) == 1
    clock.now = start + 30
    assert storage.incr("k", 60, amount=2) == 3
    assert storage.get("k") == 3 and storage.get_expiry("k") == start + 60
    clock.now = start + 60
    assert storage.get("k") == 0
    assert storage.incr("k", 60) == 1 and storage.get_expiry("k") == start + 120


def test_two_servers_storages_share_their_counts(tmp_path: Path) -> None:
    first, second = two_apps(tmp_path)
    clock = Clock()
    one, other = storage_for(first, clock=clock), storage_for(second, clock=clock)
    assert one.acquire_entry("k", 2, 60) and other.acquire_entry("k", 2, 60)
    assert one.acquire_entry("k", 2, 60) is False and other.acquire_entry("k", 2, 60) is False
    assert one.get_moving_window("k", 2, 60) == (clock.now, 2)


def test_long_keys_are_shortened_and_kept_apart(engine_app: Flask) -> None:
    base = "account:" + "x" * 400
    long_one, long_two = base + "@one.example", base + "@two.example"
    assert stored_key("short") == "short"
    assert len(stored_key(long_one)) == KEY_LENGTH
    assert stored_key(long_one) != stored_key(long_two)
    storage = storage_for(engine_app, clock=Clock())
    assert storage.acquire_entry(long_one, 1, 60)
    assert storage.acquire_entry(long_two, 1, 60)
    assert storage.acquire_entry(long_one, 1, 60) is False


def test_concurrent_hits_never_exceed_the_limit(tmp_path: Path) -> None:
    """Threads of two servers hit one key at once; exactly ``limit`` hits are granted."""
    first, second = two_apps(tmp_path)
    storages = [storage_for(first), storage_for(second)]
    threads_per_storage, tries, limit = 4, 15, 50
    barrier = threading.Barrier(threads_per_storage * len(storages))
    granted: list[bool] = []
    failures: list[BaseException] = []

    def hammer(storage: DatabaseStorage) -> None:
        barrier.wait()
        try:
            for _ in range(tries):
                granted.append(storage.acquire_entry("hot", limit, 3600))
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            failures.append(exc)

    threads = [threading.Thread(target=hammer, args=(storage,))
               for storage in storages for _ in range(threads_per_storage)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert len(granted) == threads_per_storage * len(storages) * tries
    assert granted.count(True) == limit
    assert storages[1].get_moving_window("hot", limit, 3600)[1] == limit


def test_without_a_clock_the_storage_uses_epoch_seconds(engine_app: Flask) -> None:
    """On PostgreSQL the server's clock: in epoch seconds whatever its time zone."""
    storage = storage_for(engine_app)
    before = time.time()
    assert storage.acquire_entry("k", 1, 3600)
    oldest, used = storage.get_moving_window("k", 1, 3600)
    assert used == 1 and abs(oldest - before) < 60


def test_storage_uri_and_options_are_checked(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="takes no host or path"):
        storage_from_string("database://db.example.org", engine=object())
    with pytest.raises(ConfigurationError, match="needs the app's engine"):
        storage_from_string("database://")
    unreachable = sa.create_engine(f"sqlite:///{tmp_path / 'missing' / 'x.sqlite'}")
    assert DatabaseStorage("database://", engine=unreachable).check() is False


# -- the secret key ----------------------------------------------------------------------


def bare_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Flask:
    for name in ("KENNISBANK_SECRET_KEY", "KENNISBANK_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    return Flask("kennisbank", instance_path=str(tmp_path / "instance"))


def test_a_shared_database_without_a_configured_secret_key_refuses_to_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = bare_app(tmp_path, monkeypatch)
    with pytest.raises(ConfigError, match="KENNISBANK_SECRET_KEY is not set") as refused:
        load_config(app, {"DATABASE_URL": PG_URL})
    assert "same key" in str(refused.value)
    assert not (tmp_path / "instance" / SECRET_KEY_FILE).exists()


def test_a_shared_database_takes_the_configured_key_or_the_placed_key_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    configured = bare_app(tmp_path, monkeypatch)
    load_config(configured, {"DATABASE_URL": PG_URL, "SECRET_KEY": "from-the-vault"})
    assert configured.config["SECRET_KEY"] == "from-the-vault"
    assert not (tmp_path / "instance" / SECRET_KEY_FILE).exists()
    (tmp_path / "instance" / SECRET_KEY_FILE).write_text("placed-by-the-operator\n")
    placed = bare_app(tmp_path, monkeypatch)
    load_config(placed, {"DATABASE_URL": PG_URL})
    assert placed.config["SECRET_KEY"] == "placed-by-the-operator"


def test_sqlite_still_generates_its_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = bare_app(tmp_path, monkeypatch)
    load_config(app, {})
    assert len(app.config["SECRET_KEY"]) >= 32
    assert (tmp_path / "instance" / SECRET_KEY_FILE).read_text().strip() == \
        app.config["SECRET_KEY"]
